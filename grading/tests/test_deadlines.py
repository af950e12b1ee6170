"""Deadlines: each class graded on its snapshot at the deadline, in real git repositories."""

from __future__ import annotations

import os
import subprocess
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from grading.checks.base import REGISTRY, static_check
from grading.deadlines import NO_GIT, Deadlines, grade_with_deadlines, load_deadlines
from grading.engine import NOT_EVALUATED, grade_repository
from grading.model import InputError, Outcome
from grading.repo_files import MAX_BYTES
from grading.rubric import parse_rubric
from grading.tests.repos import write_files

KIND = "test_file_exists_deadlines"
if KIND not in REGISTRY:

    @static_check(KIND, required=("file",))
    def _file_readable(context, params):
        context.files.read_text(params["file"])
        return Outcome.passed(f"jest {params['file']}")


def _check(check_id: str, points: int, file: str) -> dict:
    return {"id": check_id, "points": points, "mode": "static", "description": "d",
            "how": "h", "kind": KIND, "params": {"file": file}}  # fmt: skip


RUBRIC = parse_rubric(
    {
        "schema_version": 1,
        "total": 100,
        "classes": [
            {"id": "01", "title": "Pierwsze", "folder": "zaj01", "points": 20, "checks": [
                _check("01.a", 10, "zaj01/a.md"), _check("01.b", 10, "zaj01/b.md")]},
            {"id": "02", "title": "Drugie", "folder": "zaj02", "points": 80, "checks": [
                _check("02.plan", 80, "projekt:artifacts.backlog")]},
        ],
    }
)  # fmt: skip
# Class 01 with a run-mode check: a static grading does not evaluate its 5 points.
RUBRIC_RUN = parse_rubric(
    {
        "schema_version": 1,
        "total": 20,
        "classes": [
            {"id": "01", "title": "Pierwsze", "folder": "zaj01", "points": 20, "checks": [
                _check("01.a", 10, "zaj01/a.md"), _check("01.b", 5, "zaj01/b.md"),
                {"id": "01.testy", "points": 5, "mode": "run", "description": "d", "how": "h",
                 "kind": "student_tests", "params": {"folder": "zaj01"}}]},
        ],
    }
)  # fmt: skip
DEADLINE = "2026-10-07T23:59:00+02:00"
BEFORE = "2026-10-06T12:00:00+02:00"
NOW = datetime.fromisoformat("2026-12-01T00:00:00+00:00")


def _deadlines(policy: str = "not_counted", per_day: str = "0") -> Deadlines:
    return Deadlines(policy, Decimal(per_day), {"01": datetime.fromisoformat(DEADLINE)})


def _commit(repo: Path, when: str, files: dict[str, str] | None = None) -> str:
    """Write ``files`` into ``repo`` and commit everything with author and committer
    date ``when``; the new commit's sha."""
    if not (repo / ".git").exists():
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
    write_files(repo, files or {})
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    command = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run([*command, "commit", "-q", "--allow-empty", "-m", when], cwd=repo, env=env,
                   check=True)  # fmt: skip
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, check=True, capture_output=True, text=True
    ).stdout.strip()


def _grade(repo: Path, deadlines: Deadlines, classes=("01",)):
    """The result, without the engine's note that the test repository has no projekt.yaml."""
    result = grade_with_deadlines(repo, RUBRIC, deadlines, classes, now=NOW)
    assert result.error is None
    result.notes = [n for n in result.notes if not n.startswith("brak projekt.yaml")]
    return result


def _state(repo: Path) -> dict[str, tuple[float, int]]:
    return {str(p): (p.stat().st_mtime, p.stat().st_size) for p in repo.rglob("*")}


def test_on_time_work_graded_at_deadline_commit_repository_untouched(tmp_path):
    on_time = _commit(tmp_path, BEFORE, {"zaj01/a.md": "a", "zaj01/b.md": "b"})
    _commit(tmp_path, "2026-10-09T10:00:00+02:00", {"zaj02/x.md": "inna praca"})
    (tmp_path / "zaj01" / "b.md").unlink()  # uncommitted: not part of the snapshot
    before = _state(tmp_path)
    result = _grade(tmp_path, _deadlines())
    (graded,) = result.classes
    assert (graded.points, graded.graded_commit, graded.late) == (Decimal(20), on_time, None)
    assert result.notes == []
    assert _state(tmp_path) == before


