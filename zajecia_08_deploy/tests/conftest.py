from dataclasses import replace

import pytest

# Autouse: a route not written yet names its task (kurs.testing.due.logged_task).
from kurs.testing.due import logged_task  # noqa: F401
from kurs.testing.shared import once_per_session, private_copy
from zajecia_05_model.tests.shared_data import TEST_TRAINING, train_and_register, trained_quarter

# A second, different model: the candidate that deployments promote.
CANDIDATE_TRAINING = replace(
    TEST_TRAINING, boosting={**TEST_TRAINING.boosting, "max_iter": 60, "learning_rate": 0.1}
)


@pytest.fixture(scope="session")
def two_versions(tmp_path_factory):
    """Real features of 2013-01…03; v0001 in production, v0002 registered (staging)."""

    def build(folder):
        private_copy(trained_quarter(tmp_path_factory), folder)
        train_and_register(folder, CANDIDATE_TRAINING, "candidate")

    return once_per_session(tmp_path_factory, "two_versions", build)


@pytest.fixture
def data(two_versions, tmp_path):
    """A private copy of ``two_versions``: tests promote, roll back and tamper freely."""
    return private_copy(two_versions, tmp_path / "data")
