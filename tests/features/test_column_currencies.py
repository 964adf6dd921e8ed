"""A number column's currencies: one unit per column, or the line that says which currencies it mixes."""

from __future__ import annotations

from leadgate.features.column_currencies import currency_counts, mixed_currencies, one_currency


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
