"""Decisions rendered for a person reading a terminal."""

from __future__ import annotations

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from leadgate.decision.record import CONTROLS, DecisionRecord, Reason
from leadgate.decision.suppression import CONTACTS

ROUTE_STYLE = {
    "sales_ready": "bold green",
    "verify": "bold cyan",
    "nurture": "bold yellow",
    "self_service": "bold magenta",
    "silent_reject": "bold red",
}


def strength(reason: Reason) -> str:
    """'−7 pts': the points of P(SQL) a reason accounts for; raw log-odds for records older than points."""
    if reason.points is None:
        return f"{reason.contribution:+.2f}".replace("-", "−") + " log-odds"
    size = abs(reason.points)
    sign = "−" if reason.points < 0 else "+"
    # Under 0.05 points would read "−0.0 pts", as if the reason counted for nothing at all.
    shown = f"{size:.0f}" if size >= 0.95 else f"{size:.1f}" if size >= 0.05 else "<0.1"
    unit = "pt" if shown == "1" else "pts"
    return f"{sign}{shown} {unit}"


def _with_recovery(text: str, recovery: str | None) -> Text:
    line = Text(text)
    if recovery:
        line.append(f"\n→ {recovery}", style="dim")
    return line


def decision_panel(record: DecisionRecord, title: str | None = None) -> Panel:
    """One decision: route, gates, calibrated P(SQL), top negative and positive reasons."""
    route = record.route
    header = Text.assemble(("→ ", "dim"), (route.upper(), ROUTE_STYLE.get(route, "bold")))
    # What held the lead back, in words: "control: penalty" meant nothing to a rep (walk AD); --json keeps the code.
    words = CONTROLS.get(record.control, record.control)
    header.append(f"\n{words[:1].upper()}{words[1:]}", style="dim")
    if record.p_sql is not None:
        header.append(f"\nP(SQL) = {record.p_sql:.1%}  band: {record.band}")
    else:
        header.append("\nno model loaded: gates only", style="yellow")
    # What sales does next: a rep reading sales_ready must also read "sales_email" when no call is allowed.
    header.append(f"\nnext step: {record.next_step}")
    parts: list = [header]
    if record.suppressions:
        parts += [Text("Suppressions", style="bold underline"), _suppressions(record.suppressions)]
    if record.gates:
        gates = Table(show_header=False, box=None, padding=(0, 1))
        for gate in record.gates:
            mark = "lifted" if gate.lifted else gate.route
            # The long, wrapping text goes last, so a wrapped line never runs into another column's words.
            gates.add_row(
                "⛔" if not gate.lifted else "↺",
                f"[bold]{gate.code}[/]",
                f"[dim]{mark}[/]",
                _with_recovery(gate.reason, gate.recovery),
            )
        parts += [Text("Gates", style="bold underline"), gates]
    for label, listed, sign in (
        ("Against", record.negative_reasons, "−"),
        ("For", record.positive_reasons, "+"),
    ):
        if listed:
            reasons = Table(show_header=False, box=None, padding=(0, 1))
            reasons.add_column()
            reasons.add_column(justify="right")
            reasons.add_column()
            for reason in listed:
                reasons.add_row(
                    sign, f"[dim]{strength(reason)}[/]", _with_recovery(reason.text, reason.recovery)
                )
            parts += [Text(label, style="bold underline"), reasons]
    parts.append(Text(f"model {record.model_version} · policy {record.policy_version}", style="dim"))
    return Panel(Group(*parts), title=title or f"lead {record.lead_id}", expand=False)


def _suppressions(suppressions: list[dict]) -> Table:
    """Each suppression the decision saw, as `leadgate suppressions show` words it, with what an active one stops."""
    table = Table(show_header=False, box=None, padding=(0, 1))
    for s in suppressions:
        active = s["status"] == "active"
        line = f"{s['status']}: {s['contact']} of {s['subject']} ({s['source']}): {s['reason']}"
        stops = CONTACTS.get(s["contact"]) if active else None
        table.add_row("⛔" if active else "↺", _with_recovery(line, stops))
    return table
