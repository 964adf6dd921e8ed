"""What the baselines say about a run: a leak, or a gap beyond the noise and where the loss lies."""

from __future__ import annotations

from collections.abc import Collection

from leadgate.training.gate_words import where_lost
from leadgate.training.leakage import leak, suspect_columns

# An unread column is named as carrying signal when it holds at least this share of plain LightGBM's gain.
NAMED_GAIN_SHARE = 0.05


def clearly_ahead(row: dict, system: float, margin: float) -> bool:
    """Whether a baseline beats leadgate beyond the noise: by DeLong's paired interval, else by `margin`."""
    high = row.get("roc_auc_gap_high")
    if high is not None and high == high:
        return high < 0
    return row["roc_auc"] > system + margin


def gap_words(row: dict, system: float) -> str:
    """How far a baseline is ahead of leadgate, with the paired interval when there is one."""
    words = f"{row['roc_auc'] - system:.3f} ROC-AUC"
    low, high = row.get("roc_auc_gap_low"), row.get("roc_auc_gap_high")
    if low is not None and high is not None and low == low and high == high:
        words += f" (95% paired interval {-high:.3f} to {-low:.3f})"
    return words


def verdict(
    comparison: list[dict],
    se: float,
    strongest: list,
    unread: list,
    alone: list = (),
    gated_share: float | None = None,
    read: Collection[str] | None = None,
    losses: list[dict] = (),
    model_all: float | None = None,
    late: Collection = (),
) -> str | None:
    """What the baselines say about this run, in a sentence or two, or None when leadgate holds its own and
    no column it reads alone orders the leads suspiciously well."""
    # A leak is named first, whoever scores best (`late`: custom fields the model reads though known only
    # after contact, as `leakage.late_fields_read` finds them).
    leaked = leak(comparison, strongest, list(alone), read, late)
    if leaked:
        return leaked
    # A column the mapping reads that alone orders the leads this well is asked about whatever the gap: if it
    # was filled in after contact, every score in the comparison is inflated by it, leadgate's model's too.
    suspects = suspect_columns(alone, read) if read is not None else []
    gap = _gap(comparison, se, unread, alone, gated_share, losses, model_all, [n for n, _ in suspects])
    said = [words for words in (_suspect_words(suspects), gap) if words]
    return "; ".join(said) or None


def verdict_evidence(findings: dict, losses: list[dict], late: Collection) -> dict:
    """What the verdict reads beside the metrics, under the keys `train` keeps it by with the run (`extras`)."""
    # `late`: custom fields the model reads though known only after contact (field_checks.training_notes).
    return {**findings, "gate_losses": losses, "late_fields": late}


def held_out_verdict(comparison: list[dict], metrics: dict[str, float], evidence: dict) -> str | None:
    """The verdict on one held-out evaluation: its comparison rows, test metrics and `verdict_evidence`."""
    return verdict(
        comparison,
        metrics.get("test.system.roc_auc_se", 0.0),
        evidence["strongest"],
        evidence["unread"],
        evidence["alone"],
        metrics["test.gated_share"],
        evidence["read"],
        evidence["gate_losses"],
        metrics["test.model_all.roc_auc"],
        evidence["late_fields"],
    )


def unread_signal(evidence: dict) -> str | None:
    """Said when no verdict is (walk V F5: an export's strongest column left out of the mapping, the gap within
    the noise, and the column named nowhere): the unread columns plain LightGBM leans on, as information."""
    named = [(name, gain) for name, gain in evidence.get("unread", [])[:5] if gain >= NAMED_GAIN_SHARE]
    if not named:
        return None
    names = ", ".join(f"{name} ({gain:.0%} of its gain)" for name, gain in named)
    return (
        f"columns the mapping does not read carry signal for plain LightGBM: {names}; no baseline is measurably "
        "ahead of leadgate on this test part, but those known when a lead arrives may add to it as custom fields"
        f"{_suspect_unread(named, evidence.get('alone', []))}"
    )


def length_only_signal(evidence: dict) -> str | None:
    """A free-text column leadgate reads only as its length though plain LightGBM leans on its text (walk AA:
    a message whose words carried the signal, mapped as form.message, named nowhere); None when none is."""
    named = [(name, gain) for name, gain in evidence.get("length_only", []) if gain >= NAMED_GAIN_SHARE]
    if not named:
        return None
    name, gain = named[0]
    return (
        f"{name}: leadgate reads only its length (form.message), but plain LightGBM leans on its text "
        f"({gain:.0%} of its gain): map the words that matter as flags of their own (custom: asks_demo: "
        f"{{column: {name}, contains: demo, separator: ' '}}), or, when its texts repeat, the column as a custom "
        "category"
    )


