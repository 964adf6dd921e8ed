"""`leadgate lists` and `leadgate suppressions`: maintain the gates' lists and suppression records in the store."""

from __future__ import annotations

import getpass
from datetime import datetime
from typing import Annotated

import typer
from rich.markup import escape

from leadgate.cli.common import (
    DataDir,
    champion_or_fail,
    console,
    fail,
    settings_for,
    store_or_fail,
)
from leadgate.decision.count_words import plural

lists_app = typer.Typer(
    help="Competitor domains and networks, employees, do-not-engage and rejected accounts."
)
suppressions_app = typer.Typer(help="Stopped contact with a person or an account: records, never deletions.")

Kind = Annotated[
    str,
    typer.Option(
        "--kind",
        help="competitor_domains, competitor_networks, employee_domains, do_not_engage or previously_rejected",
    ),
]
Why = Annotated[str, typer.Option("--why", help="why the change is made (kept in the audit)")]
Who = Annotated[str | None, typer.Option("--who", help="who makes the change (default: cli:<user>)")]


def register(app: typer.Typer) -> None:
    """Add the lists and suppressions commands to the main CLI."""
    app.add_typer(lists_app, name="lists")
    app.add_typer(suppressions_app, name="suppressions")


def _who(who: str | None) -> str:
    return who or f"cli:{getpass.getuser()}"


def _kind(kind: str) -> str:
    from leadgate.decision.lists import ListValueError, check_kind

    try:
        return check_kind(kind)
    except ListValueError as error:
        raise fail(str(error)) from None


