"""Money fields of a mapped export: in USD as the policy's thresholds are, another currency converted by the
column's own rate or refused as the row's error, never silently read as dollars."""

from __future__ import annotations

import re

import pytest

from leadgate.features.export_records import map_rows
from leadgate.features.mapping import MONEY_FIELDS, MappingError, parse_mapping
from leadgate.features.money_cells import cell_currency
from leadgate.features.schema import Lead, Source
from leadgate.serving.export_reader import read_export
from leadgate.training.exports import history_from_export

MAPPING = """
name: de
lead_id: {column: Lead-ID}
decimal: ","
fields:
  company.employees: {column: Mitarbeiter, type: integer}
  company.annual_revenue: {column: Jahresumsatz, type: number%s}
  source.cost: {column: Kosten, type: number%s}
label:
  sql: {column: Status}
  sql_positive: [Qualifiziert]
"""
EUR = ", currency: EUR, usd_per_unit: 1.08"


def _mapping(revenue: str = "", cost: str = ""):
    return parse_mapping(MAPPING % (revenue, cost))


def _rows(*revenues: str, cost: str = "") -> list[dict]:
    return [
        {"Lead-ID": f"L{i}", "Mitarbeiter": "1014", "Jahresumsatz": r, "Kosten": cost, "Status": "Neu"}
        for i, r in enumerate(revenues)
    ]


def _mapped(mapping, rows) -> list[dict | str]:
    return [data for _, data in map_rows(mapping, rows)]


def test_every_usd_field_of_the_schema_is_a_money_field():
    described = {
        f"{section}.{name}"
        for section, model in (("company", Lead.model_fields["company"].annotation), ("source", Source))
        for name, info in model.model_fields.items()
        if re.search(r"\bUSD\b", info.description or "")
    }
    assert described == set(MONEY_FIELDS)


def test_an_amount_in_another_currency_is_the_rows_error_naming_column_cell_and_fix():
    results = _mapped(_mapping(), _rows("€ 312.737,06", "312.737,06 EUR", "£ 5.000"))
    assert results[0] == (
        "row 2 (Lead-ID L0): Jahresumsatz: '€ 312.737,06' is an amount in € (EUR), not USD, the currency of "
        "the lead's money fields and of the policy's thresholds: convert the column with `currency: EUR` and "
        "`usd_per_unit:` (the USD one EUR is worth)"
    )
    assert "'312.737,06 EUR' is an amount in EUR, not USD" in results[1]
    assert "'£ 5.000' is an amount in £ (GBP)" in results[2] and "`currency: GBP`" in results[2]


def test_dollar_marks_and_unmarked_cells_are_read_as_before():
    results = _mapped(_mapping(), _rows("$ 1.500,5", "USD 2.000", "3.000", "4.000 $"))
    assert [r["company"]["annual_revenue"] for r in results] == [1500.5, 2000, 3000, 4000]


def test_the_cost_field_is_money_too():
    (result,) = _mapped(_mapping(), _rows("", cost="€ 80"))
    assert "Kosten: '€ 80' is an amount in € (EUR), not USD" in result
    (result,) = _mapped(_mapping(cost=EUR), _rows("", cost="€ 80"))
    assert result["source"]["cost"] == 86.4


def test_a_column_with_a_rate_converts_its_currency_written_any_way():
    results = _mapped(_mapping(EUR), _rows("€ 312.737,06", "1.000 EUR", "1.000", "EUR 1.000 €"))
    assert [r["company"]["annual_revenue"] for r in results] == [337756.02, 1080, 1080, 1080]
    assert [r["company"]["employees"] for r in results] == [1014] * 4  # other numbers untouched


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        (
            "$ 1.000",
            "'$ 1.000' is an amount in $ (USD, CAD, AUD, NZD, SGD, HKD, TWD or MXN), but the column's "
            "amounts are in EUR (`currency: EUR`): correct the cell (a column holds one currency)",
        ),
        ("USD 1.000", "'USD 1.000' is an amount in USD, but the column's amounts are in EUR"),
        ("CHF 1.000", "'CHF 1.000' is an amount in CHF, but the column's amounts are in EUR"),
        ("50¢", "'50¢' counts cents (¢): write the amount in EUR"),
    ],
)
def test_with_a_rate_a_cell_in_yet_another_currency_is_the_rows_error(cell, words):
    (result,) = _mapped(_mapping(EUR), _rows(cell))
    assert result.startswith(f"row 2 (Lead-ID L0): Jahresumsatz: {words}"), result


def test_a_sign_of_several_currencies_fits_each():
    dollars = _mapped(_mapping(", currency: cad, usd_per_unit: 0.5"), _rows("$ 1.000"))
    assert dollars[0]["company"]["annual_revenue"] == 500
    yen = _mapped(_mapping(", currency: JPY, usd_per_unit: 0.0067"), _rows("¥ 1.000.000"))
    assert yen[0]["company"]["annual_revenue"] == 6700


