"""The test infrastructure itself: what it checks must be able to fail."""

import pytest

from kurs.testing.docker import Dockerfile, hadolint
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
