"""Numbers as exports write them, read with a column's decimal mark: currency, percent, grouping, magnitudes."""

from __future__ import annotations

import pytest

from leadgate.features.number_marks import column_mark, evidence, read


@pytest.mark.parametrize(
    ("text", "mark", "number"),
    [
        ("$1.2M", ".", 1_200_000),
        ("€500K", ".", 500_000),
        ("€500k", ",", 500_000),
        ("2.5M", ".", 2_500_000),
        ("USD 2.5M", ".", 2_500_000),
        ("2.5M USD", ".", 2_500_000),
        ("-$1.5M", ".", -1_500_000),
        ("0.3MM", ".", 300_000),
        ("1,2M", ",", 1_200_000),  # a decimal comma before the magnitude
        ("1,2 Mio", ",", 1_200_000),
        ("1,2 Mio €", ",", 1_200_000),
        ("1,2 MIO", ",", 1_200_000),  # no currency code
        ("3 Mrd.", ",", 3_000_000_000),
        ("€1.2bn", ".", 1_200_000_000),
        ("2B", ".", 2_000_000_000),
        ("12 Tsd.", ",", 12_000),
        ("1.1k", ".", 1_100),  # exactly, not 1100.0000000000002
        ("1.234,5K", ",", 1_234_500),
        ("1,234.5K", ".", 1_234_500),
    ],
)
def test_a_magnitude_after_the_number_scales_it(text, mark, number):
    # Walk F6a: '$1.2M' and '1,2 Mio' were each their row's error ("is not a number").
    assert read(text, mark) == number


@pytest.mark.parametrize(
    "text", ["5 Mitarbeiter", "M", "K", "Mio", "5m", "5 min", "2.5 MB", "5 kg", "4M%", "1.2 M M", "M5", "Mk"]
)
def test_text_that_is_no_number_with_a_magnitude_stays_unread(text):
    # A lower-case 'm' alone (minutes, metres) is read as no million.
    assert read(text, ".") is None and read(text, ",") is None


def test_a_magnitude_leaves_the_marks_evidence_as_its_digits_show_it():
    assert evidence("1,2M") == "," and evidence("$1.2M") == "."
    assert evidence("1.200M") == "both"  # 1.2 million with a point, 1.2 billion with a comma
    assert column_mark("Budget", ["1,2 Mio", "800 Tsd.", "2,5 Mio"], None) == ","
    with pytest.raises(ValueError, match="mixes decimal marks"):
        column_mark("Budget", ["$1.2M", "$1.5M", "1,2 Mio", "2,5 Mio"], None)
