"""The lead schema's errors in words: patterns said as rules, every field named with its problem."""

from __future__ import annotations

from pydantic import ValidationError

from leadgate.features.schema_types import UNSEEN_CLASS, unseen_problem
from leadgate.features.time_errors import time_problem

# No '/', control or invisible character (schema_types.UNSEEN): ids travel in URLs and keys, and are read by people.
LEAD_ID_PATTERN = rf"^[^{UNSEEN_CLASS}/]+$"
NO_NUL = r"^[^\x00]*$"  # PostgreSQL text cannot hold a NUL character
# A pattern's rule in words: the regular expression means nothing to whoever filled the form.
PATTERN_WORDS = {
    NO_NUL: "text may not hold a NUL character (\\u0000)",
    LEAD_ID_PATTERN: "may not hold '/', control or invisible characters",
}


class LeadValidationError(ValueError):
    """A lead failed validation; the message names every field and its problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def pattern_problem(item: dict) -> str | None:
    """A pydantic pattern mismatch in PATTERN_WORDS' words, naming the character at fault; None for any other error."""
    if item["type"] != "string_pattern_mismatch":
        return None
    pattern = item.get("ctx", {}).get("pattern")
    words, value = PATTERN_WORDS.get(pattern), item.get("input")
    if words is None or pattern == NO_NUL or not isinstance(value, str):
        return words
    where = unseen_problem(value, "/" if pattern == LEAD_ID_PATTERN else "")
    return f"{words} ({where})" if where else words


def readable_problem(item: dict) -> str | None:
    """A pydantic error leadgate words itself (a pattern, a time it cannot read); None for any other error."""
    return pattern_problem(item) or time_problem(item)


def describe_validation_error(error: ValidationError, whole: str = "lead") -> list[str]:
    """Turn pydantic's error list into 'field.path: problem' lines (`whole` names a problem of the object)."""
    lines = []
    for item in error.errors():
        path = ".".join(str(part) for part in item["loc"]) or whole
        message = readable_problem(item) or item["msg"].removeprefix("Value error, ")
        lines.append(f"{path}: {message}")
    return lines
