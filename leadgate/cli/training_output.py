"""What `leadgate train` prints: the held-out comparison, routes, calibration, thresholds, model and windows."""

from __future__ import annotations

from rich.markup import escape

from leadgate.cli.common import console
from leadgate.cli.tables import print_table


def print_training(result, registered, threshold_notes: list[str]) -> None:
    from rich.table import Table

    from leadgate.cli.render_analysis import percent
    from leadgate.training.evaluate import INTERVALS_IN_WORDS
    from leadgate.training.report import SCORERS

    split = result.split
    table = Table(title=comparison_title(split.kind, result.test_sql), title_justify="left")
    # PR-AUC's floor is the SQL rate: what leads in random order score, so 0.067 at 6.1% SQLs is no signal.
    pr_auc = f"PR-AUC (floor {result.metrics['test.sql_rate']:.3f})"
    for column in ("scorer", "learned from", "ROC-AUC", pr_auc, "leadgate ahead"):
        table.add_column(column, justify="left" if column in ("scorer", "learned from") else "right")
    # Wide enough for an interval, "(0.40–0.76)", which has no space to break at.
    table.columns[2].min_width = table.columns[3].min_width = 11
    # The column lists wrap first: a scorer's name broken mid-way ("points / scorecard") reads as two rows.
    table.columns[0].min_width = len(SCORERS["scorecard"])
    for row in result.comparison:
        # leadgate's own figures with their intervals; a baseline is weighed by its paired gap.
        if row["key"] == "system":
            roc, pr = (figure_cell(result.metrics, "system", name) for name in ("roc_auc", "pr_auc"))
        else:
            roc, pr = f"{row['roc_auc']:.3f}", f"{row['pr_auc']:.3f}"
        table.add_row(row["scorer"], escape(row["columns"]), roc, pr, gap_cell(row))
    print_table(console, table)
    console.print(
        "leadgate ahead: its ROC-AUC minus the scorer's on the same leads, ± DeLong's paired 95% interval; "
        f"in parentheses leadgate's 95% intervals, {INTERVALS_IN_WORDS}"
    )
    console.print(f"split: {split.note}")
    if result.extras.get("maturity_note"):
        console.print(f"[yellow]{escape(result.extras['maturity_note'])}[/]")
    if result.extras.get("pooled_note"):  # the column totals first: the values below are their largest parts
        console.print(f"[yellow]{escape(result.extras['pooled_note'])}[/]")
    if result.extras.get("new_levels_note"):
        console.print(f"[yellow]{escape(result.extras['new_levels_note'])}[/]")
    _print_left_out(result)
    _print_baseline_verdict(result)
    for note in result.extras.get("field_notes", []):  # custom fields worth a second look
        console.print(f"[yellow]{escape(note)}[/]")
    routes = Table(title="Routes on the held-out part", title_justify="left")
    for column in ("route", "leads", "SQLs", "conversion"):
        routes.add_column(column, justify="right" if column != "route" else "left")
    for row in result.routes:
        routes.add_row(row["route"], f"{row['leads']:,}", f"{row['sqls']:,}", percent(row["conversion"]))
    print_table(console, routes)
    m = result.metrics
    where = (
        "with the policy's fixed thresholds"
        if result.extras.get("thresholds_fixed")
        else "where the thresholds were chosen"
    )
    console.print(
        f"SQL recall kept out of self_service/silent_reject: on validation, {where}, "
        f"{percent(m['valid.routes.recall_not_rejected'])}; on the test part "
        f"{percent(m['test.routes.recall_not_rejected'])}"
    )
    console.print(calibration_words(m))
    t = result.model.thresholds
    console.print(
        f"thresholds: sales_ready ≥ {t.sales_ready:.3f}, verify ≥ {t.verify:.3f}, nurture ≥ {t.nurture:.3f}"
    )
    for note in threshold_notes:
        console.print(f"[yellow]{note}[/]")
    valid_auc = result.metrics["valid.model.roc_auc"]
    console.print(f"model: {model_words(result.booster_params, result.candidates, valid_auc)}")
    _print_intent_windows(result)
    # Last before the version: what the test part cannot show is the line a reader must not miss.
    for warning in result.extras.get("warnings", []):
        console.print(f"[bold yellow]warning: {escape(warning)}[/]")
    aliases = f" (alias: {', '.join(registered.aliases)})" if registered.aliases else ""
    console.print(
        f"registered [bold]{registered.name}/{registered.version}[/]{aliases}, run {registered.run_id}"
    )
    if not registered.aliases and result.extras.get("leak"):
        console.print(
            f"[yellow]{registered.name}/{registered.version} has no alias, so nothing serves or shadows it: "
            "it learned from a column that gives the outcome away (above). List that column under "
            "after_contact and train again, or, if it truly is known when a lead arrives, train with "
            "--allow-leakage[/]"
        )


def comparison_title(kind: str, sql) -> str:
    """'Held-out comparison (time split, 180 test leads, 11 SQLs)': how many SQLs every figure rests on."""
    return f"Held-out comparison ({kind} split, {len(sql):,} test leads, {int(sql.sum()):,} SQLs)"


def figure_cell(metrics: dict, key: str, name: str) -> str:
    """'0.580' over '(0.40–0.76)': a test figure with its 95% interval below it (two decimals: its noise is in
    the second), so the table grows no wider."""
    value, low, high = (metrics.get(f"test.{key}.{name}{end}", float("nan")) for end in ("", "_low", "_high"))
    if value != value:
        return "—"
    return f"{value:.3f}" if low != low else f"{value:.3f}\n({low:.2f}–{high:.2f})"


