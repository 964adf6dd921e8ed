"""`leadgate erase`: a person's data out of the decision store, on request (GDPR Art. 17) or by retention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer

from leadgate.cli.common import DataDir, console, err, fail, settings_for, store_or_fail
from leadgate.decision.count_words import plural


def register(app: typer.Typer) -> None:
    """Add the erase command to the main CLI."""
    app.command()(erase)


def erase(
    lead_id: Annotated[
        list[str] | None, typer.Option("--lead-id", help="a lead to erase (repeat for several)")
    ] = None,
    email: Annotated[
        str | None, typer.Option("--email", help="erase every lead with this email (any letter case)")
    ] = None,
    older_than_retention: Annotated[
        bool,
        typer.Option(
            "--older-than-retention",
            help="erase leads idle longer than LEADGATE_PERSONAL_DATA_RETENTION_DAYS (for cron)",
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="say what would be erased, erase nothing")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Erase leads with their decisions, shadow decisions and outcomes; an anonymised audit row stays."""
    from leadgate.serving import erasure

    chosen = [name for name, given in (("--lead-id", lead_id), ("--email", email)) if given]
    chosen += ["--older-than-retention"] if older_than_retention else []
    if len(chosen) != 1:
        raise fail("give exactly one of --lead-id, --email or --older-than-retention")
    settings = settings_for(data_dir, uses=("erasure_salt", "personal_data_retention_days"))
    if older_than_retention and settings.personal_data_retention_days is None:
        raise fail("no retention is configured: set LEADGATE_PERSONAL_DATA_RETENTION_DAYS")
    salt = erasure.salt_of(settings)
    if salt is None and not dry_run:
        err.print(
            "[yellow]no LEADGATE_ERASURE_SALT: the audit rows keep no hash of the lead ids, so nobody can "
            "tell later which ids were erased[/]"
        )
    engine = store_or_fail(settings)
    if older_than_retention:
        days = settings.personal_data_retention_days
        before = datetime.now(UTC) - timedelta(days=days)
        if dry_run:
            count = erasure.count_idle(engine, before)
            console.print(
                f"would erase {plural(count, 'lead')} idle for more than {plural(days, 'day')} "
                f"(since {before:%Y-%m-%d})"
            )
            return
        erased = erasure.erase_idle(engine, before=before, salt=salt)
        console.print(f"retention ({days} days): {_summary(erased)}")
        return
    ids = erasure.leads_with_email(engine, email) if email else list(dict.fromkeys(lead_id))
    if dry_run:
        found = ids if email else [i for i in ids if _stored(engine, i)]
        console.print(f"would erase {plural(len(found), 'lead')}: {', '.join(found) or '-'}")
        return
    erased = erasure.erase_leads(engine, ids, salt=salt)
    for missing in [i for i in ids if i not in set(erased.lead_ids)]:
        console.print(f"nothing to erase for lead {missing!r}: {_earlier(engine, missing, salt)}")
    if email and not ids:
        console.print(f"nothing to erase: no stored lead has the email {email!r}")
    if erased.lead_ids:
        console.print(_summary(erased))


def _stored(engine, lead_id: str) -> bool:
    from leadgate.serving.store import DecisionStore

    return DecisionStore(engine).lead(lead_id) is not None


def _earlier(engine, lead_id: str, salt: str | None) -> str:
    from leadgate.serving.erasure import erasures_of

    if salt is None:
        return "it is not stored (with LEADGATE_ERASURE_SALT set, an erased id would be recognised)"
    audits = erasures_of(engine, lead_id, salt=salt)
    if not audits:
        return "it is not stored"
    last = audits[-1].erased_at
    last = last.replace(tzinfo=UTC) if last.tzinfo is None else last
    return f"already erased on {last:%Y-%m-%d %H:%M} UTC ({audits[-1].reason})"


def _summary(erased) -> str:
    n = len(erased.lead_ids)
    return (
        f"erased {plural(n, 'lead')} ({plural(erased.decisions, 'decision')}, "
        f"{plural(erased.shadow_decisions, 'shadow decision')}, {plural(erased.outcomes, 'outcome')}); "
        f"{plural(n, 'anonymised audit row')} kept"
    )
