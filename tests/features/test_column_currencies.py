"""A number column's currencies: one unit per column, or the line that says which currencies it mixes."""

from __future__ import annotations

import pytest

from leadgate.features.column_currencies import (
    currency_counts,
    mixed_currencies,
    one_currency,
    shared_currencies,
    with_trained_currencies,
)
from leadgate.features.money_cells import SIGNS


def test_a_column_mixing_dollars_and_euros_is_named_with_its_cells_per_currency():
    texts = ["$ 1,000", "$ 2,500", "€ 1.000", "1.500 EUR", "$ 900", "700"]
    assert currency_counts(texts) == {"$": 3, "€": 1, "EUR": 1}
    assert mixed_currencies("Budget", texts) == (
        "column 'Budget' holds amounts in different currencies (cells per currency mark: '$' 3, '€' 1, 'EUR' 1; "
        "such as '$ 1,000', '€ 1.000', '1.500 EUR'), which a model would read as one unit: convert them to one "
        "currency in the export, split the column into one per currency, give it its one `currency:` (the "
        "cells in another are then each their row's error), or read it as a category (leave out `type`)"
    )


def test_marks_of_one_currency_and_unmarked_cells_are_one_unit():
    assert mixed_currencies("Budget", ["$ 1,000", "USD 2,000", "3,000"]) is None
    assert mixed_currencies("Budget", ["$ 1,000", "CAD 5"]) is None  # '$' may be the Canadian dollar
    assert mixed_currencies("Budget", ["€ 1.000", "1.000 EUR", "EUR 5 €"]) is None
    assert mixed_currencies("Budget", ["1.000", "2.000"]) is None
    assert not one_currency(currency_counts(["USD 5", "CAD 5"]))  # two codes are two currencies
    assert not one_currency(currency_counts(["¥ 500", "€ 5"]))


def test_the_currency_a_columns_marked_cells_share_is_kept_for_scoring():
    from leadgate.features.export_marks import column_currencies
    from leadgate.features.mapping import parse_mapping

    mapping = parse_mapping(
        "name: t\ncustom:\n  budget: {column: B, type: number}\n  spend: {column: S, type: number, currency: EUR}\n"
        "  calls: {column: C, type: integer}\nfields:\n  company.employees: {column: E, type: integer}\n"
    )
    rows = [
        {"B": "€ 5.000", "S": "€ 5", "C": "3", "E": "10"},
        {"B": "5.000 EUR", "S": "", "C": "4", "E": "12"},
    ]
    # Spend names its currency (its cells in another are its rows' errors already); calls has no marked cell.
    assert column_currencies(mapping, rows) == {"custom.budget": ["EUR"]}
    assert shared_currencies(["$ 5", "USD 7", "9"]) == ("USD",)
    assert shared_currencies(["$ 5", "€ 7"]) == () and shared_currencies(["5"]) == ()


@pytest.mark.parametrize(
    ("trained", "cell", "error"),
    [
        (
            ["EUR"],
            "$ 5.000",
            "'$ 5.000' is an amount in $, but the model was trained on this column's amounts in EUR",
        ),
        (
            ["EUR"],
            "CHF 5.000",
            "'CHF 5.000' is an amount in CHF, but the model was trained on this column's amounts",
        ),
        (
            list(SIGNS["$"]),
            "€ 5.000",
            "'€ 5.000' is an amount in €, but the model was trained on this column's amounts in $:",
        ),
        (["EUR"], "€ 5.000", None),
        (["EUR"], "5.000 EUR", None),
        (["EUR"], "5.000", None),  # unmarked, as training read unmarked cells
        (list(SIGNS["$"]), "CAD 5.000", None),  # '$' may be the Canadian dollar
    ],
)
def test_scoring_refuses_a_cell_in_another_currency_than_training_read_its_column_in(trained, cell, error):
    from leadgate.features.export_records import map_rows
    from leadgate.features.mapping import parse_mapping

    mapping = with_trained_currencies(
        parse_mapping("name: t\ncustom:\n  budget: {column: B, type: number}\n"), {"custom.budget": trained}
    )
    [(_, data)] = map_rows(mapping, [{"B": cell}], outcome=False, marks={"B": ","})
    if error is None:
        assert data["custom"] == {"budget": 5000}
    else:
        assert data.startswith(f"row 2: B: {error}"), data


def test_a_column_that_names_its_currency_keeps_the_mappings_reading():
    from leadgate.features.mapping import parse_mapping

    mapping = parse_mapping("name: t\ncustom:\n  budget: {column: B, type: number, currency: CHF}\n")
    kept = with_trained_currencies(mapping, {"custom.budget": ["EUR"]})
    assert kept.custom["budget"].trained_currencies == ()
    assert with_trained_currencies(mapping, None) is mapping
