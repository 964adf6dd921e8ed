"""A CRM's own fields: declared with a type and a label, carried in `lead.custom`, checked against a model."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Literal

from leadgate.features.schema_types import custom_number_problem

CustomType = Literal["number", "integer", "category", "flag", "datetime"]
CUSTOM_TYPES: tuple[str, ...] = ("number", "integer", "category", "flag", "datetime")
NAME_PATTERN = r"^[a-z][a-z0-9_]{0,62}$"
_NAME = re.compile(NAME_PATTERN)
# A direction people can write in a mapping, as LightGBM's monotone constraint.
DIRECTIONS = {"increasing": 1, "decreasing": -1, None: 0}
# The share of a field's values one kind must have to be that field's type when none is declared: the rest are
# their rows' errors (a 1 among true/false), not a reason to read the field as a category.
MAJORITY = 0.99


@dataclass(frozen=True)
class CustomField:
    """One custom field a model uses: its type, the words people read, and its direction if known."""

    name: str
    type: CustomType
    label: str
    reason: str | None = None  # template with {label} and {value}; a default per type when None
    direction: Literal["increasing", "decreasing"] | None = None
    prefix: int | None = None  # a category read by its first characters only (a postal code's region)
    missing: str | None = None  # what a reason says of a lead without a value ("No demo requested")

    def __post_init__(self):
        if not _NAME.match(self.name):
            raise ValueError(
                f"custom field name {self.name!r} must be lower-case letters, digits and _, starting with a "
                f"letter ({NAME_PATTERN})" + _suggested(self.name).replace(": ", "; name it ", 1)
            )
        if self.type not in CUSTOM_TYPES:
            raise ValueError(f"custom field {self.name!r}: type {self.type!r} is not one of {CUSTOM_TYPES}")
        if self.direction not in DIRECTIONS:
            raise ValueError(f"custom field {self.name!r}: direction must be increasing or decreasing")
        if self.direction and self.type == "category":
            raise ValueError(f"custom field {self.name!r}: a category has no direction")
        if self.prefix is not None and (
            self.type != "category"
            or isinstance(self.prefix, bool)
            or not isinstance(self.prefix, int)
            or self.prefix < 1
        ):
            raise ValueError(
                f"custom field {self.name!r}: prefix reads a category by its first characters: a whole number of "
                "them, 1 or more, on a category"
            )
        if self.missing is not None and (not isinstance(self.missing, str) or not self.missing.strip()):
            raise ValueError(f"custom field {self.name!r}: missing must be words ('No demo requested')")
        if self.reason is not None:
            try:
                self.reason.format(label="", value="")
            except (KeyError, IndexError, ValueError):
                raise ValueError(
                    f"custom field {self.name!r}: reason {self.reason!r} may use only {{label}} and {{value}}"
                ) from None

    @property
    def feature(self) -> str:
        """The model column's name (also its reason family)."""
        return f"custom_{self.name}"

    @property
    def monotone(self) -> int:
        """LightGBM's monotone constraint for this field."""
        return DIRECTIONS[self.direction]

    def level(self, value) -> str:
        """The text of a category value the model reads: stripped, and its first `prefix` characters."""
        text = str(value).strip()
        return text[: self.prefix] if self.prefix else text

    def to_dict(self) -> dict:
        """JSON-safe form, stored with the model (without a prefix or missing words when there are none, as before
        they existed)."""
        data = asdict(self)
        for optional in ("prefix", "missing"):
            if data[optional] is None:
                del data[optional]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> CustomField:
        """Rebuild from `to_dict`."""
        return cls(**data)


def prefix_number_problem(prefix: int, number: str) -> str:
    """Why a number cell is no code to read by its first characters: a leading zero is gone ('02107' is 2107)."""
    return (
        f"prefix: {prefix} reads text; the number {number} has lost any leading zeros: read the column as text "
        "(pd.read_csv(..., dtype=str), or cast the Parquet column to string)"
    )


def _suggested(name: str) -> str:
    """': product_interest' for 'Product-Interest', a name that fits; '' when none comes of it."""
    fitted = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:63]
    return f": {fitted}" if _NAME.match(fitted) else ""


def name_problem(name: str) -> str | None:
    """Why a lead's custom key can be no custom field's name (a CRM's own `Budget__c`), or None when it can."""
    if _NAME.match(name):
        return None
    fitted = _suggested(name).replace(":", ", such as", 1)
    return f"not a custom field name (lower-case letters, digits and _, starting with a letter{fitted})"