def test_commit_exactly_at_deadline_is_on_time_one_second_later_is_late(tmp_path):
    at_deadline = _commit(tmp_path, DEADLINE, {"zaj01/a.md": "a"})
    _commit(tmp_path, "2026-10-07T23:59:01+02:00", {"zaj01/b.md": "b"})
    (graded,) = _grade(tmp_path, _deadlines()).classes
    assert (graded.points, graded.graded_commit) == (Decimal(10), at_deadline)
    assert graded.late.startswith(
        "1 commit w zaj01 po terminie 2026-10-07 23:59+02:00, ostatni 2026-10-07 23:59+02:00, "
        "1 rozpoczęty dzień po terminie"
    )


def test_late_work_not_counted(tmp_path):
    on_time = _commit(tmp_path, BEFORE, {"zaj01/a.md": "a"})
    _commit(tmp_path, "2026-10-08T10:00:00+02:00", {"zaj01/b.md": "b"})
    _commit(tmp_path, "2026-10-09T01:00:00+02:00", {"zaj01/b.md": "b2"})
    (graded,) = _grade(tmp_path, _deadlines()).classes
    assert (graded.points, graded.graded_commit) == (Decimal(10), on_time)
    assert graded.late == (
        "2 commity w zaj01 po terminie 2026-10-07 23:59+02:00, ostatni 2026-10-09 01:00+02:00, "
        "2 rozpoczęte dni po terminie; praca po terminie nie jest liczona"
    )


def test_late_work_with_penalty_per_day(tmp_path):
    _commit(tmp_path, BEFORE, {"zaj01/a.md": "a"})
    late = _commit(tmp_path, "2026-10-09T01:00:00+02:00", {"zaj01/b.md": "b"})
    (graded,) = _grade(tmp_path, _deadlines("penalty_per_day", "0.1")).classes
    assert sum(c.points for c in graded.checks) == Decimal(20)
    assert (graded.points, graded.graded_commit) == (Decimal("16.0"), late)
    assert graded.late.endswith(
        "2 rozpoczęte dni po terminie; kara: 2 × 0,1 × 20 pkt (maksimum ocenianych sprawdzeń) "
        "= 4 pkt; wynik zajęć: 20 − 4 = 16 pkt"
    )
    assert graded.late_share == Decimal("0.2")


def test_penalty_never_below_zero(tmp_path):
    late = _commit(tmp_path, "2026-10-10T12:00:00+02:00", {"zaj01/a.md": "a"})
    (graded,) = _grade(tmp_path, _deadlines("penalty_per_day", "0.5")).classes
    assert (graded.points, graded.graded_commit) == (Decimal(0), late)
    assert (
        "kara: 3 × 0,5 × 20 pkt (maksimum ocenianych sprawdzeń) = 30 pkt, ograniczona do 10 pkt "
        "za sprawdzenia" in graded.late
    )
    assert graded.late.endswith("wynik zajęć: 10 − 10 = 0 pkt")


def test_no_commit_in_folder_before_deadline_fails_every_check(tmp_path):
    _commit(tmp_path, BEFORE, {"README.md": "start"})
    _commit(tmp_path, "2026-10-08T10:00:00+02:00", {"zaj01/a.md": "a", "zaj01/b.md": "b"})
    (graded,) = _grade(tmp_path, _deadlines()).classes
    assert (graded.points, graded.graded_commit) == (Decimal(0), None)
    assert {(c.status, c.points) for c in graded.checks} == {("fail", Decimal(0))}
    assert graded.checks[0].message == "brak commitów w zaj01 przed terminem 2026-10-07 23:59+02:00"
    assert graded.late.startswith("1 commit w zaj01 po terminie")


def test_future_commit_date_flagged(tmp_path):
    _commit(tmp_path, BEFORE, {"zaj01/a.md": "a"})
    future = _commit(tmp_path, "2027-01-05T10:00:00+01:00", {"zaj02/x.md": "x"})
    result = _grade(tmp_path, _deadlines())
    assert result.notes == [
        "commity z datą w przyszłości (po 2026-12-01 00:00+00:00; możliwe przepisane daty): "
        f"{future[:12]}"
    ]


