"""Any input gets an encodable 4xx: lone surrogates, control characters, huge keys and values.

JSON may carry what UTF-8 cannot (``"\\ud800"``) and what a log line should not (``\\x00``,
a direction override). Every place that quotes the client back — field names, values,
the content type — must still give a valid UTF-8 JSON answer, never a 500.
"""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zajecia_07_docker.errors import printable
from zajecia_07_docker.schema import FIELDS, example_flight

# Lone surrogates, C0/C1 controls, a direction override, a zero-width space, Polish letters.
NASTY = ["\ud800", "\udfff", "\x00", "\x1b[31m", "\n", "\x85", "\u202e", "\u200b", "ąę"]
nasty_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(st.characters(codec=None, categories=["Cs", "Cc", "Cf", "Zl", "Zp"]), max_size=8),
    st.text(st.characters(codec=None), max_size=20),
    # Long ones: a key or value of tens of thousands of characters.
    st.builds(
        lambda piece, times: piece * times, st.sampled_from([*NASTY, "k"]), st.integers(1, 30_000)
    ),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | nasty_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(nasty_text, inner, max_size=3),
    max_leaves=8,
)
# A real flight with hostile keys added or values replaced, bare hostile JSON, and batches.
flights = st.builds(
    lambda extra, replaced: example_flight() | extra | replaced,
    st.dictionaries(nasty_text, json_values, max_size=2),
    st.dictionaries(
        st.sampled_from([f.name for f in FIELDS] + ["flight_id"]), nasty_text, max_size=3
    ),
)
bodies = st.one_of(
    flights,
    json_values,
    st.builds(lambda items: {"instances": items}, st.lists(flights | json_values, max_size=3)),
    st.builds(lambda key, value: {"instances": [], key: value}, nasty_text, json_values),
)
# Lone surrogates as JSON escapes (ASCII bytes) or encoded raw, as some encoders do.
encodings = st.sampled_from(["escaped", "raw"])


def encode(body: object, how: str) -> bytes:
    if how == "escaped":
        return json.dumps(body).encode("ascii")
    return json.dumps(body, ensure_ascii=False).encode("utf-8", "surrogatepass")


def assert_encodable_json_error(response) -> dict:
    assert response.status_code < 500, response.data[:500]
    text = response.data.decode("utf-8")  # strict: an invalid byte fails here
    body = json.loads(text)
    # No lone surrogate even as an escape: each string must round-trip through UTF-8.
    json.dumps(body, ensure_ascii=False).encode("utf-8")
    return body


def test_a_lone_surrogate_in_a_key_is_refused_and_named(client):
    response = client.post("/predict", data=b'{"\\ud800": 1}', content_type="application/json")
    body = assert_encodable_json_error(response)
    assert response.status_code == 422
    assert {"field": "\\ud800", "message": "nieznane pole"} in body["error"]["fields"]


def test_a_key_next_to_instances_and_a_content_type_are_escaped(client):
    response = client.post(
        "/predict", data=b'{"instances": [], "\\udfff\\u0000": 1}', content_type="application/json"
    )
    assert assert_encodable_json_error(response)["error"]["fields"][0]["field"] == "\\udfff\\x00"
    response = client.post("/predict", data=b"{}", content_type="text/\x85plain\x7f")
    message = assert_encodable_json_error(response)["error"]["fields"][0]["message"]
    assert response.status_code == 415 and message == "otrzymano text/\\x85plain\\x7f"


def test_a_huge_key_is_cut_in_the_answer(client):
    response = client.post("/predict", json=example_flight() | {"k" * 50_000: 1})
    [field] = [f["field"] for f in assert_encodable_json_error(response)["error"]["fields"]]
    assert response.status_code == 422 and field == "k" * 200 + "…"


def test_printable_escapes_what_cannot_be_shown_and_keeps_polish():
    assert printable("zażółć\ud800\x00\u202e ok") == "zażółć\\ud800\\x00\\u202e ok"
    assert printable("x" * 5, limit=3) == "xxx…"


@given(
    body=bodies,
    how=encodings,
    content_type=st.sampled_from(["application/json", "application/json; charset=utf-8"]),
)
@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_any_json_gets_a_valid_utf8_json_answer_below_500(client, body, how, content_type):
    response = client.post("/predict", data=encode(body, how), content_type=content_type)
    assert_encodable_json_error(response)


@given(content_type=st.text(st.characters(min_codepoint=1, max_codepoint=255), max_size=300))
@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_any_content_type_gets_a_valid_utf8_json_answer_below_500(client, content_type):
    # Headers arrive as latin-1: any byte but CR and LF can be in one.
    content_type = content_type.replace("\r", "").replace("\n", "")
    response = client.post("/predict", data=b"{}", headers={"Content-Type": content_type})
    assert_encodable_json_error(response)


# On the wire a path is bytes: percent-encoded surrogates and controls are what can come.
@pytest.mark.parametrize("path", ["/predict?%ED%B3%BF=%00%0A", "/nie%ED%A0%80ma", "/%00%1b"])
def test_odd_paths_and_query_strings_get_json_answers(client, path):
    assert_encodable_json_error(client.open(path, method="GET"))
