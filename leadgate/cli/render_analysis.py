"""Back-tests, evidence and channel quality rendered as terminal tables."""

from __future__ import annotations

import math

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from leadgate.cli.tables import print_table
from leadgate.training.channels import NONE_LABEL
from leadgate.training.history import NO_WON_LABEL


def percent(value: float | None, digits: int = 1) -> str:
    """A share as a percentage, "—" when there is none (an empty route, no SQLs)."""
    return "—" if value is None or value != value else f"{value:.{digits}%}"


def _rate(value, low, high) -> str:
    """A rate with its interval, e.g. 4.2% [3.9–4.5]."""
    if value != value:
        return "—"
    return f"{value:.1%} [{low * 100:.1f}–{high * 100:.1f}]"


def _ratio(value, low, high) -> str:
    if value != value:
        return "—"
    shown = [("∞" if math.isinf(x) else f"{x:.2f}") for x in (value, low, high)]
    return f"{shown[0]} [{shown[1]}–{shown[2]}]"


def _count(value) -> str:
    return "—" if value is None or value != value else f"{int(value):,}"


def _table(title: str, columns: list[str], left: int = 1, names: list[str] | None = None) -> Table:
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for index, column in enumerate(columns):
        table.add_column(column, justify="left" if index < left else "right")
    if names:
        # On a narrow terminal the figures wrap onto a second line; the names stay whole.
        table.columns[0].min_width = max(len(name) for name in names)
    return table


def print_backtest(console: Console, result, show: int) -> None:
    """Summary, per-gate evidence, routes, hidden SQLs and won deals, prevented rejections, rules."""
    s = result.summary
    console.print(f"[bold]current[/]  {escape(result.current)}\n[bold]proposed[/] {escape(result.proposed)}")
    if result.period[0]:
        console.print(
            f"{result.leads:,} historical leads created {result.period[0][:10]} to {result.period[1][:10]}"
        )
    else:
        console.print(f"{result.leads:,} historical leads (the export has no dates: in row order)")
    hours = s["net_sales_hours_saved"]
    console.print(
        f"sales calls {s['calls_current']:,} → {s['calls_proposed']:,} ({s['calls_avoided']:,} avoided, "
        f"{s['calls_added']:,} added): [bold]{abs(hours):,.0f} sales hours {'added' if hours < 0 else 'saved'}[/] "
        f"at {s['minutes_per_call']:g} min a call"
    )
    # "19 of 470 SQLs and won deals unknown" read as 19 of 470 of both: the unknown is said apart.
    won = (
        "; won deals unknown (no won label)"
        if s["won"] is None
        else f" and [bold]{s['won_hidden']:,} of {s['won']:,} won deals[/]"
    )
    rejected = (
        "unknown (no rejection reason in the mapping or history)"
        if s["sales_rejected_called"] is None
        else f"{s['sales_rejected_prevented']:,} of {s['sales_rejected_called']:,} the current setup calls"
    )
    console.print(
        f"hidden: [bold]{s['sqls_hidden']:,} of {s['sqls']:,} SQLs[/]{won}; leads sales rejected kept from "
        f"them: {rejected}; SQLs no longer called {s['sqls_no_longer_called']:,}, newly called "
        f"{s['sqls_newly_called']:,}"
    )
    gates = _table(
        "Gates of the proposed setup: leads fired on, SQL rate where it fires vs the rest (95% intervals)",
        ["gate", "route", "fired (share)", "affected", "rest", "ratio", "won hit"],
        left=2,
        names=list(result.gates["gate"]),
    )
    flagged = []
    for row in result.gates.to_dict(orient="records"):
        before, after = _count(row["fired_current"]), _count(row["fired_proposed"])
        fired = after if before == after else f"{before} → {after}"
        gates.add_row(
            row["gate"],
            row["route"],
            f"{fired} ({percent(row['firing_rate'])})",
            _rate(row["affected_conversion"], row["affected_low"], row["affected_high"]),
            _rate(row["unaffected_conversion"], row["unaffected_low"], row["unaffected_high"]),
            _ratio(row["ratio"], row["ratio_low"], row["ratio_high"]),
            _count(row["affected_won"]),
        )
        if row["flags"]:
            flagged.append(f"{row['gate']} ({row['flags']})")
    print_table(console, gates)
    console.print(f"[yellow]flagged gates: {escape(', '.join(flagged))}[/]" if flagged else "no gate flagged")
    routes = _table(
        "Leads per route", ["route", "current: leads", "SQLs", "won", "proposed: leads", "SQLs", "won"]
    )
    for row in result.routes.to_dict(orient="records"):
        routes.add_row(
            row["route"],
            *(
                _count(row[f"{side}_{key}"])
                for side in ("current", "proposed")
                for key in ("leads", "sqls", "won")
            ),
        )
    print_table(console, routes)
    won = result.hidden["won"].eq(True)
    if s["won"] is None:  # no won label: no won deals to list apart
        _print_leads(console, result.hidden, "SQLs the proposed setup would hide", show)
    else:
        _print_leads(console, result.hidden[won], "Won deals the proposed setup would hide", None)
        _print_leads(console, result.hidden[~won], "Other SQLs it would hide", show)
    if len(result.prevented):
        reasons = result.prevented["rejection_reason"].value_counts()
        listed = ", ".join(f"{reason} {count:,}" for reason, count in reasons.items())
        console.print(f"sales-rejected leads kept from sales, by sales' reason: {escape(listed)}")
    console.print("[dim]" + escape("rules: " + "; ".join(result.rules)) + "[/]")
    for note in result.notes:
        console.print(f"[dim]note: {escape(note)}[/]")