def test_an_integer_money_column_converts_to_cents():
    mapping = parse_mapping(
        (MAPPING % (EUR, "")).replace("type: number, currency", "type: integer, currency")
    )
    assert _mapped(mapping, _rows("€ 1.001"))[0]["company"]["annual_revenue"] == 1081.08
    assert "expected a whole number" in _mapped(mapping, _rows("€ 1,5"))[0]


@pytest.mark.parametrize(
    ("option", "problem"),
    [
        (", currency: EUR", "currency EUR needs usd_per_unit, the USD one EUR is worth"),
        (", usd_per_unit: 1.08", "usd_per_unit needs the currency it converts"),
        (", currency: USD, usd_per_unit: 1", "amounts in USD need no rate; drop usd_per_unit"),
        (", currency: Euro, usd_per_unit: 1.08", "'EURO' is not a three-letter currency code"),
        (", currency: EUO, usd_per_unit: 1.08", "'EUO' is not an ISO 4217 currency code"),
        (", currency: EUR, usd_per_unit: 0", "usd_per_unit: Input should be greater than 0"),
        (", currency: EUR, usd_per_unit: -1.08", "usd_per_unit: Input should be greater than 0"),
        (", currency: EUR, usd_per_unit: inf", "usd_per_unit: Input should be a finite number"),
        (", currency: EUR, usd_per_unit: nan", "usd_per_unit: Input should be a finite number"),
        (", currency: EUR, usd_per_unit: '1,08'", "usd_per_unit: Input should be a valid number"),
    ],
)
def test_the_currency_options_are_checked_when_the_mapping_loads(option, problem):
    with pytest.raises(MappingError, match="fields.company.annual_revenue") as caught:
        _mapping(option)
    assert problem in str(caught.value)


@pytest.mark.parametrize(
    ("yaml", "problem"),
    [
        (
            "fields:\n  company.employees: {column: MA, type: integer, currency: EUR, usd_per_unit: 2}",
            "fields.company.employees: currency and usd_per_unit apply to the money fields "
            "(company.annual_revenue, source.cost) only",
        ),
        (
            "fields:\n  company.annual_revenue: {column: U, type: text, currency: EUR, usd_per_unit: 2}",
            "currency and usd_per_unit apply to type: number or integer, not text",
        ),
        (
            "custom:\n  budget: {column: B, type: number, currency: EUR, usd_per_unit: 1.08}",
            "a custom number is learnt and shown as the export writes it",
        ),
        (
            "custom:\n  tier: {column: T, currency: EUR}",
            "currency applies to type: number or integer, not category",
        ),
    ],
)
def test_only_number_columns_of_money_fields_take_a_currency(yaml, problem):
    with pytest.raises(MappingError) as caught:
        parse_mapping(f"name: t\n{yaml}\n")
    assert problem in str(caught.value)


def test_a_custom_number_keeps_its_amount_as_written():
    mapping = parse_mapping("name: t\ncustom:\n  budget: {column: B, type: number, label: Budget (EUR)}\n")
    assert _mapped(mapping, [{"B": "€ 5.000,50"}])[0]["custom"] == {"budget": 5000.5}


def test_a_custom_number_with_a_currency_refuses_amounts_in_another_and_converts_none():
    mapping = parse_mapping("name: t\ncustom:\n  budget: {column: B, type: number, currency: EUR}\n")
    euro, franc, bare = _mapped(mapping, [{"B": "€ 5.000,50"}, {"B": "CHF 5.000,50"}, {"B": "5.000,50"}])
    assert euro["custom"] == bare["custom"] == {"budget": 5000.5}  # in EUR, as written
    assert "'CHF 5.000,50' is an amount in CHF, but the column's amounts are in EUR" in franc


