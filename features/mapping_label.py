"""A mapping's label: which export column says SQL (and won), what means no outcome yet, in any case."""

from __future__ import annotations

import unicodedata
from typing import Literal

from pydantic import Field, PrivateAttr, model_validator

from leadgate.features.mapping_columns import Column, _Strict


def fold(text: str) -> str:
    """How outcome values compare: in any case, surrounding spaces ignored ('closed won ' is 'Closed Won'), and
    'é' as one code point or two (macOS writes the second)."""
    return unicodedata.normalize("NFC", text).strip().casefold()


def _folded_map(values: dict[str, str | None], where: str) -> dict[str, str | None]:
    folded: dict[str, str | None] = {}
    for key, value in values.items():
        if fold(key) in folded and folded[fold(key)] != value:
            raise ValueError(f"{where}.values maps {key!r} twice (values are matched in any case)")
        folded[fold(key)] = value
    return folded


class Label(_Strict):
    """The outcome: which column says SQL (and won), what means no outcome yet, where sales' rejection reason is.

    Every value is matched in any case and without surrounding spaces, after the column's value map.
    """

    sql: Column
    sql_positive: list[str] = Field(..., min_length=1, description="values that mean SQL")
    won: Column | None = None
    won_positive: list[str] = []
    open: list[str] = Field([], description="values that mean no outcome yet: left out of training, counted")
    # HubSpot's Lifecycle Stage says 'lead' of a contact worked this week and of one that never qualified in
    # a year: only the lead's age tells them apart (walk: 983 of its 1,140 open leads were over 30 days old).
    open_for_days: int | None = Field(
        None,
        ge=1,
        description="days a lead may stay open: an open value (or blank: open) on a lead created longer "
        "before the export's newest lead reads as not SQL",
    )
    blank: Literal["error", "open", "not_sql"] = Field(
        "error",
        description="an empty (or placeholder) outcome cell: the row's error, no outcome yet, or not SQL",
    )
    rejection_reason: Column | None = None
    _sets: dict = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> Label:
        for name, rule in (("sql", self.sql), ("won", self.won)):
            if rule is not None and (rule.type != "text" or rule.date_format):
                raise ValueError(
                    f"label.{name} is read as text and matched against {name}_positive (in any case): "
                    f"remove its type and date_format, and list the values that mean yes in {name}_positive"
                )
        if "" in self.sql.values:  # the outcome is read by fold(), never through a blank-reading cell
            raise ValueError(
                'label.sql.values: a blank outcome cell ("") is read by the label\'s blank: write blank: not_sql '
                "(never qualified) or blank: open (no outcome yet) instead"
            )
        if self.won is not None and "" in self.won.values:
            raise ValueError('label.won.values: a blank won cell already reads not won: drop the "" key')
        if self.open_for_days is not None and not self.open and self.blank != "open":
            raise ValueError(
                "label.open_for_days says how long a lead may stay open, but no value is open: list the "
                "values that mean no outcome yet under label.open (or write blank: open), or drop "
                "open_for_days"
            )
        self._sets = {
            "sql": {fold(v) for v in self.sql_positive},
            "won": {fold(v) for v in self.won_positive},
            "open": {fold(v) for v in self.open},
            "sql_values": _folded_map(self.sql.values, "label.sql"),
            "won_values": _folded_map(self.won.values, "label.won") if self.won else {},
        }
        both = sorted(self._sets["open"] & (self._sets["sql"] | self._sets["won"]))
        if both:
            raise ValueError(
                f"label values {both} are listed both as an outcome and as open (no outcome yet)"
            )
        return self

    def decided(self) -> Label:
        """This label with its open values (and `blank: open`) read as not SQL: how a lead open for longer
        than open_for_days reads."""
        blank = "not_sql" if self.blank == "open" else self.blank
        given = self.model_dump(exclude_unset=True, by_alias=True)
        return type(self).model_validate(given | {"open": [], "blank": blank, "open_for_days": None})

    def sql_value(self, text: str | None) -> str | None:
        """The outcome cell's text through label.sql's value map (keys in any case); None when blank or null."""
        values = self._sets["sql_values"]
        return values.get(fold(text), text) if text is not None else None

    def kind(self, text: str | None) -> Literal["sql", "not_sql", "open", "blank"]:
        """What an outcome cell says: SQL, not SQL, no outcome yet, or blank (when `blank` leaves it an error)."""
        value = self.sql_value(text)
        if value is None:
            return {"error": "blank", "open": "open", "not_sql": "not_sql"}[self.blank]
        if fold(value) in self._sets["open"]:
            return "open"
        return "sql" if fold(value) in self._sets["sql"] else "not_sql"

    def won_value(self, text: str | None) -> str | None:
        """The won column's cell through label.won's value map (keys in any case); None when blank or null."""
        return self._sets["won_values"].get(fold(text), text) if text is not None else None

    def is_won(self, text: str | None) -> bool:
        """Whether the won column's cell (through its value map) is one of won_positive."""
        value = self.won_value(text)
        return value is not None and fold(value) in self._sets["won"]
