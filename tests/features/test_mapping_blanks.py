"""Blank cells a column reads as a value (SAP and Excel exports write a flag as 'X' or nothing), and the ways of
saying so that cannot work, refused when the mapping loads."""

from __future__ import annotations

import re

import pytest

from leadgate.features.export_marks import decimal_marks
from leadgate.features.export_records import map_rows
from leadgate.features.mapping import MappingError, parse_mapping

BASE = """
name: sap
lead_id: {column: Id}
custom:
  opt_in: {column: Opt In, type: flag, true_values: [X], false_values: [""], label: Opted in}
  region: {column: Region, values: {"": none given}}
  segment: {column: Segment}
events:
  - {type: unsubscribe, column: No Email, kind: flag, true_values: [X], false_values: [""]}
label:
  sql: {column: Outcome}
  sql_positive: [SQL]
"""


def _row(**values) -> dict:
    row = {"Id": "a1", "Opt In": "X", "Region": "North", "Segment": "SMB", "No Email": "", "Outcome": "SQL"}
    return {**row, **values}


def _custom(text: str, **values) -> dict:
    [(_, record)] = map_rows(parse_mapping(text), [_row(**values)])
    assert not isinstance(record, str), record
    return record.get("custom", {})


@pytest.mark.parametrize("blank", ["", "  ", None])
def test_a_blank_cell_reads_as_the_flags_no_and_the_value_maps_blank_key(blank):
    custom = _custom(BASE, **{"Opt In": blank, "Region": blank, "Segment": blank})
    assert custom == {"opt_in": False, "region": "none given"}  # the other column's blank stays missing
    assert _custom(BASE)["opt_in"] is True
    mapped = BASE.replace('false_values: [""], label', 'values: {"": "no"}, label')  # the other way to say it
    assert _custom(mapped, **{"Opt In": blank})["opt_in"] is False


def test_a_placeholder_stays_missing_where_a_blank_is_read():
    # 'N/A' says not known, not no: only the empty cell is read.
    assert "opt_in" not in _custom(BASE, **{"Opt In": "N/A"})
    assert "region" not in _custom(BASE, Region="N/A")


def test_blank_as_yes_and_blank_flag_events():
    text = BASE.replace(
        'true_values: [X], false_values: [""], label', 'true_values: [""], false_values: [N], label'
    )
    assert _custom(text, **{"Opt In": ""})["opt_in"] is True
    yes = BASE.replace('kind: flag, true_values: [X], false_values: [""]', 'kind: flag, true_values: [""]')
    [(_, record)] = map_rows(parse_mapping(yes), [_row()])
    assert [event["type"] for event in record["events"]] == ["unsubscribe"]


def test_a_contains_flag_may_read_a_blank_cell_as_no():
    text = BASE.replace(
        "  segment: {column: Segment}",
        '  wants_api: {column: Products, contains: API, false_values: [""]}\n'
        "  wants_sso: {column: Products, contains: SSO}",
    )
    custom = _custom(text, Products="")
    assert custom["wants_api"] is False and "wants_sso" not in custom
    assert _custom(text, Products="API;SSO")["wants_api"] is True


def test_a_built_in_field_and_a_number_read_blank_keys_too():
    text = BASE.replace(
        "custom:\n",
        'fields:\n  source.channel: {column: Channel, values: {"": direct}}\n'
        '  company.employees: {column: Size, type: integer, values: {" ": "0"}}\ncustom:\n',
    )
    mapping = parse_mapping(text)
    [(_, record)] = map_rows(mapping, [_row(Channel="", Size="")])
    assert record["source"]["channel"] == "direct" and record["company"]["employees"] == 0
    assert decimal_marks(mapping, [_row(Channel="", Size="")]) == {"Size": "."}


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            '{column: Region, false_values: [""]}',
            r"column 'Region': false_values applies to type: flag, not category; add type: flag, or read a blank "
            r'cell with values: \{"": ...\}',
        ),
        (
            '{column: Opt In, type: flag, true_values: [X, ""], false_values: [" "]}',
            r'column \'Opt In\': "" \(a blank cell\) is among both true_values and false_values: keep it in one',
        ),
        (
            '{column: Opt In, type: flag, false_values: [""], values: {"": "no"}}',
            r'column \'Opt In\': a blank cell is read by values: \{"": ...\}, before true_values and false_values: '
            r'drop "" from one of them',
        ),
        (
            "{column: Products, contains: API, true_values: [X]}",
            r"contains is yes when 'API' is listed and no when it is not, whatever true_values and false_values "
            r'say; a blank cell is missing unless false_values: \[""\] reads it as no',
        ),
        ("{column: Region, values: {A: x, ' A': y}}", r"values maps 'A' twice"),
    ],
)
def test_what_cannot_work_is_refused_when_the_mapping_loads(rule, message):
    with pytest.raises(MappingError, match=message):
        parse_mapping(BASE.replace("{column: Segment}", rule))


