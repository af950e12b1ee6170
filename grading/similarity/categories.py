"""The kinds of work compared (:data:`CATEGORIES`) and which files belong to each: the
``projekt.yaml`` entries that declare them (:data:`DECLARED`) and, for the files of the
class folders that no entry names, their file names (:func:`category_of`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from grading.project import DAG_ROLES


@dataclass(frozen=True)
class Category:
    """A kind of work: ``id`` in code, ``column`` in the CSV, ``label`` in Markdown,
    ``language`` choosing the tokens, the shingle length and the reference set."""

    id: str
    column: str
    label: str
    language: str


CATEGORIES = (
    Category("notebooks", "notebooki", "Notebooki", "python"),
    Category("dags", "dagi", "DAG-i", "python"),
    Category("modules", "moduly", "Moduły", "python"),
    Category("docker", "docker", "Docker", "docker"),
    Category("documents", "dokumenty", "Dokumenty", "prose"),
)
# Per category id, the projekt.yaml entries naming its files.
DECLARED = {
    "notebooks": ("artifacts.eda_notebook", "artifacts.slides_notebook"),
    "dags": tuple(f"dags.{role}.file" for role in DAG_ROLES),
    "modules": ("artifacts.data_module", "artifacts.gunicorn_config"),
    "docker": tuple(
        f"artifacts.{name}"
        for name in (
            *("airflow_dockerfile", "api_dockerfile"),
            *("airflow_compose", "api_compose", "production_compose"),
        )
    ),
    "documents": tuple(
        f"artifacts.{name}"
        for name in (
            *("business_goal", "backlog", "sprint_plan", "model_card", "final_report"),
            *("retro_report", "monitoring_reports", "retraining_reports"),
        )
    ),
}


def category_of(path: str) -> str | None:
    """The category id of a class folder's file by its name, None when none: notebooks,
    Python under a ``dags`` folder, other Python, Dockerfiles and compose files, Markdown
    but the READMEs (the course's text)."""
    pure = PurePosixPath(path)
    name = pure.name
    if name.endswith(".ipynb"):
        return "notebooks"
    if name.endswith(".py"):
        return "dags" if "dags" in pure.parts[1:-1] else "modules"
    if name.startswith("Dockerfile") or ("compose" in name and name.endswith((".yml", ".yaml"))):
        return "docker"
    if name.endswith(".md") and name != "README.md":
        return "documents"
    return None
