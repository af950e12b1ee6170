import json

import pytest

from kurs import run_state
from kurs.run_state import code_fingerprint, read_stamp, step_key, write_stamp


def write(root, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def notebook(source: str, output: str) -> str:
    cell = {"cell_type": "code", "source": source, "outputs": [{"text": output}], "metadata": {}}
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


@pytest.fixture
def root(tmp_path):
    write(
        tmp_path,
        {
            "uv.lock": "pandas==1\n",
            "kurs/runner.py": "A = 1\n",
            "zajecia_01_plan/backlog.py": "B = 1\n",
            "zajecia_01_plan/plan_sprintow.md": "# plan\n",
            "zajecia_01_plan/tests/test_backlog.py": "def test(): pass\n",
            "zajecia_02_eda/eda.ipynb": notebook("print(1)", "1"),
        },
    )
    return tmp_path


@pytest.mark.parametrize(
    ("changed", "moves_01", "moves_02"),
    [
        ("kurs/runner.py", True, True),
        ("uv.lock", True, True),
        ("zajecia_01_plan/backlog.py", True, True),
        ("zajecia_02_eda/eda.ipynb", False, True),  # a cell's source: class 02 only
        ("zajecia_01_plan/tests/test_backlog.py", False, False),  # tests are not run by it
    ],
)
def test_the_code_of_a_step_is_its_class_and_every_earlier_one(root, changed, moves_01, moves_02):
    before = code_fingerprint(1, root), code_fingerprint(2, root)
    path = root / changed
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("1", "2"), encoding="utf-8")
    after = code_fingerprint(1, root), code_fingerprint(2, root)
    assert (before[0] != after[0], before[1] != after[1]) == (moves_01, moves_02)


def test_what_a_run_writes_does_not_change_the_code(root, monkeypatch):
    """A notebook's outputs and a generated report are results of the step, not its code:
    otherwise every run would make the next one start over."""
    monkeypatch.setattr(run_state, "is_output", lambda path: path.endswith("plan_sprintow.md"))
    before = code_fingerprint(2, root)
    write(
        root,
        {
            "zajecia_01_plan/plan_sprintow.md": "# plan, wygenerowany od nowa\n",
            "zajecia_02_eda/eda.ipynb": notebook("print(1)", "inny wynik"),
            "zajecia_02_eda/__pycache__/x.pyc": "bytes",
        },
    )
    assert code_fingerprint(2, root) == before


def test_a_stamp_is_current_for_its_key_while_its_outputs_exist(tmp_path):
    made = tmp_path / "raport.md"
    made.write_text("x", encoding="utf-8")
    stamp = write_stamp(tmp_path, 5, "klucz", 12.345, [made])
    assert read_stamp(tmp_path, 5) == stamp
    assert stamp.seconds == 12.345 and stamp.outputs == (str(made),)
    assert stamp.is_current("klucz") and not stamp.is_current("inny")
    made.unlink()
    assert not stamp.is_current("klucz")


def test_a_new_run_of_the_step_before_changes_the_key(tmp_path):
    first = write_stamp(tmp_path, 3, "k3", 1.0, [])
    again = write_stamp(tmp_path, 3, "k3", 1.0, [])
    assert first.run_id != again.run_id
    assert step_key("kod", first) != step_key("kod", again)
    assert step_key("kod", None) == step_key("kod", None)


@pytest.mark.parametrize("text", ["", "{", '{"key": "k"}', "[]"])
def test_a_damaged_stamp_means_the_step_runs_again(tmp_path, text):
    path = run_state.stamp_path(tmp_path, 4)
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    assert read_stamp(tmp_path, 4) is None
    assert read_stamp(tmp_path, 7) is None  # never written
