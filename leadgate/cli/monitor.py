"""`leadgate monitor`: drift, gate firing and rejections of the live decisions in a window."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from leadgate.cli.common import DataDir, console, fail, first_line, settings_for, store_or_fail
from leadgate.cli.tables import print_table
from leadgate.decision.count_words import plural

DRIFT_ROWS = 15  # the strongest drifts; the rest, P(SQL) apart, are in --out

MAX_SINCE_DAYS = 36_500  # a century back: further, dates overflow (year 1) long before any lead was stored


def _since(text: str) -> datetime:
    """'7d', '24h' or an ISO date/time."""
    now = datetime.now(UTC)
    units = {"d": 1, "h": 1 / 24, "w": 7}
    if text[-1:] in units and text[:-1].isdigit():
        days = int(text[:-1]) * units[text[-1]]
        if days > MAX_SINCE_DAYS:
            raise fail(
                f"--since {text!r}: at most {MAX_SINCE_DAYS:,} days back; give an ISO date for older leads"
            )
        return now - timedelta(days=days)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise fail(f"--since {text!r}: give e.g. 7d, 24h, 2w or an ISO date") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def routes_in_words(routes: dict[str, int]) -> str:
    """'sales_ready 12 (40.0%), verify 3 (10.0%)': leads per route in the pipeline's order, with shares."""
    from leadgate.cli.render import ROUTE_STYLE

    total = sum(routes.values())
    if not total:
        return "none"
    order = {route: rank for rank, route in enumerate(ROUTE_STYLE)}
    ranked = sorted(routes.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))
    return ", ".join(f"{route} {count:,} ({count / total:.1%})" for route, count in ranked)


def monitor(
    since: Annotated[str, typer.Option(help="window start: 7d, 24h, 2w or an ISO date")] = "30d",
    period: Annotated[str, typer.Option(help="gate-rate period: day or week")] = "week",
    out: Annotated[Path | None, typer.Option(help="write the report as JSON")] = None,
    data_dir: DataDir = None,
) -> None:
    """Drift (PSI) of live features and P(SQL) against training, gate firing over time, rejections by reason."""
    from dataclasses import asdict

    from rich.markup import escape
    from rich.table import Table

    from leadgate.serving.lifecycle_store import first_decisions
    from leadgate.serving.model_loading import load_by_alias
    from leadgate.serving.monitoring import monitor as run
    from leadgate.serving.monitoring import rejections_note
    from leadgate.serving.reviews import false_positives

    if period not in ("day", "week"):
        raise fail("--period must be day or week")
    settings = settings_for(data_dir)
    failed = False
    try:
        loaded = load_by_alias(settings, "champion")
    except Exception as error:  # noqa: BLE001 - the live decisions can be read without the champion
        failed = True
        first = first_line(error)
        console.print(f"[yellow]the champion does not load, so no drift is computed: {first}[/]")
        loaded = None
    with console.status("reading live decisions"):
        engine, start = store_or_fail(settings), _since(since)
        report = run(first_decisions(engine, since=start), loaded, period)
        disputes = false_positives(engine, since=start)
    report.reviews = {
        "resolved": disputes.resolved,
        "misclassified": disputes.misclassified,
        "open": disputes.open,
        "false_positive_rate": disputes.rate,
    }
    window = f"{start:%Y-%m-%d %H:%M} UTC"
    console.print(
        # Each lead's first decision, as drift reads it: the API's listings show the latest, after overrides,
        # suppressions and events (walk L compared the two and found no word saying which).
        f"{plural(report.leads, 'lead')} since {window}; routes at arrival: {routes_in_words(report.routes)}; "
        # Walk P: "champion none" read as "there is no champion" when the registry was only unreachable.
        f"champion {report.model_version or ('not loaded' if failed else 'none')}"
    )
    models = {version: n for version, n in report.decided_by.items() if version != "none"}
    if len(models) > 1 or (models and "none" in report.decided_by):
        # The routes above mix what each decided; drift below rebuilds every score with the champion.
        mixed = ", ".join(f"{version} {n:,}" for version, n in models.items())
        if "none" in report.decided_by:
            mixed += f"; the gates alone (no model loaded) {report.decided_by['none']:,}"
        console.print(f"[yellow]the window's leads were not all decided by one model: {mixed}[/]")
    console.print(f"human reviews resolved since {window}: {disputes.describe()}")
    if report.drift_note:
        console.print(f"[yellow]{report.drift_note}[/]")
    if report.drift:
        table = Table(
            title="Drift against the training reference (PSI; >0.1 moderate, >0.25 major)",
            title_justify="left",
        )
        shown = report.drift[:DRIFT_ROWS]
        # P(SQL)'s own drift is what the help promises, however small: it is shown after the strongest columns.
        shown += [row for row in report.drift[DRIFT_ROWS:] if row["column"] == "p_sql"]
        causes = any(row.get("cause") for row in shown)  # a column only when a row shown has one
        for column in ("column", "reads", "PSI", "level", *(("cause",) if causes else ())):
            table.add_column(column, justify="right" if column == "PSI" else "left")
        for row in shown:
            style = {"major": "red", "moderate": "yellow"}.get(row["level"], "")
            table.add_row(
                row["column"],
                escape(row.get("reads", "")),  # a custom field's label is the mapping author's text
                f"{row['psi']:.3f}",
                f"[{style}]{row['level']}[/]" if style else row["level"],
                *((row.get("cause", ""),) if causes else ()),
            )
        print_table(console, table)
        if report.pooled_note:  # the cause the table names, in full, with what to do
            console.print(f"[yellow]{escape(report.pooled_note)}[/]")
        if len(report.drift) > len(shown):
            console.print(
                f"… {len(report.drift) - len(shown)} more columns, each drifting less (--out writes them)"
            )
    if report.rejections:
        table = Table(title="Automatic rejections by reason", title_justify="left")
        for column in ("reason", "leads", "share"):
            table.add_column(column, justify="left" if column == "reason" else "right")
        for row in report.rejections:
            table.add_row(row["reason"], f"{row['leads']:,}", f"{row['share_of_rejections']:.1%}")
        print_table(console, table)
        if note := rejections_note(report):
            console.print(note)
    if report.gate_rates:
        table = Table(title=f"Gate firing rate per {period}", title_justify="left")
        for column in ("period", "gate", "fired", "leads", "rate"):
            table.add_column(column, justify="left" if column in ("period", "gate") else "right")
        for row in report.gate_rates:
            table.add_row(
                row["period"], row["gate"], f"{row['fired']:,}", f"{row['leads']:,}", f"{row['rate']:.1%}"
            )
        print_table(console, table)
    if out is not None:
        out.write_text(json.dumps(asdict(report), indent=2, default=str))
