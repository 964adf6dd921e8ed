"""A lead-path table's custom cells (`custom.calls` = '3') as the declared fields' types, or inferred ones."""

from __future__ import annotations

from leadgate.features import number_marks
from leadgate.features.cells import NumberCell, cell_text, yes_or_no
from leadgate.features.column_currencies import check_trained_currency
from leadgate.features.custom import prefix_number_problem, value_problem
from leadgate.features.mapping_columns import FALSE_VALUES, TRUE_VALUES


def custom_text(spec, text: str):
    """A text cell of a lead-path file (`custom.calls` = '3') as the custom field's declared type, read as a
    mapped export's column of that type with a decimal point; ValueError says why it cannot be."""
    kind = spec.type
    if kind in ("number", "integer"):
        number = number_marks.read(text, ".")
        whole = kind == "integer"
        if number is None or (whole and not number.is_integer()):
            hint = (
                " (a lead-path file writes decimals with a point)"
                if number_marks.read(text, ",") is not None
                else ""
            )
            raise ValueError(f"{text!r} is not a {'whole number' if whole else 'number'}{hint}")
        return int(number) if whole else number
    if kind == "flag":
        answer = yes_or_no(text, TRUE_VALUES, FALSE_VALUES)
        if answer is not None:
            return answer
        raise ValueError(
            f"{text!r} is neither a yes ({', '.join(TRUE_VALUES)}) nor a no ({', '.join(FALSE_VALUES)})"
        )
    if kind == "datetime":  # checked here as the API checks it (ISO 8601), so a row names all its bad cells
        problem = value_problem(spec, text)
        if problem:
            raise ValueError(problem)
    return text  # a category is its text; a datetime stays the text the lead's schema reads


def typed_custom(lead: dict, fields, currencies: dict[str, list[str]] | None = None) -> list[str]:
    """Turn the text cells of `lead['custom']` into the declared fields' types, in place; 'custom.name: problem'
    for each cell that cannot be read (left as text). Fields not declared are left for the model's check.

    `currencies`: per lead path, the currencies a model's training read a number field's amounts in (its
    metadata): a cell marked in another is a problem, never read as the same unit."""
    custom = lead.get("custom")
    if not isinstance(custom, dict):
        return []
    declared = {spec.name: spec for spec in reversed(fields)}  # the first declaration wins, as when checked
    problems = []
    for name, value in custom.items():
        spec = declared.get(name)
        if spec is not None and spec.type == "flag" and _zero_or_one(value):
            custom[name] = bool(value)  # a typed table's 0/1 column, as a CSV's '0'/'1' cell reads
            continue
        # A typed table's number, as its value or as the text a reader kept of it, has lost its leading zeros.
        number = isinstance(value, NumberCell | int | float) and not isinstance(value, bool)
        if spec is not None and spec.prefix and number:
            problems.append(f"custom.{name}: {prefix_number_problem(spec.prefix, cell_text(value))}")
            continue
        if spec is not None and spec.type == "category" and value is not None and not isinstance(value, str):
            # A typed table's number column as a category: its cells' text.
            custom[name] = str(cell_text(value))
            continue
        if spec is None or not isinstance(value, str):
            continue
        try:
            if spec.type in ("number", "integer") and (codes := (currencies or {}).get(f"custom.{name}")):
                check_trained_currency(tuple(codes), value)
            custom[name] = custom_text(spec, value)
        except ValueError as error:
            problems.append(f"custom.{name}: {error}")
    return problems


def _zero_or_one(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value in (0, 1)


def text_fields(cells: dict[str, list[str]]) -> tuple:
    """Custom fields of a lead-path table's text columns (`custom.calls` → its cells), for a history without
    a model or mapping to declare them: whole numbers are integer, numbers number, yes/no words a flag, other
    text left to infer_fields (an ISO date a datetime, else a category)."""
    from leadgate.features.custom import CustomField, default_label, infer_fields

    fields, texts = [], {}
    for name, values in cells.items():
        numbers = [number_marks.read(value, ".") for value in values]
        if values and all(number is not None for number in numbers):
            kind = "integer" if all(number.is_integer() for number in numbers) else "number"
        elif values and all(yes_or_no(value, TRUE_VALUES, FALSE_VALUES) is not None for value in values):
            kind = "flag"
        else:
            texts[name] = values
            continue
        fields.append(CustomField(name, kind, default_label(name)))
    inferred = infer_fields([{name: value} for name, values in texts.items() for value in values])
    return tuple(sorted([*fields, *inferred], key=lambda field: field.name))
