"""Slowest test files first, by their recorded seconds: with whole files per worker (`--dist loadfile`), a slow
file that starts last runs alone while the other core idles."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

DURATIONS = Path(__file__).with_name("file_durations.json")
OPTION = "--record-file-durations"


def pytest_addoption(parser):
    parser.addoption(
        OPTION,
        action="store_true",
        help=f"write each test file's seconds (setup, call and teardown) to {DURATIONS.name}, "
        "the order the next runs start files in",
    )


def recorded() -> dict[str, float]:
    """Seconds by test file (path from the repository root), as last recorded; empty when there is no record."""
    return json.loads(DURATIONS.read_text()) if DURATIONS.exists() else {}


def slowest_first(items, seconds: dict[str, float]) -> None:
    """Sort test items by their file's recorded seconds, longest first; a file not recorded counts as the median
    one, and the sort is stable, so each file's tests keep their order and stay together."""
    known = sorted(seconds.values())
    unknown = known[len(known) // 2] if known else 0.0
    items.sort(key=lambda item: -seconds.get(item.nodeid.split("::")[0], unknown))


def pytest_collection_modifyitems(config, items):
    slowest_first(items, recorded())


class FileDurations:
    """Adds up each file's report durations; the controlling process (not an xdist worker) writes them."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def pytest_runtest_logreport(self, report) -> None:
        self.seconds[report.nodeid.split("::")[0]] += report.duration

    def pytest_sessionfinish(self, session) -> None:
        if hasattr(session.config, "workerinput") or not self.seconds:
            return
        ordered = dict(sorted(((f, round(s, 1)) for f, s in self.seconds.items()), key=lambda kv: -kv[1]))
        DURATIONS.write_text(json.dumps(ordered, indent=1) + "\n")


def register(config) -> None:
    """Record this run's file durations when asked to."""
    if config.getoption(OPTION):
        config.pluginmanager.register(FileDurations(), "file-durations")
