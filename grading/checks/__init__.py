"""The check kinds of the rubric, by name: :data:`KINDS`.

Importing a module registers its kinds (:mod:`grading.checks.base`).
"""

from grading.checks import (  # noqa: F401 - imported to register their kinds
    artifacts,
    base,
    dags,
    docker,
    documents,
    notebooks,
    planning,
    python_code,
    retro,
    run_api,
    run_dags,
    run_gates,
    run_ingest,
    run_monitoring,
    run_notebooks,
    run_production_api,
    run_registry,
    run_report,
    run_retrain,
    run_tests,
    run_training_gate,
)

KINDS = base.REGISTRY
