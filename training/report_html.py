"""HTML layout of the model report: inline CSS, inline PNGs, every text escaped."""

from __future__ import annotations

from html import escape

from leadgate.decision import linear
from leadgate.decision.count_words import plural
from leadgate.decision.pipeline import DecisionPipeline
from leadgate.training.baseline_words import left_out_words
from leadgate.training.evaluate import INTERVALS_IN_WORDS
from leadgate.training.held_out import chance_note
from leadgate.training.history import NO_WON_LABEL, local
from leadgate.training.report_blocks import (
    count,
    image,
    interval,
    number,
    page,
    paragraph,
    percent,
    ranged,
    section,
    table,
    text,
)
from leadgate.training.report_metrics import metrics_frame


def _header(held, model, policy, info) -> str:
    created = [lead.created_at for lead in held.history.leads]
    # What scores the leads: a reader comparing versions sees a change of model family at once.
    start = f", {linear.IN_WORDS}" if model.linear else ""
    rows = [
        ("model", f"{info.model_name} version {info.model_version}"),
        ("scorer", f"LightGBM, {plural(model.booster.num_trees(), 'tree')}{start}"),
        ("MLflow run", info.run_id),
        ("policy version", policy.version),
        ("data", info.data),
        (
            "held-out leads",
            f"{len(created):,} ({held_out_sqls(held)}, SQL rate {held.metrics['test.sql_rate']:.1%})",
        ),
        ("split", f"{held.split.note}; " + ", ".join(f"{k} {v:,}" for k, v in held.split.describe().items())),
        ("generated", f"{info.generated_at:%Y-%m-%d %H:%M} UTC"),
    ]
    if held.split.kind == "time" and held.history.ordered:
        rows.insert(4, ("held-out period", _held_out_period(held, created)))
    if info.trained_on:
        # A window open at one end has nothing to say of it (walk AD: "since , until 2026-11-09").
        said = [f"{k} {v}" for k, v in info.trained_on.items() if v not in ("", None)]
        rows.insert(4, ("trained on", ", ".join(said)))
    meta = "".join(f"<tr><td>{escape(k)}</td><td>{escape(str(v))}</td></tr>" for k, v in rows)
    warning = ""
    trained_leads = (info.trained_on or {}).get("leads")
    total = sum(held.split.describe().values())
    if trained_leads is not None and str(trained_leads) != str(total):
        unless = (
            "unless this file only adds newer leads, " if held.split.kind == "time" else "split at random, "
        )
        warning = paragraph(
            f"This history holds {total:,} leads, the model was trained on {trained_leads}: {unless}its test part "
            "may include leads the model learned from, and every figure below is then optimistic.",
            "warn",
        )
    # The warning `train` ended with, for the reader of this page: a ROC-AUC chance could give.
    chance = chance_note(held.metrics, int(held.sql.sum()), held.gate_sqls, held.gate_losses)
    if chance:
        warning += paragraph(f"Warning: {chance}.", "warn")
    if held.newest:  # a random split's test part is mostly older leads: what it hides, as `train` said it
        warning += paragraph(f"Warning: {held.newest}.", "warn")
    if held.gates_hiding:  # gates whose leads convert about as often as the rest, as `train` said it
        warning += paragraph(f"Warning: {held.gates_hiding[0].upper()}{held.gates_hiding[1:]}.", "warn")
    title = f"leadgate model report: {info.model_name} {info.model_version}"
    return f"<h1>{escape(title)}</h1><table class=meta>{meta}</table>{warning}"


def held_out_sqls(held) -> str:
    """'11 SQLs': what every figure of the report rests on."""
    return plural(int(held.sql.sum()), "SQL")


def _held_out_period(held, created) -> str:
    """The test part's dates in the export's own time zone, from its first moment as --since reads it when its
    first day holds training leads too: the start pasted into a back-test then keeps no training lead."""
    zone = held.history.zone
    start = held.since or f"{local(min(created), zone):%Y-%m-%d}"
    shown = f"{start} to {local(max(created), zone):%Y-%m-%d}" + (f" ({zone})" if zone != "UTC" else "")
    return f"{shown}; leadgate backtest --since {start} keeps these leads and newer ones"


def _test_leads(held) -> str:
    """Which leads the test part holds, in words: the newest, the last rows, or a random draw."""
    if held.split.kind != "time":
        return "drawn at random, stratified by outcome, from the same period as the training leads"
    return "the newest ones" if held.history.ordered else "the last rows of the export, which has no dates"


