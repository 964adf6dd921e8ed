"""`leadgate suppressions`: stopped contact with a person or an account, kept as records in the store."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.markup import escape

from leadgate.cli.common import DataDir, champion_or_fail, console, fail, settings_for, store_or_fail
from leadgate.cli.store_changes import Who, Why, decided_by, deciding_for, who_or_user
from leadgate.decision.count_words import plural

suppressions_app = typer.Typer(help="Stopped contact with a person or an account: records, never deletions.")


def register(app: typer.Typer) -> None:
    """Add the suppressions commands to the main CLI."""
    app.add_typer(suppressions_app, name="suppressions")


def _line(suppression) -> str:
    from datetime import UTC

    from leadgate.decision.suppression import state_now

    state = state_now(suppression, datetime.now(UTC))
    # A lead's own event (unsubscribe, do-not-call, complaint) names itself in its source; a person's, who.
    by = f" by {suppression.created_by}" if suppression.created_by not in (None, "event") else ""
    # The store's times are UTC, and say so: an operator elsewhere would read them as local.
    text = (
        f"#{suppression.id} {state.status}: {suppression.contact} of {suppression.subject} since "
        f"{suppression.created_at:%Y-%m-%d %H:%M} UTC ({suppression.source}{by}): {suppression.reason}"
    )
    if suppression.expires_at:
        text += f"; expires {suppression.expires_at:%Y-%m-%d %H:%M} UTC"
    if state.lifted_at:
        text += f"; lifted {state.lifted_at:%Y-%m-%d %H:%M} UTC by {state.lifted_by}: {state.lift_reason}"
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


@suppressions_app.command("list")
def list_suppressions(
    status: Annotated[
        str, typer.Option("--status", help="active (stopping contact now), lifted, expired or all")
    ] = "active",
    contact: Annotated[
        str | None, typer.Option("--contact", help="marketing_email, phone (do not call) or all_contact")
    ] = None,
    subject_kind: Annotated[
        str | None, typer.Option("--subject-kind", help="email (a person's) or domain (an account's)")
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source", help="event:unsubscribe, event:do_not_call, event:spam_complaint, api or cli"
        ),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000, help="records on this page")] = 50,
    offset: Annotated[int, typer.Option("--offset", min=0, help="records skipped (the next page's)")] = 0,
    data_dir: DataDir = None,
) -> None:
    """Suppression records of every subject, oldest first: the active ones unless --status says otherwise."""
    from leadgate.decision.suppression import CONTACTS, SOURCES, SUBJECT_KINDS
    from leadgate.serving.suppression_pages import WANTED, suppression_page

    for option, value, allowed in (
        ("--status", status, WANTED),
        ("--contact", contact, tuple(CONTACTS)),
        ("--subject-kind", subject_kind, SUBJECT_KINDS),
        ("--source", source, SOURCES),
    ):
        if value is not None and value not in allowed:
            raise fail(f"{option} must be one of {', '.join(allowed)}, not {value!r}")
    store = store_or_fail(settings_for(data_dir))
    page = suppression_page(
        store,
        status=status,
        contact=contact,
        subject_kind=subject_kind,
        source=source,
        limit=limit,
        offset=offset,
    )
    what = "suppression" if status == "all" else f"{status} suppression"
    if not page.items:
        beyond = f" from --offset {offset:,} ({plural(page.total, what)} in all)" if page.total else ""
        console.print(f"no {what}{beyond}")
        return
    for suppression in page.items:
        console.print(_line(suppression))
    paged = page.next_offset is not None or offset
    shown = f"{offset + 1:,}–{offset + len(page.items):,} of " if paged else ""
    more = f"; the next page: --offset {page.next_offset}" if page.next_offset is not None else ""
    console.print(f"{shown}{plural(page.total, what)}{more}")


@suppressions_app.command("add")
def add_suppression(
    subject: Annotated[str, typer.Option("--subject", help="an email address or an account's domain")],
    contact: Annotated[
        str, typer.Option("--contact", help="marketing_email, phone (do not call) or all_contact")
    ],
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
            subject=subject,
            contact=contact,
            reason=reason,
            who=who_or_user(who),
            source="cli",
            expires_at=expires,
        )
    except suppression_store.SuppressionError as error:
        raise fail(f"{error}; nothing was stored") from None
    deciding = deciding_for(data_dir)
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

    deciding = deciding_for(data_dir)
    try:
        with champion_or_fail():
            changed = suppression_service.lift_suppression(
                suppression_id=suppression_id, why=why, who=who_or_user(who), **deciding
            )
    except (LookupError, suppression_store.AlreadyLifted, suppression_store.SuppressionError) as error:
        raise fail(f"{error}; nothing was changed") from None
    _said(changed, deciding)


@suppressions_app.command("expire")
def expire_suppressions(data_dir: DataDir = None) -> None:
    """Decide again the stored leads of suppressions that have expired (the service does this every minute)."""
    from leadgate.serving import suppression_service

    deciding = deciding_for(data_dir)
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


def _said(changed, deciding: dict) -> None:
    console.print(_line(changed.suppression))
    console.print(escape(decided_by(changed.decided, deciding)))
