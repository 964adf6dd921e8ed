"""`leadgate lists`: maintain the gates' lists in the store (suppressions: cli/suppressions.py)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from leadgate.cli.common import DataDir, champion_or_fail, console, fail
from leadgate.cli.store_changes import Who, Why, decided_by, deciding_for, who_or_user

lists_app = typer.Typer(
    help="Competitor domains and networks, employees, do-not-engage and rejected accounts."
)

Kind = Annotated[
    str,
    typer.Option(
        "--kind",
        help="competitor_domains, competitor_networks, employee_domains, do_not_engage or previously_rejected",
    ),
]


def register(app: typer.Typer) -> None:
    """Add the lists commands to the main CLI."""
    app.add_typer(lists_app, name="lists")


def _kind(kind: str) -> str:
    from leadgate.decision.lists import ListValueError, check_kind

    try:
        return check_kind(kind)
    except ListValueError as error:
        raise fail(str(error)) from None


@lists_app.command("show")
def show(kind: Kind, data_dir: DataDir = None) -> None:
    """The entries the gates read (the policy's and the store's) and the newest changes, times in UTC; the
    policy is the one the service decides by (LEADGATE_POLICY_PATH's file, else the champion's own), named."""
    from leadgate.serving import lists_store

    kind = _kind(kind)
    deciding = deciding_for(data_dir)
    engine = deciding["store"].engine
    with engine.connect() as connection:
        version = lists_store.lists_version(lists_store.revision(connection))
    console.print(f"[bold]{kind}[/] ({version})")
    policy, source = _policy_deciding(deciding)
    console.print(escape(f"policy {policy.version} ({source})"), style="dim")
    for entry in lists_store.entries(engine, kind, policy=policy):
        if entry.source == "policy":
            console.print(f"  {escape(entry.value)}  [dim]policy[/]")
        else:
            added = f"added {entry.added_at:%Y-%m-%d %H:%M} UTC by {entry.added_by}: {entry.why}"
            console.print(f"  {escape(entry.value)}  [dim]{escape(added)}[/]")
    changes = lists_store.audit(engine, kind, limit=10)
    if changes:
        console.print("newest changes:")
        for change in changes:
            line = (
                f"  #{change['revision']} {change['at']:%Y-%m-%d %H:%M} UTC {change['action']} "
                f"{change['value']} by {change['who']}: {change['why']}"
            )
            console.print(escape(line))


def _policy_deciding(deciding: dict):
    """The policy the service would decide by, as `outside_the_service` loaded it, and where it came from."""
    holder = deciding["holder"]
    current = holder.current()
    # The service's own words for its policy's source (model_holder.py), so the two never disagree.
    source = holder.policy_source(current)
    if current.loaded is not None and not holder.settings.policy_path:
        source += f", champion {current.model_version}"
    return current.pipeline.policy, source


@lists_app.command("add")
def add(
    kind: Kind,
    value: Annotated[str, typer.Option("--value", help="a bare domain (acme.com) or a CIDR network")],
    why: Why,
    who: Who = None,
    data_dir: DataDir = None,
) -> None:
    """Add a value to a list; a running service reads it from its next decision, and a domain's stored leads
    are decided again at once."""
    from leadgate.decision.lists import ListValueError
    from leadgate.serving import lists_service, lists_store

    kind = _kind(kind)
    try:
        lists_store.normalize(kind, value)  # a bad value is told before the champion is loaded to re-decide
    except ListValueError as error:
        raise fail(f"{error}; nothing was stored") from None
    deciding = deciding_for(data_dir)
    policy, source = _policy_deciding(deciding)
    try:
        with champion_or_fail():
            changed = lists_service.add(
                kind=kind, value=value, why=why, who=who_or_user(who), policy=policy, **deciding
            )
    except ListValueError as error:
        raise fail(f"{error}; nothing was stored") from None
    except lists_store.ListConflict as error:
        raise fail(f"{error} (policy {policy.version}, {source}); nothing was stored") from None
    console.print(f"added {changed.value} to {kind} ({lists_store.lists_version(changed.revision)})")
    _decided(kind, changed.decided, deciding)


@lists_app.command("remove")
def remove(
    kind: Kind,
    value: Annotated[str, typer.Option("--value", help="the domain or network to take off")],
    why: Why,
    who: Who = None,
    data_dir: DataDir = None,
) -> None:
    """Take a value off a list; a running service stops reading it from its next decision, and a domain's
    stored leads are decided again at once."""
    from leadgate.decision.lists import ListValueError
    from leadgate.serving import lists_service, lists_store

    kind = _kind(kind)
    try:
        lists_store.compared(kind, value)  # a bad value is told before the champion is loaded to re-decide
    except ListValueError as error:
        raise fail(f"{error}; nothing was changed") from None
    deciding = deciding_for(data_dir)
    policy, source = _policy_deciding(deciding)
    try:
        with champion_or_fail():
            changed = lists_service.remove(
                kind=kind, value=value, why=why, who=who_or_user(who), policy=policy, **deciding
            )
    except (ListValueError, lists_store.NotListed) as error:
        raise fail(f"{error}; nothing was changed") from None
    except lists_store.ListConflict as error:
        raise fail(f"{error} (policy {policy.version}, {source}); nothing was changed") from None
    console.print(f"removed {changed.value} from {kind} ({lists_store.lists_version(changed.revision)})")
    _decided(kind, changed.decided, deciding)


def _decided(kind: str, decided: int, deciding: dict) -> None:
    from leadgate.decision.lists import LIST_KINDS

    if LIST_KINDS[kind][1] == "domain":  # a network's entry applies from the next decision only
        console.print(escape(decided_by(decided, deciding)))
