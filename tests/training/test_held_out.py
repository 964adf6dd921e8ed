"""What the test part cannot show: a random split's newest leads ranked backwards, a ROC-AUC chance could give."""

from __future__ import annotations

import numpy as np

from leadgate.features.mapping import parse_mapping
from leadgate.training.exports import history_from_export
from leadgate.training.held_out import (
    chance_note,
    model_clears_chance,
    newest_metrics,
    newest_note,
    weak_model,
)
from leadgate.training.splits import random_split, time_split
from leadgate.training.thresholds import GateSqls
from tests.training.export_shapes import SHIFT_MAPPING, shift_rows


def _shifted():
    """The shift export (newest 30% convert on the opposite signal) and a score learned from the older leads."""
    history = history_from_export(shift_rows(), parse_mapping(SHIFT_MAPPING)).history
    webinars = np.array([lead.custom["webinars"] for lead in history.leads], dtype=float)
    return history, 0.1 + 0.2 * webinars


def test_a_random_splits_model_is_measured_on_the_newest_leads_and_warned_of_when_backwards():
    history, score = _shifted()
    split = random_split(history, seed=0)
    test = np.flatnonzero(split.test)
    metrics = newest_metrics(history, split, score[test], np.ones(len(test), dtype=bool))
    assert metrics["test.newest.roc_auc"] < 0.3 and metrics["test.newest.sqls"] >= 30
    metrics["test.model_ungated.roc_auc"] = 0.598
    said = newest_note(metrics, history)
    assert said.startswith(
        f"this model ranks the newest leads backwards: ROC-AUC {metrics['test.newest.roc_auc']:.3f}"
    )
    assert "among the newest 30% of the history, against 0.598 on the whole random test part" in said
    assert "Train again on the newer period only: --since 2025-07-30 keeps the 720 leads" in said


def _measured(history, score, rows: np.ndarray) -> tuple[dict, object]:
    """newest_metrics and the history of the leads at `rows`, under a random split (its test part's scores)."""
    small = history.subset(rows)
    split = random_split(small, seed=0)
    test = np.flatnonzero(split.test)
    metrics = newest_metrics(small, split, score[rows][test], np.ones(len(test), dtype=bool))
    return {**metrics, "test.model_ungated.roc_auc": 0.6}, small


def test_no_newest_figure_for_a_time_split():
    history, score = _shifted()
    split = time_split(history)
    test = np.flatnonzero(split.test)
    assert newest_metrics(history, split, score[test], np.ones(len(test), dtype=bool)) == {}
    assert newest_note({}, history) is None


def test_too_few_newest_leads_to_check_are_said_in_one_line_with_what_was_measured():
    """Walk W: with 28 SQLs among them the check returned nothing, and a backwards champion registered unsaid."""
    history, _ = _shifted()
    noise = np.random.default_rng(0).random(len(history.leads))
    metrics, small = _measured(history, noise, np.arange(800))  # 36 newest test leads, 14 SQLs
    assert (metrics["test.newest.leads"], metrics["test.newest.sqls"]) == (36, 14)
    assert newest_note(metrics, small) == (
        "the newest 30% of the history hold only 14 test SQLs (ROC-AUC 0.458 there, 95% interval 0.26–0.65): too "
        "few to check whether this random-split model ranks the newest leads backwards; back-test it on leads "
        "newer than this history (leadgate backtest --since 2025-04-10T21:01 on an export of them) before "
        "trusting it"
    )
    # Fewer than a handful of SQLs: the counts are logged, no ROC-AUC, and the same line says why.
    metrics, small = _measured(history, noise, np.arange(400))
    assert "test.newest.roc_auc" not in metrics and metrics["test.newest.sqls"] == 6
    assert newest_note(metrics, small).startswith(
        "the newest 30% of the history hold only 6 test SQLs (too few for a ROC-AUC: 10 of each outcome are "
        "needed): too few to check"
    )


def test_few_newest_leads_still_warn_when_the_interval_is_wholly_below_or_say_nothing_when_above():
    history, score = _shifted()
    # The last 1,000 leads: the newest 30% of them are after the shift, where webinars predict the other way.
    metrics, small = _measured(history, score, np.arange(1400, 2400))
    assert metrics["test.newest.sqls"] == 19 and metrics["test.newest.roc_auc"] < 0.3
    assert newest_note(metrics, small).startswith(
        "this model ranks the newest leads backwards: ROC-AUC 0.219 (95% interval 0.08–0.36) on the 43 test "
        "leads (19 SQLs)"
    )
    # Before the shift: ranked the right way, clear of 0.5 although few, and nothing to say.
    metrics, small = _measured(history, score, np.arange(800))
    assert metrics["test.newest.roc_auc"] - 1.96 * metrics["test.newest.roc_auc_se"] > 0.5
    assert newest_note(metrics, small) is None


