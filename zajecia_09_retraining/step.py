"""Class 09 in ``make run``: the second half of 2013 replayed month by month — traffic,
monitoring, retraining after alerts — and its report copied into the class folder
(``wyniki/``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kurs.backfill import run_in_airflow
from kurs.runner import RunContext
from zajecia_09_retraining.replay import MODULE, MONTHS, TRAFFIC
from zajecia_09_retraining.report import publish, year_lines

TITLE = "Dotrenowanie modelu"
ACTION = "2013-07…2013-12 miesiąc po miesiącu: ruch, monitoring, dotrenowanie po alercie"
# Read from the data folder: features (class 04) and the model registry (class 05).
NEEDS = {"features/flights": 4, "registry": 5}
PUBLISHED = Path(__file__).resolve().parent / "wyniki"


def run(
    context: RunContext,
    months: Sequence[str] = MONTHS,
    traffic: int = TRAFFIC,
    destination: Path = PUBLISHED,
) -> list[Path]:
    """Replay ``months`` (one Airflow session in a child process, see ``replay.py``) and
    copy the report into ``destination`` (the committed ``wyniki/``; tests pass their own).

    Raises:
        RuntimeError: a month failed; the message is the replay's error line.
    """
    arguments = ["--months", *months, "--traffic", str(traffic)]
    run_in_airflow(MODULE, arguments, context.data_dir, context.report)
    return publish(context.data_dir, list(months), destination)


def summary(data_dir: Path) -> list[str]:
    """The year month by month: ROC AUC of what was served beside never-retrain."""
    return year_lines(data_dir)
