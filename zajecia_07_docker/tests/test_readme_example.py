"""README 07's ``curl`` examples: the files exist, are real flights, and the answers shown
have the API's shape and the numbers of the model ``make run`` trains.

The probabilities depend on that model, which the tests do not train (it takes minutes).
What is checked instead: the shape of the answer against the API on the test model, the
version and threshold against the committed model card that ``make run`` writes, and
that each decision shown agrees with its probability and threshold.
"""

import json
import re
import shlex
from itertools import pairwise
from pathlib import Path

import pandas as pd
import pytest

from kurs.repository import REPO_ROOT
from zajecia_04_preprocessing.feature_partitions import features_partition
from zajecia_05_model.model_card import PUBLISHED
from zajecia_05_model.registry import CARD_FILE
from zajecia_05_model.tests.shared_data import SERVED_MONTH
from zajecia_07_docker.schema import FLIGHT_ID, flight_records

README = REPO_ROOT / "zajecia_07_docker" / "README.md"
# A ```bash block with a curl command, then the ```json block of its answer.
EXAMPLE = re.compile(r"```bash\n(curl [^\n]*)\n```\s*```json\n([^`]*)```")
FLIGHT_ID_PARTS = re.compile(r"^([A-Z0-9]{2})(\d+)-([A-Z]{3})-(\d{4}-\d\d-\d\dT\d\d:\d\d)Z$")


def readme_examples() -> list[tuple[Path, dict[str, str], dict]]:
    """Each curl example of README 07: the file it sends, its headers, the answer shown."""
    examples = []
    for command, answer in EXAMPLE.findall(README.read_text(encoding="utf-8")):
        words = shlex.split(command)
        [data] = [word for previous, word in pairwise(words) if previous == "-d"]
        headers = dict(
            word.split(": ", 1) for previous, word in pairwise(words) if previous == "-H"
        )
        assert data.startswith("@"), command
        examples.append((REPO_ROOT / data[1:], headers, json.loads(answer)))
    assert examples, "README 07 nie pokazuje przykładu curl z odpowiedzią"
    return examples


def shape(value: object) -> object:
    """Keys and types of a JSON value, without the values."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value]
    return type(value).__name__


def flights_in(body: dict) -> list[dict]:
    return body.get("instances", [body])


def test_readme_shows_a_single_flight_and_a_batch_from_files_that_exist():
    examples = readme_examples()
    assert [path.name for path, _, _ in examples] == ["lot.json", "partia.json"]
    for path, _, _ in examples:
        # The README says to run curl from the repository root; curl reads the path there.
        assert path.is_file(), f"{path} nie istnieje"


def test_example_flights_are_real_flights_of_the_data(real_data):
    month = features_partition(real_data, SERVED_MONTH).read()
    departure = pd.to_datetime(month["sched_dep_utc"], utc=True).dt.strftime("%Y-%m-%dT%H:%M")
    for path, _, _ in readme_examples():
        for flight in flights_in(json.loads(path.read_text(encoding="utf-8"))):
            carrier, number, origin, when = FLIGHT_ID_PARTS.match(flight[FLIGHT_ID.name]).groups()
            row = month[
                (month["carrier"] == carrier)
                & (month["flight"].astype(str) == number)
                & (month["origin"] == origin)
                & (departure == when)
            ]
            assert len(row) == 1, flight[FLIGHT_ID.name]
            assert flight == {FLIGHT_ID.name: flight[FLIGHT_ID.name], **flight_records(row)[0]}


@pytest.mark.parametrize("example", range(2))
def test_the_answer_shown_has_the_shape_of_the_api_answer(client, example):
    path, headers, shown = readme_examples()[example]
    # curl -d drops the file's line breaks; JSON does not mind either way.
    response = client.post("/predict", data=path.read_bytes(), headers=headers)
    assert response.status_code == 200, response.get_json()
    answer = response.get_json()
    assert shape(shown) == shape(answer)
    assert shown["request_id"] == answer["request_id"] == headers["X-Request-ID"]
    decisions = shown.get("predictions", [shown])
    assert all(d["delayed"] == (d["probability"] >= shown["threshold"]) for d in decisions)


# BEGIN SOLUTION NO PROMPT
def test_version_and_threshold_shown_are_those_of_the_committed_model_card():
    card_path = PUBLISHED / CARD_FILE
    assert card_path.is_file(), f"brak {card_path}: uruchom make run i zacommituj wynik"
    card = card_path.read_text(encoding="utf-8")
    version = re.search(r"^# Karta modelu — \S+ (v\d{4})$", card, re.MULTILINE)[1]
    threshold = re.search(r"Najwyższy próg, przy którym .*?\*\*(\d+,\d{3})\*\*", card)[1]
    for _, _, shown in readme_examples():
        assert shown["model_version"] == version
        assert f"{shown['threshold']:.3f}".replace(".", ",") == threshold


# END SOLUTION
