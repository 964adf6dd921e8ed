"""`leadgate rollback`: the champion goes back to the version it replaced."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from leadgate.cli.common import DataDir, console, fail, first_line, registry_or_fail, settings_for
from leadgate.cli.store_changes import who_or_user


def rollback(
    why: Annotated[str, typer.Option("--why", help="why the champion goes back (kept as a tag)")],
    who: Annotated[str | None, typer.Option("--who", help="who rolls back (default: cli:<user>)")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="say what would move, move nothing")] = False,
    data_dir: DataDir = None,
) -> None:
    """Move the champion alias back to the version the current champion replaced, tagging both."""
    from mlflow.exceptions import MlflowException

    from leadgate.serving.db_problems import masked
    from leadgate.training.rollback import RollbackError, plan_rollback, roll_back

    settings = settings_for(data_dir)
    if not why.strip():
        raise fail("--why is required: say why the champion goes back")
    registry_or_fail(settings)
    try:
        plan = plan_rollback(settings)
    except RollbackError as error:
        raise fail(str(error)) from None
    name = settings.model_name
    moved = f"champion {name}/{plan.current} → {name}/{plan.previous}"
    # The version coming back must load: a rollback to a model whose files are gone would leave the service
    # on the gates alone.
    from leadgate.serving.model_loading import load_registered_version
    from leadgate.serving.registry_errors import RegistryUnreachable

    try:
        load_registered_version(settings, plan.previous)
    except RegistryUnreachable:
        raise  # the registry's line, not "cannot be loaded"
    except Exception as error:  # noqa: BLE001 - whatever stops it loading, nothing may move
        first = first_line(error)
        raise fail(f"{name}/{plan.previous} cannot be loaded, so nothing moved: {first}") from None
    _say_fields_refused(settings, plan, dry_run)
    if dry_run:
        console.print(escape(f"dry run: would roll back {moved}. Nothing changed."))
        return
    try:
        roll_back(settings, plan, why=why.strip(), who=who_or_user(who))
    except MlflowException as error:
        raise fail(
            f"could not move the alias in the MLflow registry at {masked(settings.tracking_uri())}: "
            f"{first_line(error)} (steps before it stay; `leadgate rollback --dry-run` says where the champion is)"
        ) from None
    console.print(
        escape(
            f"rolled back {moved} ({why.strip()}); the service switches within LEADGATE_MODEL_POLL_SECONDS"
        )
    )


def _say_fields_refused(settings, plan, dry_run: bool) -> None:
    """The custom fields the going champion declared that neither the one coming back nor the challenger does."""
    from leadgate.cli.accepted_fields import no_longer_accepted, refused_line
    from leadgate.training.registry import CHALLENGER, alias_of

    challenger = alias_of(settings, CHALLENGER)
    lost = no_longer_accepted(settings, (plan.current, challenger), (plan.previous, challenger))
    if lost:
        name = settings.model_name
        instead = f"{name}/{plan.previous}" + (
            f" and the challenger {name}/{challenger} do" if challenger else " does"
        )
        once = f"it {'would serve' if dry_run else 'serves'} {name}/{plan.previous}"
        console.print(f"[yellow]{escape(refused_line(settings, lost, plan.current, instead, once))}[/]")


def register(app: typer.Typer) -> None:
    """Add the rollback command to the main CLI."""
    app.command()(rollback)
