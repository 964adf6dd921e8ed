"""`leadgate demo`: history → champion → scored batch → explained leads → challenger, live month, verdict."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from rich.console import Console

HISTORY_END = datetime(2026, 10, 31, tzinfo=UTC)

FOUNDER_ON_GMAIL = {
    "lead_id": "demo-founder-gmail",
    "created_at": "2026-11-20T10:00:00Z",
    "scored_at": "2026-11-24T10:00:00Z",
    "contact": {
        "first_name": "Dana",
        "last_name": "Ruiz",
        "email": "dana.ruiz@gmail.com",
        "job_title": "Founder",
    },
    "company": {
        "name": "Ruiz Analytics",
        "website": "https://ruizanalytics.com",
        "employees": 60,
        "country": "US",
    },
    "form": {"inquiry_type": "pricing", "message": "What would 20 seats cost?", "seconds_on_form": 48},
    "source": {"channel": "organic"},
    "events": [
        {"type": "pricing_page", "at": "2026-11-20T10:05:00Z"},
        {"type": "email_reply", "at": "2026-11-22T09:00:00Z"},
    ],
}


def example_lead(now: datetime) -> dict:
    """FOUNDER_ON_GMAIL moved in time so that it is decided `now`: the service decides a lead at arrival, so
    the README's curl example answers as the demo panel reads however long after the demo it is posted."""
    shift = now.replace(second=0, microsecond=0) - datetime.fromisoformat(FOUNDER_ON_GMAIL["scored_at"])

    def moved(text: str) -> str:
        return (datetime.fromisoformat(text) + shift).isoformat().replace("+00:00", "Z")

    lead = json.loads(json.dumps(FOUNDER_ON_GMAIL))
    for key in ("created_at", "scored_at"):
        lead[key] = moved(lead[key])
    for event in lead["events"]:
        event["at"] = moved(event["at"])
    return lead


def _contrasting(records: list) -> list[tuple[str, object]]:
    """One telling lead per route, taking the highest-scored lead of each kind."""
    ranked = sorted(records, key=lambda r: -(r.p_sql or 0.0))
    wanted = (
        ("Sales-ready: the strongest lead of the batch", lambda r: r.route == "sales_ready"),
        ("Sales-assisted check", lambda r: r.route == "verify" and r.route_source == "model"),
        # The model's nurture band: a gate's nurture cap is no "fits" (its panel says which gate capped it).
        ("Nurture: fits, no buying signal yet", lambda r: r.route == "nurture" and r.route_source == "model"),
        ("Gated to self-service", lambda r: r.route == "self_service" and r.route_source == "gate"),
        ("Silently rejected", lambda r: r.route == "silent_reject"),
    )
    picks = []
    for title, keep in wanted:
        match = next((r for r in ranked if keep(r)), None)
        if match is not None:
            picks.append((title, match))
    return picks


def run_demo(settings, n: int, seed: int, console: Console, train) -> None:
    """Run the demo end to end in the settings' data folder."""
    from leadgate.cli.demo_lifecycle import (
        go_live,
        median_decision_delay,
        train_challenger,
        verdict_and_monitor,
    )
    from leadgate.cli.render import decision_panel
    from leadgate.features.schema import parse_lead
    from leadgate.serving.batch import score_file
    from leadgate.serving.db_problems import masked
    from leadgate.serving.model_loading import load_by_alias
    from leadgate.training.synth import generate_history, write_history

    data_dir = settings.ensure_data_dir()
    history_path = data_dir / "history.jsonl.gz"
    new_path = data_dir / "new_leads.jsonl"
    decisions_path = data_dir / "decisions.parquet"

    console.rule("1. Synthetic CRM history")
    with console.status(f"generating {n:,} leads over 24 months"):
        history = generate_history(n_leads=n, months=24, seed=seed, end=HISTORY_END)
        write_history(history, history_path)
    history_delay = median_decision_delay(history)
    del history  # 50,000 lead dicts: not kept through training
    console.print(f"{n:,} historical leads with outcomes → {history_path}")

    console.rule("2. Train, evaluate on the newest period, register in MLflow")
    train(history_path, None, settings, seed)

    console.rule("3. Score a batch of new leads with the champion")
    new = generate_history(
        n_leads=max(n // 25, 500), months=1, seed=seed + 1, end=HISTORY_END + timedelta(days=30)
    )
    with new_path.open("w") as handle:
        for record in new:
            handle.write(json.dumps({k: v for k, v in record.items() if k != "outcome"}) + "\n")
    loaded = load_by_alias(settings)
    pipeline = loaded.pipeline()
    with console.status("scoring"):
        summary = score_file(pipeline, new_path, decisions_path)
    routes = ", ".join(f"{route} {count:,}" for route, count in sorted(summary.routes.items()))
    console.print(
        f"{summary.scored:,} new leads scored by {loaded.name}/{loaded.version} → {decisions_path}\n{routes}"
    )

    console.rule("4. Decisions a sales rep reads")
    leads = [parse_lead({k: v for k, v in r.items() if k != "outcome"}) for r in new]
    _, records = pipeline.decide_records(leads)
    for title, record in _contrasting(records):
        console.print(decision_panel(record, title=f"{title} — {record.lead_id}"))
    example_path = data_dir / "example_lead.json"
    example = example_lead(datetime.now(UTC))
    example_path.write_text(json.dumps(example, indent=2))
    founder = pipeline.decide_one(parse_lead(example))
    console.print(
        decision_panel(founder, title="A founder on a gmail address who visited pricing and replied")
    )

    console.rule("5. A challenger trained on the newest months")
    train_challenger(settings, history_path, seed, console, train)

    console.rule("6. Live traffic: the new month through the decision store, the challenger in shadow")
    go_live(settings, new, console)

    first_day = min(r["created_at"] for r in new)[:10]
    delays = (history_delay, median_decision_delay(new))
    verdict_and_monitor(settings, data_dir, first_day, console, delays)
    console.print(
        f"\nNext: `leadgate decide {example_path}`, `leadgate score --input FILE --output decisions.parquet`, "
        f"`leadgate report --out report.html`, or browse runs with "
        f"`mlflow ui --backend-store-uri {masked(settings.tracking_uri())}`"
    )