def result_verdict(result) -> str | None:
    """The verdict on a training run (a train.TrainResult), as `train` prints it and its tests read it."""
    return held_out_verdict(result.comparison, result.metrics, result.extras)


def _gap(
    comparison: list[dict],
    se: float,
    unread: list,
    alone,
    gated_share: float | None,
    losses,
    model_all: float | None,
    inflated: list[str],
) -> str | None:
    """A baseline ahead of leadgate beyond the noise, and where the loss lies; None when none is."""
    by_key = {row["key"]: row for row in comparison}
    system = by_key["system"]["roc_auc"]
    # A gap counts only beyond the noise: when the paired interval of the gap (DeLong, same test leads) lies
    # wholly on the baseline's side; for rows without one, beyond the test part's standard error (≥ 0.005).
    margin = max(0.005, se)
    ahead = [
        by_key[k]
        for k in ("raw_lightgbm", "logistic")
        if k in by_key and clearly_ahead(by_key[k], system, margin)
    ]
    best = max(ahead, key=lambda row: row["roc_auc"], default=None)
    if best is None:
        return None
    gap = f"{best['scorer']} beats leadgate by {gap_words(best, system)}"
    own = by_key.get("logistic_seen")
    if own is not None and clearly_ahead(own, system, margin):
        where = where_lost(gated_share, losses, model_all, own["roc_auc"] - margin, inflated)
        said = f"{gap}, and a logistic regression on leadgate's own columns by {gap_words(own, system)}: the loss is {where}"
        # The every-column baseline ahead of the own-columns one is what the unread columns add.
        if unread and best["roc_auc"] - own["roc_auc"] > margin:
            more = f"{best['roc_auc']:.3f} on every column against {own['roc_auc']:.3f} on leadgate's"
            return f"{said}; and {_unread_advice(unread, alone, more)}"
        return f"{said}, not in the mapping"
    if not unread:
        where = where_lost(gated_share, losses, model_all, best["roc_auc"] - margin, inflated)
        return f"{gap} on the same columns: the loss is {where}"
    return f"{gap}: {_unread_advice(unread, alone)}"


def _suspect_words(suspects: list) -> str:
    """Columns the mapping reads that alone order the leads nearly as a leak would: what to check, what to do."""
    if not suspects:
        return ""
    one = len(suspects) == 1
    named = ", ".join(
        f"{name} (ROC-AUC {auc:.3f} by itself; leadgate's model reads it)" for name, auc in suspects
    )
    they, be, them = ("it", "is", "it") if one else ("they", "are", "them")
    return (
        f"{named} {'alone orders' if one else 'each alone order'} the leads better than most exports' every "
        f"column does: check {they} {be} known at lead creation; if {they} {be} filled in or updated after "
        f"contact (a score or status sales or automation keep current), list {them} under after_contact, as new "
        f"leads will not have {them} and every ROC-AUC above is inflated by {them}"
    )


def _unread_advice(unread: list, alone: list, measured: str = "") -> str:
    """Columns the mapping leaves unread carry signal: which, and what to do about them."""
    # Named only when plain LightGBM leans on them (walk U: four 90-95% empty noise columns were named
    # beside the one that carried the signal); the strongest is named whatever its share.
    named = [(name, gain) for name, gain in unread[:5] if gain >= NAMED_GAIN_SHARE] or unread[:1]
    names = ", ".join(name for name, _ in named)
    by = f", {measured}" if measured else ""
    advice = (
        f"columns the mapping does not read carry signal (strongest: {names}{by}); map those known when a "
        "lead arrives as custom fields, and list any filled in after contact under after_contact"
    )
    return advice + _suspect_unread(unread[:5], alone)


def _suspect_unread(unread: list, alone: list) -> str:
    """'; X (0.912 by itself) alone orders …': one column alone ordering the leads this well is rare at lead
    creation, said before it is mapped; '' when none of `unread` does."""
    suspect = suspect_columns(alone, [name for name, _ in unread])
    if not suspect:
        return ""
    said = ", ".join(f"{name} ({auc:.3f} by itself)" for name, auc in suspect)
    return f"; {said} alone orders the leads better than most exports' every column does: check it is known at lead creation"
