"""The instructor's overrides: loaded, validated and applied as a visible last layer."""

from __future__ import annotations

from decimal import Decimal

import pytest

from grading.engine import RepoResult
from grading.model import CheckResult, ClassResult, InputError
from grading.overrides import Override, apply_overrides, load_overrides
from grading.rubric import Check, ClassSpec, Rubric


def _result(name: str = "jan", penalty: str = "0", late_share: str | None = None) -> RepoResult:
    """One repository: class 02 with 02.a 1.5/3 (fail), 02.b 2/2 (pass), 02.c 0/1 skipped.
    With ``late_share``, the class lost that share of its 5 evaluated points (capped at the
    3.5 its checks earned), as :mod:`grading.deadlines` grades it."""
    checks = [
        CheckResult("02.a", Decimal("1.5"), Decimal(3), "fail", "brak wykresu rozkładu"),
        CheckResult("02.b", Decimal(2), Decimal(2), "pass", "jest"),
        CheckResult("02.c", Decimal(0), Decimal(1), "skipped", "nie oceniono", mode="run"),
    ]
    result = RepoResult(name, f"/repos/{name}", "sha")
    points = Decimal("3.5") - Decimal(penalty)
    share = None if late_share is None else Decimal(late_share)
    if share is not None:
        points = max(Decimal("3.5") - share * 5, Decimal(0)).quantize(Decimal("0.01"))
    late = None if share is None else "1 commit w zaj02 po terminie"
    result.classes = [ClassResult("02", "EDA", points, Decimal(6), checks, None, late, share)]
    return result


def _spec(class_id: str, *check_ids: str) -> ClassSpec:
    checks = tuple(Check(c, Decimal(1), "static", "d", "h", "k", {}) for c in check_ids)
    return ClassSpec(class_id, "t", f"zaj{class_id}", Decimal(len(checks)), checks)


RUBRIC = Rubric((_spec("01", "01.backlog"), _spec("02", "02.a", "02.wykresy")), "sha")


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


def test_check_override_keeps_the_penalty_of_a_result_without_its_share():
    result = _result(penalty="2")
    apply_overrides([result], [_override()])
    assert result.classes[0].points == Decimal(3)  # checks 5 − penalty 2


def test_check_override_recomputes_the_late_penalty():
    result = _result(late_share="0.2")
    assert result.classes[0].points == Decimal("2.5")  # 3.5 − 0.2 × 5
    apply_overrides([result], [_override()])
    graded = result.classes[0]
    assert (graded.points, result.total) == (Decimal(4), Decimal(4))  # 5 − 0.2 × 5
    assert graded.late == (
        "1 commit w zaj02 po terminie; po korekcie prowadzącego kara przeliczona: 0,2 × 5 pkt "
        "(maksimum ocenianych sprawdzeń) = 1 pkt; wynik zajęć: 5 − 1 = 4 pkt"
    )


def test_capped_penalty_stays_whole_when_an_override_raises_a_check():
    result = _result(late_share="1.5")  # 7.5 pkt penalty, capped at the 3.5 earned
    assert result.classes[0].points == Decimal(0)
    apply_overrides([result], [_override()])
    assert result.classes[0].points == Decimal(0)  # 7.5 capped at the 5 now earned
    assert result.classes[0].late.endswith(
        "= 7,5 pkt, ograniczona do 5 pkt za sprawdzenia; wynik zajęć: 5 − 5 = 0 pkt"
    )


def test_check_override_of_a_skipped_check_enlarges_the_penalty_base():
    result = _result(late_share="0.2")
    apply_overrides([result], [_override(check="02.c", points=Decimal(1))])
    # checks 1.5 + 2 + 1 = 4.5; evaluated 6 pkt → penalty 1.2
    assert result.classes[0].points == Decimal("3.3")
    assert result.classes[0].late.endswith("0,2 × 6 pkt (maksimum ocenianych sprawdzeń) = 1,2 pkt; "
                                           "wynik zajęć: 4,5 − 1,2 = 3,3 pkt")  # fmt: skip


def test_penalty_rounded_half_up_after_override():
    result = _result(late_share="0.097")  # 5 × 0.097 = 0.485
    apply_overrides([result], [_override()])
    assert str(result.classes[0].points) == "4.51"  # 5 − 0.49


def test_class_override_is_the_final_score_without_penalty():
    result = _result(late_share="0.2")
    apply_overrides([result], [_override(check=None, class_id="02", points=Decimal(6))])
    assert result.classes[0].points == Decimal(6)
    assert result.classes[0].late.endswith(
        "korekta prowadzącego ustala wynik zajęć: 6 pkt, bez kary"
    )


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
    assert not any("zmienił się" in note for note in jan.notes)  # for the instructor only
    assert (jan.total, ewa.total) == (Decimal(5), Decimal(4))
    assert not any("zmienił się" in note for note in ewa.notes)


def test_automatic_points_unchanged_not_flagged():
    assert apply_overrides([_result()], [_override(automatic=Decimal("1.50"))]) == []


def test_repository_check_and_class_not_in_the_results_are_warnings():
    """Load refuses ids not in the rubric; a class may still be missing from the results
    (graded with --classes) and a repository may not be in this batch."""
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
    assert load_overrides(path, RUBRIC) == [
        Override(1, "jan", "02.wykresy", None, Decimal("2.5"), "powód", "AN", Decimal("1.5")),
        Override(2, "ewa", None, "02", Decimal(15), "inny powód", "AN"),
    ]


def test_load_overrides_empty_file(tmp_path):
    path = tmp_path / "korekty.yaml"
    path.write_text("# brak korekt\n", encoding="utf-8")
    assert load_overrides(path, RUBRIC) == []


ENTRY = "repository: jan, points: 1, reason: r, author: AN"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- [", "niepoprawny YAML w wierszu 1"),
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
        load_overrides(path, RUBRIC)
    assert expected in str(raised.value)


def test_load_overrides_refuses_a_check_or_class_not_in_the_rubric_repository_is_free(tmp_path):
    path = tmp_path / "korekty.yaml"
    path.write_text(
        f"- {{{ENTRY}, check: 02.wykres}}\n- {{{ENTRY}, class: '05'}}\n"
        f"- {{{ENTRY}, check: 99.x}}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as raised:
        load_overrides(path, RUBRIC)
    assert str(raised.value).splitlines()[1:] == [
        "- korekta nr 1 (jan, sprawdzenie 02.wykres): nie ma takiego sprawdzenia w rubryce "
        "(czy chodziło o 02.wykresy?)",
        "- korekta nr 2 (jan, zajęcia 05): nie ma takich zajęć w rubryce (są: 01, 02)",
        "- korekta nr 3 (jan, sprawdzenie 99.x): nie ma takiego sprawdzenia w rubryce",
    ]
    path.write_text(f"- {{{ENTRY}, check: 02.a}}\n".replace("jan", "nieznany"), encoding="utf-8")
    assert [o.repository for o in load_overrides(path, RUBRIC)] == ["nieznany"]