def _export(tmp_path, revenues: list[str]):
    path = tmp_path / "crm_de.csv"
    lines = ["Lead-ID;Mitarbeiter;Jahresumsatz;Kosten;Status"]
    lines += [f"L{i};1014;{r};;{'Qualifiziert' if i % 2 else 'Neu'}" for i, r in enumerate(revenues)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return read_export(path)


def test_a_german_export_trains_in_usd_only_with_its_rate(tmp_path):
    rows = _export(tmp_path, ["€ 312.737,06", "€ 1.000.000,00", "2.000,00", "€ 50,00"])
    with pytest.raises(MappingError) as caught:
        history_from_export(rows, _mapping())
    assert "3 of 4 rows cannot be mapped" in str(caught.value)
    # One line for the column's rows, one of them quoted (walk AE).
    assert (
        "Jahresumsatz: 3 rows (2, 3, 5; cells '€ 312.737,06', '€ 1.000.000,00', '€ 50,00'), such as row 2 "
        "(Lead-ID L0): '€ 312.737,06' is an amount in € (EUR), not USD"
    ) in str(caught.value)
    history = history_from_export(rows, _mapping(EUR)).history
    revenues = [lead.company.annual_revenue for lead in history.leads]
    assert revenues == [337756.02, 1_080_000, 2160, 54]


def test_amounts_with_a_magnitude_are_money_in_their_currency():
    # Walk F6a: '$1.2M' was its row's error; 'MIO' is a magnitude, not a currency code.
    results = _mapped(_mapping(), _rows("$1,2M", "1,5 MIO", "USD 3 Mrd."))
    assert [r["company"]["annual_revenue"] for r in results] == [1_200_000, 1_500_000, 3_000_000_000]
    (converted,) = _mapped(_mapping(EUR), _rows("1,2 Mio €"))
    assert converted["company"]["annual_revenue"] == 1_296_000
    (refused,) = _mapped(_mapping(), _rows("€500K"))
    assert "'€500K' is an amount in € (EUR), not USD" in refused


def test_training_refuses_a_custom_number_column_of_amounts_in_different_currencies():
    # Walk F6b: '$ 1,000' and '€ 1.000' were both learnt as 1000, as if one unit.
    mapping = parse_mapping(
        "name: t\nlead_id: {column: Id}\ncustom:\n  budget: {column: Budget, type: number}\n"
        "label:\n  sql: {column: Won}\n  sql_positive: ['1']\n"
    )
    budgets = ["$ 1,000.50", "€ 1.000,50", "$ 2,000", "EUR 5.000", "$ 300"] * 20
    rows = [{"Id": f"a{i}", "Budget": b, "Won": str(i % 2)} for i, b in enumerate(budgets)]
    with pytest.raises(MappingError) as caught:
        history_from_export(rows, mapping)
    assert str(caught.value).startswith(
        "column 'Budget' holds amounts in different currencies (cells per currency mark: '$' 60, '€' 20, "
        "'EUR' 20; such as '$ 1,000.50', '€ 1.000,50', 'EUR 5.000'), which a model would read as one unit"
    )


# A Salesforce multi-currency org's export: each amount in the currency its record was kept in.
RATES = """
name: sf
lead_id: {column: Id}
fields:
  company.annual_revenue: {column: Annual Revenue, type: number, usd_per_unit: {EUR: 1.08, USD: 1}%s}
label:
  sql: {column: Status}
  sql_positive: [Qualified]
"""


def _revenues(mapping, *cells: str) -> list:
    rows = [{"Id": f"L{i}", "Annual Revenue": c, "Status": "Open"} for i, c in enumerate(cells)]
    return [
        data if isinstance(data, str) else data.get("company", {}).get("annual_revenue")
        for data in _mapped(mapping, rows)
    ]


def test_a_column_with_a_rate_per_currency_converts_each_cell_from_its_own():
    mapping = parse_mapping(RATES % "")
    read = _revenues(mapping, "$2,500,000", "€1.250.000", "EUR 1.000,50", "USD 1,000.25", "1.250.000 €")
    assert read == [2_500_000.0, 1_350_000.0, 1080.54, 1000.25, 1_350_000.0]


def test_an_unmarked_cell_is_the_rows_error_unless_the_column_names_its_currency():
    cells = ("$2,500,000", "€1.250.000", "2.500.000")
    assert _revenues(parse_mapping(RATES % ""), *cells)[2] == (
        "row 4 (Id L2): Annual Revenue: '2.500.000' has no currency mark, and the column's amounts are in EUR or "
        "USD: mark the cell, or give the column `currency: EUR` for unmarked cells"
    )
    assert _revenues(parse_mapping(RATES % ", currency: EUR"), *cells)[2] == 2_700_000.0


def test_a_currency_the_map_does_not_list_is_the_rows_error():
    read = _revenues(parse_mapping(RATES % ""), "$2,500,000", "€1.250.000", "CHF 5.000", "¥ 500")
    assert read[2] == (
        "row 4 (Id L2): Annual Revenue: 'CHF 5.000' is an amount in CHF, but the column converts EUR and USD "
        "(`usd_per_unit`): add CHF's rate or correct the cell"
    )
    assert read[3].endswith(
        "'¥ 500' is an amount in ¥ (CNY or JPY), but the column converts EUR and USD (`usd_per_unit`): add its "
        "currency's rate or correct the cell"
    )


@pytest.mark.parametrize(
    ("rates", "currency"),
    [({"USD": 1.0, "EUR": 1.08}, "USD"), ({"CAD": 0.73, "EUR": 1.08}, "CAD"), ({"MXN": 0.05}, "MXN")],
)
def test_a_dollar_sign_is_the_one_dollar_the_map_lists(rates, currency):
    assert cell_currency("$5,000", rates, None) == currency


def test_a_dollar_sign_where_the_map_lists_two_dollars_asks_for_the_code():
    with pytest.raises(ValueError) as caught:
        cell_currency("$5,000", {"USD": 1.0, "CAD": 0.73}, "USD")  # a mark is never read as the default
    assert str(caught.value) == (
        "'$5,000' is an amount in $, which may be CAD or USD, all of which the column converts: write the code "
        "in the cell (USD 5,000)"
    )
    assert cell_currency("CAD 5,000", {"USD": 1.0, "CAD": 0.73}, None) == "CAD"


def test_a_cell_marked_in_two_listed_currencies_is_refused():
    with pytest.raises(ValueError, match="is marked in EUR and USD at once"):
        cell_currency("$ 5.000 EUR", {"USD": 1.0, "EUR": 1.08}, None)
