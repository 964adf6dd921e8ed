"""CLI helpers for histories: a CRM export read through its mapping (by name or file, with its shipped policy),
or a JSON-lines / Parquet history file, read by every command that learns or measures from outcomes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from leadgate.cli.common import err, fail, policy_or_fail

MappingOpt = Annotated[
    str | None,
    typer.Option("--mapping", help="--data is a CRM export read through this mapping (file or shipped name)"),
]
# A date or a time without an offset is the export's own: in its mapping's timezone (UTC without one).
SinceOpt = Annotated[
    str | None,
    typer.Option(help="only leads created at or after this date/time (the mapping's timezone, else UTC)"),
]
UntilOpt = Annotated[
    str | None,
    typer.Option(
        help="only leads created up to this date (inclusive) or before this time (the mapping's timezone, else UTC)"
    ),
]


def named_mapping(name: str):
    """A mapping file or shipped mapping; a bad one stops the command with its error."""
    from leadgate.features.mapping import MappingError
    from leadgate.training.crm_mappings import load_mapping

    try:
        return load_mapping(name)
    except MappingError as error:
        raise fail(str(error)) from None


def mapping_policy(mapping, policy_path: Path | None):
    """The --policy file; else the policy shipped beside the mapping; else the default policy."""
    from leadgate.decision.policy import PolicyError, parse_policy
    from leadgate.training.crm_mappings import shipped_policy

    text = shipped_policy(mapping) if mapping and policy_path is None else None
    if text is None:
        return policy_or_fail(policy_path)
    try:
        return parse_policy(text, f"{mapping.name}.policy.yaml (shipped)")
    except PolicyError as error:
        raise fail(str(error)) from None


def export_history(path: Path, mapping, delimiter: str | None = None):
    """A CRM export read through its mapping as a training history; a few bad rows are skipped with a note."""
    from leadgate.features.mapping import MappingError
    from leadgate.serving.export_reader import BatchInputError, read_export
    from leadgate.training.data import HistoryError
    from leadgate.training.exports import history_from_export

    try:
        mapped = history_from_export(read_export(path, delimiter=delimiter), mapping)
    except (BatchInputError, MappingError, HistoryError) as error:
        raise fail(str(error)) from None
    from rich.markup import escape

    for note in mapped.notes:  # names resolved, leads left out, and the outcome's values, last
        err.print(escape(note) if note.startswith("outcome:") else f"[yellow]{escape(note)}[/]")
    skipped_note(mapped.problems)
    repeated_note(mapped.history)
    return mapped.history


def skipped_note(problems: list[str]) -> None:
    """The rows left out as invalid, said in one line (up to 1% may be; more stops the command)."""
    from rich.markup import escape

    if problems:
        shown = "; ".join(problems[:3]) + (" ..." if len(problems) > 3 else "")
        rows = "1 row" if len(problems) == 1 else f"{len(problems):,} rows"
        err.print(f"[yellow]{rows} skipped (up to 1% may be): {escape(shown)}[/]")


def repeated_note(history) -> None:
    """The lead ids on more than one row of a history, of which the newest (or last) row was kept, in one line."""
    from rich.markup import escape

    from leadgate.training.data import repeats_note

    if history.repeats:
        err.print(f"[yellow]{escape(repeats_note(history.repeats, history.ordered))}[/]")


def history_or_fail(path: Path, mapping=None, delimiter: str | None = None):
    """The history with outcomes at `path`: a CRM export read through `mapping`, else JSON lines (.gz) or
    Parquet. Every failure stops the command with one line; an export given without a mapping asks for one."""
    from leadgate.training.data import HistoryError, history_from_records

    if mapping is not None:
        return export_history(path, mapping, delimiter)
    table = _lead_table(path, delimiter)
    if delimiter is not None and not table:
        raise fail(f"{path.name}: --delimiter is for a CSV file, or a CRM export read through a mapping")
    try:
        records = table_history_or_fail(path, delimiter) if table else _records(path)
        # A CSV's rows are numbered as the file numbers them, and as score does (header = row 1).
        numbers = list(range(2, len(records) + 2)) if table else None
        # Table cells may hold text ('50'), read as the field's type; JSON lines are taken as typed.
        cells = table or path.suffix.lower() == ".parquet"
        history = history_from_records(records, numbers=numbers, cells=cells)
        skipped_note(list(history.skipped))
        repeated_note(history)
        return history
    except HistoryError as error:
        if _names_no_lead_field(path):  # an export in Parquet or JSON lines: its own column names
            raise fail(
                f"{path}: looks like a CRM export, not a history of leads: {_mapping_hint()}"
            ) from None
        raise fail(str(error)) from None
    except (OSError, EOFError, ValueError) as error:  # bad gzip, not JSON lines, not UTF-8 text
        if _looks_like_export(path):
            raise fail(
                f"{path}: looks like a CRM export, not a JSON-lines history: {_mapping_hint()}"
            ) from None
        raise fail(f"{path}: not a JSON-lines history file: {error}") from None


def _lead_table(path: Path, delimiter: str | None) -> bool:
    """Whether the file is a CSV whose columns are lead fields (`company.name`, `outcome.sql`), as score reads."""
    from leadgate.serving.export_reader import BatchInputError, file_format
    from leadgate.serving.lead_files import foreign_columns, input_columns, shown_columns

    if file_format(path).removesuffix(".gz") not in (".csv", ".tsv", ".txt") or not path.exists():
        return False
    try:
        columns = input_columns(path, delimiter=delimiter)
    except BatchInputError as error:
        raise fail(str(error)) from None
    foreign = foreign_columns([c for c in columns if not c.startswith("outcome.")])
    if foreign and len(foreign) < len(columns):  # a lead-path table with a few columns of its own
        raise fail(
            f"{path.name}: columns that are no lead field ({shown_columns(foreign)}): drop them, name a CRM field "
            "of your own custom.<name> (lower case), or read the file as a CRM export with --mapping"
        )
    return bool(columns) and not foreign


def table_history_or_fail(path: Path, delimiter: str | None) -> list[dict]:
    """A lead-path CSV's records; a cell that cannot be read stops the command with one line."""
    from leadgate.serving.export_reader import BatchInputError
    from leadgate.serving.table_history import table_history

    try:
        return table_history(path, delimiter)
    except BatchInputError as error:
        raise fail(str(error)) from None


