"""A drafted mapping written as YAML with a comment on each guess, for the user to check before training."""

from __future__ import annotations

import json

from leadgate.decision.count_words import plural
from leadgate.training.mapping_draft import Draft

SHOWN_LABEL_VALUES = 12


def _flow(rule: dict) -> str:
    """{column: "Lead Source", type: integer}: a rule on one line, every string quoted as JSON (valid YAML)."""
    return "{" + ", ".join(f"{key}: {_scalar(value)}" for key, value in rule.items()) + "}"


def _scalar(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    if isinstance(value, dict):
        return _flow(value)
    return (
        value if value in ("datetime", "integer", "number", "flag") else json.dumps(value, ensure_ascii=False)
    )


def draft_yaml(draft: Draft, source: str, rows: int) -> str:
    """The mapping as YAML: each guess with why, the outcome's values counted, the columns left out."""
    lines = [
        f"# A first mapping drafted by `leadgate draft-mapping` from {source} ({plural(rows, 'row')} read): each",
        "# line is a guess from the column's name and cells. Check every one, above all label and after_contact",
        "# (a column filled in once sales works a lead gives the outcome away), then train with --mapping.",
        *(
            f"# Every column the shipped mapping {shipped!r} reads is in this export: --mapping {shipped} may do as it is."
            for shipped in draft.shipped
        ),
        f"name: {draft.name}",
        f"placeholders: {_scalar(draft.placeholders)}",
    ]
    if draft.lead_id:
        lines.append(f"lead_id: {_flow({'column': draft.lead_id})}  # a different value on every row")
    else:
        lines.append("# lead_id: no id column found: each lead is row-N, its row number")
    if draft.created_at:
        lines.append(f"created_at: {_flow(draft.created_at)}")
    else:
        sequence = json.dumps(draft.sequence or "Lead Number", ensure_ascii=False)
        lines += [
            "# created_at: no creation date found: training splits at random (--split random). Give a date",
            f"# column, or a sequence{' such as this one' if draft.sequence else ''}, numbered as leads came in:",
            f'# created_at: {{column: {sequence}, start: "2024-01-01T00:00:00Z", step_seconds: 3600}}',
        ]
    if draft.fields:
        lines.append("fields:")
        lines += [f"  {target}: {_flow({'column': column})}" for target, column in draft.fields.items()]
    if draft.custom:
        lines.append("custom:  # the CRM's own columns: each a model input and a reason of its own")
        for name, rule in draft.custom.items():
            note = draft.notes[(rule["column"], rule["contains"]) if "contains" in rule else rule["column"]]
            lines.append(f"  {name}: {_flow(rule)}  # {note}")
    if draft.events:
        lines.append("events:  # activity counts and opt-outs: leadgate's own intent and suppression signals")
        for rule in draft.events:
            lines.append(f"  - {_flow(rule)}  # {draft.notes[('event', rule['column'])]}")
    lines += _label_lines(draft)
    if draft.after_contact:
        lines.append(
            "after_contact:  # named like something known only once sales works the lead: check each"
        )
        lines += [f"  - {_scalar(column)}" for column in draft.after_contact]
    if draft.left_out:
        lines.append("# left out (add one under custom: if it is known when a lead arrives):")
        lines += [f"#   {column}: {why}" for column, why in draft.left_out.items()]
    return "\n".join(lines) + "\n"


def _label_lines(draft: Draft) -> list[str]:
    if draft.label is None:
        return [
            "# label: no outcome column found by its name (status, stage, converted…); name the one that says",
            "# which leads sales qualified:",
            '# label: {sql: {column: "Lead Status"}, sql_positive: ["Qualified"]}',
        ]
    values = draft.label_values
    shown = ", ".join(f"{json.dumps(v, ensure_ascii=False)} {n:,}" for v, n in values[:SHOWN_LABEL_VALUES])
    more = f", and {len(values) - SHOWN_LABEL_VALUES} more" if len(values) > SHOWN_LABEL_VALUES else ""
    column = draft.label["sql"]["column"]
    lines = [
        "label:",
        f"  sql: {_flow(draft.label['sql'])}  # holds {shown}{more}",
        f"  sql_positive: {_scalar(draft.label['sql_positive'])}  # the values that mean SQL: check"
        + ("" if draft.label["sql_positive"] else f" (none guessed: fill in from {column}'s values above)"),
    ]
    if "open" in draft.label:
        lines.append(f"  open: {_scalar(draft.label['open'])}  # still being worked, no outcome yet: check")
    if "open_for_days" in draft.label:
        lines.append(
            f"  open_for_days: {draft.label['open_for_days']}  # an open stage on an older lead means it never "
            "qualified: check how long your sales team works a lead"
        )
    if "won" in draft.label:
        lines.append(f"  won: {_flow(draft.label['won'])}")
        lines.append(f"  won_positive: {_scalar(draft.label['won_positive'])}  # closed deals: check")
    return lines
