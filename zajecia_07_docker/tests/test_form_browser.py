"""The HTML form at ``/`` in a real browser: Polish labels, Polish numbers, human messages.

Debian's Chromium driven by selenium (the ``browser`` fixture of ``kurs.testing.browser``),
against the API under gunicorn.
"""

import json
import re
from pathlib import Path

import pytest

from zajecia_07_docker.schema import FIELDS, polish_number

pytestmark = pytest.mark.slow

LOT = Path(__file__).resolve().parents[1] / "lot.json"


def open_form(browser, server):
    from selenium.webdriver.common.by import By

    browser.get(f"{server.base_url}/")
    return lambda name: browser.find_element(By.NAME, name)


def submit_and_wait(browser, before: str) -> str:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    result = browser.find_element(By.ID, "wynik")
    WebDriverWait(browser, 20).until(lambda _: result.text != before)
    return result.text


def type_into(field, text: str) -> None:
    field.clear()
    field.send_keys(text)


def test_every_field_has_its_polish_label_and_numbers_have_commas(browser, server):
    from selenium.webdriver.common.by import By

    field = open_form(browser, server)
    labels = {
        label.get_attribute("for"): label.text
        for label in browser.find_elements(By.CSS_SELECTOR, "form label")
    }
    assert len(labels) == len(FIELDS) == 34
    for spec in FIELDS:
        assert labels[f"pole-{spec.name}"].startswith(spec.label + spec.unit_suffix), spec.name
        assert spec.name not in labels[f"pole-{spec.name}"]
    assert field("origin_late_share_3h").get_attribute("value") == "0,2"


def test_a_flight_typed_with_polish_commas_gets_a_polish_answer(browser, server):
    flight = json.loads(LOT.read_text(encoding="utf-8"))
    field = open_form(browser, server)
    for spec in FIELDS:
        value = flight[spec.name]
        text = "" if value is None else value if spec.kind == "string" else polish_number(value)
        type_into(field(spec.name), text)
    assert "," in field("temp").get_attribute("value")  # 42,08: a comma really was typed

    shown = submit_and_wait(browser, "Wynik pojawi się tutaj.")

    status, answer = server.call(
        "POST", "/predict", {spec.name: flight[spec.name] for spec in FIELDS}
    )
    assert status == 200
    percent = f"{100 * answer['probability']:.1f}".replace(".", ",")
    threshold = f"{answer['threshold']:.3f}".replace(".", ",")
    decision = "OPÓŹNIENIE" if answer["delayed"] else "na czas"
    assert f"Prawdopodobieństwo opóźnienia: {percent}%" in shown
    assert f"Decyzja przy progu {threshold}: {decision}" in shown


def test_invalid_values_get_human_polish_messages_by_the_field(browser, server):
    from selenium.webdriver.common.by import By

    field = open_form(browser, server)
    type_into(field("carrier"), "united")
    type_into(field("dep_hour"), "25")
    type_into(field("temp"), "ciepło")

    shown = submit_and_wait(browser, "Wynik pojawi się tutaj.")

    assert shown.startswith("Błąd 422")
    assert "• Przewoźnik: niepoprawny format: oczekiwano kodu IATA" in shown
    assert "• Godzina odlotu: wartość 25 poza zakresem od 0 do 23" in shown
    assert "• Temperatura: oczekiwano liczby" in shown
    by_field = browser.find_element(By.ID, "blad-carrier").text
    assert by_field.startswith("niepoprawny format")
    assert field("carrier").get_attribute("aria-invalid") == "true"
    # No regular expression, no English, no raw field name anywhere in what is shown.
    assert not re.search(r"[\^$]|\[A-Z|\{\d|carrier|dep_hour|Expecting", shown + by_field)
