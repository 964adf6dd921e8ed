"""Columns that give the outcome away: each export column alone on leads it was not fitted on, and the verdict."""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from leadgate.training.baseline_columns import ColumnFrame

LEAKAGE_AUC = 0.98  # a plain model this good at lead creation has almost surely been told the outcome
# One column alone this good is no signal known when a lead arrives (those reach ~0.6-0.85 all together) but
# a trace of what happened after contact: a first-meeting date, a sales stage, an owner set only for SQLs.
LEAKAGE_ALONE_AUC = 0.95
# Below that, one column alone at the top of what every column together reaches at lead creation is still
# suspect enough to ask about before advice to map it as a feature is followed.
SUSPECT_ALONE_AUC = 0.85
PRIOR_ROWS = 20  # a level's SQL rate is pulled toward the overall rate as if it had this many more leads


def _auc(score: np.ndarray, y: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, score)) if 0 < y.sum() < len(y) else float("nan")


def _numeric_alone(values: np.ndarray, y: np.ndarray) -> float:
    """The best ordering one number gives, either way up, with a blank cell counted lowest or highest."""
    missing = np.isnan(values)
    if missing.all():
        return float("nan")
    low, high = np.nanmin(values) - 1, np.nanmax(values) + 1
    best = 0.0
    for fill in (low, high):
        auc = _auc(np.where(missing, fill, values), y)
        best = max(best, auc, 1 - auc)
    return best


def _category_alone(levels, train: np.ndarray, test: np.ndarray, y: np.ndarray) -> float:
    """Test leads ordered by their level's SQL rate among the training leads (blank is a level too)."""
    import pandas as pd

    text = pd.Series(levels).astype(object).where(pd.Series(levels).notna(), "(blank)").astype(str)
    prior = float(y[train].mean())
    frame = pd.DataFrame({"level": text[train].to_numpy(), "sql": y[train]})
    grouped = frame.groupby("level")["sql"].agg(["sum", "count"])
    rates = (grouped["sum"] + PRIOR_ROWS * prior) / (grouped["count"] + PRIOR_ROWS)
    score = text[test].map(rates).fillna(prior).to_numpy(dtype=float)
    return _auc(score, y[test])


def columns_alone(
    columns: ColumnFrame, y: np.ndarray, train: np.ndarray, test: np.ndarray
) -> list[tuple[str, float]]:
    """Each column's ROC-AUC on the test leads when it alone orders them, strongest first."""
    y = np.asarray(y, dtype=bool)
    found = []
    for name in columns.numeric:
        values = np.asarray(columns.frame[name], dtype=float)[test]
        found.append((name, _numeric_alone(values, y[test])))
    for name in columns.categorical:
        found.append((name, _category_alone(columns.frame[name], train, test, y)))
    return sorted(((n, a) for n, a in found if a == a), key=lambda item: -item[1])


def suspect_columns(alone: list, columns: Collection[str]) -> list[tuple[str, float]]:
    """The columns among `columns` that alone order the test leads at SUSPECT_ALONE_AUC or better, short of a
    leak (LEAKAGE_ALONE_AUC and above is one), strongest first as `alone` lists them."""
    names = set(columns)
    return [(n, auc) for n, auc in alone if n in names and SUSPECT_ALONE_AUC <= auc < LEAKAGE_ALONE_AUC]


def late_fields_read(notes: list, features_read: Collection[str]) -> list:
    """The field notes (training.field_checks.FieldNote) that found a custom field known only after contact,
    on fields leadgate's model reads: a tree splits on the field or its linear start weighs it."""
    read = set(features_read)
    return [note for note in notes if note.late and note.feature in read]


def leadgate_leaks(
    comparison: list[dict], alone: list, read: Collection[str] | None, late: Collection = ()
) -> bool:
    """Whether leadgate itself learned from what gives the outcome away, so its model must not be served.

    So it did when it scores near 1.0 itself, when a plain model on only its columns does, when a column it
    reads alone nearly orders the test leads, or when it reads a custom field training found known only after
    contact (`late`, from `late_fields_read`). `read` None: leadgate reads every column the baselines read.
    """
    if late:
        return True
    scores = {row["key"]: row["roc_auc"] for row in comparison}
    if any(scores.get(key, 0) >= LEAKAGE_AUC for key in ("system", "logistic_seen")):
        return True
    giveaways = [name for name, auc in alone if auc >= LEAKAGE_ALONE_AUC]
    if read is None:
        return bool(giveaways) or max(scores.values(), default=0) >= LEAKAGE_AUC
    return any(name in set(read) for name in giveaways)


