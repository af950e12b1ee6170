"""The WSGI entry point gunicorn serves: ``zajecia_07_docker.wsgi:app``."""

from zajecia_07_docker.app import create_app

app = create_app()
