"""`leadgate decide`: one lead from a JSON file, decided by a registered model and printed for a person."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from leadgate.cli.common import (
    AsOfOpt,
    DataDir,
    PolicyOpt,
    as_of_or_fail,
    console,
    err,
    fail,
    loaded_or_fail,
    policy_or_fail,
    settings_for,
)


def register(app: typer.Typer) -> None:
    """Add `decide` to the CLI."""
    app.command()(decide)


def decide(
    lead_file: Annotated[Path, typer.Argument(help="one lead as JSON")],
    alias: Annotated[str, typer.Option(help="model alias to load, or a version number")] = "champion",
    as_json: Annotated[bool, typer.Option("--json", help="print the full decision record as JSON")] = False,
    policy: PolicyOpt = None,
    as_of: AsOfOpt = "now",
    data_dir: DataDir = None,
) -> None:
    """Decide one lead and print it for a person to read."""
    from leadgate.cli.render import decision_panel
    from leadgate.features.schema import LeadValidationError, parse_lead
    from leadgate.serving.as_of import old_leads_message
    from leadgate.serving.batch import count_unlearned, unlearned_message
    from leadgate.serving.lead_rows import Row

    decision_time = as_of_or_fail(as_of)
    if not lead_file.is_file():
        raise fail(f"{lead_file}: no such file")
    try:
        lead = parse_lead(json.loads(lead_file.read_text()))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise fail(f"{lead_file}: {error}") from None
    except LeadValidationError as error:
        raise fail(f"{lead_file}: invalid lead: {error}") from None
    if policy is not None:
        policy_or_fail(policy)  # a bad policy file is told at once, not after the model's slow load
    loaded = loaded_or_fail(settings_for(data_dir, policy), alias)
    pipeline = loaded.pipeline()
    problems = pipeline.custom_problems(lead)
    if problems:
        raise fail(f"{lead_file}: invalid lead: {'; '.join(problems)}")
    # As `score` decides each lead of a file: as of now unless it says otherwise (its scored_at) or is told.
    record = pipeline.decide_one(decision_time.pin(Row(1, lead, lead.lead_id, None)).lead)
    console.print_json(json.dumps(record.to_json())) if as_json else console.print(decision_panel(record))
    gaps: dict[str, int] = {}
    count_unlearned(pipeline.model, [lead], gaps)
    if gaps:  # walk V F8: the API and `score` warned of this lead, `decide` said nothing
        err.print(f"[yellow]{escape(unlearned_message(gaps))}[/]")
    if decision_time.old:  # on stderr: --json's output stays the record alone
        err.print(f"[yellow]{escape(old_leads_message(decision_time.old))}[/]")
