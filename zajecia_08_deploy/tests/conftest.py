import shutil
from dataclasses import replace

import pytest

from zajecia_07_docker.testing import TEST_TRAINING, build_real_registry, train_and_register

# A second, different model: the candidate that deployments promote.
CANDIDATE_TRAINING = replace(
    TEST_TRAINING, boosting={**TEST_TRAINING.boosting, "max_iter": 60, "learning_rate": 0.1}
)


@pytest.fixture(scope="session")
def two_versions(tmp_path_factory):
    """Real features of 2013-01…03; v0001 in production, v0002 registered (staging)."""
    folder = tmp_path_factory.mktemp("two_versions")
    build_real_registry(folder)
    train_and_register(folder, CANDIDATE_TRAINING, "candidate")
    return folder


@pytest.fixture
def data(two_versions, tmp_path):
    """A private copy of ``two_versions``: tests promote, roll back and tamper freely."""
    folder = tmp_path / "data"
    shutil.copytree(two_versions, folder, ignore=shutil.ignore_patterns("logs", "prediction_log"))
    return folder
