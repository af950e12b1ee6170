"""Tests of the Python source checks: explicit dtypes, library calls of a folder, no pickle."""

from __future__ import annotations

from fractions import Fraction

import pytest

from grading.checks.base import REGISTRY, Context
from grading.checks.python_code import (
    MAX_DEPTH,
    parse,
    python_dtypes,
    python_no_pickle,
    python_uses,
)
from grading.model import StudentError
from grading.repo_files import RepoFiles
from grading.tests.repos import ROOT, reference_params, write_files

DATA = "zajecia_02_eda/data.py"
FOLDER = "zajecia_05_model"
GROUPS = [
    ["sklearn.pipeline.Pipeline", "sklearn.pipeline.make_pipeline"],
    ["sklearn.dummy.DummyClassifier", "sklearn.dummy.DummyRegressor"],
]


@pytest.mark.parametrize("check_id", ["02.typy", "05.pipeline", "05.bez_pickle"])
def test_reference_repository_passes(check_id):
    kind, params = reference_params(check_id)
    outcome = REGISTRY[kind].function(Context(RepoFiles(ROOT), {}), params)
    assert outcome.score == 1, outcome.message


# --- python_dtypes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        'import pandas as pd\n\nframe = pd.read_csv(path, dtype={"a": "Int16"})\n',
        "from pandas import read_parquet\n\nframe = read_parquet(path, dtype=TYPES)\n",
        "frame = pd.read_json(path, lines=True, dtype=spec.dtypes)\n",
        'frame = pd.read_table(path).astype({"a": "category"})\n',
        "frame = frame.astype(TYPES)\n",
        "frame = frame.astype({c: 'string' for c in TEXT})\n",
        "frame = frame.astype(dtype=TYPES)\n",
    ],
)
def test_explicit_types_pass(tmp_path, source):
    outcome = python_dtypes(write_files(tmp_path, {DATA: source}), {"file": DATA})
    assert outcome.score == 1, outcome.message
    assert outcome.evidence[0].line == source.count("\n")


@pytest.mark.parametrize(
    "source",
    [
        "frame = pd.read_csv(path)\n",
        "frame = pd.read_csv(path, dtype=None)\n",
        'frame = pd.read_csv(path).astype("int64")\n',
        "frame = pd.read_csv(path).astype(int)\n",
        'frame["a"].astype(np.int16)\n',
        "astype(TYPES)\n",
        "# pd.read_csv(path, dtype=TYPES)\n",
    ],
)
def test_implicit_types_fail_with_the_fix(tmp_path, source):
    outcome = python_dtypes(write_files(tmp_path, {DATA: source}), {"file": DATA})
    assert outcome.score == 0
    assert f"w {DATA} nie ma wczytania danych z jawnymi typami: dodaj argument `dtype=`" in (
        outcome.message
    )


def test_dtypes_syntax_error_fails_with_the_line(tmp_path):
    source = "import pandas as pd\n\ndef load(:\n    return pd.read_csv(p, dtype=T)\n"
    outcome = python_dtypes(write_files(tmp_path, {DATA: source}), {"file": DATA})
    assert outcome.score == 0
    assert f"{DATA} nie parsuje się jako Python (wiersz 3:" in outcome.message
    assert outcome.evidence[0].line == 3


def test_dtypes_of_deeply_nested_code_fails_without_exception(tmp_path):
    source = "x = " + "-" * 200_000 + "1\n"
    outcome = python_dtypes(write_files(tmp_path, {DATA: source}), {"file": DATA})
    assert outcome.score == 0
    assert "nie parsuje się" in outcome.message


@pytest.mark.parametrize(
    ("terms", "line"),
    [(3000, None), (300, 2)],
    ids=["deeper-than-the-parser", "deeper-than-the-walks"],
)
def test_dtypes_of_a_long_expression_fails_without_exception(tmp_path, terms, line):
    source = "import pandas as pd\nx = " + " + ".join(["a"] * terms) + "\n"
    outcome = python_dtypes(write_files(tmp_path, {DATA: source}), {"file": DATA})
    assert outcome.score == 0
    assert "kod zagnieżdżony zbyt głęboko" in outcome.message
    assert outcome.evidence[0].line == line