def test_committer_date_before_parent_flagged(tmp_path):
    _commit(tmp_path, "2026-10-05T10:00:00+02:00", {"zaj01/a.md": "a"})
    backwards = _commit(tmp_path, "2026-10-03T10:00:00+02:00", {"zaj01/b.md": "b"})
    result = _grade(tmp_path, _deadlines())
    assert len(result.notes) == 1
    assert result.notes[0].startswith("data commitera wcześniejsza niż data commitu-rodzica")
    assert result.notes[0].endswith(backwards[:12])


def test_folder_without_git_graded_as_it_is(tmp_path):
    for name in ("zaj01/a.md", "zaj01/b.md"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    result = _grade(tmp_path, _deadlines())
    assert result.notes == [NO_GIT]
    assert (result.classes[0].points, result.classes[0].graded_commit) == (Decimal(20), None)


def test_projekt_yaml_as_it_was_at_the_deadline(tmp_path):
    projekt = {"artifacts": {"backlog": "zaj02/plan.md"}}
    on_time = _commit(
        tmp_path, BEFORE, {"projekt.yaml": yaml.safe_dump(projekt), "zaj02/plan.md": "plan"}
    )
    projekt["artifacts"]["backlog"] = "zaj02/nowy.md"
    _commit(tmp_path, "2026-10-09T10:00:00+02:00", {"projekt.yaml": yaml.safe_dump(projekt)})
    deadlines = Deadlines("not_counted", Decimal(0), {"02": datetime.fromisoformat(DEADLINE)})
    result = grade_with_deadlines(tmp_path, RUBRIC, deadlines, now=NOW)
    by_id = {c.id: c for c in result.classes}
    assert [c.id for c in result.classes] == ["01", "02"]
    assert (by_id["02"].points, by_id["02"].graded_commit, by_id["02"].late) == (
        Decimal(80),
        on_time,
        None,
    )
    current = grade_repository(tmp_path, RUBRIC, ["02"])
    assert current.classes[0].points == 0  # today's projekt.yaml names a missing file


def test_an_on_time_fix_of_projekt_yaml_outside_the_folder_counts(tmp_path):
    """The folder's last on-time commit names a wrong file; projekt.yaml is fixed before
    the deadline in a commit that does not touch the folder, then late work follows."""
    wrong = {"artifacts": {"backlog": "zaj02/plan.mdd"}}
    _commit(tmp_path, BEFORE, {"projekt.yaml": yaml.safe_dump(wrong), "zaj02/plan.md": "plan"})
    fixed = _commit(
        tmp_path,
        "2026-10-07T20:00:00+02:00",
        {"projekt.yaml": yaml.safe_dump({"artifacts": {"backlog": "zaj02/plan.md"}})},
    )
    _commit(tmp_path, "2026-10-09T10:00:00+02:00", {"zaj02/plan.md": ""})
    deadlines = Deadlines("not_counted", Decimal(0), {"02": datetime.fromisoformat(DEADLINE)})
    graded = grade_with_deadlines(tmp_path, RUBRIC, deadlines, ["02"], now=NOW).classes[0]
    assert (graded.points, graded.graded_commit) == (Decimal(80), fixed)
    assert "po terminie" in graded.late


def test_student_filter_driver_is_never_run(tmp_path):
    marker = tmp_path.parent / "filter-ran"
    _commit(tmp_path, BEFORE, {".gitattributes": "* filter=evil\n", "zaj01/a.md": "a"})
    subprocess.run(["git", "config", "filter.evil.smudge", f"touch {marker}; cat"],
                   cwd=tmp_path, check=True)  # fmt: skip
    (graded,) = _grade(tmp_path, _deadlines()).classes
    assert graded.points == Decimal(10)
    assert not marker.exists()


def test_link_leaving_the_snapshot_is_not_extracted(tmp_path):
    (tmp_path / "zaj01").mkdir()
    (tmp_path / "zaj01" / "b.md").symlink_to("/etc/hostname")
    _commit(tmp_path, BEFORE, {"zaj01/a.md": "a"})
    (graded,) = _grade(tmp_path, _deadlines()).classes
    assert [c.status for c in graded.checks] == ["pass", "fail"]
    assert graded.checks[1].message == "brak pliku zaj01/b.md"


def test_file_over_the_size_limit_reported_not_extracted(tmp_path):
    _commit(tmp_path, BEFORE, {"zaj01/a.md": "a", "zaj01/b.md": "x" * (MAX_BYTES + 1)})
    (graded,) = _grade(tmp_path, _deadlines()).classes
    assert graded.points == Decimal(10)
    assert "więcej niż limit 10 MiB" in graded.checks[1].message


def test_load_deadlines_valid(tmp_path):
    path = tmp_path / "terminy.yaml"
    path.write_text(
        "policy: penalty_per_day\npenalty_per_day: 0.1\ndeadlines:\n"
        '  "01": 2026-10-07T23:59:00+02:00\n  "02": "2026-10-14T23:59:00Z"\n',
        encoding="utf-8",
    )
    loaded = load_deadlines(path, ["01", "02"])
    assert (loaded.policy, loaded.penalty_per_day) == ("penalty_per_day", Decimal("0.1"))
    assert loaded.deadlines["01"] == datetime.fromisoformat(DEADLINE)
    assert loaded.deadlines["02"].utcoffset().total_seconds() == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("policy: [", "niepoprawny YAML w wierszu 1"),
        ("- 1\n", "oczekiwany słownik"),
        ("policy: not_counted\nfoo: 1\ndeadlines: {}\n", "nieznany klucz 'foo'"),
        ("policy: late\ndeadlines: {}\n", "policy: 'late' — dozwolone"),
        ("policy: penalty_per_day\ndeadlines: {}\n", "penalty_per_day: brak"),
        ("policy: penalty_per_day\npenalty_per_day: -0.1\ndeadlines: {}\n",
         "penalty_per_day: -0.1 — oczekiwany udział punktów od 0 do 1"),
        ("policy: penalty_per_day\npenalty_per_day: dużo\ndeadlines: {}\n",
         "penalty_per_day: 'dużo'"),
        ("policy: not_counted\npenalty_per_day: 0.1\ndeadlines: {}\n", "penalty_per_day: podany"),
        ("policy: not_counted\n", "deadlines: oczekiwany słownik"),
        ('policy: not_counted\ndeadlines:\n  "99": "2026-10-07T23:59:00+02:00"\n',
         "deadlines.99: nieznane zajęcia"),
        ('policy: not_counted\ndeadlines:\n  01: "2026-10-07T23:59:00+02:00"\n',
         "deadlines: klucz 1 nie jest tekstem"),
        ('policy: not_counted\ndeadlines:\n  "01": "2026-10-07T23:59:00"\n',
         "deadlines.01: '2026-10-07T23:59:00' — termin bez strefy czasowej"),
        ('policy: not_counted\ndeadlines:\n  "01": 2026-10-07 23:59:00\n',
         "deadlines.01: datetime.datetime(2026, 10, 7, 23, 59) — termin bez strefy czasowej"),
        ('policy: not_counted\ndeadlines:\n  "01": 2026-10-07\n', "data bez godziny"),
        ('policy: not_counted\ndeadlines:\n  "01": jutro\n',
         "deadlines.01: 'jutro' nie jest datą i godziną ISO 8601"),
    ],
)  # fmt: skip
def test_load_deadlines_invalid_names_the_entry(tmp_path, text, expected):
    path = tmp_path / "terminy.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"terminy\.yaml") as raised:
        load_deadlines(path, ["01", "02"])
    assert expected in str(raised.value)


