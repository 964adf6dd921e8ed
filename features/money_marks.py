"""Decimal marks per currency: a money column converting several writes each currency the way its CRM users do
('$2,500,000' beside '€1.250.000'), so its mark may be one per currency."""

from __future__ import annotations

from leadgate.features.money_cells import cell_currency
from leadgate.features.number_marks import column_mark, evidence

# Model metadata: per export column converting several currencies, each currency's mark ({"EUR": ","}); apart
# from "decimal_marks" (column → one mark), which models trained before read as they always did.
BY_CURRENCY = "decimal_marks_by_currency"


class CurrencyMarkError(ValueError):
    """One currency's cells of a column contradict each other, or read either way with nothing to tell."""

    def __init__(self, message: str, currency: str):
        super().__init__(message)
        self.currency = currency


def converts_several(rule) -> bool:
    """Whether a number column converts each cell from its own currency (usd_per_unit a map)."""
    return isinstance(getattr(rule, "usd_per_unit", None), dict)


def currency_of(rule, text: str) -> str | None:
    """The currency a cell of such a column is in; None when the cell is its row's error (no mark, not listed)."""
    try:
        return cell_currency(text, rule.usd_per_unit, rule.currency)
    except ValueError:
        return None


def marks_by_currency(
    rule,
    texts: list[str],
    declared: dict[str, str] | None,
    trained: dict[str, str] | None,
    *,
    strays: float = 0.0,
) -> dict[str, str]:
    """Each currency's decimal mark in a column converting several: its cells grouped by currency, each group's
    mark declared (`decimal: {EUR: ",", USD: "."}`) or inferred as a column's is (number_marks.column_mark).

    A group whose cells read either way ('€1.250') takes the mark training read that currency with; without one
    it raises CurrencyMarkError asking for the column's marks per currency, as it does for a group whose cells
    contradict each other (named 'Annual Revenue (EUR cells)').
    """
    groups: dict[str, list[str]] = {}
    for text in texts:
        code = currency_of(rule, text)
        if code is not None:  # a cell in no listed currency is its row's error, whatever its mark
            groups.setdefault(code, []).append(text)
    marks: dict[str, str] = {}
    unread: list[str] = []
    for code in sorted(groups):
        named = f"{rule.column} ({code} cells)"
        try:
            marks[code] = column_mark(
                named,
                groups[code],
                (declared or {}).get(code),
                trained=(trained or {}).get(code),
                strays=strays,
            )
        except ValueError as error:
            if "read either way" not in str(error):
                raise CurrencyMarkError(str(error), code) from None
            unread.append(code)
    if unread:
        code = unread[0]
        example = ", ".join(f'{c}: "{marks.get(c, "," if c == code else ".")}"' for c in sorted(groups))
        raise CurrencyMarkError(
            f"column {rule.column!r} holds {code} amounts such as {_quoted(groups[code])} that read either way "
            f"(1234 or 1.234), and its currencies write different decimal marks: give the column its mark per "
            f"currency, as the CRM writes each (`decimal: {{{example}}}`)",
            code,
        )
    return marks


def per_currency_hint(rule, texts: list[str]) -> str:
    """When one declared mark does not fit a column converting several currencies but one per currency would:
    '; its currencies write their own marks: give the column `decimal: {EUR: ",", USD: "."}`'; else ''."""
    shown: dict[str, set[str]] = {}
    for text in texts:  # each currency's marks as its cells show them (evidence: not logged as an inference)
        code, kind = currency_of(rule, text), evidence(text)
        if code is not None and kind in (".", ","):
            shown.setdefault(code, set()).add(kind)
    if any(len(kinds) > 1 for kinds in shown.values()):
        return ""
    marks = {code: kinds.pop() for code, kinds in shown.items()}
    if len(set(marks.values())) < 2:
        return ""
    shown = ", ".join(f'{code}: "{mark}"' for code, mark in sorted(marks.items()))
    return f"; or, as its currencies write their own marks, give the column `decimal: {{{shown}}}`"


def trained_marks(metadata: dict) -> dict | None:
    """The marks a model's training read each export column with: one per column, or one per currency of a
    column converting several; None for a model that kept none."""
    single, several = metadata.get("decimal_marks"), metadata.get(BY_CURRENCY)
    if single is None and several is None:
        return None
    return {**(single or {}), **(several or {})}


def _quoted(texts: list[str]) -> str:
    return ", ".join(repr(text) for text in list(dict.fromkeys(texts))[:3])
