"""Multi-select cells under another separator than the mapping's, as scoring (and the Python API) reads them."""

from __future__ import annotations

import pytest

from leadgate.features.mapping import MappingError, parse_mapping
from leadgate.features.multi_select import say_separators

MAPPING = (
    "name: t\nlead_id: {column: Id}\ncreated_at: {column: Created}\ncustom:\n"
    "  wants_api: {column: Products, contains: API, separator: '|'}\n"
    "  wants_sso: {column: Products, contains: SSO, separator: '|'}\n"
)


def _rows(cells: list[str]) -> list[dict]:
    return [
        {"Id": f"m-{i}", "Created": "2026-11-01T09:00:00", "Products": cell} for i, cell in enumerate(cells)
    ]


def test_scoring_refuses_cells_another_separator_splits_into_nothing_but_listed_values(caplog):
    # Walk AE: `score` only warned of 'Enterprise Suite;CRM Basic' under a written-out '|', and decided every
    # lead with its product flags read as no.
    with pytest.raises(MappingError) as refused:
        say_separators(parse_mapping(MAPPING), _rows(["API;SSO", "SSO", "SSO;API", "API"]), "new.csv: ")
    assert str(refused.value) == (
        "new.csv: Products: 2 of its 4 filled cells separate values by ';', not '|' (such as 'API;SSO'), so "
        "custom fields wants_api, wants_sso (contains:) read a value they list as no: add separator: ';' to "
        "each (2 of them split into nothing but values these fields list)"
    )
    # A part no field lists ('CRM/ERP'-like: 'Analytics'): it may be one value, so the line is a warning.
    with caplog.at_level("WARNING"):
        say_separators(parse_mapping(MAPPING), _rows(["API;SSO", "Analytics;API", "SSO"]), "new.csv: ")
    assert "new.csv: Products: 2 of its 3 filled cells separate values by ';', not '|'" in caplog.text
