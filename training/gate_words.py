"""Where leadgate loses to a plain model, in words: gates or model, and which gates cost ROC-AUC measurably."""

from __future__ import annotations

from collections.abc import Collection

from leadgate.training.gate_losses import costly, earning, kept

# Costly gates named at most, and names listed at most before "and N more".
NAMED_COSTLY = 3
NAMES_LISTED = 4


def gate_loss_words(losses) -> str:
    """'unsupported_country costs 0.028 ROC-AUC (95% paired interval 0.015 to 0.041): the 15.0% of test leads
    it rejects convert at 5.6% against 5.5% for the rest; …', costliest first; '' when no gate measurably costs."""
    return "; ".join(
        f"{g['gate']} costs {g['cost']:.3f} ROC-AUC (95% paired interval {g['cost_low']:.3f} to "
        f"{g['cost_high']:.3f}): the {g['share']:.1%} of test leads it rejects convert at {g['sql_rate']:.1%} "
        f"against {g['rest_sql_rate']:.1%} for the rest"
        for g in costly(losses)[:NAMED_COSTLY]
    )


def raise_words(losses) -> str:
    """'turning unsupported_country off alone raises leadgate's ROC-AUC by 0.282 (95% paired interval 0.251 to
    0.313)', costliest first; '' when no gate measurably costs."""
    found = costly(losses)[:NAMED_COSTLY]
    if not found:
        return ""
    by = [f"{g['cost']:.3f} (95% paired interval {g['cost_low']:.3f} to {g['cost_high']:.3f})" for g in found]
    if len(found) == 1:
        return f"turning {found[0]['gate']} off alone raises leadgate's ROC-AUC by {by[0]}"
    each = ", ".join(f"{g['gate']} by {words}" for g, words in zip(found, by, strict=True))
    return f"turning {names((g['gate'] for g in found), 'or')} off alone raises leadgate's ROC-AUC: {each}"


def earning_words(losses) -> str:
    """'student_or_academic earns its place (ROC-AUC falls 0.011 with it off alone, 95% paired interval 0.004 to
    0.018)'; '' when no gate measurably raises ROC-AUC."""
    helps = earning(losses)
    if not helps:
        return ""
    if len(helps) == 1:
        g = helps[0]
        return (
            f"{g['gate']} earns its place (ROC-AUC falls {-g['cost']:.3f} with it off alone, 95% paired interval "
            f"{-g['cost_high']:.3f} to {-g['cost_low']:.3f})"
        )
    falls = [f"{-g['cost']:.3f}" for g in helps]
    # As `names` lists them: past the first few, gates are counted, not named, and each lowers ROC-AUC less.
    falls = names(falls if len(falls) <= NAMES_LISTED + 1 else [*falls[:NAMES_LISTED], "less"])
    return f"{names(g['gate'] for g in helps)} earn their place (ROC-AUC falls {falls} with each off alone)"


def keep_words(losses) -> str:
    """'student_or_academic earns its place (…) and below_size_floor costs nothing measurable: keep them'; ''
    when every gate measurably costs."""
    helps, keep = earning_words(losses), kept(losses)
    neutral = [g["gate"] for g in keep if g not in earning(losses)]
    if not keep:
        return ""
    said = [helps] if helps else []
    if neutral:
        said.append(f"{names(neutral)} {'costs' if len(neutral) == 1 else 'cost'} nothing measurable")
    return f"{' and '.join(said)}: keep {'it' if len(keep) == 1 else 'them'}"


def names(gates, last: str = "and") -> str:
    """'a', 'a and b', 'a, b and c', 'a, b, c, d and 2 more'."""
    gates = list(gates)
    if len(gates) > NAMES_LISTED + 1:
        gates = [*gates[:NAMES_LISTED], f"{len(gates) - NAMES_LISTED} more"]
    return gates[0] if len(gates) == 1 else f"{', '.join(gates[:-1])} {last} {gates[-1]}"


def where_lost(
    gated_share: float | None,
    losses=(),
    model_all: float | None = None,
    bar: float = 1.0,
    inflated: Collection[str] = (),
) -> str:
    """Gates or model: which of leadgate's two parts can have lost what a plain model found, and the gates that
    measurably cost ROC-AUC (`gate_losses.gate_losses`) named; no gate is called costly within the noise.

    `inflated`: columns leadgate reads that alone order the leads suspiciously well (leakage.suspect_columns);
    its model's own ROC-AUC then blames no gate, as that column may be what lifts it."""
    if gated_share == 0:
        return "in leadgate's model (no gate rejected a test lead)"
    high = bool(losses) and model_all is not None and model_all >= bar
    named, keep = gate_loss_words(losses), keep_words(losses)
    if high and not inflated:
        # Its model alone keeps up on every test lead: what the gates reject is the whole difference.
        alone = f"its model alone reaches {model_all:.3f} on every test lead"
        if named:
            turn = names((g["gate"] for g in costly(losses)[:NAMED_COSTLY]), "or")
            return (
                f"in leadgate's gates: {alone}, and {named}{f'; {keep}' if keep else ''} (turn {turn} off or "
                "change its rule in the policy; `leadgate backtest --proposed-policy` shows what that changes)"
            )
        # Walk AB: the gates were named by the SQLs they reject, and one of them raised ROC-AUC.
        helps = earning_words(losses)
        return (
            f"in leadgate's gates together, spread over them or within the noise: {alone}, but no gate turned "
            f"off alone measurably raises ROC-AUC, so none is one to turn off{f'; {helps}' if helps else ''}"
        )
    rejected = f": gates rejected {gated_share:.1%} of the test leads" if gated_share is not None else ""
    if named:
        rejected += f"; {named}{f'; {keep}' if keep else ''}"
    elif losses:
        rejected += "; no gate turned off alone measurably raises ROC-AUC"
    if high:
        rejected += (
            f"; its model alone reaches {model_all:.3f} on every test lead, a figure {', '.join(inflated)} "
            "may inflate (above): no case for weakening a gate until that is settled"
        )
    return (
        f"in leadgate's gates or model{rejected} (the model report's gate table, `leadgate report`, "
        "shows each gate)"
    )
