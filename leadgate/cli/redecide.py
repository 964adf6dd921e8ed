"""`leadgate redecide --model-less`: the leads decided while no model served, decided again with the champion."""

from __future__ import annotations

from collections import Counter
from typing import Annotated

import typer
from rich.markup import escape

from leadgate.cli.common import DataDir, console, fail, settings_for, store_or_fail
from leadgate.cli.store_changes import deciding_with
from leadgate.decision.count_words import plural


def register(app: typer.Typer) -> None:
    """Add the redecide command to the main CLI."""
    app.command()(redecide)


def redecide(
    model_less: Annotated[
        bool,
        typer.Option("--model-less", help="the stored leads whose latest decision was made without a model"),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="say how many there are and their routes, decide nothing")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Decide stored leads again through the pipeline with the champion, appending a decision to each."""
    from leadgate.serving.model_less import NoModel, model_less_routes, redecide_model_less

    if not model_less:
        raise fail(
            "say which leads to decide again: --model-less (those whose latest decision was made without a model)"
        )
    settings = settings_for(data_dir)
    engine = store_or_fail(settings)
    if dry_run:
        console.print(escape(_waiting(model_less_routes(engine))))
        return
    deciding = deciding_with(settings, engine)
    try:
        run = redecide_model_less(**deciding)
    except NoModel as error:
        raise fail(
            f"{error}: nothing was decided again; the leads decided without a model keep their decisions "
            "until a champion loads"
        ) from None
    console.print(escape(run.describe()))


def _waiting(routes: dict[str, str]) -> str:
    counts = ", ".join(f"{route} {n}" for route, n in Counter(routes.values()).most_common())
    said = f"{plural(len(routes), 'stored lead')} last decided without a model"
    return f"dry run: {said}{': ' + counts if counts else ''}; nothing was decided again"