def leak(
    comparison: list[dict],
    strongest: list,
    alone: list,
    read: Collection[str] | None = None,
    late: Collection = (),
) -> str | None:
    """What says a column was filled in after contact: any scorer near 1.0, one column alone near it, or a
    custom field leadgate's model reads that training found known only after contact (`late`).

    When only the baselines read that column (`read`: the export columns leadgate reads), it says so: the
    baselines' scores are then no bar for leadgate, and leadgate's model is not to blame.
    """
    found = _column_leak(comparison, strongest, alone, read)
    if not late:
        return found
    said = _late_words(list(late))
    if found is None:
        return said
    # The leak leadgate's model learned from first: a leak only the baselines read comes after this one.
    return f"{found}; {said}" if leadgate_leaks(comparison, alone, read) else f"{said}; {found}"


def _late_words(late: list) -> str:
    """The custom fields leadgate's model reads although training found them known only after contact."""
    one = len(late) == 1
    found = "; ".join(f"custom field {note.field}: {note.late}" for note in late)
    return (
        f"{found}. leadgate's model reads {'this field' if one else 'these fields'}, yet training found "
        f"{'it' if one else 'them'} known only after contact, which new leads will not have: "
        f"{'' if one else 'for each, '}{late[0].advice} unless it truly is known when a lead arrives"
    )


def _column_leak(
    comparison: list[dict], strongest: list, alone: list, read: Collection[str] | None
) -> str | None:
    """The leak an export column shows: any scorer near 1.0, or one column alone near it."""
    best = max(comparison, key=lambda row: row["roc_auc"] if row["roc_auc"] == row["roc_auc"] else 0)
    giveaways = [(name, auc) for name, auc in alone if auc >= LEAKAGE_ALONE_AUC]
    if best["roc_auc"] < LEAKAGE_AUC and not giveaways:
        return None
    if read is not None and not leadgate_leaks(comparison, alone, read):
        return _baselines_leak(best, strongest, giveaways, set(read))
    # The columns leadgate reads first: they are what its model learned the leak from.
    giveaways.sort(key=lambda item: read is not None and item[0] not in set(read))
    named = ", ".join(
        f"{name} (ROC-AUC {auc:.3f} by itself{_who_reads(name, read)})" for name, auc in giveaways[:3]
    )
    if best["roc_auc"] >= LEAKAGE_AUC:
        top = named or ", ".join(
            f"{name} ({share:.0%} of plain LightGBM's gain)" for name, share in strongest[:3]
        )
        return (
            f"{best['scorer']} reaches {best['roc_auc']:.3f} ROC-AUC on the test part: almost surely a column "
            f"filled in only after contact, which new leads will not have. Strongest: {top}; list such columns "
            "under after_contact"
        )
    return (
        f"{named} alone separates SQLs from the rest: almost surely filled in only after contact, which new "
        "leads will not have; list it under after_contact unless it truly is known when a lead arrives"
    )


def _who_reads(column: str, read: Collection[str] | None) -> str:
    # Beside a leak leadgate learned, one only the baselines read needs after_contact for another reason.
    if read is None:
        return ""
    return "; leadgate's model reads it" if column in read else "; only the baselines read it"


def _baselines_leak(best: dict, strongest: list, giveaways: list, read: set[str]) -> str:
    """A leak in columns only the baselines read: leadgate's model is not to blame, the baselines' scores are off."""
    fix = (
        "add {0} to after_contact so the baselines leave {0} out (their ROC-AUC above is no bar for leadgate)"
    )
    if len(giveaways) == 1:
        name, auc = giveaways[0]
        return (
            f"column {name} alone orders the test leads at ROC-AUC {auc:.3f}; leadgate's model does not read it, "
            f"the baselines did: if it is known only after contact, {fix.format('it')}"
        )
    if giveaways:
        named = ", ".join(f"{name} (ROC-AUC {auc:.3f})" for name, auc in giveaways[:3])
        return (
            f"columns {named} each alone order the test leads; leadgate's model reads none of them, the "
            f"baselines did: if they are known only after contact, {fix.format('them')}"
        )
    unread = ", ".join([name for name, _ in strongest if name not in read][:3])
    return (
        f"{best['scorer']} reaches {best['roc_auc']:.3f} ROC-AUC on the test part, through columns leadgate's "
        f"model does not read{f' (strongest: {unread})' if unread else ''}: if they are known only after "
        f"contact, {fix.format('them')}"
    )
