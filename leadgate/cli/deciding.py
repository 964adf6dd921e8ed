"""`leadgate decide`: one lead from a JSON file (or a few CRM export rows through a mapping), decided by a
registered model and printed for a person."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from leadgate.cli.common import (
    AsOfOpt,
    DataDir,
    DelimiterOpt,
    ExportMappingOpt,
    PolicyOpt,
    as_of_or_fail,
    console,
    err,
    fail,
    loaded_or_fail,
    policy_or_fail,
    settings_for,
)
from leadgate.serving.file_formats import EXPORT_FORMATS, said

# The most export rows `decide` prints, each a panel for a person; a bigger file is `score`'s to decide.
MOST_ROWS = 20


def register(app: typer.Typer) -> None:
    """Add `decide` to the CLI."""
    app.command()(decide)


def decide(
    lead_file: Annotated[
        Path,
        typer.Argument(
            help=f"one lead as JSON; with --mapping, a few rows of a CRM export: {said(EXPORT_FORMATS)}"
        ),
    ],
    alias: Annotated[str, typer.Option(help="model alias to load, or a version number")] = "champion",
    as_json: Annotated[bool, typer.Option("--json", help="print the full decision record as JSON")] = False,
    policy: PolicyOpt = None,
    mapping: ExportMappingOpt = None,
    delimiter: DelimiterOpt = None,
    as_of: AsOfOpt = "now",
    data_dir: DataDir = None,
) -> None:
    """Decide one lead (or each row of a small CRM export) and print it for a person to read."""
    from leadgate.cli.batch_checks import checked_batch, refuse_unknown_custom_fields, warn_changed_dates
    from leadgate.serving.as_of import old_leads_message
    from leadgate.serving.batch import count_unlearned, decide_chunk, unlearned_message
    from leadgate.serving.lead_rows import Row

    decision_time = as_of_or_fail(as_of)
    if mapping is None:
        lead = _lead_or_fail(lead_file)
        if policy is not None:
            policy_or_fail(policy)  # a bad policy file is told at once, not after the model's slow load
    else:  # checked as `score` checks its input, before the model's slow load
        mapped = checked_batch(lead_file, None, policy, mapping, delimiter)
    settings = settings_for(data_dir, policy)
    loaded = loaded_or_fail(settings, alias)
    pipeline = loaded.pipeline()
    if mapping is None:
        problems = pipeline.custom_problems(lead)
        if problems:
            raise fail(f"{lead_file}: invalid lead: {'; '.join(problems)}")
        rows = [Row(1, lead, lead.lead_id, None)]
    else:
        refuse_unknown_custom_fields(mapped, pipeline, f"{loaded.name}/{loaded.version} ({alias})")
        warn_changed_dates(mapped, loaded, settings)
        rows = _export_rows(pipeline, lead_file, mapped, delimiter)
    # As `score` decides each row of a file: as of now unless it says otherwise (its scored_at) or is told.
    outcomes = decide_chunk(pipeline, list(decision_time.rows(rows)))[0]
    decided = [(row, record) for row, record in outcomes if record is not None]
    _print(decided, as_json, several=len(rows) > 1)
    gaps: dict[str, int] = {}
    count_unlearned(pipeline.model, [row.lead for row, _ in decided], gaps)
    if gaps:  # walk V F8: the API and `score` warned of this lead, `decide` said nothing
        err.print(f"[yellow]{escape(unlearned_message(gaps))}[/]")
    if decision_time.old:  # on stderr: --json's output stays the record alone
        err.print(f"[yellow]{escape(old_leads_message(decision_time.old))}[/]")
    failed = [row.error for row, record in outcomes if record is None]
    for error in failed:  # each in the words of its error row in `score`'s output
        fail(f"{lead_file}: {error}")
    if failed:  # none decided: bad input, as an invalid lead; some: as `score` past its error rate
        raise typer.Exit(code=1 if decided else 2)


def _lead_or_fail(lead_file: Path):
    """The lead a JSON file holds, or the command stopped saying why (an export's row: --mapping)."""
    from leadgate.cli.batch_checks import MAPPING_HINT
    from leadgate.features.schema import LeadValidationError, parse_lead
    from leadgate.serving.lead_files import foreign_columns, shown_columns

    if not lead_file.is_file():
        raise fail(f"{lead_file}: no such file")
    try:
        data = json.loads(lead_file.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        if lead_file.suffix.lower() in (".csv", ".tsv", ".txt", ".parquet", ".xlsx", ".gz"):
            raise fail(f"{lead_file}: not lead JSON: {MAPPING_HINT}") from None
        raise fail(f"{lead_file}: {error}") from None
    keys = [str(key) for key in data] if isinstance(data, dict) else []
    if (
        keys and foreign_columns(keys) == keys
    ):  # score's words for a file none of whose columns is a lead field
        raise fail(f"{lead_file.name}: no column is a lead field ({shown_columns(keys)}): {MAPPING_HINT}")
    try:
        return parse_lead(data)
    except LeadValidationError as error:
        raise fail(f"{lead_file}: invalid lead: {error}") from None


def _export_rows(pipeline, path: Path, mapped, delimiter: str | None) -> list:
    """The export's rows read as `score` reads them (serving.batch.file_rows), at most MOST_ROWS of them."""
    from itertools import islice

    from leadgate.features.mapping import MappingError
    from leadgate.serving.batch import BatchInputError, file_rows

    try:
        rows = list(islice(file_rows(pipeline, path, mapped, delimiter=delimiter), MOST_ROWS + 1))
    except (BatchInputError, MappingError) as error:
        raise fail(str(error)) from None
    if not rows:
        raise fail(f"{path.name}: no rows below the header")
    if len(rows) > MOST_ROWS:
        raise fail(
            f"{path.name}: more than {MOST_ROWS} rows; `decide` prints a few for a person to read, "
            f"`leadgate score --input {path} --output decisions.jsonl --mapping …` decides a file"
        )
    return rows


def _print(decided: list, as_json: bool, several: bool) -> None:
    """Each decision as a panel, or as its full JSON record (a list of them when the file held several rows)."""
    from leadgate.cli.render import decision_panel

    if as_json:
        records = [record.to_json() for _, record in decided]
        if records:
            console.print_json(json.dumps(records if several else records[0]))
        return
    for row, record in decided:  # a row of several is named as `score`'s error rows name it
        console.print(
            decision_panel(record, f"row {row.number} · lead {record.lead_id}" if several else None)
        )
