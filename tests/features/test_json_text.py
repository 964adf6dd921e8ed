import pytest

from leadgate.features.json_text import repeated_keys, repeated_words


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ('{"lead_id": "a", "lead_id": "b"}', [("lead_id", 2)]),
        ('{"company": {"name": "A", "name": "B", "name": "C"}}', [("company.name", 3)]),
        ('{"events": [{"type": "x"}, {"type": "x", "at": 1, "at": 2}]}', [("events.1.at", 2)]),
        ('[{"sql": true, "sql": false}]', [("0.sql", 2)]),
        ('{"a": 1, "a": 2, "b": {"c": 1, "c": 1}}', [("a", 2), ("b.c", 2)]),
        # Equal keys in different objects are no repeat; nor is text that is no JSON (its parser says why).
        ('{"events": [{"type": "x"}, {"type": "y"}], "type": "z"}', []),
        ('{"lead_id": "a", "lead_id": ', []),
        (b'{"a": "\xff", "a": 1}', []),
        ("[" * 100_000 + "]" * 100_000, []),
    ],
)
def test_repeated_keys_are_named_by_their_path(text, found):
    assert repeated_keys(text) == found


def test_the_words_say_how_often():
    assert repeated_words("sql", 2).startswith("'sql' is written twice: JSON would keep only the last value")
    assert repeated_words("sql", 3).startswith("'sql' is written 3 times")