def test_no_commit_before_deadline_leaves_run_mode_checks_not_evaluated(tmp_path):
    _commit(tmp_path, "2026-10-08T10:00:00+02:00", {"zaj01/a.md": "a", "zaj01/b.md": "b"})
    result = grade_with_deadlines(tmp_path, RUBRIC_RUN, _deadlines(), now=NOW)
    (graded,) = result.classes
    assert [(c.id, c.status, c.points) for c in graded.checks] == [
        ("01.a", "fail", Decimal(0)), ("01.b", "fail", Decimal(0)),
        ("01.testy", "skipped", Decimal(0))]  # fmt: skip
    assert graded.checks[2].message == NOT_EVALUATED and graded.checks[2].mode == "run"
    assert result.evaluated_max == Decimal(15)


def test_penalty_is_a_share_of_the_evaluated_points(tmp_path):
    _commit(tmp_path, "2026-10-09T01:00:00+02:00", {"zaj01/a.md": "a", "zaj01/b.md": "b"})
    deadlines = _deadlines("penalty_per_day", "0.1")
    result = grade_with_deadlines(tmp_path, RUBRIC_RUN, deadlines, now=NOW)
    (graded,) = result.classes
    assert (graded.points, result.total, graded.late_share) == (
        Decimal(12), Decimal(12), Decimal("0.2"))  # fmt: skip
    assert graded.late.endswith(
        "kara: 2 × 0,1 × 15 pkt (maksimum ocenianych sprawdzeń; 5 pkt nieocenionych się nie "
        "liczy) = 3 pkt; wynik zajęć: 15 − 3 = 12 pkt"
    )


