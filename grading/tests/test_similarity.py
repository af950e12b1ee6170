"""``--similarity``: copies are found through renamed variables, the reference's text and
numbers are never held against anyone, a broken repository is a row, the CLI writes both
files."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from pathlib import Path

import pytest

from grading import similarity
from grading.cli import ExitCode, main
from grading.repo_files import RepoFiles
from grading.similarity import reading
from grading.tests.repos import ROOT, write_files

STARTER_DAG = '''"""DAG pobierania lotów: jeden przebieg na miesiąc danych."""

from __future__ import annotations

import pendulum
from airflow.sdk import dag, task


@dag(
    schedule="@monthly",
    start_date=pendulum.datetime(2013, 1, 1, tz="UTC"),
    catchup=True,
    tags=["zajecia_03"],
)
def flights_ingest():
    @task
    def download(month: str) -> str:
        raise NotImplementedError("Zajęcia 03: pobierz miesiąc danych")

    download("{{ ds }}")


flights_ingest()
'''
STUB = '        raise NotImplementedError("Zajęcia 03: pobierz miesiąc danych")\n'
# Three ways of writing the same task.
ANNA = """\
        import csv
        import urllib.request
        from pathlib import Path

        target = Path("data/raw") / f"{month[:7]}.csv"
        target.parent.mkdir(parents=True, exist_ok=True)
        with urllib.request.urlopen(SOURCE_URL.format(month=month[:7]), timeout=30) as response:
            rows = list(csv.DictReader(line.decode("utf-8") for line in response))
        kept = [row for row in rows if row.get("arr_delay") not in ("", "NA")]
        temporary = target.with_suffix(".tmp")
        with temporary.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(kept[0]))
            writer.writeheader()
            writer.writerows(kept)
        temporary.replace(target)
        return str(target)
"""
# bartek's copy: anna's code with every name of hers changed, word by word.
RENAMED = {
    "Path": "P",
    "target": "destination",
    "month": "period",
    "SOURCE_URL": "URL",
    "response": "reply",
    "rows": "records",
    "line": "x",
    "kept": "valid",
    "row": "r",
    "temporary": "partial",
    "handle": "out",
    "writer": "w",
}
CELINA = """\
        import pandas as pd

        frame = pd.read_csv(SOURCE, parse_dates=["time_hour"])
        frame = frame[frame["time_hour"].dt.strftime("%Y-%m") == month[:7]]
        missing = frame["arr_delay"].isna()
        bad = frame[missing].assign(reason="brak arr_delay")
        bad.to_parquet(QUARANTINE / f"{month[:7]}.parquet")
        out = RAW / f"month={month[:7]}" / "part.parquet"
        out.parent.mkdir(parents=True, exist_ok=True)
        frame[~missing].to_parquet(out.with_suffix(".tmp"), index=False)
        out.with_suffix(".tmp").rename(out)
        return str(out)
"""
DAWID = """\
        import hashlib
        import json

        import requests

        reply = requests.get(API, params={"year": 2013, "month": int(month[5:7])}, timeout=60)
        reply.raise_for_status()
        flights = reply.json()["flights"]
        digest = hashlib.sha256(reply.content).hexdigest()
        manifest = {"month": month[:7], "rows": len(flights), "sha256": digest}
        folder = BASE / month[:7]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "flights.json").write_text(json.dumps(flights))
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
        return str(folder)
"""
DAG = "zajecia_03_airflow_ingest/dags/flights_ingest.py"
CARD = "zajecia_05_model/karta_modelu/model_card.md"
REPORT = "zajecia_06_monitoring/raporty/2013-07.json"
STARTER_CARD = """\
# Karta modelu

| Model | ROC AUC | PR AUC | Brier |
|---|---:|---:|---:|
| HistGradientBoosting | 0,7824 | 0,6835 | 0,1714 |