@pytest.mark.parametrize(
    ("before", "after", "message"),
    [
        (  # walk W: accepted, and 'N/A' read as missing, never as no
            'false_values: [""], label',
            'false_values: ["N/A"], label',
            "custom.opt_in: column 'Opt In': 'N/A' is a placeholder, read as missing before false_values",
        ),
        ("true_values: [X], false_values", "true_values: [X, none], false_values", "'None' is a placeholder"),
        (
            'values: {"": none given}',
            'values: {"-": none given}',
            "'-' is a placeholder, read as missing before values",
        ),
        (
            'kind: flag, true_values: [X], false_values: [""]',
            "kind: flag, true_values: [X], false_values: [n/A]",
            "events.0: unsubscribe from column 'No Email': 'N/A' is a placeholder",
        ),
        (
            "name: sap",
            "name: sap\nplaceholders: ['', X]",
            "custom.opt_in: column 'Opt In': 'X' is a placeholder",
        ),
    ],
)
def test_a_placeholder_among_a_column_s_words_is_refused_when_the_mapping_loads(before, after, message):
    with pytest.raises(MappingError) as refused:
        parse_mapping(BASE.replace(before, after))
    assert message in str(refused.value) and "drop it from placeholders or from " in str(refused.value)


def test_a_blank_and_a_key_read_as_missing_are_no_placeholder_s_conflict():
    # "" is read by the column's words (see cell); a key mapped to null means what the placeholder does.
    parse_mapping(BASE.replace('values: {"": none given}', 'values: {"": none given, "N/A": null}'))
    # The default words are no choice of the mapping's: a placeholder among them is left to it.
    parse_mapping(BASE.replace("name: sap", "name: sap\nplaceholders: ['', 'n']"))


def test_sales_blank_rejection_reason_reads_through_its_value_map():
    text = BASE.replace(
        "sql_positive: [SQL]",
        'sql_positive: [SQL]\n  rejection_reason: {column: Why, values: {"": no reason given}}',
    )
    [(_, record)] = map_rows(parse_mapping(text), [_row(Outcome="Lost", Why=" ")])
    assert record["outcome"] == {"sql": False, "rejection_reason": "no reason given"}


def test_the_label_and_counts_say_where_a_blank_belongs():
    with pytest.raises(
        MappingError, match=r"label.sql.values: a blank outcome cell \(\"\"\) is read by the label's "
    ):
        parse_mapping(BASE.replace("{column: Outcome}", '{column: Outcome, values: {"": Lost}}'))
    with pytest.raises(MappingError, match="a blank won cell already reads not won"):
        parse_mapping(
            BASE.replace("sql_positive: [SQL]", 'sql_positive: [SQL]\n  won: {column: W, values: {"": x}}')
        )
    with pytest.raises(
        MappingError,
        match=r"events.0: unsubscribe from column 'No Email': true_values applies to kind: flag, not a count",
    ):
        parse_mapping(BASE.replace('kind: flag, true_values: [X], false_values: [""]', "true_values: [X]"))


@pytest.mark.parametrize(
    ("label", "refused"),
    [
        ("  open: [N/A]\n", "label.open: 'N/A' is a placeholder, read as a blank outcome cell (label.blank)"),
        ("  won: {column: Won}\n  won_positive: [n/a]\n", "label.won_positive: 'n/a' is a placeholder"),
        ("  sql: {column: Outcome, values: {N/A: open}}\n", "label.sql.values: 'N/A' is a placeholder"),
        ("  blank: open\n", None),  # what a blank or placeholder outcome means, said the way that works
        ("  sql: {column: Outcome, values: {'?': N/A}}\n  open: [N/A]\n", None),  # a value map writes it
    ],
)
def test_a_placeholder_among_the_outcome_words_is_refused_when_the_mapping_loads(label, refused):
    # Walk W (left by fixF): `open: ["N/A"]` with N/A a placeholder loaded and was never read.
    text = BASE.replace("name: sap\n", "name: sap\nplaceholders: ['', N/A]\n")
    if label.startswith("  sql:"):
        text = text.replace("  sql: {column: Outcome}\n", "")
    text += label
    if refused is None:
        parse_mapping(text)
        return
    with pytest.raises(MappingError, match=re.escape(refused)):
        parse_mapping(text)