def test_penalty_rounded_half_up_to_a_cent_class_and_total_agree(tmp_path):
    _commit(tmp_path, "2026-10-08T10:00:00+02:00", {"zaj01/a.md": "a"})
    result = _grade(tmp_path, _deadlines("penalty_per_day", "0.02425"))
    (graded,) = result.classes
    # 1 × 0.02425 × 20 = 0.485 → 0.49 (half up; half even would give 0.48)
    assert (graded.points, result.total) == (Decimal("9.51"), Decimal("9.51"))
    assert str(graded.points) == "9.51"
    assert "= 0,49 pkt; wynik zajęć: 10 − 0,49 = 9,51 pkt" in graded.late


def test_backdated_commit_on_top_of_late_work_is_late_work(tmp_path):
    on_time = _commit(tmp_path, BEFORE, {"zaj01/a.md": "a"})
    _commit(tmp_path, "2026-10-09T10:00:00+02:00", {"zaj01/b.md": "b"})
    backdated = _commit(tmp_path, "2026-10-07T12:00:00+02:00", {"zaj01/b.md": "b2"})
    result = _grade(tmp_path, _deadlines())
    (graded,) = result.classes
    assert (graded.points, graded.graded_commit) == (Decimal(10), on_time)
    assert graded.late == (
        "2 commity w zaj01 po terminie 2026-10-07 23:59+02:00 (w tym 1 z datą przed terminem, "
        "choć po commicie spóźnionym — możliwe przepisane daty), ostatni 2026-10-09 10:00+02:00, "
        "2 rozpoczęte dni po terminie; praca po terminie nie jest liczona"
    )
    assert result.notes[0].startswith("data commitera wcześniejsza niż data commitu-rodzica")
    assert result.notes[0].endswith(backdated[:12])
    (penalised,) = _grade(tmp_path, _deadlines("penalty_per_day", "0.1")).classes
    assert (penalised.points, penalised.graded_commit) == (Decimal(16), backdated)


def test_commits_after_the_first_late_one_are_late_whatever_their_dates(tmp_path):
    _commit(tmp_path, "2026-10-08T10:00:00+02:00", {"README.md": "start"})
    _commit(tmp_path, "2026-10-08T11:00:00+02:00", {"zaj01/a.md": "a"})
    _commit(tmp_path, "2026-10-01T11:00:00+02:00", {"zaj01/b.md": "b"})
    (graded,) = _grade(tmp_path, _deadlines()).classes
    assert (graded.points, graded.graded_commit) == (Decimal(0), None)
    assert graded.late.startswith("2 commity w zaj01 po terminie")


def test_work_tree_changes_not_noted_when_every_class_is_graded_on_a_commit(tmp_path):
    _commit(tmp_path, BEFORE, {"zaj01/a.md": "a", "zaj02/x.md": "x"})
    (tmp_path / "zaj02" / "x.md").write_text("zmiana", encoding="utf-8")
    assert _grade(tmp_path, _deadlines()).notes == []
