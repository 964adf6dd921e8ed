"""What training says of the custom fields themselves (walk K's HubSpot export)."""

from __future__ import annotations

import numpy as np
import pytest

from leadgate.features.builder import FeatureBuilder
from leadgate.features.custom import CustomField
from leadgate.training.field_checks import field_notes

N = 1000


def _notes(
    field: CustomField, values: list, y=None, column=None, vocabulary=("(other)",), mapped=True
) -> list[str]:
    builder = FeatureBuilder(custom_fields=(field,))
    builder.vocabularies_ = {field.feature: list(vocabulary)}
    matrix = np.zeros((N, len(builder.feature_names)))
    if column is not None:
        matrix[:, builder.feature_names.index(field.feature)] = column
    y = np.arange(N) % 10 < 3 if y is None else y  # 30% SQLs, spread over the rows
    custom = [{field.name: v} for v in values]
    notes = field_notes(builder, custom, matrix, y, np.ones(N, dtype=bool), mapped=mapped)
    return [note.text for note in notes]


def test_a_category_whose_cells_list_values_is_called_a_multi_select():
    products = ["Analytics;API", "API", "Reporting;Analytics;API", "SSO|API"] * (N // 4)
    [note] = _notes(CustomField("products", "category", "Products"), products)
    assert note.startswith(
        "custom field products: 50% of its filled cells list several values separated by ';'"
    )
    assert "(4 combinations, each a level of its own)" in note and "contains:" in note


def test_a_category_mostly_pooled_is_named_with_its_share():
    levels = [f"level {i % 400}" for i in range(N)]
    [note] = _notes(CustomField("segment", "category", "Segment"), levels, vocabulary=("(other)", "level 1"))
    assert note.startswith(
        "custom field segment: 100% of the training leads that have it hold a level too rare"
    )
    assert "(400 levels; fewer than 20 leads each, or beyond the 250 most common)" in note
    common = ["a", "b"] * (N // 2)
    assert (
        _notes(CustomField("segment", "category", "Segment"), common, vocabulary=("(other)", "a", "b")) == []
    )


@pytest.mark.parametrize(
    ("mapped", "advice"),
    [
        (
            True,
            "reading them by their first 2 characters (prefix: 2) would keep 100% of them in levels of their "
            "own; else group the levels in the mapping's values: map, or leave the field out",
        ),
        (
            False,
            "grouping them by their first 2 characters before training would keep 100% of them in levels of "
            "their own; else group the levels before training, or leave the field out",
        ),
    ],
)
def test_a_pooled_category_of_codes_is_pointed_at_its_first_characters(mapped, advice):
    # Walk: 3,000 postal codes, every one pooled; here 1,000, their first two digits (a region) 50 leads' each.
    codes = [f"{i % 20:02d}{i:03d}" for i in range(N)]
    [note] = _notes(CustomField("postal_code", "category", "Postal code"), codes, mapped=mapped)
    assert note.endswith(f"pooled as '(other)': its levels look like codes ('00000', '01001', …): {advice}")
    # Words are no codes, and codes whose every beginning is rare get no prefix to try.
    words = [f"level {i % 400}" for i in range(N)]
    [note] = _notes(CustomField("segment", "category", "Segment"), words)
    assert note.endswith(
        "pooled as '(other)': group the levels in the mapping's values: map, or leave the field out"
    )
    scattered = [f"{i * 613 % 100_000:05d}" if i < 150 else None for i in range(N)]  # ~15 per first digit
    [note] = _notes(CustomField("code", "category", "Code"), scattered)
    assert "prefix" not in note


def test_a_category_read_by_its_prefix_still_pooled_is_told_its_prefix_and_only_a_shorter_one():
    # Walk W: a prefix: 2 field was told "its levels look like codes ('51', '41', …)", the levels prefix: 2 made.
    codes = [f"{i % 10}{i % 97:02d}{i:02d}" for i in range(N)]  # 97 two-digit beginnings, ~10 leads each
    [note] = _notes(CustomField("postal_code", "category", "Postal code", prefix=3), codes)
    assert note.endswith(
        "pooled as '(other)': read by their first 3 characters (prefix: 3), its levels are still too many to "
        "learn: reading them by their first character (prefix: 1) would keep 100% of them in levels of their "
        "own; else group the levels in the mapping's values: map, or leave the field out"
    )
    y = np.arange(N) % 7 < 2  # no first digit all SQLs
    [note] = _notes(CustomField("postal_code", "category", "Postal code", prefix=1), codes, y=y)
    assert note.endswith(
        "pooled as '(other)': read by their first character (prefix: 1), its levels are still too many to "
        "learn: group the levels in the mapping's values: map, or leave the field out"
    )


def test_a_category_read_by_its_prefix_is_checked_as_the_model_reads_it():
    field = CustomField("postal_code", "category", "Postal code", prefix=1)
    codes = [f"{i % 10}{i:04d}" for i in range(N)]
    y = np.arange(N) % 3 == 0
    assert _notes(field, codes, y=y, vocabulary=("(other)", *"0123456789")) == []
    y = np.array([not code.startswith("8") for code in codes])
    [note] = _notes(field, codes, y=y, vocabulary=("(other)", *"0123456789"))
    assert note.startswith(
        "custom field postal_code: none of the 100 training leads where it is '8…' became an SQL"
    )


def test_a_date_after_the_decision_for_most_leads_is_asked_about():
    field = CustomField("trial_started", "datetime", "Trial started")
    later = np.where(np.arange(N) % 5 == 0, 3.0, -2.0)  # 80% of the dates two days after the decision
    [note] = _notes(field, ["2026-01-01"] * N, column=later)
    assert note.startswith("custom field trial_started: after the moment the lead was decided in 80% of")
    assert "after_contact" in note
    # 20% after: not most of them, and converting as the rest (SQLs every tenth block of five, not by i % 10).
    y = np.arange(N) // 5 % 10 < 3
    assert _notes(field, ["2026-01-01"] * N, y=y, column=-later) == []


def _demo(after: int, sql_after: int, columns=None, mapped: bool = True) -> list:
    """1,000 leads with a demo date, the first `after` of them after their decision (`sql_after` SQLs among
    them), the rest before it at a 28% SQL rate."""
    field = CustomField("demo_requested", "datetime", "Demo requested")
    builder = FeatureBuilder(custom_fields=(field,))
    matrix = np.zeros((N, len(builder.feature_names)))
    matrix[:, builder.feature_names.index(field.feature)] = np.where(np.arange(N) < after, -17.0, 5.0)
    y = np.where(np.arange(N) < after, np.arange(N) < sql_after, np.arange(N) % 25 < 7)
    custom = [{"demo_requested": "2026-01-01"}] * N
    return field_notes(builder, custom, matrix, y, np.ones(N, dtype=bool), mapped, columns)


def test_a_date_after_the_decision_for_a_few_leads_that_all_convert_is_asked_about():
    # Walk Q: 126 of 771 demo dates set by sales after the lead arrived, every one an SQL; the rest 28.7%.
    columns = {"custom.demo_requested": "Demo Requested Date__c"}
    [note] = _demo(150, 150, columns)
    assert note.text == (
        "custom field demo_requested: 150 of 1,000 training leads have Demo Requested Date__c after they were "
        "decided, and 150 of those 150 are SQLs against 28.0% of the other 850: a date filled in after "
        "contact? if so, list its column under after_contact"
    )
    assert note.late is None  # a question, not a finding: the model keeps its alias
    # None of them converting is as telling; a history without a mapping has no column to name.
    [note] = _demo(150, 0, mapped=False)
    assert note.text.startswith("custom field demo_requested: 150 of 1,000 training leads have it after")
    assert "0 of those 150 are SQLs" in note.text and note.text.endswith("if so, leave it out of the history")
    # A date known at arrival that lies ahead (a scheduled event), converting at 28% like the dates before it.
    assert _demo(150, 42) == []
    assert _demo(29, 29) == []  # fewer than 30 such leads prove nothing, all SQLs or not


def test_a_value_no_sql_ever_has_is_asked_about_and_chance_is_not():
    field = CustomField("became_lead", "datetime", "Became a lead")
    y = np.arange(N) % 10 < 3
    blank_for_non_sqls = [None if i % 10 in (5, 6) else "2026-01-01" for i in range(N)]  # 200 blanks, 0 SQLs
    [note] = _notes(field, blank_for_non_sqls, y=y, column=np.full(N, 1.0))
    assert note.startswith(
        "custom field became_lead: none of the 200 training leads where it is blank became an SQL (about 60 would"
    )
    # 120 blanks with one SQL among them: a low rate, not a value set by what happened.
    mostly = [None if i % 10 in (5, 6) and i < 600 else "xy"[i % 2] for i in range(N)]
    mostly[0] = None
    assert _notes(CustomField("x", "category", "X"), mostly, y=y, vocabulary=("(other)", "x", "y")) == []
    flags = [bool(sql) for sql in y]
    [note] = _notes(CustomField("won", "flag", "Won"), flags, y=y)
    assert "none of the 700 training leads where it is 'false' became an SQL" in note


def test_a_field_with_one_value_for_every_lead_is_named():
    # Walk M: `contains: Analytic` where the cells say Analytics: a constant "no" the model cannot learn from.
    [note] = _notes(CustomField("wants_analytic", "flag", "Wants analytic"), [False] * N)
    assert note == (
        "custom field wants_analytic: 'no' for every training lead that has it, so the model can learn only "
        "whether it is given, not from its value: check its true_values (or contains: value) against the "
        "export's cells"
    )
    assert _notes(CustomField("x", "flag", "X"), [i % 2 == 0 for i in range(N)]) == []


@pytest.mark.parametrize(
    ("mapped", "advice"),
    [
        (True, 'if a blank cell means no, add false_values: [""] to its column'),
        (False, "if a missing value means no, write false for it in the history"),
    ],
)
def test_a_flag_yes_or_blank_points_at_reading_the_blank_as_no(mapped, advice):
    # An SAP export's 'X' or nothing: true_values: [X] leaves every no missing.
    values = [True if i % 20 < 9 else None for i in range(N)]
    [note] = _notes(CustomField("opt_in", "flag", "Opted in"), values, mapped=mapped)
    assert note == (
        "custom field opt_in: 'yes' for every training lead that has it, so the model can learn only whether it "
        f"is given, not from its value: 550 of the 1,000 training leads have none; {advice}"
    )
    [note] = _notes(
        CustomField("opt_in", "flag", "Opted in"), [True if i % 20 < 11 else None for i in range(N)]
    )
    assert note.endswith("check its true_values (or contains: value) against the export's cells")


def test_a_history_without_a_mapping_gets_advice_without_mapping_words():
    products = ["Analytics;API", "API"] * (N // 2)
    [note] = _notes(CustomField("products", "category", "Products"), products, mapped=False)
    assert note.endswith("is learnt better as one flag per value, each a custom field of its own")
    assert "contains:" not in note and "mapping" not in note


def test_a_field_given_on_a_handful_of_leads_is_not_called_constant():
    values = [True if i < 10 else None for i in range(N)]  # 10 of 1,000 leads say yes, the rest nothing
    assert _notes(CustomField("rare", "flag", "Rare"), values) == []


def test_the_notes_that_find_a_field_known_only_after_contact_say_what_they_found():
    from leadgate.training.field_checks import field_notes

    field = CustomField("trial_started", "datetime", "Trial started")
    builder = FeatureBuilder(custom_fields=(field,))
    matrix = np.zeros((N, len(builder.feature_names)))
    matrix[:, builder.feature_names.index(field.feature)] = -2.0  # every date two days after the decision
    y = np.arange(N) % 10 < 3
    [note] = field_notes(builder, [{"trial_started": "2026-01-01"}] * N, matrix, y, np.ones(N, dtype=bool))
    assert (note.field, note.feature) == ("trial_started", field.feature)
    assert note.late == "after the moment the lead was decided in 100% of the training leads that have it"
    assert note.advice == "list its column under after_contact" and note.text.startswith(
        f"custom field trial_started: {note.late}: "
    )
    calls = CustomField("calls", "integer", "Calls")
    builder = FeatureBuilder(custom_fields=(calls,))
    custom = [{"calls": 0 if not sql and i % 2 else 3} for i, sql in enumerate(y)]
    [note] = field_notes(
        builder, custom, np.zeros((N, len(builder.feature_names))), y, np.ones(N, dtype=bool), mapped=False
    )
    assert note.late.startswith("none of the 400 training leads where it is '0' became an SQL")
    assert note.advice == "leave it out of the history"
    multi = CustomField("products", "category", "Products")
    builder = FeatureBuilder(custom_fields=(multi,))
    builder.vocabularies_ = {multi.feature: ["(other)"]}
    [note] = field_notes(
        builder,
        [{"products": "A;B"}, {"products": "C;D"}] * (N // 2),
        np.zeros((N, len(builder.feature_names))),
        y,
        np.ones(N, dtype=bool),
    )
    assert note.late is None  # a multi-select says nothing about when the field was set


def test_a_one_sided_value_is_quoted_as_the_export_spells_it():
    y = np.arange(N) % 10 < 3
    stages = ["Closed Lost" if i % 10 in (5, 6) else "Open" for i in range(N)]  # 200 with no SQL
    stages[5] = "closed lost"
    [note] = _notes(
        CustomField("stage", "category", "Stage"), stages, y=y, vocabulary=("(other)", "closed lost", "open")
    )
    assert "none of the 200 training leads where it is 'Closed Lost' became an SQL" in note


@pytest.mark.parametrize(
    ("values", "said"),
    [
        # Walk V: a 0–100 score and decimal web sessions left at the default type were told prefix: 1 / 2.
        (
            [str(i % 101) for i in range(N)],
            "are numbers ('0', '1', …), read as levels of a category, so their order is lost: declare type: "
            "integer in its column",
        ),
        ([f"{i % 300 / 10}" for i in range(N)], "declare type: number in its column"),
    ],
)
def test_a_pooled_category_of_numbers_is_told_to_declare_a_number_type_not_a_prefix(values, said):
    [note] = _notes(CustomField("score", "category", "Score"), values)
    assert note.startswith(
        "custom field score: 100% of the training leads that have it hold a level too rare"
    )
    assert note.endswith(said) and "prefix" not in note
    [note] = _notes(CustomField("score", "category", "Score", prefix=2), values)
    assert note.endswith(" and drop its prefix:")
    [note] = _notes(CustomField("score", "category", "Score"), values, mapped=False)
    assert note.endswith("write its values as JSON numbers in the history, not text")


def test_numbers_that_are_codes_keep_the_prefix_advice():
    fixed = [f"{80000 + i * 7 % 5000}" for i in range(N)]  # postal codes: one width, no leading zero
    [note] = _notes(CustomField("postal_code", "category", "Postal code"), fixed)
    assert "(prefix: " in note and "type:" not in note


def test_numbers_read_by_a_prefix_are_told_to_be_a_number_even_when_few_are_pooled():
    # Walk V: web sessions read by prefix: 2, as the old advice said, trained silently: '1.3 (read as 1.)'.
    sessions = [f"{i % 300 / 10}" for i in range(N)]
    field = CustomField("web_sessions", "category", "Web sessions", prefix=2)
    vocabulary = ("(other)", *sorted({field.level(v) for v in sessions}))
    [note] = _notes(field, sessions, vocabulary=vocabulary)
    assert note.startswith(
        "custom field web_sessions: read by its first 2 characters (prefix: 2), 100% of its"
    )
    assert note.endswith("declare type: number in its column and drop its prefix:")


def test_a_field_named_like_another_tools_lead_score_is_asked_about_only_when_the_model_reads_it():
    from leadgate.training.field_checks import FieldNote, said_notes

    # Walk AC: a Marketo score, raised after sales contact and mapped as a number, was learned without a word.
    scores = [float(i % 97) for i in range(N)]
    [note] = _notes(CustomField("marketo_score", "number", "Marketo Score"), scores)
    assert note.startswith(
        "custom field marketo_score: named like a lead score another tool keeps up to date (it rises with emails "
        "opened, meetings and the sales contact that makes a lead an SQL): if the export holds its value of today"
    )
    assert note.endswith("list its column under after_contact unless it is fixed when a lead arrives")
    for name, label in (("grade", "Pardot Grade"), ("rating", "Rating"), ("lead_score", "Lead score")):
        assert len(_notes(CustomField(name, "number", label), scores)) == 1
    # Words that only contain one are no score: scoring model, upgrade, ratings page.
    for name in ("scoring_model", "upgrades", "ratings_page", "calls"):
        assert _notes(CustomField(name, "number", name), scores) == []
    # Said by train only when the model reads the field: a question about a field it does not read is noise.
    asked = FieldNote("marketo_score", "custom_marketo_score", note, if_read=True)
    found = FieldNote("stage", "custom_stage", "custom field stage: none of …")
    assert said_notes([asked, found], {"custom_marketo_score"}, []) == [note, found.text]
    assert said_notes([asked, found], set(), []) == [found.text]
    assert said_notes([asked, found], {"custom_stage"}, [found]) == []