@pytest.mark.parametrize(
    ("source", "said"),
    [
        ("x = 1\0", "null bytes|niedozwolony znak"),  # a ValueError in older Pythons
        ("x = '\ud800'", "niedozwolony znak"),
        ("x = " + "+".join(["a"] * 3000), "zagnieżdżony zbyt głęboko"),
        ("x = " + "(" * 300 + ")" * 300, "too many nested parentheses"),
        ("x = " + "+".join(["a"] * MAX_DEPTH), "zagnieżdżony zbyt głęboko"),
    ],
)
def test_parse_raises_only_syntax_error(source, said):
    with pytest.raises(SyntaxError, match=said):
        parse(source)


def test_parse_keeps_code_as_deep_as_real_code():
    source = "x = " + " + ".join(["a"] * (MAX_DEPTH - 10))
    assert parse(source).body[0].targets[0].id == "x"


@pytest.mark.parametrize(("content", "said"), [(None, "brak pliku"), (b"import x\0", "binarnym")])
def test_dtypes_unreadable_file_raises_student_error(tmp_path, content, said):
    context = write_files(tmp_path, {} if content is None else {DATA: content})
    with pytest.raises(StudentError, match=said):
        python_dtypes(context, {"file": DATA})


# --- python_uses ------------------------------------------------------------------------

USES = {"folder": FOLDER, "groups": GROUPS}


@pytest.mark.parametrize(
    "source",
    [
        "from sklearn.pipeline import Pipeline\nfrom sklearn.dummy import DummyClassifier\n"
        "model = Pipeline([('m', DummyClassifier())])\n",
        "import sklearn.pipeline as skp\nimport sklearn.dummy\n"
        "model = skp.make_pipeline(sklearn.dummy.DummyRegressor())\n",
        "from sklearn import pipeline, dummy as d\n"
        "def build():\n    from sklearn.pipeline import make_pipeline as mp\n"
        "    return mp(d.DummyClassifier()), pipeline.Pipeline([])\n",
    ],
)
def test_uses_import_and_call(tmp_path, source):
    outcome = python_uses(write_files(tmp_path, {f"{FOLDER}/train.py": source}), USES)
    assert outcome.score == 1, outcome.message
    assert {e.file for e in outcome.evidence} == {f"{FOLDER}/train.py"}


def test_uses_reports_the_first_call_with_its_line(tmp_path):
    source = (
        "from sklearn.pipeline import Pipeline\n"
        "from sklearn.dummy import DummyClassifier\n\n"
        "def build():\n"
        "    return Pipeline([('m', Pipeline([('d', DummyClassifier())]))])\n"
    )
    outcome = python_uses(write_files(tmp_path, {f"{FOLDER}/sub/train.py": source}), USES)
    assert outcome.score == 1
    assert "`sklearn.pipeline.Pipeline` wywołane w zajecia_05_model/sub/train.py:5" in (
        outcome.message
    )
    assert outcome.evidence[0].line == 5


def test_import_without_call_and_tests_do_not_count(tmp_path):
    files = {
        f"{FOLDER}/train.py": "from sklearn.pipeline import Pipeline\n"
        "def f() -> Pipeline:\n    return make(Pipeline)\n",
        f"{FOLDER}/tests/test_train.py": "from sklearn.dummy import DummyClassifier\n"
        "DummyClassifier()\n",
        "zajecia_06_monitoring/x.py": "from sklearn.dummy import DummyClassifier\n"
        "DummyClassifier()\n",
    }
    outcome = python_uses(write_files(tmp_path, files), USES)
    assert outcome.score == 0
    assert (
        "brak wywołania `sklearn.pipeline.Pipeline` albo `sklearn.pipeline.make_pipeline` — "
        f"zaimportuj i wywołaj w kodzie folderu {FOLDER} (poza testami)"
    ) in outcome.message


