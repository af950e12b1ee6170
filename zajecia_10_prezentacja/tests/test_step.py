"""The class's step of `make run` on real artifacts: the report and the slides, which
change with the artifacts, and the slides opened in a real browser."""

import json
import re
import stat

import nbformat
import pytest

from kurs.runner import RunContext
from kurs.testing.shared import private_copy
from zajecia_10_prezentacja import step
from zajecia_10_prezentacja.artifacts import MissingArtifact
from zajecia_10_prezentacja.figures import FIGURES
from zajecia_10_prezentacja.report import REPORT
from zajecia_10_prezentacja.slides import NOTEBOOK

pytestmark = pytest.mark.slow
# A value no real model gives: if it appears, it came from the changed artifact.
CHANGED_AUC = 0.9123
SECTIONS = ["Problem i KPI", "Dane", "Architektura", "Wyniki", "Wnioski", "Wyzwania"]


def change_backtest_auc(data, value):
    """Write ``value`` as the production model's backtest ROC AUC in its metadata."""
    alias = json.loads((data / "registry/flights_delay/aliases/production.json").read_text())
    path = data / f"registry/flights_delay/versions/{alias['version']}/metadata.json"
    path.chmod(stat.S_IRUSR | stat.S_IWUSR)  # registered versions are read-only
    metadata = json.loads(path.read_text())
    metadata["metrics"]["backtest"]["pooled"]["roc_auc"] = value
    path.write_text(json.dumps(metadata))


@pytest.fixture(scope="module")
def built(artifacts_folder, tmp_path_factory):
    """The step run on a copy of the artifacts whose model metadata was changed."""
    root = tmp_path_factory.mktemp("prezentacja")
    data = private_copy(artifacts_folder, root / "data")
    change_backtest_auc(data, CHANGED_AUC)
    lines = []
    outputs = step.run(RunContext(data, lines.append), destination=root / "wyniki")
    return root / "wyniki", outputs, lines, data


def test_the_report_has_every_section_and_the_changed_number(built):
    folder, outputs, lines, _ = built
    text = (folder / REPORT).read_text()
    headings = re.findall(r"^## \d\. (.+)$", text, re.M)
    assert headings == SECTIONS
    assert "ROC AUC 0,912" in text  # the KPI table, from the changed metadata
    # The replay of these artifacts took no retraining decision: nothing is claimed of it.
    assert "Dotrenowania nie sprawdziliśmy w działaniu" in text
    assert "Dotrenowanie nie poprawiło" not in text
    assert text.count("*Źródło:") >= 6
    for image in re.findall(r"!\[[^]]*\]\(([^)]+)\)", text):
        assert (folder / image).is_file(), image
    assert sorted(p.name for p in (folder / "rysunki").iterdir()) == sorted(FIGURES)
    page = (folder / "raport_koncowy.html").read_text()
    assert "<table>" in page and 'src="rysunki/architektura.png"' in page
    assert "<h2>1. Problem i KPI</h2>" in page
    assert any(line.startswith("slajdy: ") for line in lines)
    assert {p.name for p in outputs} >= {REPORT, "prezentacja.ipynb", "prezentacja.slides.html"}


def test_the_notebook_ran_and_the_slides_show_the_changed_number(built):
    folder, *_ = built
    notebook = nbformat.read(folder / "prezentacja.ipynb", as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code)
    assert not [o for cell in code for o in cell.outputs if o.output_type == "error"]
    slides = (folder / "prezentacja.slides.html").read_text()
    assert "ROC AUC 0,912" in slides
    assert "unpkg.com" not in slides and "cdnjs" not in slides  # nothing from a CDN


def test_a_rerun_on_the_same_artifacts_writes_the_same_bytes(built):
    folder, outputs, _, data = built
    before = {path: path.read_bytes() for path in outputs}
    step.run(RunContext(data, lambda line: None), destination=folder)
    assert {path: path.read_bytes() for path in outputs} == before


def test_the_slides_render_in_a_browser(built, browser):
    folder, *_ = built
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    slide_cells = [
        c for c in notebook.cells if c.metadata.get("slideshow", {}).get("slide_type") == "slide"
    ]
    browser.get((folder / "prezentacja.slides.html").as_uri())
    assert browser.title == notebook.metadata["title"]
    assert browser.execute_script("return Reveal.isReady()")
    total = browser.execute_script("return Reveal.getTotalSlides()")
    assert total == len(slide_cells) and 10 <= total <= 15
    images = browser.execute_script(
        "return Array.from(document.images).map(i => [i.complete, i.naturalWidth])"
    )
    assert len(images) == len(FIGURES) and all(done and width > 0 for done, width in images)
    assert browser.execute_script("return document.querySelectorAll('aside.notes').length") == total
    browser.execute_script(f"Reveal.slide({total - 1})")
    assert browser.execute_script("return Reveal.getIndices().h") == total - 1
    severe = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert not severe


def test_a_missing_artifact_stops_the_step_before_writing(artifacts_folder, tmp_path):
    data = private_copy(artifacts_folder, tmp_path / "data")
    (data / "retraining/year/replay.json").unlink()
    with pytest.raises(MissingArtifact, match="tworzy go krok zajęć 09"):
        step.run(RunContext(data, print), destination=tmp_path / "wyniki")
    assert not (tmp_path / "wyniki").exists()
