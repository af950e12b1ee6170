import pytest

from zajecia_10_prezentacja.tests.shared_data import course_artifacts


@pytest.fixture(scope="session")
def artifacts_folder(tmp_path_factory):
    """Every artifact of classes 03–09 for March 2013 (read-only: copy it to change it)."""
    return course_artifacts(tmp_path_factory)
