"""A mapping option that takes a value or a map of them (usd_per_unit, decimal): its problems said as one."""

from __future__ import annotations

import re

# pydantic names each branch of `Rate | dict[str, Rate]` in the error's location; the user wrote neither.
_BRANCH = re.compile(
    r"^(?P<option>\S*\.(?:usd_per_unit|decimal))"
    r"\.(?P<branch>constrained-float|literal\[.*?\]|dict\[str,(?:constrained-float|literal\[.*?\])\])"
    r"(?P<rest>(?:\.\w+)?: .*)$"
)
_NOT_A_MAP = "Input should be a valid dictionary"


def one_branch(lines: list[str]) -> list[str]:
    """The problems of a value-or-map option as the branch the mapping wrote: its map's ('usd_per_unit.EUR:
    Input should be a valid number') when it wrote a map, else its one value's, with no branch name."""
    maps = set()
    for line in lines:
        found = _BRANCH.match(line)
        if found and found["branch"].startswith("dict") and not found["rest"].endswith(_NOT_A_MAP):
            maps.add(found["option"])
    kept = []
    for line in lines:
        found = _BRANCH.match(line)
        if found is None:
            kept.append(line)
        elif found["branch"].startswith("dict") == (found["option"] in maps):
            kept.append(found["option"] + found["rest"])
    return kept
