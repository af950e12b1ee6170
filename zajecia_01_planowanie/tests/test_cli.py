import subprocess
import sys

import pytest

from kurs.exit_codes import ERROR, OK
from zajecia_01_planowanie.cli import main


def test_validate_valid_backlog(raw_backlog, write_backlog, capsys):
    assert main(["validate", str(write_backlog(raw_backlog))]) == OK
    assert "Backlog poprawny" in capsys.readouterr().out


def test_validate_lists_every_problem(raw_backlog, write_backlog, capsys):
    del raw_backlog["tasks"][0]["sprint"]
    raw_backlog["tasks"][1]["estimate"] = "pięć"
    assert main(["validate", str(write_backlog(raw_backlog))]) == ERROR
    err = capsys.readouterr().err
    assert "ma błędy (2)" in err
    assert "tasks[0].sprint (zadanie T1): brak wymaganego pola" in err
    assert "tasks[1].estimate (zadanie T2)" in err


def test_render_writes_plan_and_chart(raw_backlog, write_backlog, tmp_path, capsys):
    out_dir = tmp_path / "plan"
    assert main(["render", str(write_backlog(raw_backlog)), "--out-dir", str(out_dir)]) == OK
    assert (out_dir / "plan_sprintow.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert "| T3 | Notebook EDA |" in (out_dir / "plan_sprintow.md").read_text(encoding="utf-8")
    assert capsys.readouterr().out.count("Zapisano") == 2


def test_render_of_invalid_backlog_writes_nothing(raw_backlog, write_backlog, tmp_path):
    raw_backlog["tasks"][0]["depends_on"] = ["T2"]
    out_dir = tmp_path / "plan"
    assert main(["render", str(write_backlog(raw_backlog)), "--out-dir", str(out_dir)]) == 1
    assert not out_dir.exists()


def test_command_line_gives_a_message_not_a_traceback(tmp_path):
    broken = tmp_path / "backlog.yaml"
    broken.write_text("project: [niezamknięta lista\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "zajecia_01_planowanie", "validate", str(broken)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == ERROR
    assert "niepoprawny YAML (linia 2)" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["publish"])
    assert exit_.value.code == 2
    assert "niepoprawny wybór: 'publish' (do wyboru: 'validate', 'render')" in (
        capsys.readouterr().err
    )
