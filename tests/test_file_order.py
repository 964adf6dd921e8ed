"""The suite's file order: slowest recorded files first, each file's tests kept together and in order."""

from __future__ import annotations

from types import SimpleNamespace

from tests.file_order import recorded, slowest_first


def _items(*nodeids: str) -> list:
    return [SimpleNamespace(nodeid=n) for n in nodeids]


def test_files_start_slowest_first_and_keep_their_tests_together_in_order():
    items = _items(
        "tests/a.py::one", "tests/a.py::two", "tests/b.py::one", "tests/c.py::one", "tests/c.py::two"
    )
    slowest_first(items, {"tests/a.py": 1.0, "tests/b.py": 3.0, "tests/c.py": 90.0})
    assert [i.nodeid for i in items] == [
        "tests/c.py::one",
        "tests/c.py::two",
        "tests/b.py::one",
        "tests/a.py::one",
        "tests/a.py::two",
    ]


def test_a_file_not_recorded_counts_as_the_median_one():
    items = _items("tests/new.py::x", "tests/a.py::x", "tests/b.py::x", "tests/c.py::x")
    slowest_first(items, {"tests/a.py": 1.0, "tests/b.py": 5.0, "tests/c.py": 9.0})
    assert [i.nodeid.split("::")[0] for i in items] == [
        "tests/c.py",
        "tests/new.py",
        "tests/b.py",
        "tests/a.py",
    ]


def test_the_record_is_kept_beside_the_tests_by_file():
    seconds = recorded()
    assert seconds and all(name.startswith("tests/") and name.endswith(".py") for name in seconds)