Dane: suma SHA-256 danych `8e245b398e0a73fb…`.
"""
MODEL_SHA = "3f" * 32
STARTER_REPORT = {"month": "2013-07", "performance": {"roc_auc": 0.7796575888653643}}


def _dag(own: str) -> str:
    return STARTER_DAG.replace(STUB, own)


def _renamed(code: str) -> str:
    renamed = re.sub(r"\b\w+\b", lambda word: RENAMED.get(word[0], word[0]), code)
    return renamed.replace("import P", "import Path as P")


def _card(extra: str = "") -> str:
    return STARTER_CARD + extra


def _repository(root: Path, dag: str = STARTER_DAG, **files: str) -> Path:
    """A student repository: the course's projekt.yaml, the starter's README, the DAG,
    the model card and the monitoring report as given (the starter's by default)."""
    write_files(
        root,
        {
            "projekt.yaml": (ROOT / "projekt.yaml").read_text(encoding="utf-8"),
            "zajecia_03_airflow_ingest/README.md": "# Zajęcia 03\n\nNapisz DAG pobierania.\n",
            DAG: dag,
            CARD: files.pop("card", STARTER_CARD),
            REPORT: files.pop("report", json.dumps(STARTER_REPORT)),
            **files,
        },
    )
    return root


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> tuple[Path, list[Path]]:
    """A reference (the starter) and a class of students: anna and bartek copied (with
    other names) and share a model; celina and dawid wrote their own code and kept the
    reference's text and numbers; ewa's projekt.yaml and notebook are broken; filip and
    gosia share monitoring numbers of their own."""
    root = tmp_path_factory.mktemp("similarity")
    reference = _repository(root / "wzorzec")
    own_card = "\nSuma SHA-256 pliku modelu: `" + MODEL_SHA + "`.\n\n| nasz | 0,7711 | 0,6602 |\n"
    data_sha = "\nsuma SHA-256 danych 2013-12: `" + "ab" * 32 + "`\n"
    own_report = json.dumps(
        {"performance": {"roc_auc": 0.7433129, "pr_auc": 0.5120871, "brier": 0.1623}}
    )
    students = [
        _repository(root / "anna", _dag(ANNA), card=_card(own_card)),
        _repository(root / "bartek", _renamed(_dag(ANNA)), card=_card(own_card)),
        _repository(root / "celina", _dag(CELINA), card=_card(data_sha)),
        _repository(root / "dawid", _dag(DAWID), card=_card(data_sha)),
        _repository(
            root / "ewa",
            **{"projekt.yaml": "schema_version: [1\n", "zajecia_02_eda/eda.ipynb": "{nie json"},
        ),
        _repository(root / "filip", report=own_report),
        _repository(root / "gosia", report=own_report),
    ]
    return reference, students


@pytest.fixture(scope="module")
def compared(batch) -> similarity.Similarity:
    reference, students = batch
    return similarity.compare([(p.name, p) for p in students], reference)


def _pair(compared: similarity.Similarity, a: str, b: str) -> similarity.Pair:
    return next(p for p in compared.pairs if {p.a, p.b} == {a, b})


def test_a_copied_dag_with_renamed_variables_scores_high(compared):
    pair = _pair(compared, "anna", "bartek")
    assert pair.scores["dags"] >= 0.8
    assert pair.flagged and compared.pairs[0] == pair


def test_own_work_beside_the_kept_starter_text_scores_low(compared):
    pair = _pair(compared, "celina", "dawid")
    assert pair.scores["dags"] is not None and pair.scores["dags"] < 0.1
    assert not pair.flagged and pair.evidence == ()
    for other in ("anna", "bartek"):
        assert _pair(compared, "celina", other).scores["dags"] < 0.1


def test_the_starter_text_alone_is_not_compared(compared):
    """filip and gosia kept the starter's DAG untouched: nothing of theirs to compare."""
    pair = _pair(compared, "filip", "gosia")
    assert pair.scores["dags"] is None and pair.overall is None
    filip = next(r for r in compared.repositories if r.name == "filip")
    assert filip.shingles["dags"] == frozenset() and filip.files["dags"] == 1


def test_the_same_model_checksum_and_numbers_are_flagged(compared):
    evidence = _pair(compared, "anna", "bartek").evidence
    assert f"ta sama suma SHA-256 modelu ({MODEL_SHA[:16]}…)" in evidence
    assert any(e.startswith("te same liczby — karta modelu: " + CARD) for e in evidence)


def test_the_same_monitoring_numbers_of_their_own_are_flagged(compared):
    pair = _pair(compared, "filip", "gosia")
    assert pair.flagged
    assert pair.evidence == (f"te same liczby — raporty monitoringu: {REPORT} (3 z 3)",)


def test_the_references_numbers_and_data_checksums_are_not_flagged(compared):
    """celina and dawid report the reference's metrics and the same data checksum: both
    come from the same course data, not from each other."""
    assert _pair(compared, "celina", "dawid").evidence == ()
    celina = next(r for r in compared.repositories if r.name == "celina")
    assert celina.checksums == frozenset()
    assert celina.values[f"model_card:{CARD}"] == frozenset()


def test_a_broken_repository_is_a_row_with_a_note(compared):
    ewa = next(r for r in compared.repositories if r.name == "ewa")
    notes = " ".join(ewa.notes)
    assert "projekt.yaml ma 1 problem" in notes
    assert "1 plik pominięty: zajecia_02_eda/eda.ipynb nie jest notebookiem" in notes
    # The evidence is found at the course's paths in place of the broken declaration.
    assert ewa.files["dags"] == 1 and f"model_card:{CARD}" in ewa.values
    rows = list(csv.DictReader(io.StringIO(similarity.as_csv(compared))))
    assert len(rows) == 21  # 7 repositories, every pair once
    ewa_rows = [r for r in rows if "ewa" in (r["repozytorium_a"], r["repozytorium_b"])]
    assert len(ewa_rows) == 6 and all(
        "ewa: projekt.yaml ma 1 problem" in r["uwagi"] for r in ewa_rows
    )
    assert "| ewa | 1 / 0 (za mało) | 1 / 0 (za mało) | — | — | 1 / 0 (za mało) | projekt" in (
        similarity.as_markdown(compared)
    )


def test_a_missing_folder_or_declaration_is_a_note_not_an_exception(batch, tmp_path):
    reference, students = batch
    result = similarity.compare([("anna", students[0]), ("nikt", tmp_path / "nie-ma")], reference)
    nobody = next(r for r in result.repositories if r.name == "nikt")
    assert nobody.notes == ["brak projekt.yaml — pliki według domyślnych ścieżek kursu i wzorców"]
    assert result.pairs[0].overall is None and not result.pairs[0].flagged


def test_declared_files_outside_the_class_folders_are_compared(tmp_path):
    repo = _repository(tmp_path / "hania", _dag(ANNA))
    (repo / DAG).rename(repo / "potoki.py")
    declaration = repo / "projekt.yaml"
    declaration.write_text(
        declaration.read_text(encoding="utf-8").replace(DAG, "potoki.py"), encoding="utf-8"
    )
    reference = similarity.read_reference(repo, similarity.Reader())
    found = similarity.repository_files(RepoFiles(repo), reference.project, reference.project)
    assert found["dags"] == ["potoki.py"] and found["modules"] == []
    assert found["documents"] == [CARD]


def test_a_repository_of_too_many_files_is_compared_in_part(batch, monkeypatch, tmp_path):
    reference, _ = batch
    repo = _repository(tmp_path / "iza", _dag(ANNA))
    write_files(repo, {f"zajecia_04_preprocessing/m{n}.py": f"x = {n}\n" for n in range(3)})
    monkeypatch.setattr(reading, "MAX_FILES", 2)
    [iza] = similarity.compare([("iza", repo)], reference).repositories
    assert iza.files == {"notebooks": 0, "dags": 1, "modules": 1, "docker": 0, "documents": 0}
    assert "porównane 2 pierwszych z 5 plików" in iza.notes


def test_hostile_text_is_read_in_linear_time(tmp_path):
    """Unterminated strings and comments, magics before endless blank lines: patterns
    that backtrack take a minute on each of these, the lexer well under a second."""
    started = time.monotonic()
    reader = similarity.Reader()
    # An odd number of triple quotes: the string is still open at the last line.
    text = "'''" * 20_001 + '"' * 20_000 + "\n" * 50_000 + "x = 1\n"
    assert reader.lines(text, "python")[-1].tokens == ("x = 1",)
    assert reader.lines("<!--" * 50_000 + "\n" + "słowo", "prose") == []
    cell = {"cell_type": "code", "source": "%matplotlib inline\n" + " \n" * 50_000 + "y = 1"}
    write_files(tmp_path, {"n.ipynb": json.dumps({"cells": [cell]})})
    notebook = similarity.CATEGORIES[0]
    assert similarity.compared_text(RepoFiles(tmp_path), "n.ipynb", notebook).strip() == "y = 1"
    assert time.monotonic() - started < 10


def test_renaming_names_does_not_change_the_tokens_but_attributes_and_strings_do():
    line = similarity.python_line
    assert line("rows = pd.read_csv(path)  # dane").text == line("x=pd.read_csv( p )").text
    assert line("rows = pd.read_csv(path)").text != line("rows = pd.read_json(path)").text
    assert line('print(len("abc"))').tokens == ("print", "(", "len", "(", '"abc"', ")", ")")
    opened = line('text = """Opis')
    assert opened.open == '"""'
    assert line('dalszy opis""" + x', opened.open).tokens == ('dalszy opis"""', "+", "V")


def test_precise_numbers_are_those_written_with_four_digits():
    assert [similarity.precise(n) for n in ("0,7063", "0.706300", "0,0097", "12,5000")] == [
        "0.7063",
        "0.7063",
        None,
        None,
    ]


def test_pairs_to_check_come_first_in_both_outputs(compared):
    rows = list(csv.DictReader(io.StringIO(similarity.as_csv(compared))))
    flagged = [r["do_sprawdzenia"] for r in rows]
    assert flagged == sorted(flagged, reverse=True) and flagged.count("tak") == 2
    assert {rows[0]["repozytorium_a"], rows[0]["repozytorium_b"]} == {"anna", "bartek"}
    text = similarity.as_markdown(compared)
    assert "## Do sprawdzenia (2 z 21 par)" in text
    assert text.index("| anna – bartek |") < text.index("## Najbliższe pozostałe pary")


def test_the_cli_compares_a_batch_without_grading(capsys, batch, tmp_path):
    reference, students = batch
    out = tmp_path / "wyniki"
    code = main(
        [*map(str, students), "--similarity-only", "--out", str(out), "--reference", str(reference)]
    )
    _, err = capsys.readouterr()
    assert code == ExitCode.OK
    header = (out / "podobienstwo.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == (
        "repozytorium_a,repozytorium_b,do_sprawdzenia,ogolem,notebooki,dagi,moduly,docker,"
        "dokumenty,wspolne_dowody,uwagi"
    )
    text = (out / "podobienstwo.md").read_text(encoding="utf-8")
    assert text.startswith("# Podobieństwo prac — 7 repozytoriów")
    assert "**Wysoki wynik to powód, żeby zajrzeć do obu prac, a nie werdykt**" in text
    assert "| Para | Ogółem | Notebooki | DAG-i | Moduły | Docker | Dokumenty |" in text
    assert "Podobieństwo: 21 par, do sprawdzenia: 2 (pierwsza: anna – bartek" in err
    assert not (out / "gradebook.csv").exists()


def test_the_cli_grades_then_compares_with_the_default_reference(capsys, batch, tmp_path):
    _, students = batch
    out = tmp_path / "wyniki"
    code = main(
        [str(students[0]), str(students[1]), "--similarity", "--out", str(out), "--classes", "11"]
    )
    _, err = capsys.readouterr()
    assert code == ExitCode.OK, err
    assert (out / "gradebook.csv").is_file() and (out / "anna.json").is_file()
    rows = list(csv.DictReader(io.StringIO((out / "podobienstwo.csv").read_text("utf-8"))))
    assert [(r["repozytorium_a"], r["repozytorium_b"], r["do_sprawdzenia"]) for r in rows] == [
        ("anna", "bartek", "tak")
    ]
    assert f"zapisano {out / 'podobienstwo.md'}" in err


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["A", "--similarity", "--out", "W"], "podaj co najmniej dwa repozytoria"),
        (["A", "B", "--similarity"], "podaj folder wyników --out FOLDER"),
        (["A", "B", "--similarity-only", "--run", "--out", "W"], "nie łączy się z --run"),
        (["A", "B", "--similarity-threshold", "0,7"], "działa tylko z --similarity"),
        (
            ["A", "B", "--similarity", "--out", "W", "--reference", "nie-ma"],
            "--reference: nie ma takiego folderu",
        ),
    ],
)
def test_similarity_usage_errors_are_polish(capsys, tmp_path, arguments, message):
    (tmp_path / "A").mkdir()
    (tmp_path / "B").mkdir()
    paths = {"A": tmp_path / "A", "B": tmp_path / "B", "W": tmp_path / "W"}
    paths["nie-ma"] = tmp_path / "nie-ma"
    code = main([str(paths.get(a, a)) for a in arguments])
    assert code == ExitCode.USAGE
    assert message in capsys.readouterr().err
    assert not (tmp_path / "W").exists()


def test_a_threshold_outside_zero_to_one_is_refused(capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_:
        main([str(tmp_path), str(tmp_path), "--similarity", "--similarity-threshold", "1,5"])
    assert exit_.value.code == ExitCode.USAGE
    assert "--similarity-threshold: musi być większy od 0" in capsys.readouterr().err
