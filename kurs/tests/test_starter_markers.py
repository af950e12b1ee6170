"""The starter generator on small inputs: solution markers, notebooks, file rules and the
generation of a whole (tiny) repository."""

from __future__ import annotations

import json
import subprocess
import textwrap

import jinja2
import nbformat
import pytest
import yaml

from kurs.starter.generate import StarterError, generate
from kurs.starter.markers import MarkerError, strip_solutions
from kurs.starter.notebooks import strip_notebook
from kurs.starter.rules import kind, rule
from kurs.testing.due import notebook, written

MODULE = textwrap.dedent(
    '''\
    """Drift."""

    import math


    def psi(expected, actual):
        """PSI of two shares."""
        # BEGIN SOLUTION: policz PSI (wzór w README)
        return sum((a - e) * math.log(a / e) for e, a in zip(expected, actual, strict=True))
        # END SOLUTION


    class Monitor:
        def status(self, value):
            # BEGIN SOLUTION
            return "ok" if value < 0.2 else "alert"
            # END SOLUTION


    # BEGIN SOLUTION NO PROMPT
    THRESHOLD = 0.2
    # END SOLUTION
    '''
)


def run_stripped(text: str, path: str = "zajecia_06_monitoring/drift.py") -> dict:
    namespace: dict = {}
    exec(compile(strip_solutions(text, path, "python"), path, "exec"), namespace)
    return namespace


def test_a_function_keeps_its_signature_and_docstring_and_says_what_is_due():
    namespace = run_stripped(MODULE)
    assert namespace["psi"].__doc__ == "PSI of two shares."
    with pytest.raises(NotImplementedError, match=r"^Zajęcia 06, drift\.psi: policz PSI \(wzór"):
        namespace["psi"]([0.5], [0.5])
    with pytest.raises(
        NotImplementedError, match=r"^Zajęcia 06, drift\.Monitor\.status: uzupełnij$"
    ):
        namespace["Monitor"]().status(0.1)
    assert "THRESHOLD" not in namespace


def test_a_region_at_module_level_makes_the_import_say_what_is_due():
    text = (
        '"""DAG."""\n\n# BEGIN SOLUTION: zdefiniuj DAG "flights_ingest"\nDAG = 1\n# END SOLUTION\n'
    )
    with pytest.raises(
        NotImplementedError, match=r'^Zajęcia 03, flights_ingest \(DAG Airflow\): zdefiniuj DAG "'
    ):
        run_stripped(text, "zajecia_03_airflow_ingest/dags/flights_ingest.py")


def test_a_file_without_markers_is_unchanged():
    text = "a: 1\n# BEGIN something else\n"
    assert strip_solutions(text, "kurs/x.yaml", "hash") == text


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("# BEGIN SOLUTION\nx = 1\n", 1, "BEGIN SOLUTION bez END SOLUTION"),
        ("x = 1\n# END SOLUTION\n", 2, "END SOLUTION bez BEGIN SOLUTION"),
        (
            "# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION\n",
            2,
            "w obszarze otwartym w linii 1",
        ),
        ("# BEGIN SOLUTIONS\nx = 1\n", 1, "nieznany znacznik"),
    ],
)
def test_markers_that_do_not_pair_up_name_the_file_and_line(text, line, problem):
    with pytest.raises(MarkerError, match=rf"^zajecia_01_x/a\.py:{line}: .*{problem}"):
        strip_solutions(text, "zajecia_01_x/a.py", "python")


def test_yaml_markdown_and_jinja_regions_become_prompts_in_their_own_comments():
    config = "gates:\n  # BEGIN SOLUTION: progi jakości\n  max_missing: 0.05\n  # END SOLUTION\n"
    stripped = strip_solutions(config, "zajecia_04_x/gates.yaml", "hash")
    assert stripped == "gates:\n  # ZADANIE (zajęcia 04): progi jakości\n"
    assert yaml.safe_load(stripped) == {"gates": None}
    report = "## Dane\n\n<!-- BEGIN SOLUTION: opisz dane -->\nLoty z 2013.\n<!-- END SOLUTION -->\n"
    assert strip_solutions(report, "zajecia_10_x/r.md", "html") == (
        "## Dane\n\n<!-- ZADANIE (zajęcia 10): opisz dane -->\n"
    )
    template = "## Wyniki {{ n }}\n{# BEGIN SOLUTION: wnioski #}\nProza.\n{# END SOLUTION #}\n"
    stripped = strip_solutions(template, "zajecia_05_x/t.md.j2", "jinja")
    assert jinja2.Template(stripped).render(n=3) == "## Wyniki 3\n"