def _calibration_text(held) -> str:
    """What the calibration curve and its error measure: the model alone, and the system beside it, labelled."""
    m, ungated = held.metrics, int((~held.gated).sum())
    return (
        f"The {ungated:,} held-out leads no gate rejects are sorted by the model's P(SQL) and cut into ten groups "
        "of equal size; each point is a group's mean prediction against its observed SQL rate. Points on the "
        "dashed line mean a P(SQL) of 20% converts about one lead in five. The calibration error is the "
        f"lead-weighted mean distance from the line: {m['test.model_ungated.calibration_error']:.3f} here for the "
        "model alone. Counted as leadgate (gates + model) in the table above, with every lead a gate rejects at "
        f"P(SQL) 0, it is {m['test.system.calibration_error']:.3f}." + _chance_text(m)
    )


def _chance_text(m: dict) -> str:
    """The error a perfectly calibrated model shows on as many leads: what the model alone's is read against."""
    chance = m.get("test.model_ungated.calibration_error_chance")
    if chance is None:
        return ""
    beyond = m["test.model_ungated.calibration_error_chance_share"] < 0.05
    return (
        f" An error is never 0 on a sample: a model whose P(SQL) is exactly right shows about {chance:.3f} on as "
        "many leads, so the model alone's is "
        + (
            "beyond what chance gives (fewer than 5% of such samples reach it)."
            if beyond
            else "within chance."
        )
    )


