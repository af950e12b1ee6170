"""Tests of the static Airflow DAG checks: file and imports, schedule, retries, assets."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from grading.checks.base import REGISTRY, Context
from grading.checks.dags import (
    cron_interval,
    dag_asset_schedule,
    dag_file,
    dag_outlet,
    dag_retries,
    dag_schedule,
)
from grading.model import StudentError
from grading.repo_files import RepoFiles
from grading.tests.repos import ROOT, reference_params, write_files

DAG_PATH = "zajecia_03/dags/ingest.py"
DAG = {"id": "ingest", "file": DAG_PATH}
ASSETS = 'from airflow.sdk import Asset\n\nRAW = Asset(name="raw", uri="mlops://raw")\n'
GOOD = """\
from datetime import timedelta

import pendulum
from airflow.sdk import CronDataIntervalTimetable, dag, task

from zajecia_03.assets import RAW


@dag(
    dag_id="ingest",
    schedule=CronDataIntervalTimetable("0 3 1 * *", timezone="UTC"),
    start_date=pendulum.datetime(2013, 1, 1, tz="UTC"),
    catchup=True,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=1)},
)
def pipeline():
    @task(outlets=[RAW])
    def load():
        return 1

    load()


pipeline()
"""
SCHEDULE = {"dag": DAG, "interval": "monthly", "first_month": "2013-01", "catchup": True}


def _dag(tmp_path: Path, text: str, **extra: str) -> Context:
    return write_files(tmp_path, {DAG_PATH: text, "zajecia_03/assets.py": ASSETS, **extra})


@pytest.mark.parametrize(
    "check_id",
    [
        "03.dag",
        "05.dag",
        "03.harmonogram",
        "03.ponowienia",
        "03.asset",
        "04.dag",
        "06.dag",
        "09.dag",
    ],
)
def test_reference_repository_scores_full(check_id):
    kind, params = reference_params(check_id)
    outcome = REGISTRY[kind].function(Context(RepoFiles(ROOT), project={}), params)
    assert outcome.score == 1, outcome.message


# dag_file


def test_dag_file_passes_with_dag_id_and_sdk_imports(tmp_path):
    outcome = dag_file(_dag(tmp_path, GOOD), {"dag": DAG})
    assert outcome.score == 1
    assert "DAG `ingest`" in outcome.message
    assert outcome.evidence[0].line == 9


@pytest.mark.parametrize(
    "text",
    [
        "from airflow.sdk import dag\n\n@dag\ndef ingest():\n    pass\n",
        "from airflow.sdk import dag\n\n@dag(schedule=None)\ndef ingest():\n    pass\n",
        "import airflow.sdk as sdk\n\n@sdk.dag('ingest')\ndef other():\n    pass\n",
        "from airflow.sdk import DAG\n\nwith DAG('ingest', schedule=None) as d:\n    pass\n",
        "from airflow.sdk import DAG\n\nd = DAG(dag_id='ingest')\n",
        "from airflow.sdk import DAG\n\nNAME = 'ingest'\nd = DAG(dag_id=NAME)\n",
    ],
)
def test_dag_file_finds_the_id_in_every_form(tmp_path, text):
    assert dag_file(_dag(tmp_path, text), {"dag": DAG}).score == 1


def test_dag_file_names_the_dags_found_when_the_id_differs(tmp_path):
    outcome = dag_file(_dag(tmp_path, GOOD.replace('"ingest"', '"other"')), {"dag": DAG})
    assert outcome.score == 0
    assert "nie ma DAG-a o id `ingest`" in outcome.message
    assert "`other`" in outcome.message


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("from airflow.models import DAG", "airflow.models"),
        ("from airflow.models.dag import DAG", "airflow.models"),
        ("from airflow.decorators import task", "airflow.decorators"),
        ("from airflow.datasets import Dataset", "airflow.datasets"),
        ("from airflow.operators.python import PythonOperator", "airflow.operators.python"),
        ("import airflow.models", "airflow.models"),
        ("from mylib import task", "task spoza airflow.sdk"),
    ],
)
def test_dag_file_refuses_legacy_and_foreign_imports(tmp_path, line, shown):
    text = GOOD.replace("import pendulum\n", f"import pendulum\n{line}\n")
    outcome = dag_file(_dag(tmp_path, text), {"dag": DAG})
    assert outcome.score == 0
    assert shown in outcome.message
    assert "wiersz 4" in outcome.message
    assert any(e.line == 4 for e in outcome.evidence)


def test_dag_file_needs_an_import_from_the_sdk(tmp_path):
    outcome = dag_file(_dag(tmp_path, "@dag\ndef ingest():\n    pass\n"), {"dag": DAG})
    assert outcome.score == 0
    assert "nie importuje niczego z `airflow.sdk`" in outcome.message


def test_dag_file_with_a_syntax_error_fails_with_its_line(tmp_path):
    with pytest.raises(StudentError) as raised:
        dag_file(_dag(tmp_path, "from airflow.sdk import dag\n\ndef broken(:\n"), {"dag": DAG})
    assert "wiersz 3" in raised.value.message
    assert raised.value.evidence.line == 3


@pytest.mark.parametrize(
    ("terms", "line"),
    [(3000, None), (300, 11)],
    ids=["deeper-than-the-parser", "deeper-than-the-walks"],
)
@pytest.mark.parametrize("check", [dag_file, dag_schedule, dag_retries, dag_asset_schedule])
def test_dag_with_a_very_long_expression_is_the_students_error(tmp_path, check, terms, line):
    schedule = " + ".join(["x"] * terms)
    text = GOOD.replace('CronDataIntervalTimetable("0 3 1 * *", timezone="UTC")', schedule)
    params = {**SCHEDULE, "asset": "raw"}
    with pytest.raises(StudentError, match="kod zagnieżdżony zbyt głęboko") as raised:
        check(_dag(tmp_path, text), params)
    assert raised.value.evidence.line == line


def test_dag_with_a_long_expression_within_the_limit_is_read(tmp_path):
    schedule = " | ".join(["RAW"] * 130)
    text = GOOD.replace('CronDataIntervalTimetable("0 3 1 * *", timezone="UTC")', schedule)
    outcome = dag_asset_schedule(_dag(tmp_path, text), {"dag": DAG, "asset": "raw"})
    assert outcome.score == 1, outcome.message
    outcome = dag_schedule(_dag(tmp_path, text), SCHEDULE)
    assert "`schedule=RAW | RAW | RAW" in outcome.message


def test_dag_file_with_a_nul_byte_is_the_students_error(tmp_path):
    context = write_files(tmp_path, {DAG_PATH: GOOD.encode() + b"\0"})
    with pytest.raises(StudentError, match="binarnym"):
        dag_file(context, {"dag": DAG})


def test_dag_file_does_not_follow_a_symlink_out_of_the_repository(tmp_path):
    outside = tmp_path / "outside.py"
    outside.write_text(GOOD, encoding="utf-8")
    repo = tmp_path / "repo"
    (repo / "zajecia_03" / "dags").mkdir(parents=True)
    (repo / DAG_PATH).symlink_to(outside)
    with pytest.raises(StudentError, match="poza repozytorium"):
        dag_file(Context(RepoFiles(repo), project={}), {"dag": DAG})


# dag_schedule


def test_dag_schedule_full(tmp_path):
    outcome = dag_schedule(_dag(tmp_path, GOOD), SCHEDULE)
    assert outcome.score == 1, outcome.message


def test_dag_schedule_plain_cron_string_is_not_a_data_interval(tmp_path):
    text = GOOD.replace('CronDataIntervalTimetable("0 3 1 * *", timezone="UTC")', '"0 0 1 * *"')
    outcome = dag_schedule(_dag(tmp_path, text), SCHEDULE)
    assert outcome.score == Fraction(1, 2)
    assert "CronTriggerTimetable" in outcome.message
    assert "bez interwału danych" in outcome.message


def test_dag_schedule_wrong_start_month_loses_a_quarter(tmp_path):
    text = GOOD.replace("pendulum.datetime(2013, 1, 1", "pendulum.datetime(2013, 2, 1")
    outcome = dag_schedule(_dag(tmp_path, text), SCHEDULE)
    assert outcome.score == Fraction(3, 4)
    assert "to nie pierwszy dzień 2013-01" in outcome.message


def test_dag_schedule_start_date_in_default_args_and_keywords(tmp_path):
    text = GOOD.replace('    start_date=pendulum.datetime(2013, 1, 1, tz="UTC"),\n', "").replace(
        '"retries": 2,', '"retries": 2, "start_date": datetime(year=2013, month=1, day=1),'
    )
    assert dag_schedule(_dag(tmp_path, text), SCHEDULE).score == 1


def test_dag_schedule_missing_catchup_loses_a_quarter(tmp_path):
    outcome = dag_schedule(_dag(tmp_path, GOOD.replace("    catchup=True,\n", "")), SCHEDULE)
    assert outcome.score == Fraction(3, 4)
    assert "brak `catchup`" in outcome.message


def test_dag_schedule_first_month_as_a_date(tmp_path):
    params = {**SCHEDULE, "first_month": date(2013, 1, 1)}
    assert dag_schedule(_dag(tmp_path, GOOD), params).score == 1


@pytest.mark.parametrize(
    ("first_month", "shown"),
    [("styczeń", "to 'styczeń', a powinien"), (201301, "to 201301, a powinien")],
)
def test_dag_schedule_wrong_first_month_is_shown_as_written(tmp_path, first_month, shown):
    with pytest.raises(StudentError, match=shown):
        dag_schedule(_dag(tmp_path, GOOD), {**SCHEDULE, "first_month": first_month})


def test_dag_schedule_wrong_interval_is_shown_as_written(tmp_path):
    with pytest.raises(StudentError, match="to 2013-01-01, a powinien być jednym z"):
        dag_schedule(_dag(tmp_path, GOOD), {**SCHEDULE, "interval": date(2013, 1, 1)})


@pytest.mark.parametrize(
    ("schedule", "interval", "score"),
    [
        ("DeltaDataIntervalTimetable(relativedelta(months=1))", "monthly", 1),
        ("DeltaDataIntervalTimetable(timedelta(days=7))", "weekly", 1),
        ("DeltaDataIntervalTimetable(delta=timedelta(days=1))", "daily", 1),
        ('CronDataIntervalTimetable("@daily", timezone="UTC")', "daily", 1),
        ('CronDataIntervalTimetable("30 6 * * 1", timezone="UTC")', "weekly", 1),
        ('CronDataIntervalTimetable("30 6 * * 1", timezone="UTC")', "monthly", Fraction(1, 2)),
        ("timedelta(days=1)", "daily", Fraction(1, 2)),
        ("None", "monthly", Fraction(1, 2)),
    ],
)
def test_dag_schedule_timetables(tmp_path, schedule, interval, score):
    text = GOOD.replace('CronDataIntervalTimetable("0 3 1 * *", timezone="UTC")', schedule)
    outcome = dag_schedule(_dag(tmp_path, text), {**SCHEDULE, "interval": interval})
    assert outcome.score == score, outcome.message


def test_dag_schedule_without_the_dag_fails(tmp_path):
    outcome = dag_schedule(_dag(tmp_path, GOOD), {**SCHEDULE, "dag": {**DAG, "id": "other"}})
    assert outcome.score == 0
    assert "nie ma DAG-a o id `other`" in outcome.message


def test_dag_schedule_bare_decorator_has_no_arguments(tmp_path):
    text = "from airflow.sdk import dag\n\n@dag\ndef ingest():\n    pass\n"
    outcome = dag_schedule(_dag(tmp_path, text), SCHEDULE)
    assert outcome.score == 0
    assert "nie ma argumentu `schedule`" in outcome.message


@pytest.mark.parametrize(
    ("cron", "interval"),
    [
        ("0 0 1 * *", "monthly"),
        ("15 4 28 * *", "monthly"),
        ("0 0 * * MON", "weekly"),
        ("0 0 * * *", "daily"),
        ("@monthly", "monthly"),
        ("*/5 * * * *", None),
        ("0 0 1 1 *", None),
        ("0 0 1 * 1", None),
        ("0 0 1", None),
    ],
)
def test_cron_interval(cron, interval):
    assert cron_interval(cron) == interval


# dag_retries


def test_dag_retries_from_default_args(tmp_path):
    outcome = dag_retries(_dag(tmp_path, GOOD), {"dag": DAG})
    assert outcome.score == 1
    assert "wszystkie zadania (1)" in outcome.message


def test_dag_retries_from_a_module_level_dict(tmp_path):
    text = GOOD.replace(
        'default_args={"retries": 2, "retry_delay": timedelta(minutes=1)}',
        "default_args=ARGS",
    ).replace("\n\n@dag(", "\nARGS = dict(retries=1, retry_delay=timedelta(seconds=30))\n\n@dag(")
    assert dag_retries(_dag(tmp_path, text), {"dag": DAG}).score == 1


def test_dag_retries_from_every_task(tmp_path):
    text = GOOD.replace(
        'default_args={"retries": 2, "retry_delay": timedelta(minutes=1)},\n', ""
    ).replace("@task(outlets=[RAW])", "@task(outlets=[RAW], retries=3, retry_delay=timedelta(1))")
    assert dag_retries(_dag(tmp_path, text), {"dag": DAG}).score == 1


def test_dag_retries_names_the_task_without_them(tmp_path):
    text = GOOD.replace('"retries": 2, ', "").replace(
        "    load()\n",
        "    load()\n    PythonOperator(task_id='x', python_callable=print, retries=1)\n",
    )
    outcome = dag_retries(_dag(tmp_path, text), {"dag": DAG})
    assert outcome.score == 0
    assert "zadanie `load` (wiersz 18) bez `retries` ≥ 1" in outcome.message
    assert "PythonOperator" not in outcome.message  # retry_delay from default_args, retries own


@pytest.mark.parametrize(
    "body",
    ["    pass\n", "    print('nic')\n"],
)
def test_dag_retries_without_tasks_fails(tmp_path, body):
    text = GOOD[: GOOD.index("def pipeline():\n")] + "def pipeline():\n" + body
    outcome = dag_retries(_dag(tmp_path, text), {"dag": DAG})
    assert outcome.score == 0
    assert f"w {DAG_PATH} nie ma zadań — DAG `ingest` bez zadań niczego nie ponawia" in (
        outcome.message
    )


def test_dag_retries_through_mutually_unpacked_dicts_ends(tmp_path):
    text = GOOD.replace(
        'default_args={"retries": 2, "retry_delay": timedelta(minutes=1)}', "default_args=A"
    ).replace(
        "\n\n@dag(",
        "\nA = dict(**B, retries=2)\nB = dict(**A, retry_delay=timedelta(1))\n\n@dag(",
    )
    assert dag_retries(_dag(tmp_path, text), {"dag": DAG}).score == 1


def test_dag_retries_zero_is_not_a_retry(tmp_path):
    text = GOOD.replace('"retries": 2', '"retries": 0')
    assert dag_retries(_dag(tmp_path, text), {"dag": DAG}).score == 0


# dag_outlet and the asset resolver


def test_dag_outlet_follows_an_import_from_the_repository(tmp_path):
    outcome = dag_outlet(_dag(tmp_path, GOOD), {"dag": DAG, "asset": "raw"})
    assert outcome.score == 1
    assert outcome.evidence[0].line == 17


@pytest.mark.parametrize(
    "outlets",
    [
        'Asset("raw")',
        'Asset(name="raw", uri="x://y")',
        "LOCAL",
        "RELATIVE",
        "REEXPORTED",
        "NEXT_TO_DAG",
    ],
)
def test_dag_outlet_resolves_names(tmp_path, outlets):
    text = GOOD.replace(
        "from zajecia_03.assets import RAW\n",
        "from airflow.sdk import Asset\n"
        "from ..assets import RAW as RELATIVE\n"
        "from zajecia_03 import REEXPORTED\n"
        "from local_assets import NEXT_TO_DAG\n"
        'LOCAL = Asset("raw")\n',
    ).replace("outlets=[RAW]", f"outlets=[{outlets}]")
    context = _dag(
        tmp_path,
        text,
        **{
            "zajecia_03/__init__.py": "from zajecia_03.assets import RAW as REEXPORTED\n",
            "zajecia_03/dags/local_assets.py": "from zajecia_03.assets import RAW as NEXT_TO_DAG\n",
        },
    )
    outcome = dag_outlet(context, {"dag": DAG, "asset": "raw"})
    assert outcome.score == 1, outcome.message


def test_dag_outlet_from_a_module_missing_in_the_repository(tmp_path):
    text = GOOD.replace("from zajecia_03.assets import RAW", "from shared.assets import RAW")
    outcome = dag_outlet(_dag(tmp_path, text), {"dag": DAG, "asset": "raw"})
    assert outcome.score == 0
    assert "moduł `shared.assets` (import `RAW`) nie jest plikiem repozytorium" in outcome.message


def test_dag_outlet_names_the_assets_it_found(tmp_path):
    outcome = dag_outlet(_dag(tmp_path, GOOD), {"dag": DAG, "asset": "raw_flights"})
    assert outcome.score == 0
    assert "`RAW` → Asset `raw`" in outcome.message
    assert 'Asset(name="raw_flights", ...)' in outcome.message


def test_dag_outlet_with_a_broken_asset_module(tmp_path):
    context = _dag(tmp_path, GOOD, **{"zajecia_03/assets.py": "RAW = (\n"})
    outcome = dag_outlet(context, {"dag": DAG, "asset": "raw"})
    assert outcome.score == 0
    assert "zajecia_03/assets.py nie parsuje się" in outcome.message


def test_dag_outlet_without_outlets(tmp_path):
    outcome = dag_outlet(
        _dag(tmp_path, GOOD.replace("outlets=[RAW]", "")), {"dag": DAG, "asset": "raw"}
    )
    assert outcome.score == 0
    assert "żadne zadanie nie ma `outlets`" in outcome.message


# dag_asset_schedule


def _asset_scheduled(schedule: str) -> str:
    return GOOD.replace('CronDataIntervalTimetable("0 3 1 * *", timezone="UTC")', schedule)


@pytest.mark.parametrize(
    "schedule", ["[RAW]", "(RAW,)", "RAW", "RAW | Asset('b')", "[Asset('x') & RAW]"]
)
def test_dag_asset_schedule_full(tmp_path, schedule):
    text = _asset_scheduled(schedule).replace("import CronDataIntervalTimetable", "import Asset")
    outcome = dag_asset_schedule(_dag(tmp_path, text), {"dag": DAG, "asset": "raw"})
    assert outcome.score == 1, outcome.message


def test_dag_asset_schedule_legacy_import_loses_half(tmp_path):
    text = _asset_scheduled("[RAW]").replace(
        "from airflow.sdk import CronDataIntervalTimetable, dag, task",
        "from airflow.decorators import dag, task",
    )
    outcome = dag_asset_schedule(_dag(tmp_path, text), {"dag": DAG, "asset": "raw"})
    assert outcome.score == Fraction(1, 2)
    assert "airflow.decorators" in outcome.message


def test_dag_asset_schedule_without_the_asset_loses_half(tmp_path):
    outcome = dag_asset_schedule(_dag(tmp_path, GOOD), {"dag": DAG, "asset": "raw"})
    assert outcome.score == Fraction(1, 2)
    assert "harmonogram DAG-a nie zawiera zasobu `raw`" in outcome.message
    assert "`schedule=[RAW]`" in outcome.message
