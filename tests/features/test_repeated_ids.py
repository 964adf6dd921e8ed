import pytest

from leadgate.features.repeated_ids import RowIds, repeats_of

ROWS = [("a1", 2), ("b2", 3), ("a1", 9), ("c3", 4), ("c3", 5), ("a1", 11), ("d4", 12), ("d4", 13), ("e", 14)]


@pytest.mark.parametrize("kind", ["in memory", "streamed"])
def test_repeated_ids_are_counted_and_the_first_named_with_their_rows(kind):
    if kind == "streamed":
        ids = RowIds()
        for lead_id, row in ROWS:
            ids.add(lead_id, row)
        repeats = ids.repeats()
    else:
        repeats = repeats_of(ROWS)
    assert (repeats.count, repeats.extra_rows) == (3, 4)
    assert repeats.shown == (("a1", (2, 9, 11)), ("c3", (4, 5)), ("d4", (12, 13)))
    assert (
        repeats.words()
        == "3 lead ids appear on more than one row (a1 rows 2, 9, 11; c3 rows 4, 5; d4 rows 12, 13)"
    )


def test_none_when_every_id_is_on_one_row_and_long_lists_are_cut():
    ids = RowIds()
    for row in range(1, 50_001):
        ids.add(f"lead-{row}", row)
    assert ids.repeats() is None and repeats_of([("a", 1), ("b", 2)]) is None
    many = repeats_of([("x", row) for row in range(1, 9)])
    assert many.words() == "1 lead id appears on more than one row (x rows 1, 2, 3, 4, 5 and 3 more)"


def test_email_addresses_compare_in_any_case_and_blanks_or_non_addresses_are_no_one():
    from leadgate.features.repeated_ids import address_key, earlier_holders

    assert address_key("  Dana.Ruiz@Acme.COM ") == "dana.ruiz@acme.com"
    assert [address_key(text) for text in (None, "", "  ", "n/a", "dana@", "@acme.com", "dana at acme")] == [
        None
    ] * 7
    emails = ["a@x.io", None, "n/a", "B@x.io", "A@X.IO ", "n/a", "", "b@x.io", "a@x.io"]
    # Each later holder with the first lead holding its address, in the order given.
    assert earlier_holders(emails) == [(4, 0), (7, 3), (8, 0)]
