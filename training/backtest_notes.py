"""The back-test's notes: what its figures cannot show, and which leads a model it runs already learned from."""

from __future__ import annotations

from datetime import datetime

from leadgate.decision.decisions import Decisions
from leadgate.decision.model import ScoringModel
from leadgate.decision.pipeline import DecisionPipeline
from leadgate.training.history import NO_WON_LABEL, History, local
from leadgate.training.regime import moment_text, since_text

OPTIMISTIC = "Model routes on leads a model was trained or calibrated on are optimistic"


def backtest_notes(
    current: DecisionPipeline,
    proposed: DecisionPipeline,
    before: Decisions,
    after: Decisions,
    history: History,
) -> list[str]:
    """Notes printed under a back-test and kept in its JSON."""
    notes = [
        "Outcomes are observed only for leads sales actually worked: leads a past filter kept from sales "
        "have no real outcome, so 'newly called' SQLs among them are unknown, not zero."
    ]
    if not history.won_labelled:
        notes.append(NO_WON_LABEL)
    models = {p.model.version: p.model for p in (current, proposed) if p.model is not None}
    if models and not history.ordered:
        notes.append(
            "Model routes here include leads a model was trained and calibrated on, and are optimistic: this "
            "export has no dates, so no window of newer leads can be chosen; back-test a model on an export of "
            "leads that came after its training."
        )
    elif models:
        notes.extend(note for model in models.values() if (note := _trained_on(model, history)))
    if (before.route == after.route).all():
        notes.append("The two setups route every lead the same way.")
    return notes


def _trained_on(model: ScoringModel, history: History) -> str | None:
    """Whether these leads were created within the period `model` learned from, with the figures; None when
    they all came after it."""
    period = model.metadata.get("training_period")
    created = [lead.created_at for lead in history.leads]
    name = f"model {model.version}"
    if period is None:
        return (
            f"{OPTIMISTIC}: {name} does not record its training period (trained before leadgate kept one), so "
            "check that these leads are newer than its training data (--since chooses a window)."
        )
    if not period["dated"]:
        return (
            f"{OPTIMISTIC}: {name} was trained on an export without dates, so whether any of these leads are "
            "among its training leads is unknown; back-test it on an export of leads that came after its training."
        )
    first, last = (datetime.fromisoformat(period[key]) for key in ("first", "last"))
    inside = sum(first <= moment <= last for moment in created)
    if not inside:
        return None
    # A random split draws its training leads from the whole period; a time split from its oldest part only.
    how = (
        "a random split: drawn from the whole period, so these leads may be among them"
        if period["split"] == "random"
        else "a time split: its test leads came after"
    )
    # The period is kept exact (UTC) and said in the export's own dates, as --since reads them.
    zone = history.zone
    after, where = local(last, zone).date(), "an export of newer leads"
    newer = [moment.timestamp() for moment in created if moment > last]
    if newer:
        # Walk W: a whole day from midnight UTC dropped the newer leads of the period's last day (all 360 of a
        # sequence export, two days long): a time, once the day holds a lead of the period too.
        since = since_text(min(newer), history.created, slack=0, zone=zone)
        if "T" in since:  # a time, not a date: the period's last day holds newer leads too
            after = moment_text(last, zone)
        where = f"--since {since} keeps its {len(newer):,} newer leads"
    return (
        f"{name.capitalize()} was trained and calibrated on {period['leads']:,} leads created "
        f"{local(first, zone).date()} to {local(last, zone).date()} ({how}); {inside:,} of these {len(created):,} "
        f"leads were created in that period, so its routes on them are optimistic: back-test it on leads created "
        f"after {after} ({where})."
    )
