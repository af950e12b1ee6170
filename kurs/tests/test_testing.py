"""The test infrastructure itself: what it checks must be able to fail."""

import logging

import pytest

from kurs.repository import REPO_ROOT
from kurs.testing.docker import Dockerfile, hadolint
from kurs.testing.due import logged_tasks, read_text, reraise, written, written_files
from kurs.testing.shared import once_per_session, private_copy


def test_hadolint_does_catch_problems(tmp_path):
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:3.11-slim\nRUN pip install flask\nUSER root\n")
    assert hadolint(bad).returncode != 0


def test_the_compose_check_does_catch_a_typo(compose_report):
    errors = compose_report.errors(compose_report.broken)
    assert errors and "imgae" in errors[0]["message"]


def test_dockerfile_reading(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text(
        "ARG BASE=python:3.11\n"
        "FROM ${BASE} AS build\n"
        "# a comment\n"
        "COPY --chown=a:b src/ /app/src/\n"
        "FROM python:3.11\n"
        "ARG VERSION=1\n"
        "ENV A=$VERSION \\\n    B=two\n"
        "COPY --from=build /app /app\n"
        'CMD ["run", "--fast"]\n'
        'HEALTHCHECK --interval=5s CMD ["probe"]\n'
    )
    image = Dockerfile.read(path)
    assert image.preamble == [("ARG", "BASE=python:3.11")]
    assert len(image.stages) == 2
    assert image.copied_sources() == ["src/"]
    assert image.environment() == {"A": "1", "B": "two"}
    assert image.command() == ["run", "--fast"] and image.healthcheck() == ["probe"]


def test_shared_data_is_built_once_and_copied_for_changes(tmp_path_factory, tmp_path):
    builds = []

    def build(folder):
        builds.append(folder)
        (folder / "plik.txt").write_text("dane")

    first = once_per_session(tmp_path_factory, "test-testing", build)
    assert once_per_session(tmp_path_factory, "test-testing", build) == first
    assert len(builds) == 1
    copy = private_copy(first, tmp_path / "kopia")
    assert sorted(p.name for p in copy.iterdir()) == ["plik.txt"]


def test_a_failed_build_is_built_again(tmp_path_factory):
    def broken(folder):
        (folder / "polowa.txt").touch()
        raise RuntimeError("przerwane")

    with pytest.raises(RuntimeError):
        once_per_session(tmp_path_factory, "test-failed", broken)
    again = once_per_session(tmp_path_factory, "test-failed", lambda folder: None)
    assert list(again.iterdir()) == [again / ".built"]


def test_a_deliverable_that_is_written_is_read():
    assert written(REPO_ROOT / "zajecia_07_docker" / "Dockerfile").is_file()
    assert read_text(REPO_ROOT / "zajecia_08_deploy" / "proxy" / "api.conf")


@pytest.mark.parametrize(
    ("path", "says"),
    [
        (
            "zajecia_06_monitoring/raporty/1999-01.html",
            "Zajęcia 06, raporty/1999-01.html: plik jeszcze nie istnieje — "
            "uruchom python -m kurs --only 6 i zacommituj wynik",
        ),
        (
            "zajecia_08_deploy/monitoring/grafana/dashboards/brak.json",
            "Zajęcia 08, monitoring/grafana/dashboards/brak.json: plik jeszcze nie istnieje — "
            "napisz dashboard Grafany",
        ),
        ("zajecia_07_docker/brak.txt", "Zajęcia 07, brak.txt: plik jeszcze nie istnieje"),
        ("kurs/brak.txt", "Kurs, kurs/brak.txt: plik jeszcze nie istnieje"),
    ],
)
def test_a_deliverable_that_is_missing_says_its_class_and_what_makes_it(path, says):
    with pytest.raises(NotImplementedError) as raised:
        written(REPO_ROOT / path)
    assert str(raised.value).startswith(says)


def test_a_folder_without_the_files_of_a_deliverable_says_so(tmp_path):
    folder = tmp_path / "zajecia_08_deploy" / "dashboards"
    folder.mkdir(parents=True)
    with pytest.raises(NotImplementedError, match=r"^Zajęcia 08, dashboards/\*\.json: plik"):
        written_files(folder, "*.json")
    (folder / "a.json").write_text("{}")
    assert written_files(folder, "*.json") == [folder / "a.json"]


def test_every_prompt_of_a_file_is_its_task(tmp_path):
    path = tmp_path / "zajecia_04_preprocessing" / "gates.yaml"
    path.parent.mkdir()
    path.write_text(
        "# Progi.\nranges:\n  # ZADANIE (zajęcia 04): zakresy\n"
        "# ZADANIE (zajęcia 04): target_rate\n",
        encoding="utf-8",
    )
    with pytest.raises(NotImplementedError) as raised:
        read_text(path)
    assert str(raised.value) == (
        "Zajęcia 04, gates.yaml: zakresy; target_rate (po wykonaniu usuń komentarz ZADANIE)"
    )


def test_a_task_a_program_reported_is_raised_here():
    traceback = (
        "Traceback (most recent call last):\n"
        '  File "gunicorn.conf.py", line 6, in <module>\n'
        "    raise NotImplementedError(\n"
        "\x1b[31mNotImplementedError\x1b[39m: Zajęcia 07, gunicorn.conf: ustaw bind\n"
    )
    with pytest.raises(NotImplementedError, match=r"^Zajęcia 07, gunicorn\.conf: ustaw bind$"):
        reraise(traceback)
    reraise("ValueError: Zajęcia 07, nie zadanie\n")  # another error: the test's own check
    # kurs.backfill's one line about a DAG file that does not import quotes the task.
    line = (
        "BŁĄD: UnknownDag: nie ma DAG-a 'flights_preprocess' w folderach dags/ zajęć; są: "
        "flights_ingest; błąd importu zajecia_04_x/dags/flights_preprocess.py: "
        "NotImplementedError: Zajęcia 04, flights_preprocess (DAG Airflow): months → build\n"
    )
    with pytest.raises(NotImplementedError, match=r"^Zajęcia 04, flights_preprocess \(DAG"):
        reraise(line)


def test_a_task_logged_by_the_code_is_raised_at_the_end_of_the_block():
    log = logging.getLogger("kurs.tests.app")

    def serve(error: Exception) -> int:
        try:
            raise error
        except Exception:
            log.exception("unexpected error")
        return 500

    due = NotImplementedError("Zajęcia 07, routes.predict: prognoza")
    with pytest.raises(NotImplementedError) as raised, logged_tasks():
        serve(due)  # a test's body: it may pass or fail on the 500, the task comes after it
    assert raised.value is due
    with logged_tasks():  # a bug's 500 logs no task: nothing to say
        serve(RuntimeError("a bug"))
    with pytest.raises(AssertionError), logged_tasks():  # the block's own error goes first
        serve(due)
        raise AssertionError("500 != 503")
