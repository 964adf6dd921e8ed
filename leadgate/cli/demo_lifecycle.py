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


def verdict_and_monitor(
    settings, data_dir: Path, since: str, console: Console, delays: tuple[float, float] | None = None
) -> None:
    """`leadgate promote --dry-run` and `leadgate monitor`, as a person would run them next.

    `delays`: the median days from creation to decision of the history's and the live month's leads, told
    beside the drift table when they differ (see staleness_note).
    """
    from leadgate.cli.lifecycle import promote
    from leadgate.cli.monitor import monitor

    console.rule("7. Would the challenger be promoted? (`leadgate promote --dry-run`)")
    try:
        promote(dry_run=True, out=None, policy=None, data_dir=data_dir)
    except typer.Exit:
        console.print("(a refusal: the champion stays, and `promote` without --dry-run would exit 1 too)")
    console.rule("8. Monitoring the live month (`leadgate monitor`)")
    monitor(since=since, period="week", out=None, data_dir=data_dir)
    note = staleness_note(*delays) if delays else None
    if note:
        console.print(note)


def median_decision_delay(records: list[dict]) -> float:
    """Median days from each record's creation to its decision (`scored_at`; at creation without one)."""
    import statistics
    from datetime import datetime

    def moment(text: str) -> datetime:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))

    return statistics.median(
        (moment(r.get("scored_at") or r["created_at"]) - moment(r["created_at"])).total_seconds() / 86400
        for r in records
    )


def staleness_note(history_days: float, live_days: float) -> str | None:
    """Why lead age drifts in the demo: its live month ends before its newest leads could age as training's."""
    # The synthetic history decides each lead at a snapshot up to 60 days after creation, never after the
    # history's end; a one-month stream is cut at its own end, so its leads are decided younger. True drift,
    # and one a reader of the table would otherwise take for a fault of the model or the service.
    if abs(history_days - live_days) < 1:
        return None
    return (
        f"lead_age_days and days_since_meaningful drift because the live month's leads were decided a median "
        f"{live_days:.1f} days after creation against {history_days:.1f} in the training history: the month "
        "ends before its newest leads could age. In production, where leads are decided as they arrive, such "
        "drift means they reach leadgate later (or sooner) than the training leads were decided."
    )


def _minus_months(iso: str, months: int) -> str:
    from datetime import datetime

    moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return (moment - timedelta(days=round(30.44 * months))).isoformat()
