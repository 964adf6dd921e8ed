"""The demo's second half: a challenger on newer months, live traffic through the store, outcomes, a verdict."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import typer
from rich.console import Console

RECENT_MONTHS = 12  # the challenger learns from the newest year of history only


def train_challenger(settings, history_path: Path, seed: int, console: Console, train) -> None:
    """A second model, trained on the newest months: registered as challenger, never champion directly."""
    from leadgate.training.synth import read_history, write_history

    records = read_history(history_path)
    newest = max(r["created_at"] for r in records)
    cutoff = _minus_months(newest, RECENT_MONTHS)
    recent = [r for r in records if r["created_at"] >= cutoff]
    recent_path = history_path.with_name("history_recent.jsonl.gz")
    write_history(recent, recent_path)
    console.print(f"{len(recent):,} leads created since {cutoff[:10]} → {recent_path}")
    train(recent_path, None, settings, seed + 1)


def go_live(settings, new_records: list[dict], console: Console) -> None:
    """Store the new leads as the service would (champion at arrival, challenger in shadow), then their outcomes
    as the API and `leadgate outcomes import` record them: a bad-fit rejection decides its account's leads again."""
    from leadgate.cli.common import migrated_store_or_fail
    from leadgate.cli.lifecycle import rejected_accounts_decided
    from leadgate.features.outcome import Outcome
    from leadgate.serving import outcome_service
    from leadgate.serving.replay import arrivals_of, replay
    from leadgate.serving.suppression_service import outside_the_service
    from leadgate.training.synth import reported_outcomes

    engine, _ = migrated_store_or_fail(settings)  # the demo's own data folder: it creates the store
    leads = arrivals_of(new_records)
    with console.status(f"deciding and storing {len(leads):,} leads, scoring them in shadow"):
        done = replay(settings, engine, leads)
    console.print(
        f"{done.stored:,} leads stored with {done.champion}'s decision"
        + (f" ({done.repeats:,} already there)" if done.repeats else "")
        + f"; {done.shadow:,} scored in shadow by {done.challenger or 'no challenger'} → {settings.decisions_url()}"
    )
    outcomes = [Outcome(**row) for row in reported_outcomes(new_records)]
    with console.status(f"recording {len(outcomes):,} outcomes"):
        recorded = outcome_service.record(outcomes, source="demo", **outside_the_service(settings, engine))
    sqls = sum(o.sql for o in outcomes)
    console.print(
        f"{recorded.imported.written:,} outcomes reported by sales ({sqls:,} SQLs); "
        f"{rejected_accounts_decided(recorded.decided)} decided again"
    )
    engine.dispose()


def verdict_and_monitor(settings, data_dir: Path, since: str, console: Console) -> None:
    """`leadgate promote --dry-run` and `leadgate monitor`, as a person would run them next."""
    from leadgate.cli.lifecycle import promote
    from leadgate.cli.monitor import monitor

    console.rule("7. Would the challenger be promoted? (`leadgate promote --dry-run`)")
    try:
        promote(dry_run=True, out=None, policy=None, data_dir=data_dir)
    except typer.Exit:
        console.print("(a refusal: the champion stays, and `promote` without --dry-run would exit 1 too)")
    console.rule("8. Monitoring the live month (`leadgate monitor`)")
    monitor(since=since, period="week", out=None, data_dir=data_dir)


def _minus_months(iso: str, months: int) -> str:
    from datetime import datetime

    moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return (moment - timedelta(days=round(30.44 * months))).isoformat()