@lists_app.command("show")
def show(kind: Kind, data_dir: DataDir = None) -> None:
    """The entries the gates read (the policy's and the store's) and the newest changes, times in UTC; the
    policy is the one the service decides by (the --policy file, else the champion's own), named."""
    from leadgate.serving import lists_store

    kind = _kind(kind)
    deciding = _deciding(data_dir)
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
    source = holder._policy_source(current)
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
    deciding = _deciding(data_dir)
    policy, source = _policy_deciding(deciding)
    try:
        with champion_or_fail():
            changed = lists_service.add(
                kind=kind, value=value, why=why, who=_who(who), policy=policy, **deciding
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
    deciding = _deciding(data_dir)
    policy, source = _policy_deciding(deciding)
    try:
        with champion_or_fail():
            changed = lists_service.remove(
                kind=kind, value=value, why=why, who=_who(who), policy=policy, **deciding
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
        console.print(escape(_decided_by(decided, deciding)))


def _line(suppression) -> str:
    from datetime import UTC

    from leadgate.decision.suppression import state_now

    state = state_now(suppression, datetime.now(UTC))
    # A lead's own unsubscribe or complaint names itself in its source; a person's record names who made it.
    by = f" by {suppression.created_by}" if suppression.created_by not in (None, "event") else ""
    text = (
        f"#{suppression.id} {state.status}: {suppression.contact} of {suppression.subject} since "
        f"{suppression.created_at:%Y-%m-%d %H:%M} ({suppression.source}{by}): {suppression.reason}"
    )
    if suppression.expires_at:
        text += f"; expires {suppression.expires_at:%Y-%m-%d %H:%M}"
    if state.lifted_at:
        text += f"; lifted {state.lifted_at:%Y-%m-%d %H:%M} by {state.lifted_by}: {state.lift_reason}"
    return escape(text)  # people's words, not rich markup


@suppressions_app.command("show")
def show_suppressions(
    subject: Annotated[str, typer.Option("--subject", help="an email address or an account's domain")],
    data_dir: DataDir = None,
) -> None:
    """Every suppression bearing on a person (theirs and their account's) or an account, active and past."""
    from leadgate.serving import suppression_store, suppression_subjects

    try:
        _, subject = suppression_subjects.parse_subject(subject)
    except suppression_store.SuppressionError as error:
        raise fail(str(error)) from None
    store = store_or_fail(settings_for(data_dir))
    found = suppression_store.for_subjects(store, suppression_subjects.bearing_on(subject))
    if not found:
        console.print(f"no suppression of {subject}")
    for suppression in found:
        console.print(_line(suppression))


@suppressions_app.command("add")
def add_suppression(
    subject: Annotated[str, typer.Option("--subject", help="an email address or an account's domain")],
    contact: Annotated[str, typer.Option("--contact", help="marketing_email or all_contact")],
    reason: Annotated[str, typer.Option("--reason", help="why contact stops")],
    expires: Annotated[
        datetime | None, typer.Option("--expires", help="when it stops acting by itself (UTC)")
    ] = None,
    who: Who = None,
    data_dir: DataDir = None,
) -> None:
    """Stop a kind of contact with a person or an account, and decide again every stored lead it bears on."""
    from leadgate.serving import suppression_service, suppression_store

    try:
        row = suppression_store.new_row(
            subject=subject, contact=contact, reason=reason, who=_who(who), source="cli", expires_at=expires
        )
    except suppression_store.SuppressionError as error:
        raise fail(f"{error}; nothing was stored") from None
    deciding = _deciding(data_dir)
    with champion_or_fail():
        made = suppression_service.create_suppression(row=row, **deciding)
    _said(made, deciding)


@suppressions_app.command("lift")
def lift_suppression(
    suppression_id: Annotated[int, typer.Option("--id", help="the suppression's number (see show)")],
    why: Why,
    who: Who = None,
    data_dir: DataDir = None,
) -> None:
    """Lift a suppression, and decide again every stored lead it bore on; the record stays with who and why."""
    from leadgate.serving import suppression_service, suppression_store

    deciding = _deciding(data_dir)
    try:
        with champion_or_fail():
            changed = suppression_service.lift_suppression(
                suppression_id=suppression_id, why=why, who=_who(who), **deciding
            )
    except (LookupError, suppression_store.AlreadyLifted, suppression_store.SuppressionError) as error:
        raise fail(f"{error}; nothing was changed") from None
    _said(changed, deciding)


@suppressions_app.command("expire")
def expire_suppressions(data_dir: DataDir = None) -> None:
    """Decide again the stored leads of suppressions that have expired (the service does this every minute)."""
    from leadgate.serving import suppression_service

    deciding = _deciding(data_dir)
    current = deciding["holder"].current()
    if current.load_failed:  # settle_expired waits for the champion: say so, not "nothing expired"
        raise fail(
            f"the champion does not load ({current.problem}): no expiry was settled; try again once it does"
        )
    settled = suppression_service.settle_expired(**deciding)
    if not settled:
        console.print("no suppression has expired since its leads were last decided")
    for changed in settled:
        _said(changed, deciding)


def _deciding(data_dir) -> dict:
    # What the service decides a suppression's leads with; loading the champion imports mlflow and lightgbm.
    from leadgate.serving import suppression_service

    settings = settings_for(data_dir)
    return suppression_service.outside_the_service(settings, store_or_fail(settings))


def _said(changed, deciding: dict) -> None:
    console.print(_line(changed.suppression))
    console.print(escape(_decided_by(changed.decided, deciding)))


def _decided_by(decided: int, deciding: dict) -> str:
    # By what only when something was: "0 decided, by the gates alone (model load failed)" reads as a fallback.
    return f"{_leads(decided)} decided again" + (f", by {_by(deciding)}" if decided else "")


def _leads(decided: int) -> str:
    return plural(decided, "stored lead")


def _by(deciding: dict) -> str:
    current = deciding["holder"].current()
    if current.loaded:
        return f"champion {current.model_version}"
    # While the champion does not load, its kept policy gates: say whose, as the service's log does.
    of = f", of {current.kept.describe()}" if current.kept else ""
    return f"the gates alone{of} ({current.problem})"
