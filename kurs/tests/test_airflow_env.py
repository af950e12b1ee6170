import json

from kurs import exit_codes
from kurs.airflow_env import bundle_config, dag_folders, main
from kurs.repository import REPO_ROOT


def make_tree(root):
    for name in ("zajecia_03_b", "zajecia_01_a", "zajecia_02_bez_dagow", "inne"):
        (root / name).mkdir()
    for name in ("zajecia_03_b", "zajecia_01_a", "inne"):
        (root / name / "dags").mkdir()
    return root


def test_every_class_folder_with_dags_is_a_bundle_in_class_order(tmp_path):
    root = make_tree(tmp_path)
    assert dag_folders(root) == [root / "zajecia_01_a" / "dags", root / "zajecia_03_b" / "dags"]
    bundles = bundle_config(root, refresh_interval_s=30)
    assert [(b["name"], b["kwargs"]) for b in bundles] == [
        ("zajecia_01_a", {"path": str(root / "zajecia_01_a" / "dags"), "refresh_interval": 30}),
        ("zajecia_03_b", {"path": str(root / "zajecia_03_b" / "dags"), "refresh_interval": 30}),
    ]


def test_the_repository_has_dag_folders():
    assert dag_folders()[0].parent.name == "zajecia_03_airflow_ingest"
    assert all(folder.parent.parent == REPO_ROOT for folder in dag_folders())


def test_command_prints_the_bundle_list_for_a_mounted_repository(tmp_path, capsys):
    root = make_tree(tmp_path)
    assert main(["bundles", str(root), "--refresh-interval", "5"]) == exit_codes.OK
    assert json.loads(capsys.readouterr().out) == bundle_config(root, refresh_interval_s=5)
    for wrong in (root / "brak", root / "inne"):
        assert main(["bundles", str(wrong)]) == exit_codes.ERROR
        assert "nie ma folderów zajecia_NN_*/dags" in capsys.readouterr().err
