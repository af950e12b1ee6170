"""The instructor's overrides: loaded, validated and applied as a visible last layer."""

from __future__ import annotations

from decimal import Decimal

import pytest

from grading.engine import RepoResult
from grading.model import CheckResult, ClassResult, InputError
from grading.overrides import Override, apply_overrides, load_overrides


def _result(name: str = "jan", penalty: str = "0") -> RepoResult:
    """One repository: class 02 with 02.a 1.5/3 (fail), 02.b 2/2 (pass), 02.c 0/1 skipped."""
    checks = [
        CheckResult("02.a", Decimal("1.5"), Decimal(3), "fail", "brak wykresu rozkładu"),
        CheckResult("02.b", Decimal(2), Decimal(2), "pass", "jest"),
        CheckResult("02.c", Decimal(0), Decimal(1), "skipped", "nie oceniono", mode="run"),
    ]
    result = RepoResult(name, f"/repos/{name}", "sha")
    points = Decimal("3.5") - Decimal(penalty)
    result.classes = [ClassResult("02", "EDA", points, Decimal(6), checks)]
    return result


def _override(**fields) -> Override:
    values = {"number": 1, "repository": "jan", "check": "02.a", "class_id": None,
              "points": Decimal(3), "reason": "wykres jest w innym notebooku",
              "author": "AN"}  # fmt: skip
    return Override(**{**values, **fields})


def test_check_override_replaces_points_keeps_automatic_visible():
    result = _result()
    assert apply_overrides([result], [_override()]) == []
    graded = result.classes[0]
    check = graded.checks[0]
    assert (check.points, check.status) == (Decimal(3), "pass")
    assert check.message == (
        "Korekta prowadzącego (AN): wykres jest w innym notebooku. Wynik automatyczny: 1,5 pkt "
        "(niezaliczone): brak wykresu rozkładu"
    )
    assert (graded.points, result.total) == (Decimal(5), Decimal(5))
    assert result.notes == [
        "Korekta prowadzącego (AN), sprawdzenie 02.a: 1,5 → 3 pkt: wykres jest w innym notebooku"
    ]


def test_check_override_below_maximum_is_a_fail_and_a_skipped_check_becomes_evaluated():
    result = _result()
    apply_overrides([result], [_override(points=Decimal("2.5")),
                               _override(number=2, check="02.c", points=Decimal(1))])  # fmt: skip
    statuses = [(c.id, c.points, c.status) for c in result.classes[0].checks]
    assert statuses == [("02.a", Decimal("2.5"), "fail"), ("02.b", Decimal(2), "pass"),
                        ("02.c", Decimal(1), "pass")]  # fmt: skip
    assert (result.total, result.evaluated_max) == (Decimal("5.5"), Decimal(6))


def test_check_override_keeps_the_late_penalty():
    result = _result(penalty="2")
    apply_overrides([result], [_override()])
    assert result.classes[0].points == Decimal(3)  # checks 5 − penalty 2


def test_class_override_sets_the_class_points_checks_unchanged():
    result = _result()
    before = list(result.classes[0].checks)
    apply_overrides([result], [_override(check=None, class_id="02", points=Decimal(4))])
    assert (result.classes[0].points, result.total) == (Decimal(4), Decimal(4))
    assert result.classes[0].checks == before
    assert result.notes == [
        "Korekta prowadzącego (AN), zajęcia 02: 3,5 → 4 pkt (różnica +0,5 pkt; sprawdzenia bez "
        "zmian): wykres jest w innym notebooku"
    ]


def test_changed_automatic_points_flagged_override_still_applied():
    jan, ewa = _result("jan"), _result("ewa")
    warnings = apply_overrides(
        [jan, ewa],
        [_override(automatic=Decimal(1)),
         _override(number=2, repository="ewa", check=None, class_id="02", points=Decimal(4),
                   automatic=Decimal("3.50"))],
    )  # fmt: skip
    change = "wynik automatyczny zmienił się od korekty: było 1, jest 1,5 — sprawdź korektę"
    assert warnings == [f"korekta nr 1 (jan, sprawdzenie 02.a): {change}"]
    assert jan.notes[-1] == f"sprawdzenie 02.a: {change}"
    assert (jan.total, ewa.total) == (Decimal(5), Decimal(4))
    assert not any("zmienił się" in note for note in ewa.notes)


def test_automatic_points_unchanged_not_flagged():
    assert apply_overrides([_result()], [_override(automatic=Decimal("1.50"))]) == []