def test_solution_cells_become_tasks_and_every_output_is_cleared():
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("## Braki", id="naglowek"),
        nbformat.v4.new_code_cell("import pandas", id="importy", execution_count=1),
        nbformat.v4.new_code_cell("df.isna().mean()", id="braki", execution_count=2),
        nbformat.v4.new_code_cell("df.plot()", id="wykres", execution_count=3),
    ]
    notebook.cells[1].outputs = [nbformat.v4.new_output("stream", text="ok")]
    notebook.cells[2].metadata = {"tags": ["solution"], "task": "policz braki w kolumnach"}
    notebook.cells[3].metadata = {"tags": ["solution"]}
    text = strip_notebook(nbformat.writes(notebook), "zajecia_02_eda/eda.ipynb")
    cells = nbformat.reads(text, as_version=4).cells
    assert [(c.cell_type, c.id, c.source) for c in cells] == [
        ("markdown", "naglowek", "## Braki"),
        ("code", "importy", "import pandas"),
        ("markdown", "braki-zadanie", "**Zadanie (zajęcia 02):** policz braki w kolumnach"),
        ("code", "braki-kod", ""),
    ]
    assert cells[1].outputs == [] and cells[1].execution_count is None
    assert text == strip_notebook(nbformat.writes(notebook), "zajecia_02_eda/eda.ipynb")


@pytest.mark.parametrize(
    ("path", "expected_rule", "expected_kind"),
    [
        ("kurs/starter/generate.py", "leave", "python"),
        ("grading/tests/test_cli.py", "leave", "python"),
        ("grading/cli.py", "copy", "python"),
        ("zajecia_02_eda/eda.html", "output", "html"),
        ("zajecia_02_eda/eda.ipynb", "copy", "notebook"),
        ("zajecia_05_model/karta_modelu/model_card.md", "output", "html"),
        ("zajecia_05_model/templates/model_card.md.j2", "copy", "jinja"),
        ("zajecia_07_docker/Dockerfile", "copy", "hash"),
        ("zajecia_01_planowanie/cel_biznesowy.md", "copy", "html"),
    ],
)
def test_each_file_has_a_rule_and_a_kind(path, expected_rule, expected_kind):
    assert (rule(path), kind(path)) == (expected_rule, expected_kind)


def tiny_repository(root, files: dict[str, str]):
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    (root / "untracked.py").write_text("SECRET = 1\n", encoding="utf-8")
    return root


def test_a_repository_becomes_a_starter_that_passes_ruff(tmp_path):
    source = tiny_repository(
        tmp_path / "reference",
        {
            "pyproject.toml": '[tool.ruff.lint]\nselect = ["F", "I"]\n',
            "zajecia_06_monitoring/drift.py": MODULE,
            "zajecia_06_monitoring/raporty/2013-07.json": "{}",
            "zajecia_06_monitoring/tests/test_reports.py": (
                "# BEGIN SOLUTION NO PROMPT\ndef test_committed():\n    pass\n# END SOLUTION\n"
            ),
            "kurs/starter/rules.py": "X = 1\n",
        },
    )
    counts = generate(tmp_path / "starter", source)
    files = sorted(
        p.relative_to(tmp_path / "starter").as_posix()
        for p in (tmp_path / "starter").rglob("*")
        if p.is_file()
    )
    assert files == ["pyproject.toml", "zajecia_06_monitoring/drift.py"]
    assert (counts["copy"], counts["output"], counts["leave"], counts["solution"]) == (2, 1, 1, 1)
    drift = (tmp_path / "starter" / "zajecia_06_monitoring" / "drift.py").read_text(
        encoding="utf-8"
    )
    # ruff removed the import only the solution used
    assert (
        "import math" not in drift and 'raise NotImplementedError("Zajęcia 06, drift.psi' in drift
    )


def test_a_failed_generation_leaves_nothing_behind(tmp_path):
    source = tiny_repository(
        tmp_path / "reference",
        {
            "zajecia_01_x/a.py": (
                "def f():\n    # BEGIN SOLUTION NO PROMPT\n    return 1\n    # END SOLUTION\n"
            )
        },
    )
    with pytest.raises(
        StarterError, match=r"zajecia_01_x/a\.py:1: szkielet nie jest poprawnym Pythonem"
    ):
        generate(tmp_path / "starter", source)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reference"]


def test_a_folder_with_files_is_never_overwritten(tmp_path):
    source = tiny_repository(tmp_path / "reference", {"a.md": "x\n"})
    (tmp_path / "starter").mkdir()
    (tmp_path / "starter" / "praca.md").write_text("moja praca", encoding="utf-8")
    with pytest.raises(StarterError, match="istnieje i nie jest pustym folderem"):
        generate(tmp_path / "starter", source)
    assert json.dumps(sorted(p.name for p in (tmp_path / "starter").iterdir())) == '["praca.md"]'