def calibration_words(metrics: dict) -> str:
    """The test part's calibration error, labelled: the model alone, then gates + model, as the report shows them."""
    said = (
        f"calibration error on the test part: model alone {metrics['test.model_ungated.calibration_error']:.3f} "
        "(its P(SQL) on the leads no gate rejects); leadgate (gates + model) "
        f"{metrics['test.system.calibration_error']:.3f} (a lead a gate rejects counted at P(SQL) 0)"
    )
    chance = metrics.get("test.model_ungated.calibration_error_chance")
    if chance is None:  # a model logged before the chance level was measured
        return said
    share = metrics["test.model_ungated.calibration_error_chance_share"]
    # An error is never 0 on a sample: the model alone is read against what an exactly right P(SQL) shows.
    verdict = (
        "more than chance gives: the test period's leads convert at other rates than its P(SQL) says"
        if share < 0.05
        else "no more than chance gives"
    )
    return (
        f"{said}. A model whose P(SQL) is exactly right shows about {chance:.3f} on as many leads by chance: the "
        f"model alone's error is {verdict}"
    )


def model_words(params: dict, candidates: list[dict], valid_auc: float) -> str:
    """The chosen model in words: its size, what it was boosted from, how leads were weighted, and why."""
    from leadgate.decision import linear
    from leadgate.training.fit import AUC_TOLERANCE

    trees = params["num_trees"]
    words = f"{trees} {'tree' if trees == 1 else 'trees'} of {params['num_leaves']} leaves"
    # The rival the linear-start rule weighed the chosen model against (fit.fit_booster marks both), not the
    # best of the other kind: each side is the cheapest size within the tolerance of its best.
    rivals = [
        c["valid_auc"]
        for c in candidates
        if c.get("compared") and c["linear_start"] != params["linear_start"]
    ]
    as_compared = f"each the cheapest size within {AUC_TOLERANCE:g} of its kind's best"
    if params["linear_start"]:
        words += f", {linear.IN_WORDS}"
        words += (
            f"; validation ROC-AUC {valid_auc:.3f} against {max(rivals):.3f} for plain trees ({as_compared})"
        )
    elif rivals:
        # The start was weighed and not kept (kept only when more than AUC_TOLERANCE better): its score is the
        # rival's, never this model's, whether it came close or fell behind.
        words += (
            f"; validation ROC-AUC {valid_auc:.3f}, against {max(rivals):.3f} boosted from a linear start "
            f"(not kept: not more than {AUC_TOLERANCE:g} better; {as_compared})"
        )
    if params.get("recency_half_life", "none") != "none":
        words += (
            f"; training leads weighted toward the newest (half-life {params['recency_half_life']} of the "
            "training period)"
        )
    return words


def gap_cell(row: dict) -> str:
    """Leadgate's ROC-AUC minus this scorer's ± DeLong's paired 95% half-width; blank for leadgate itself."""
    if "roc_auc_gap" not in row or row["roc_auc_gap"] != row["roc_auc_gap"]:
        return ""
    # DeLong's interval is symmetric (a normal approximation), so one half-width says it all.
    return f"{row['roc_auc_gap']:+.3f}±{(row['roc_auc_gap_high'] - row['roc_auc_gap_low']) / 2:.3f}"


def _print_intent_windows(result) -> None:
    words = intent_window_words(result.extras.get("intent_windows") or [])
    if words:
        console.print(words)


def intent_window_words(choices: list[dict]) -> str:
    """Each intent type's window in days; * marks the policy default, taken where the history was too thin.

    Types no training lead has are only named: their window is the policy's, with nothing chosen."""
    seen = [c for c in choices if c["leads_with"]]
    unseen = [c["event"] for c in choices if not c["leads_with"]]
    if not seen:
        return (
            "intent windows: no intent events in the training leads, the policy's default windows kept"
            if choices
            else ""
        )
    shown = ", ".join(
        f"{c['event']} {c['days']:g}{'*' if c['rule'].startswith('policy default') else ''}" for c in seen
    )
    none = (
        f"; none of {', '.join(unseen)} in the training leads (the policy's default window kept)"
        if unseen
        else ""
    )
    return f"intent windows (days; * the policy's default window, too few leads to choose): {shown}{none}"


def _print_left_out(result) -> None:
    from leadgate.training.baseline_words import left_out_words

    left_out = result.extras.get("left_out") or {}
    if left_out:  # those with one reason named together, up to 6 of each (run: evaluation.json names all)
        console.print(f"columns the baselines left out: {escape(left_out_words(left_out, 6))}")


def _print_baseline_verdict(result) -> None:
    """Say plainly what the baselines show: leakage, a weakness of leadgate's, or columns left unread."""
    from leadgate.training.baseline_verdict import length_only_signal, result_verdict, unread_signal

    said = result_verdict(result)
    if said:
        console.print(f"[yellow]{escape(said)} (README: Honest baselines)[/]")
    elif note := unread_signal(result.extras):  # information, not a verdict: no baseline is measurably ahead
        console.print(f"{escape(note)} (README: Honest baselines)")
    if note := length_only_signal(result.extras):
        console.print(f"{escape(note)} (README: Honest baselines)")
