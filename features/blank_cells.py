"""Blank cells a column reads as a value: a "" key in its value map, or "" among a flag's yes or no words."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

BLANK = '"" (a blank cell)'


def _stripped_keys(values: dict[str, str | None]) -> dict[str, str | None]:
    # Cells are read without surrounding spaces: a key written with them (" " for a blank) would never match.
    stripped: dict[str, str | None] = {}
    for key, value in values.items():
        if key.strip() in stripped and stripped[key.strip()] != value:
            raise ValueError(f"values maps {key.strip()!r} twice (cells are read without surrounding spaces)")
        stripped[key.strip()] = value
    return stripped


# A column's value map and a flag's words, as the cells are read: without surrounding spaces (" " is "").
ValueMap = Annotated[dict[str, str | None], AfterValidator(_stripped_keys)]
Words = Annotated[list[str], AfterValidator(lambda words: [word.strip() for word in words])]


def applies(words: list[str]) -> str:
    """'true_values applies', 'true_values and false_values apply'."""
    return " and ".join(words) + (" apply" if len(words) > 1 else " applies")


def blank_words(where: str, true_values: list[str], false_values: list[str]) -> None:
    """Refuse a blank cell that would be both a yes and a no."""
    if "" in true_values and "" in false_values:
        raise ValueError(f"{where}: {BLANK} is among both true_values and false_values: keep it in one")


def check_flag_words(rule) -> None:
    """Refuse flag words on a column not read as a flag, and a blank read both by them and by the value map."""
    given = sorted({"true_values", "false_values"} & rule.model_fields_set)
    if given and rule.reads_as() != "flag":
        raise ValueError(
            f"{rule.where}: {applies(given)} to type: flag, not {rule.reads_as()}; add type: flag, or read a "
            'blank cell with values: {"": ...}'
        )
    blank_words(rule.where, rule.true_values, rule.false_values)
    if "" in rule.values and ("" in rule.true_values or "" in rule.false_values):
        raise ValueError(
            f'{rule.where}: a blank cell is read by values: {{"": ...}}, before true_values and false_values: '
            'drop "" from one of them'
        )


def check_placeholders(mapping) -> None:
    """Refuse a placeholder among the words a column reads: a placeholder cell is read as missing first, so the
    word would never be read (walk W: false_values: ["N/A"]). A blank cell is the exception: "" is read by its
    column's words (see cell). A value map's key read as missing (null) means what the placeholder does."""
    rules = [(f"fields.{target}", rule) for target, rule in mapping.fields.items()]
    rules += [(f"custom.{name}", rule) for name, rule in mapping.custom.items()]
    rules += [(f"events.{i}", rule) for i, rule in enumerate(mapping.events)]
    for path, rule in rules:
        read = {"values": [key for key, value in getattr(rule, "values", {}).items() if value is not None]}
        if (rule.reads_as() if hasattr(rule, "reads_as") else rule.kind) == "flag":
            # Only the words written in the mapping: the defaults are no choice of it.
            given = {"true_values", "false_values"} & rule.model_fields_set
            read |= {name: getattr(rule, name) for name in given}
        for name, words in sorted(read.items()):
            # A value map's keys match a cell as written; flag words in any case ('None' hides none).
            fold = str if name == "values" else str.casefold
            folded = {fold(word) for word in words}
            dead = [p for p in mapping.placeholders if p.strip() and fold(p) in folded]
            if dead:
                shown = next((p for p in dead if p in words), dead[0])  # as the mapping wrote it, if it did
                raise ValueError(
                    f"{path}: {rule.where}: {shown!r} is a placeholder, read as missing before {name}: drop it "
                    f"from placeholders or from {name}"
                )


def check_label_placeholders(mapping) -> None:
    """Refuse a placeholder among the outcome words (sql_positive, won_positive, open) or the label's value-map
    keys: its cell reads as a blank outcome (label.blank) first, so the word would never match — unless a value
    map writes it (values: {'?': 'N/A'} with open: ['N/A'])."""
    from leadgate.features.mapping_label import fold  # outcome words match as the label reads them

    label = mapping.label
    if label is None:
        return
    placeholders = {fold(p): p for p in mapping.placeholders if p.strip()}
    columns = [("sql", label.sql), ("won", label.won)]
    written = {fold(v) for _, rule in columns if rule is not None for v in rule.values.values() if v}
    words = {"sql_positive": label.sql_positive, "won_positive": label.won_positive, "open": label.open}
    words |= {f"{name}.values": list(rule.values) for name, rule in columns if rule is not None}
    for name, listed in words.items():
        for word in listed:
            if fold(word) in placeholders and (name.endswith(".values") or fold(word) not in written):
                raise ValueError(
                    f"label.{name}: {word!r} is a placeholder, read as a blank outcome cell (label.blank) before "
                    f"{name}: drop it from placeholders, or say what a blank outcome means with blank: open or "
                    "blank: not_sql"
                )


def reads_blank(rule) -> bool:
    """Whether the rule gives its blank cells a value instead of reading them as missing (the mapping's check
    allows "" among true_values or false_values on flags only)."""
    if "" in getattr(rule, "values", ()):
        return True
    return "" in rule.true_values or "" in rule.false_values


def cell(rule, row) -> str | None:
    """The rule's cell as stripped text, None when missing; '' for an empty or all-space cell when the rule
    reads blanks (a placeholder such as 'N/A' stays missing: it says not known, not no)."""
    text = row.text(rule.column)
    if text is None and reads_blank(rule) and row.blank(rule.column):
        return ""
    return text