def render(held, sections: dict, model, policy, info) -> str:
    """The report page from the held-out evaluation and its computed sections."""
    m, figures, t = held.metrics, sections["figures"], DecisionPipeline(policy, model).thresholds
    metric_columns = [
        ("scorer", "scorer", text),
        ("columns seen", "columns seen", text),
        ("SQLs (rate: PR-AUC's floor)", "sqls", str),
        ("ROC-AUC", "*", ranged("roc_auc")),
        ("PR-AUC", "*", ranged("pr_auc")),
        ("Brier", "brier", number()),
        ("calibration error", "calibration_error", number()),
        ("leadgate ahead by (ROC-AUC, 95%)", "gap", text),
    ]
    if info.logged_metrics:
        metric_columns.append(("ROC-AUC logged at training", "logged", number()))
    routes = sections["routes"].assign(share=lambda f: f["leads"] / max(f["leads"].sum(), 1))
    parts = [
        (
            "metrics",
            "Model and baselines",
            section(
                "metrics",
                "Model and baselines on the held-out leads",
                f"Every scorer is judged on the same test leads ({_test_leads(held)}), which none of them was "
                "fitted on. ROC-AUC "
                "says how well a score orders SQLs above the rest (0.5 is chance); PR-AUC is the precision "
                "averaged over recall, and its floor is the SQL rate (what leads in random order score). Brackets hold "
                f"the 95% interval of leadgate's own figures ({INTERVALS_IN_WORDS}): on a few "
                "dozen SQLs they are wide, and a ROC-AUC whose interval holds 0.5 cannot be told from chance. "
                "The system's score is 0 for leads a gate "
                "rejects, so a gate that hides real SQLs costs it here. The points scorecard is the rule-based "
                "score leadgate replaces. Plain LightGBM and logistic regression learn from every export column "
                "not known only after contact: if they beat leadgate, the mapping leaves useful columns out "
                "(map those known when a lead arrives as custom fields; list any filled in after contact under after_contact). 'leadgate ahead by' is leadgate's ROC-AUC minus the scorer's on the same leads, with DeLong's paired 95% interval: an interval that holds 0 is no measurable difference. The gain chart shows the SQLs sales would reach by calling leads best-scored first.",
                table(metrics_frame(held, info), metric_columns),
                paragraph(f"Columns the baselines left out: {left_out_words(held.left_out)}.")
                if held.left_out
                else "",
                paragraph(held.verdict, "warn") if held.verdict else "",
                paragraph(held.unread) if held.unread else "",
                *(paragraph(note, "warn") for note in held.field_notes),
                *(paragraph(note, "warn") for note in held.levels_notes),
                image(figures["gain"], "gain chart"),
            ),
        ),
        (
            "routes",
            "Routes",
            section(
                "routes",
                "P(SQL) distribution per route",
                "One panel per route; dotted lines are the model's thresholds. Leads left of the nurture line "
                "are self_service by score; leads a gate routes keep their model score, so a gated panel can "
                f"reach high scores. Of all SQLs, {m['test.routes.recall_sales_or_verify']:.1%} were routed to "
                f"sales_ready or verify and {m['test.routes.recall_not_rejected']:.1%} were kept out of "
                "self_service and silent_reject.",
                table(
                    routes,
                    [
                        ("route", "route", text),
                        ("leads", "leads", count),
                        ("share", "share", percent()),
                        ("SQLs", "sqls", count),
                        ("conversion", "conversion", percent()),
                    ],
                ),
                paragraph(
                    f"Thresholds: sales_ready ≥ {t.sales_ready:.3f}, verify ≥ {t.verify:.3f}, "
                    f"nurture ≥ {t.nurture:.3f}."
                ),
                image(figures["routes"], "P(SQL) per route"),
            ),
        ),
        (
            "calibration",
            "Calibration",
            section(
                "calibration",
                "Calibration",
                _calibration_text(held),
                image(figures["calibration"], "calibration curve"),
            ),
        ),
        (
            "reasons",
            "Reasons",
            section(
                "reasons",
                "Reason frequency",
                "The reasons a sales rep reads are the reason families with the largest SHAP contributions "
                "for that lead (up to three negative, two positive; tiny ones are not shown). Counts are "
                "held-out leads showing the family. A family that is a top reason for nearly everyone says "
                "little about any one lead; one never shown may not be pulling its weight.",
                image(figures["reasons"], "reason frequency"),
                table(
                    sections["reasons"],
                    [
                        ("reason family", "family", text),
                        ("top negative", "negative", count),
                        ("share", "negative_share", percent()),
                        ("top positive", "positive", count),
                        ("share", "positive_share", percent()),
                    ],
                ),
            ),
        ),
        (
            "gates",
            "Gates",
            section(
                "gates",
                "Gate firing",
                "Each policy gate on the held-out leads: how often it fired and the SQL rate of the leads it "
                "fired on against the rest, with 95% Wilson intervals. A gate exists to stop leads that do "
                "not convert: an affected SQL rate close to the rest's, or a ratio interval including 1 "
                "(flagged 'SQL rate: no clear difference'), asks for a back-test. 'alone' counts leads no "
                "other gate holds back. 'ROC-AUC cost' is leadgate's ROC-AUC with that gate alone turned off "
                "(its leads no other gate rejects scored by the model) minus with it on, with DeLong's paired "
                "95% interval: above 0 the gate costs leadgate's ranking, below 0 it earns its place, an "
                "interval holding 0 is no measurable difference. The two tests can disagree: a gate whose "
                "leads' SQL rate cannot be told from the rest's may still measurably help the ranking.",
                table(
                    sections["gates"],
                    [
                        ("gate", "gate", text),
                        ("route", "route", text),
                        ("fired", "affected_n", count),
                        ("rate", "firing_rate", percent()),
                        ("SQLs", "affected_sqls", count),
                        (
                            "affected conversion",
                            "*",
                            interval("affected_conversion", "affected_low", "affected_high"),
                        ),
                        ("rest", "*", interval("unaffected_conversion", "unaffected_low", "unaffected_high")),
                        ("alone", "alone_n", count),
                        ("ROC-AUC cost", "*", ranged("roc_auc_cost", 3)),
                        ("flags", "flags", text),
                    ],
                ),
            ),
        ),
        (
            "channels",
            "Channels",
            section(
                "channels",
                "Per-channel quality",
                "Held-out leads by source channel: how many pass the gates, how many the model sends to sales "
                "(sales_ready or verify), and the SQL rate with its 95% interval. Cost columns use only leads "
                f"with a known cost ({sections['channels_with_cost']:,} here); 'cost per accepted' divides by "
                "leads passing the gates."
                + ("" if sections.get("won_labelled", True) else f" {NO_WON_LABEL}"),
                table(
                    sections["channels"],
                    [
                        ("channel", "channel", text),
                        ("leads", "leads", count),
                        ("pass gates", "pass_rate", percent()),
                        ("to sales", "to_sales", count),
                        ("SQLs", "sqls", count),
                        ("SQL rate", "*", interval("sql_rate", "sql_low", "sql_high")),
                        ("won", "won", count),
                        ("cost", "cost", number(0)),
                        ("cost per accepted", "cost_per_accepted", number(1)),
                    ],
                ),
            ),
        ),
    ]
    title = f"leadgate report {info.model_name} {info.model_version}"
    return page(title, _header(held, model, policy, info), [(a, name, html) for a, name, html in parts])
