import json
import math

from kurs.jsonio import dumps, json_ready, write_json_atomic


def test_unknown_numbers_become_null_at_any_depth():
    value = {"a": math.nan, "b": [1.5, math.inf, {"c": -math.inf}], "d": (2, "x")}
    assert json_ready(value) == {"a": None, "b": [1.5, None, {"c": None}], "d": [2, "x"]}


def test_files_are_indented_utf8_with_a_final_newline(tmp_path):
    path = write_json_atomic(tmp_path / "x" / "raport.json", {"miesiąc": "2013-07"})
    text = path.read_text(encoding="utf-8")
    assert text == dumps({"miesiąc": "2013-07"}) == '{\n  "miesiąc": "2013-07"\n}\n'
    assert json.loads(text) == {"miesiąc": "2013-07"}