def _names_no_lead_field(path: Path) -> bool:
    """Whether none of the file's columns (or first record's keys) is a lead field: a CRM export's names."""
    from leadgate.serving.lead_files import foreign_columns, input_columns

    try:
        columns = input_columns(path)
    except Exception:  # noqa: BLE001 - only a hint: an unreadable file keeps the history's own message
        return False
    return bool(columns) and foreign_columns(columns) == columns


def _mapping_hint() -> str:
    from leadgate.cli.batch_checks import MAPPING_HINT  # what `score` says of an export given without one

    return MAPPING_HINT


def _records(path: Path) -> list[dict]:
    if path.suffix.lower() == ".parquet":
        import pandas as pd

        from leadgate.serving.batch import unflatten

        # Flat columns ('contact.email', 'outcome.sql') and nested structs both become nested records.
        return [unflatten(row) for row in pd.read_parquet(path).to_dict(orient="records")]
    from leadgate.training.synth import read_history

    return read_history(path)


def _looks_like_export(path: Path) -> bool:
    """A table (a CSV header row), not JSON lines: the file's first characters are no JSON object."""
    import gzip

    try:
        with gzip.open(path, "rb") if path.suffix.lower() == ".gz" else path.open("rb") as handle:
            head = handle.read(4096)
    except (OSError, EOFError):
        return False
    # Excel and many CRMs start a UTF-8 CSV with a byte-order mark.
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return bool(head) and not head.startswith(b"{") and path.suffix.lower() != ".parquet"


def window_said(
    since: str | None,
    until: str | None,
    kept,
    history,
    label: str = "",
    tail: str = "",
    zone: str | None = None,
) -> str:
    """The one line that says a --since/--until window: 'window 2025-07-30 to the end: 720 of 2,400 leads…',
    with the time zone its dates were read in when the export names one ('… to the end (Europe/Berlin)…')."""
    zone = zone or history.zone
    zone = f" ({zone})" if zone != "UTC" and _unzoned(since, until) else ""
    return (
        # Walk P: "window the start to 2026-06-30" read as a typo.
        f"window {since or 'from the start'} to {until or 'the end'}{zone}{label}: {len(kept.leads):,} of "
        f"{len(history.leads):,} leads{tail}"
    )


def _unzoned(*texts: str | None) -> bool:
    """Whether any of the --since/--until texts is a date or time without an offset: the export's zone's."""
    return any(text and datetime.fromisoformat(text).tzinfo is None for text in texts)


def within(history, where: str, since: str | None, until: str | None, zone: str | None = None):
    """The leads created in the --since/--until window; none there stops the command in one line. A date or a
    time without an offset is read in `zone`, by default the export's (History.zone), as its dates are written."""
    zone = zone or history.zone
    check_window(since, until, zone)
    if (since or until) and not history.ordered:
        raise fail(
            f"{where} has no dates (its leads are in row order): --since and --until cannot choose a window"
        )
    created = history.created
    keep = created == created
    if since:
        keep &= created >= _moment(since, "--since", zone=zone).timestamp()
    if until:
        keep &= created < _moment(until, "--until", end_of_day=True, zone=zone).timestamp()
    if not keep.any():
        raise fail(f"{where}: no leads between {since or 'the start'} and {until or 'the end'}")
    return history.subset(keep)


def check_window(since: str | None, until: str | None, zone: str = "UTC") -> None:
    """--since and --until read as `within` reads them: a bad one, or a window with no time in it, stops the
    command before any data is read."""
    start = _moment(since, "--since", zone=zone) if since else None
    end = _moment(until, "--until", end_of_day=True, zone=zone) if until else None
    if start is not None and end is not None and start >= end:
        # Walk W: "--since 2025-09-01 --until 2025-08-01" read the whole export to say "no leads between".
        swapped = start > _moment(until, "--until", zone=zone)
        raise fail(
            f"--since {since} comes after --until {until}: --since starts the window and --until ends it"
            if swapped
            else f"--since {since} and --until {until} leave no time between them (a time as --until is excluded)"
        )


def _moment(text: str, option: str, end_of_day: bool = False, zone: str = "UTC") -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise fail(f"{option}: expected YYYY-MM-DD or an ISO-8601 time, got {text!r}") from None
    # Walk Y: a date-only export in Europe/Berlin lost its first day to a window from midnight UTC.
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC if zone == "UTC" else ZoneInfo(zone))
    # A bare date as --until means through that whole day; 9999-12-31 has no next day, and needs none.
    if end_of_day and len(text) == 10 and moment.date() < date.max:
        return datetime.combine(moment.date() + timedelta(days=1), time(), moment.tzinfo)
    return moment
