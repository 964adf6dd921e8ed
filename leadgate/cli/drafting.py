"""`leadgate draft-mapping`: a first mapping for a CRM export, each column's role and type guessed."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from leadgate.cli.common import DelimiterOpt, fail
from leadgate.serving.file_formats import EXPORT_FORMATS, said

SAMPLE_ROWS = 20_000  # rows read to guess from: every column's types and values show well before


def draft_mapping(
    export: Annotated[Path, typer.Argument(help=f"the CRM export: {said(EXPORT_FORMATS)}")],
    delimiter: DelimiterOpt = None,
    rows: Annotated[int, typer.Option("--rows", min=10, help="rows read to guess from")] = SAMPLE_ROWS,
) -> None:
    """Print a first mapping for a CRM export (> my_crm.yaml): each column's role and type guessed, said why."""
    from itertools import islice

    from leadgate.features.mapping import MappingError, parse_mapping
    from leadgate.serving.export_reader import BatchInputError, open_table
    from leadgate.training.mapping_draft import draft_mapping as draft
    from leadgate.training.mapping_draft_yaml import draft_yaml

    try:
        table = open_table(export, delimiter=delimiter)
        sample = list(islice(table.rows, rows))
    except BatchInputError as error:
        raise fail(str(error)) from None
    if not sample:
        raise fail(f"{export.name}: no rows below the header")
    text = draft_yaml(draft(export.stem, table.columns, sample), export.name, len(sample))
    try:
        parse_mapping(text, "the draft")
    except MappingError as error:  # an outcome whose SQL values no word gave away: the user fills them in
        print(f"the draft needs you before it trains: {error}", file=sys.stderr)
    sys.stdout.write(text)


def register(app: typer.Typer) -> None:
    """Add the draft-mapping command to the main CLI."""
    app.command("draft-mapping")(draft_mapping)