def test_unknown_repository_check_and_class_are_warnings():
    result = _result()
    warnings = apply_overrides(
        [result],
        [_override(repository="ewa"), _override(number=2, check="02.zzz"),
         _override(number=3, check=None, class_id="05", points=Decimal(1))],
    )  # fmt: skip
    assert warnings == [
        "korekta nr 1 (ewa, sprawdzenie 02.a): brak w wynikach (repozytorium) — korekta pominięta",
        "korekta nr 2 (jan, sprawdzenie 02.zzz): brak w wynikach (sprawdzenie 02.zzz) — korekta "
        "pominięta",
        "korekta nr 3 (jan, zajęcia 05): brak w wynikach (zajęcia 05) — korekta pominięta",
    ]
    assert (result.total, result.notes) == (Decimal("3.5"), [])


def test_points_above_maximum_refused_before_anything_changes():
    result = _result()
    overrides = [_override(check="02.b", points=Decimal(1)), _override(number=2, points=Decimal(4))]
    with pytest.raises(InputError, match=r"korekta nr 2 \(jan, sprawdzenie 02.a\): 4 pkt — więcej "
                       r"niż maksimum 3 pkt"):  # fmt: skip
        apply_overrides([result], overrides)
    assert (result.total, result.notes) == (Decimal("3.5"), [])


def test_load_overrides_both_kinds(tmp_path):
    path = tmp_path / "korekty.yaml"
    path.write_text(
        "- {repository: jan, check: 02.wykresy, points: 2.5, reason: powód, author: AN, "
        "automatic: 1.5}\n"
        '- {repository: ewa, class: "02", points: 15, reason: inny powód, author: AN}\n',
        encoding="utf-8",
    )
    assert load_overrides(path) == [
        Override(1, "jan", "02.wykresy", None, Decimal("2.5"), "powód", "AN", Decimal("1.5")),
        Override(2, "ewa", None, "02", Decimal(15), "inny powód", "AN"),
    ]


def test_load_overrides_empty_file(tmp_path):
    path = tmp_path / "korekty.yaml"
    path.write_text("# brak korekt\n", encoding="utf-8")
    assert load_overrides(path) == []


ENTRY = "repository: jan, points: 1, reason: r, author: AN"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- [", "nie da się wczytać"),
        ("repository: jan\n", "oczekiwana lista korekt"),
        ("- 5\n", "korekta nr 1: oczekiwany słownik"),
        (f"- {{{ENTRY}, check: 02.a, uwagi: x}}\n", "korekta nr 1: nieznany klucz 'uwagi'"),
        ("- {repository: jan, check: 02.a, points: 1, author: AN}\n",
         "korekta nr 1: brak `reason`"),
        ("- {repository: jan, check: 02.a, points: 1, reason: r}\n",
         "korekta nr 1: brak `author`"),
        (f"- {{{ENTRY}, check: 02.a}}\n- {{{ENTRY}, check: 02.a, class: '02'}}\n",
         "korekta nr 2: podaj dokładnie jedno z `check`"),
        (f"- {{{ENTRY}}}\n", "korekta nr 1: podaj dokładnie jedno"),
        (f"- {{{ENTRY}, class: 02}}\n", "korekta nr 1: `class`: 2 nie jest tekstem"),
        ("- {repository: jan, check: 02.a, points: dużo, reason: r, author: AN}\n",
         "korekta nr 1: `points`: 'dużo' — oczekiwana liczba punktów ≥ 0"),
        ("- {repository: jan, check: 02.a, points: -1, reason: r, author: AN}\n",
         "korekta nr 1: `points`: -1"),
        (f"- {{{ENTRY}, check: 02.a, automatic: x}}\n", "korekta nr 1: `automatic`: 'x'"),
        (f"- {{{ENTRY}, check: 02.a}}\n- {{{ENTRY}, check: 02.a}}\n",
         "korekta nr 2 (jan, sprawdzenie 02.a): powtarza korektę nr 1"),
        (f"- {{{ENTRY}, check: 02.a}}\n- {{{ENTRY}, class: '02'}}\n",
         "korekta nr 1 (jan, sprawdzenie 02.a): korekta nr 2 ustala wynik całych zajęć 02"),
    ],
)  # fmt: skip
def test_load_overrides_invalid_names_the_entry(tmp_path, text, expected):
    path = tmp_path / "korekty.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"korekty\.yaml") as raised:
        load_overrides(path)
    assert expected in str(raised.value)
