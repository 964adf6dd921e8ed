"""What training says when most job titles are read by no title rule (walk O's German export, before German)."""

from __future__ import annotations

import numpy as np

from leadgate.decision.policy import load_policy
from leadgate.features.derived import derive
from leadgate.features.table import build_table
from leadgate.training.title_checks import title_notes
from tests.factories import make_lead


def _notes(titles: list[str | None], mapped: bool = True) -> list[str]:
    leads = [make_lead(lead_id=f"t-{i}", contact={"job_title": title}) for i, title in enumerate(titles)]
    derived = derive(build_table(leads), load_policy().signal_rules)
    return title_notes(derived, np.ones(len(leads), dtype=bool), mapped=mapped)


def test_most_titles_read_by_no_rule_are_named_with_the_custom_category_advice():
    titles = ["Prezes Zarządu"] * 14 + ["Kierownik"] * 10 + ["Specjalista"] * 6 + ["Kadrowa"] + ["CEO"] * 9
    [note] = _notes(titles + [None] * 20)  # a missing title is no unread one
    assert "31 of the 40 training leads' titles (78%)" in note
    assert "'Prezes Zarządu', 'Kierownik', 'Specjalista'" in note and "Kadrowa" not in note
    assert "custom category" in note and "README: Custom fields" in note
    assert "README" not in _notes(titles, mapped=False)[0]


def test_titles_the_rules_read_in_german_and_english_are_no_note():
    german = [
        "Geschäftsführer",
        "Leiter IT",
        "Einkäufer",
        "Werkstudentin",
        "Sachbearbeiter",
        "Vertriebsleiter",
    ]
    assert _notes(german * 10) == []
    assert _notes(["VP of Sales", "Florist"] * 20) == []  # half unread is not most


def test_a_handful_of_titles_proves_nothing():
    assert _notes(["Prezes Zarządu"] * 29) == []
    assert _notes(["Prezes Zarządu"] * 30) != []