def test_uses_skips_broken_files_and_names_them(tmp_path):
    files = {
        f"{FOLDER}/a.py": "from sklearn.pipeline import Pipeline\nPipeline([])\n",
        f"{FOLDER}/b.py": "from sklearn.dummy import DummyClassifier\nDummyClassifier(\n",
        f"{FOLDER}/c.py": b"\xff\xfe",
    }
    outcome = python_uses(write_files(tmp_path, files), USES)
    assert outcome.score == Fraction(1, 2)
    assert f"{FOLDER}/b.py nie parsuje się jako Python (wiersz 2:" in outcome.message
    assert f"{FOLDER}/c.py nie jest zapisany w UTF-8" in outcome.message


def test_uses_of_an_empty_folder(tmp_path):
    outcome = python_uses(write_files(tmp_path, {f"{FOLDER}/README.md": "# 05"}), USES)
    assert outcome.score == 0
    assert f"w folderze {FOLDER} nie ma plików .py poza testami" in outcome.message


# --- python_no_pickle -------------------------------------------------------------------

SKOPS = "import skops.io as sio\n\nsio.dump(model, path)\n"


@pytest.mark.parametrize("skops", [SKOPS, "from skops.io import dump\n", "from skops import io\n"])
def test_skops_without_pickle_passes(tmp_path, skops):
    files = {f"{FOLDER}/registry.py": skops, f"{FOLDER}/tests/test_x.py": "import pickle\n"}
    outcome = python_no_pickle(write_files(tmp_path, files), {"folder": FOLDER})
    assert outcome.score == 1, outcome.message


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("import os\nimport pickle as p\n", "pickle"),
        ("from joblib import dump, load\n", "joblib"),
        ("import cloudpickle\n", "cloudpickle"),
        ("def f():\n    import dill.settings\n", "dill.settings"),
        ('x = __import__("pickle")\n', "pickle"),
        ('import importlib\nm = importlib.import_module("joblib")\n', "joblib"),
        ("from sklearn.externals import joblib\n", "sklearn.externals.joblib"),
    ],
)
def test_pickle_import_loses_half_and_is_named(tmp_path, source, name):
    files = {f"{FOLDER}/registry.py": SKOPS, f"{FOLDER}/save.py": source}
    outcome = python_no_pickle(write_files(tmp_path, files), {"folder": FOLDER})
    assert outcome.score == Fraction(1, 2)
    line = source.count("\n")
    assert f"importy formatu pickle: {FOLDER}/save.py:{line} (`{name}`) — usuń" in outcome.message


def test_code_that_saves_no_model_with_skops_is_not_free_of_pickle_for_nothing(tmp_path):
    # The starter's skeleton: modules with no pickle, but no model saved at all.
    files = {f"{FOLDER}/save.py": "from pandas import read_pickle\nimport mypickle_tools\n"}
    outcome = python_no_pickle(write_files(tmp_path, files), {"folder": FOLDER})
    assert outcome.score == 0
    assert "nie importuje `skops.io`" in outcome.message
    assert "bez zapisu modelu przez skops nie ma formatu" in outcome.message


def test_deeply_nested_file_is_skipped_and_named(tmp_path):
    deep = "import pickle\nx = " + " + ".join(["a"] * 3000) + "\n"
    files = {f"{FOLDER}/registry.py": SKOPS, f"{FOLDER}/deep.py": deep}
    outcome = python_no_pickle(write_files(tmp_path, files), {"folder": FOLDER})
    assert outcome.score == Fraction(1, 2)
    assert f"{FOLDER}/deep.py nie parsuje się jako Python (kod zagnieżdżony" in outcome.message
    uses = python_uses(write_files(tmp_path, files), USES)
    assert f"{FOLDER}/deep.py nie parsuje się" in uses.message


def test_unparsable_file_cannot_prove_no_pickle(tmp_path):
    files = {f"{FOLDER}/registry.py": SKOPS, f"{FOLDER}/broken.py": "import pickle\ndef (:\n"}
    outcome = python_no_pickle(write_files(tmp_path, files), {"folder": FOLDER})
    assert outcome.score == Fraction(1, 2)
    assert "w pominiętych plikach nie da się sprawdzić braku importów pickle" in outcome.message
    assert f"{FOLDER}/broken.py nie parsuje się jako Python (wiersz 2:" in outcome.message