def test_a_long_task_is_split_into_literals_within_the_line_length():
    task = "pobierz miesiąc ze źródła, zwaliduj wiersze i zapisz partycję z manifestem " * 2
    text = f"def f():\n        # BEGIN SOLUTION: {task}\n        pass\n        # END SOLUTION\n"
    stripped = strip_solutions(text, "zajecia_03_airflow_ingest/ingest.py", "python")
    assert max(len(line) for line in stripped.splitlines()) <= 100
    namespace: dict = {}
    exec(compile(stripped, "ingest.py", "exec"), namespace)
    with pytest.raises(NotImplementedError) as raised:
        namespace["f"]()
    assert str(raised.value) == f"Zajęcia 03, ingest.f: {task.strip()}"


def test_a_shell_script_not_written_yet_fails_with_its_task(tmp_path):
    script = (
        "#!/usr/bin/env bash\nset -eu\n"
        "# BEGIN SOLUTION: zbuduj obraz i sprawdź /health\ndocker build .\n# END SOLUTION\n"
    )
    stripped = strip_solutions(script, "zajecia_07_docker/deploy.sh", "shell")
    (tmp_path / "deploy.sh").write_text(stripped, encoding="utf-8")
    result = subprocess.run(["bash", str(tmp_path / "deploy.sh")], capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr == "ZADANIE (zajęcia 07): zbuduj obraz i sprawdź /health\n"


def test_a_slide_task_is_not_a_slide_and_the_code_cell_takes_its_place():
    notebook = nbformat.v4.new_notebook()
    slide = {"slideshow": {"slide_type": "slide"}}
    cell = nbformat.v4.new_code_cell("show(f.kpis)", id="kpi")
    cell.metadata = {"tags": ["solution"], "task": "slajd KPI", **slide}
    notebook.cells = [cell]
    text = strip_notebook(nbformat.writes(notebook), "zajecia_10_prezentacja/prezentacja.ipynb")
    task, code = nbformat.reads(text, as_version=4).cells
    assert task.metadata == {"slideshow": {"slide_type": "skip"}}
    assert code.metadata == slide and code.source == ""


def test_the_starter_is_never_written_inside_the_reference(tmp_path):
    source = tiny_repository(tmp_path / "reference", {"a.md": "x\n"})
    with pytest.raises(StarterError, match="leży w repozytorium wzorcowym"):
        generate(source / "starter", source)
    assert not (source / "starter").exists()


def test_a_copy_of_the_reference_without_git_is_named_not_a_traceback(tmp_path):
    copy = tmp_path / "kopia"
    copy.mkdir()
    (copy / "a.md").write_text("x\n", encoding="utf-8")
    with pytest.raises(StarterError, match=r"nie jest repozytorium git .*\(git clone\)"):
        generate(tmp_path / "starter", copy)
    assert not (tmp_path / "starter").exists()


@pytest.mark.parametrize(
    ("name", "text", "kind"),
    [
        (
            "monitoring/prometheus.yml",
            "a: 1\n# BEGIN SOLUTION: {task}\nb: 2\n# END SOLUTION",
            "hash",
        ),
        ("deploy.sh", "set -eu\n# BEGIN SOLUTION: {task}\ndocker build .\n# END SOLUTION", "shell"),
        ("r.md", "# R\n<!-- BEGIN SOLUTION: {task} -->\nTekst.\n<!-- END SOLUTION -->", "html"),
        ("t.md.j2", "# T\n{{# BEGIN SOLUTION: {task} #}}\nProza.\n{{# END SOLUTION #}}", "jinja"),
    ],
    ids=["hash", "shell", "html", "jinja"],
)
def test_the_tests_of_a_stripped_file_fail_with_its_class_and_task(tmp_path, name, text, kind):
    """What the starter writes, the tests read back (kurs.testing.due): one format."""
    task = "zbierz metryki z każdej repliki"
    path = tmp_path / "zajecia_08_deploy" / name
    path.parent.mkdir(parents=True)
    stripped = strip_solutions(text.format(task=task), f"zajecia_08_deploy/{name}", kind)
    path.write_text(stripped, encoding="utf-8")
    with pytest.raises(NotImplementedError, match=rf"^Zajęcia 08, {name}: {task} \(po wykonaniu"):
        written(path)


def test_the_tests_of_a_stripped_notebook_fail_with_its_class_and_task(tmp_path):
    document = nbformat.v4.new_notebook()
    document.cells = [nbformat.v4.new_code_cell("1", id="a", metadata={"tags": ["solution"]})]
    document.cells[0].metadata["task"] = "policz braki"
    path = tmp_path / "zajecia_02_eda" / "eda.ipynb"
    path.parent.mkdir()
    stripped = strip_notebook(nbformat.writes(document), "zajecia_02_eda/eda.ipynb")
    path.write_text(stripped, encoding="utf-8")
    with pytest.raises(NotImplementedError, match=r"^Zajęcia 02, eda\.ipynb: policz braki \("):
        notebook(path)