def test_a_newest_figure_within_chance_or_better_is_no_warning():
    history, _ = _shifted()
    metrics = {"test.newest.roc_auc": 0.47, "test.newest.roc_auc_se": 0.04, "test.model_ungated.roc_auc": 0.6}
    assert newest_note({**metrics, "test.newest.leads": 120, "test.newest.sqls": 55}, history) is None


def test_a_test_roc_auc_chance_could_give_is_said_with_its_interval_and_sql_count():
    said = chance_note({"test.system.roc_auc": 0.529, "test.system.roc_auc_se": 0.092}, 11)
    assert said.startswith(
        "the test part's ROC-AUC 0.529 (95% interval 0.35–0.71, 11 SQLs) cannot be told from chance"
    )
    assert "Bring more history (more SQLs), or judge the model by a back-test" in said
    assert chance_note({"test.system.roc_auc": 0.70, "test.system.roc_auc_se": 0.05}, 80) is None


def test_gates_that_drag_a_ranking_model_to_chance_are_named_instead_of_asking_for_more_history():
    """Walk V F4: 0.538 for gates + model, 0.649 (0.57–0.73) for the model alone, said as a weak model."""
    metrics = {
        "test.system.roc_auc": 0.538,
        "test.system.roc_auc_se": 0.036,
        "test.model_ungated.roc_auc": 0.649,
        "test.model_ungated.roc_auc_se": 0.0423,
    }
    # 14 + 7 > 20: one SQL both gates reject, counted under each.
    gates = GateSqls(20, (("unsupported_country", 14), ("student_or_academic", 7)))
    assert model_clears_chance(metrics)
    assert chance_note(metrics, 74, gates) == (
        "the test part's ROC-AUC 0.538 (95% interval 0.47–0.61, 74 SQLs) for leadgate (gates + model) cannot be "
        "told from chance, but its model alone ranks the test leads no gate rejects at 0.649 (95% interval "
        "0.57–0.73): what is weak is the policy's gates, which reject 20 of the 74 test SQLs (unsupported_country "
        "14, student_or_academic 7; a lead may be rejected by two). Review those gates, not the history: turn one off or change its rule in a "
        "copy of the policy, and `leadgate backtest --proposed-policy` shows what that changes"
    )
    # Measured (walk AB): only the gate whose cost turned off alone lies beyond the noise is one to turn off.
    country = {"gate": "unsupported_country", "cost": 0.081, "cost_low": 0.052, "cost_high": 0.11}
    student = {"gate": "student_or_academic", "cost": -0.011, "cost_low": -0.018, "cost_high": -0.004}
    assert chance_note(metrics, 74, gates, [country, student]).endswith(
        "Review those gates, not the history: turning unsupported_country off alone raises leadgate's ROC-AUC by "
        "0.081 (95% paired interval 0.052 to 0.110); turn it off or change its rule in a copy of the policy, and "
        "`leadgate backtest --proposed-policy` shows what that changes"
    )
    spread = chance_note(metrics, 74, gates, [{**country, "cost_low": -0.002}, student])
    assert spread.endswith(
        "Review those gates together, not the history: no gate turned off alone measurably raises its ROC-AUC, "
        "so none is one to turn off alone; change their rules in a copy of the policy, and `leadgate backtest "
        "--proposed-policy` shows what that changes"
    )
    dearer = {"gate": "job_seeker", "cost": 0.09, "cost_low": 0.06, "cost_high": 0.12}
    assert (
        "turning job_seeker or unsupported_country off alone raises leadgate's ROC-AUC: job_seeker by 0.090 (95% "
        "paired interval 0.060 to 0.120), unsupported_country by 0.081 (95% paired interval 0.052 to 0.110); turn "
        "one off" in chance_note(metrics, 74, gates, [dearer, country])
    )
    # Such a model keeps the champion alias: the gates would hold back any model trained under this policy.
    assert weak_model(metrics, chance_note(metrics, 74, gates)) is None
    # The model alone within chance too: the model is what is weak, whatever the gates hide.
    within = {**metrics, "test.model_ungated.roc_auc": 0.56}
    assert not model_clears_chance(within)
    said = chance_note(within, 74, gates)
    assert "Bring more history (more SQLs)" in said and weak_model(within, said) == said
    # No gate rejects a test SQL: nothing to blame on the gates.
    assert "Bring more history (more SQLs)" in chance_note(metrics, 74, GateSqls(0))


def test_no_sql_among_the_newest_test_leads_is_said_as_the_finding_it_is():
    """Walk tiny F3: 'hold only 0 test SQLs … too few to check' read as a small sample, not as outcomes unknown."""
    history, _ = _shifted()
    said = newest_note({"test.newest.leads": 45.0, "test.newest.sqls": 0.0}, history)
    assert said == (
        "the newest 30% of the history hold no SQL among their 45 test leads: are their outcomes not known yet "
        "(leads still being worked count as not SQL)? Then this model learned that the newest leads do not "
        "convert; mark such leads open (the mapping's label.open) or export again once they are decided, and "
        "back-test it on leads newer than this history (leadgate backtest --since 2025-10-27T21:01 on an export "
        "of them) before trusting it"
    )
