"""The sample source the grader serves (``zrodlo/``): made again from the package, it
is what the repository holds, and the ingest takes it without a quarantined row."""

import zipfile

from zajecia_03_airflow_ingest.config import IngestConfig
from zajecia_03_airflow_ingest.ingest import ingest_month, ingest_reference
from zajecia_03_airflow_ingest.source_sample import FOLDER, first_days, write_sample


def _content(path):
    """A file's bytes; a zip archive's by member (compressed bytes vary with zlib)."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return {name: archive.read(name) for name in archive.namelist()}
    return path.read_bytes()


def test_the_committed_sample_is_what_the_script_makes(tmp_path):
    written = write_sample(tmp_path)
    assert sorted(p.name for p in written) == sorted(p.name for p in FOLDER.iterdir())
    for path in written:
        assert _content(path) == _content(FOLDER / path.name), path.name


def test_only_the_kept_days_of_the_kept_months_are_kept_as_they_were():
    text = (
        "year,month,day,x\n2013,1,1,1.50\n2013,1,8,2\n2013,2,1,3\n2012,1,2,4\n2013,1,7,5\n"
        "2013,7,31,6\n2013,8,31,7\n"
    )
    kept = "year,month,day,x\n2013,1,1,1.50\n2013,2,1,3\n2013,1,7,5\n2013,8,31,7\n"
    assert first_days(text) == kept
    assert first_days(text, {(2013, 2): 1}) == "year,month,day,x\n2013,2,1,3\n"


def test_the_ingest_takes_the_sample_without_a_bad_row(tmp_path):
    config = IngestConfig(data_dir=tmp_path / "data", source=FOLDER.as_uri())
    ingest_reference(config)
    manifests = ingest_month("2013-01", config)
    assert manifests["flights"]["rows"] > 6000 and manifests["weather"]["rows"] > 400
    assert all(m["rows_quarantined"] == 0 for m in manifests.values())
    # The training window's last month: 05.bramka ingests each month of the window.
    june = ingest_month("2013-06", config)
    assert june["flights"]["rows"] > 6000 and june["weather"]["rows"] > 100
    assert all(m["rows_quarantined"] == 0 for m in june.values())
    # run.retrain whole: 06.dryf keeps a quarter of it, above the gate's min_rows (5000).
    august = ingest_month("2013-08", config)
    assert august["flights"]["rows"] > 4 * 5000 and august["weather"]["rows"] > 2000
    assert all(m["rows_quarantined"] == 0 for m in august.values())