def name_problems(values: dict) -> list[str]:
    """'custom.name: problem' for each key of a lead's custom values that can be no custom field's name."""
    return [f"custom.{name}: {problem}" for name in values if (problem := name_problem(name))]


def default_label(name: str) -> str:
    """`budget_allocated` → 'Budget allocated'."""
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def parse_moment(value: str) -> datetime:
    """An ISO 8601 timestamp (naive taken as UTC); ValueError when it is not one."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


_A = {"number": "a number", "integer": "an integer", "datetime": "an ISO 8601 timestamp"}


def value_problem(spec: CustomField, value, *, any_category: bool = False) -> str | None:
    """Why a value cannot be this field's, or None when it can (None itself is always allowed: missing).

    A category is text: a JSON number or true/false for one is refused (a code sent for a label would be
    matched to no level), unless `any_category`, for a field inferred a category because its values are of
    mixed kinds (each is then read as its text, as the model reads it).
    """
    if value is None:
        return None
    kind = spec.type
    if kind == "category":
        if isinstance(value, str) or any_category:
            return None
        shown = json.dumps(value)
        return (
            f"expected text for a category, got {shown}: send it as text ({json.dumps(category_text(value))})"
        )
    if kind == "flag":
        # 1 is no yes: a JSON number is a count. A table cell's 0 or 1 is read as a flag before it gets here.
        return None if isinstance(value, bool) else f"expected true or false, got {value!r}"[:200]
    if isinstance(value, bool):
        return f"expected {_A[kind]}, got true/false"
    if kind in ("number", "integer"):
        if not isinstance(value, int | float) or not _finite(value):
            return f"expected a finite {kind}, got {value!r}"[:200]
        if kind == "integer" and value != int(value):
            return f"expected a whole number, got {value!r}"
        return custom_number_problem(value)
    if kind == "datetime":
        if not isinstance(value, str):
            return "expected an ISO 8601 timestamp"
        try:
            parse_moment(value)
        except (ValueError, OverflowError):
            return f"expected an ISO 8601 timestamp, got {value!r}"[:200]
        return None
    return None


def category_text(value) -> str:
    """A category's value as the text that names its level: true/false as JSON writes them, numbers as written."""
    return json.dumps(value) if isinstance(value, bool) else str(value)


def _finite(value: int | float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer too large for a float
        return False


def custom_problems(
    values: dict,
    fields: tuple[CustomField, ...],
    shadow: tuple[CustomField, ...] = (),
    *,
    any_category: bool = False,
) -> list[str]:
    """'custom.name: problem' lines for fields not declared and values of the wrong type (first declaration
    wins); `shadow`: a challenger's fields, also accepted, and named apart from the serving model's;
    `any_category`: see value_problem."""
    declared: dict[str, CustomField] = {}
    for spec in (*fields, *shadow):
        declared.setdefault(spec.name, spec)
    problems = []
    for name, value in values.items():
        spec = declared.get(name)
        if spec is None:
            known = ", ".join(sorted({f.name for f in fields})) or "none"
            extra = sorted({f.name for f in shadow} - {f.name for f in fields})
            also = f"; the challenger in shadow also: {', '.join(extra)}" if extra else ""
            fitted = _suggested(name).removeprefix(": ")
            hint = f"; did you mean {fitted}?" if fitted != name and fitted in declared else ""
            problems.append(
                f"custom.{name}: not a custom field of the serving model (it declares: {known}{also}){hint}"
            )
            continue
        problem = value_problem(spec, value, any_category=any_category)
        if problem:
            problems.append(f"custom.{name}: {problem}")
    return problems


def infer_fields(values: list[dict]) -> tuple[CustomField, ...]:
    """Custom fields from the values history leads carry, for data without a mapping that declares them: the
    kind nearly every value has (MAJORITY), integers among numbers a number, else a category."""
    seen: dict[str, Counter] = {}
    for custom in values:
        for name, value in custom.items():
            if value is not None:
                seen.setdefault(name, Counter())[_kind_of(value)] += 1
    fields = []
    for name in sorted(seen):
        kinds = seen[name]
        kind, count = kinds.most_common(1)[0]
        if set(kinds) == {"integer", "number"}:
            kind = "number"
        elif count < MAJORITY * sum(kinds.values()):
            kind = "category"
        fields.append(CustomField(name, kind, default_label(name)))
    return tuple(fields)


def _kind_of(value) -> str:
    if isinstance(value, bool):
        return "flag"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    try:
        parse_moment(str(value))
    except (ValueError, OverflowError):
        return "category"
    # A bare number or year as text is a category, not a moment: only full dates count.
    return "datetime" if len(str(value)) >= 10 else "category"
