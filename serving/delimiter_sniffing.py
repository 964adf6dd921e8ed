"""Which of , ; tab and | separates a delimited export's columns, told from its first rows."""

from __future__ import annotations

import csv
import io

DELIMITERS = ",;\t|"
SAMPLE = 64 * 1024  # characters the delimiter is sniffed from


def blank(row: list[str]) -> bool:
    """A row with no text: csv's reading of an empty line."""
    return len(row) <= 1 and not "".join(row).strip()


def _widths(sample: str, delimiter: str) -> list[int]:
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    try:
        return [len(row) for row in reader if not blank(row)]
    except csv.Error:
        return []


def sniff(text: str, fallback: str) -> str:
    """The delimiter that splits the first rows into one width above 1; csv.Sniffer's guess breaks a tie."""
    sample = text[:SAMPLE]
    try:
        guess = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        guess = fallback

    def fit(delimiter: str) -> tuple:
        widths = _widths(sample, delimiter)
        if len(text) > SAMPLE:
            widths = widths[:-1]  # the sample may end inside a row
        if not widths:
            return (False, 0.0, 0, delimiter == guess)
        # Sniffer picks ',' for 'Id;Betrag, brutto;Land' over '1;12,5;DE': both split every line alike
        # and ',' is its favourite. Of the delimiters that split rows alike, the one with most columns wins.
        consistent = sum(width == widths[0] for width in widths) / len(widths)
        return (widths[0] > 1, consistent, widths[0], delimiter == guess)

    return max(DELIMITERS, key=fit)