def _print_leads(console: Console, frame, title: str, limit: int | None) -> None:
    if frame.empty:
        console.print(f"{title}: none")
        return
    shown = frame if limit is None else frame.head(limit)
    columns = ["lead", "created", "won", "current route", "proposed", "by"]
    table = _table(f"{title} ({len(frame):,})", columns, names=list(shown["lead_id"]))
    for row in shown.to_dict(orient="records"):
        table.add_row(
            escape(row["lead_id"]),
            (row["created_at"] or "—")[:10],
            "—" if row["won"] is None else "yes" if row["won"] else "",
            row["current_route"],
            row["proposed_route"],
            escape(row["proposed_gates"] or row["proposed_source"]),
        )
    print_table(console, table)
    if len(shown) < len(frame):
        console.print(f"[dim]… {len(frame) - len(shown):,} more (all are written by --out)[/]")


def print_evidence(console: Console, result) -> None:
    """One row per signal: the suggestion, SQL rate with and without, the ratio; then the rule."""
    names = [s for s, o in zip(result.table["signal"], result.table["origin"], strict=True) if "gate" in o]
    table = _table(
        "Candidate signals: SQL rate with and without, 95% intervals",
        ["signal", "origin", "suggestion", "n with", "with", "n without", "without", "ratio", "won with"],
        left=3,
        names=names,
    )
    styles = {"gate": "bold red", "penalty": "yellow", "too few": "dim", "no contrast": "dim"}
    for row in result.table.to_dict(orient="records"):
        style = styles.get(row["suggestion"], "")
        table.add_row(
            escape(row["signal"]),
            row["origin"],
            f"[{style}]{row['suggestion']}[/]" if style else row["suggestion"],
            _count(row["n_with"]),
            _rate(row["conversion_with"], row["with_low"], row["with_high"]),
            _count(row["n_without"]),
            _rate(row["conversion_without"], row["without_low"], row["without_high"]),
            _ratio(row["ratio"], row["ratio_low"], row["ratio_high"]),
            _count(row["won_with"]),
        )
    print_table(console, table)
    console.print(f"[dim]rule: {escape(result.rule)}[/]")
    for note in result.notes:
        console.print(f"[dim]note: {escape(note)}[/]")


def print_channels(console: Console, result, campaigns: int) -> None:
    """Channels, then the largest campaigns; cost only over leads whose cost is known."""
    to_sales = ["to sales"] if result.with_model else []
    columns = [
        "leads",
        "pass gates",
        *to_sales,
        "SQLs",
        "SQL rate",
        "won",
        "with cost",
        "cost",
        "per accepted",
    ]
    channels = _table("Channel quality", ["channel", *columns], names=_names(result.channels["channel"]))
    _print_channel_rows(console, result.channels, channels, ["channel"])
    frame = result.campaigns
    named = frame[(frame["campaign"] != NONE_LABEL) & (frame["channel"] != "total")]
    if campaigns and len(named):
        title = f"Largest campaigns ({min(campaigns, len(named))} of {len(named):,})"
        shown = named.head(campaigns)
        table = _table(title, ["channel", "campaign", *columns], left=2, names=_names(shown["channel"]))
        table.columns[1].min_width = max(map(len, _names(shown["campaign"])))
        _print_channel_rows(console, shown, table, ["channel", "campaign"])
    console.print(
        f"[dim]{result.leads_with_cost:,} of {result.leads:,} leads had a cost; cost per accepted lead = "
        "cost of those leads / those of them no gate kept from sales[/]"
    )
    if not result.won_labelled:
        console.print(f"[dim]note: {escape(NO_WON_LABEL)}[/]")


def _names(values) -> list[str]:
    return [str(value) for value in values]


def _print_channel_rows(console: Console, frame, table: Table, keys: list[str]) -> None:
    for row in frame.to_dict(orient="records"):
        cells = [escape(str(row[key])) for key in keys]
        cells += [_count(row["leads"]), f"{_count(row['passing_gates'])} ({percent(row['pass_rate'], 0)})"]
        cells += [_count(row["to_sales"])] if "to_sales" in row else []
        cells += [_count(row["sqls"]), _rate(row["sql_rate"], row["sql_low"], row["sql_high"])]
        cells += [_count(row["won"]), _count(row["leads_with_cost"])]
        cost, per = row["cost"], row["cost_per_accepted"]
        cells += ["—" if cost != cost else f"${cost:,.0f}", "—" if per != per else f"${per:,.2f}"]
        if row["channel"] == "total":
            table.add_section()
        table.add_row(*cells)
    print_table(console, table, keys=len(keys))
