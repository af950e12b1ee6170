"""The WSGI entry point of the production API: ``zajecia_08_deploy.wsgi:app``."""

from zajecia_08_deploy.app import create_app

app = create_app()
