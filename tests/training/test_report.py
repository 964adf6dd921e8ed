"""The model report: numbers that match training's, figures that are real PNGs, a page that needs nothing else."""

from __future__ import annotations

import base64
import dataclasses
import html
import re

import numpy as np
import pytest

from leadgate.training.report import (
    ReportInfo,
    build_report,
    evaluate_held_out,
    reason_counts,
    report_sections,
)
from leadgate.training.thresholds import GateSqls

PNG = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


@pytest.fixture(scope="module")
def held(history, trained, policy):
    return evaluate_held_out(history, trained.model, policy, seed=0)


def test_the_held_out_evaluation_gives_the_numbers_training_logged(held, trained):
    for key in (
        "test.system.roc_auc",
        "test.system.pr_auc",
        "test.scorecard.roc_auc",
        "test.raw_lightgbm.roc_auc",
        "test.logistic.roc_auc",
    ):
        assert held.metrics[key] == pytest.approx(trained.metrics[key], abs=1e-9), key
    assert held.seen["logistic"] == next(r["columns"] for r in trained.comparison if r["key"] == "logistic")
    assert len(held.decisions) == int(held.split.test.sum())


def test_each_rejecting_gate_s_roc_auc_cost_is_training_s_and_in_the_gate_table(held, trained):
    from sklearn.metrics import roc_auc_score

    from leadgate.training.report import gate_firing

    assert held.gate_losses and list(held.gate_losses) == trained.extras["gate_losses"]
    top = held.gate_losses[0]
    # Recomputed from the system's own score: that gate's leads no other gate rejects get the model's P(SQL).
    gates = held.decisions.gates
    column = [spec.code for spec in gates.specs].index(top["gate"])
    held_by = gates.fired & ~gates.lifted & np.array([spec.route.rejecting for spec in gates.specs])
    freed = held_by[:, column] & (held_by.sum(axis=1) == 1)
    system = held.scores["system"]
    without = np.where(freed, held.decisions.p_sql, system)
    assert top["cost"] == pytest.approx(roc_auc_score(held.sql, without) - roc_auc_score(held.sql, system))
    table = gate_firing(held).set_index("gate")
    assert table.loc[top["gate"], "roc_auc_cost"] == top["cost"]
    assert table.loc[top["gate"], "roc_auc_cost_low"] == top["cost_low"]
    costed = set(table.index[table["roc_auc_cost"].notna()])
    assert costed == {g["gate"] for g in held.gate_losses}


def test_reason_counts_count_each_lead_once_per_family(held):
    counts = reason_counts(held.decisions)
    negative_per_lead = (held.decisions.negative_picks >= 0).sum(axis=1)
    assert counts["negative"].sum() == negative_per_lead.sum()
    assert counts["negative_share"].max() <= 1.0
    assert list(counts["negative"]) == sorted(counts["negative"], reverse=True)
    # A custom field's family is named by its label, as its reasons read.
    from leadgate.features.custom import CustomField

    field = CustomField("trial_started", "flag", "Trial started")
    book = held.decisions.book
    renamed = dataclasses.replace(book, families=(*book.families[:-1], field.feature))
    named = reason_counts(dataclasses.replace(held.decisions, book=renamed), (field,))
    assert "Trial started" in set(named["family"]) and "custom trial started" not in set(named["family"])


def test_the_report_is_one_self_contained_page_with_escaped_text(history, trained, policy):
    info = ReportInfo(
        model_name="leadgate",
        model_version="7",
        run_id="run<script>",
        data="history <b>.jsonl",
        logged_metrics={"test.system.roc_auc": trained.metrics["test.system.roc_auc"]},
    )
    page = build_report(history, trained.model, policy, info)
    figures = PNG.findall(page)
    assert len(figures) == 4
    assert all(base64.b64decode(f).startswith(b"\x89PNG\r\n\x1a\n") for f in figures)
    # Nothing to fetch: no external script, stylesheet or image.
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "<script" not in page and "run&lt;script&gt;" in page and "history &lt;b&gt;.jsonl" in page
    for heading in (
        "Calibration",
        "Reason frequency",
        "Gate firing",
        "Per-channel quality",
        "points scorecard",
        "logistic regression, every export column",
        "columns seen",
        "leadgate ahead by (ROC-AUC, 95%)",
    ):
        assert heading in page
    assert f"{trained.metrics['test.system.roc_auc']:.3f}" in page
    scorer = f"<td>scorer</td><td>LightGBM, {trained.model.booster.num_trees()} trees"
    assert scorer + ("</td>" if trained.model.linear is None else ", boosted from a linear start") in page


def test_the_report_says_when_the_model_was_boosted_from_a_linear_start():
    from leadgate.decision.policy import load_policy
    from leadgate.features.mapping import parse_mapping
    from leadgate.training.exports import history_from_export
    from leadgate.training.train import train_model
    from tests.training.export_shapes import ADDITIVE_MAPPING, additive_rows

    history = history_from_export(additive_rows(3000, seed=0), parse_mapping(ADDITIVE_MAPPING)).history
    policy = load_policy()
    model = train_model(history, policy, seed=0).model
    info = ReportInfo(model_name="leadgate", model_version="1", run_id="r", data="additive.csv")
    page = build_report(history, model, policy, info)
    trees = model.booster.num_trees()
    assert f"LightGBM, {trees} trees, boosted from a linear start (a logistic regression on the same" in page


def test_the_calibration_error_is_labelled_model_alone_beside_gates_and_model(held):
    from leadgate.training.report_html import _calibration_text

    said = " ".join(_calibration_text(held).split())
    alone, system = (held.metrics[f"test.{key}.calibration_error"] for key in ("model_ungated", "system"))
    assert alone != pytest.approx(system, abs=5e-4)  # two numbers, so the label matters
    assert f"The {int((~held.gated).sum()):,} held-out leads no gate rejects" in said
    assert f"{alone:.3f} here for the model alone" in said
    assert (
        f"leadgate (gates + model) in the table above, with every lead a gate rejects at P(SQL) 0, it is {system:.3f}"
        in said
    )
    chance = held.metrics["test.model_ungated.calibration_error_chance"]
    assert f"a model whose P(SQL) is exactly right shows about {chance:.3f} on as many leads" in said


def test_a_random_split_s_page_does_not_speak_of_the_newest_leads(history, trained, policy):
    from leadgate.training.splits import split_history

    info = ReportInfo(model_name="leadgate", model_version="1", run_id="r", data="history.jsonl")
    leads = history.subset(np.arange(3000))  # the wording needs no more, and the baselines fit faster
    page = build_report(leads, trained.model, policy, info, split_kind="random")
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "drawn at random, stratified by outcome, from the same period as the training leads" in text
    assert "Model and baselines on the held-out leads" in text
    # The split's own note says what a random split cannot see; nothing else speaks of time order.
    rest = text.replace(split_history(leads, "random").note, "")
    for timed in ("newest", "held-out period", "later", "newer"):
        assert timed not in rest, timed


def test_without_a_won_label_the_channel_table_reads_won_as_unknown(history, trained, policy):
    from dataclasses import replace

    info = ReportInfo(model_name="leadgate", model_version="1", run_id="r", data="history.jsonl")
    leads = history.subset(np.arange(3000))
    pages = {
        labelled: build_report(
            leads if labelled else replace(leads, won=np.zeros_like(leads.won), won_labelled=False),
            trained.model,
            policy,
            info,
        )
        for labelled in (True, False)
    }

    def won_cells(page: str) -> list[str]:
        channels = page.split('id="channels"')[1].split("</section>")[0]
        rows = re.findall(r"<tr>(.*?)</tr>", channels)[1:]  # the header row first
        return [re.findall(r"<td[^>]*>(.*?)</td>", row)[6] for row in rows]

    assert set(won_cells(pages[False])) == {"—"} and "no won label" in pages[False]
    assert "—" not in won_cells(pages[True]) and "no won label" not in pages[True]


def test_the_held_out_period_starts_at_a_since_that_keeps_no_training_lead(history, trained, policy, held):
    """Walk Y: 'held-out period 2026-08-17 to …' pasted as backtest --since took in three training leads."""
    from leadgate.cli.data import within
    from leadgate.training.report import held_out_since

    info = ReportInfo(model_name="leadgate", model_version="7", run_id="r", data="history.jsonl")
    page = " ".join(re.sub(r"<[^>]+>", " ", build_report(history, trained.model, policy, info)).split())
    [since] = re.findall(r"held-out period (\S+) to \S+; leadgate backtest --since (\S+) keeps", page)
    assert since[0] == since[1] == held.since
    assert len(within(history, "history", held.since, None).leads) == int(held.split.test.sum())
    # In the export's own time zone, as --since reads a time without an offset there.
    tokyo = dataclasses.replace(history, date_readings={"created_at": {"timezone": "Asia/Tokyo"}})
    in_tokyo = held_out_since(tokyo, held.split)
    assert len(within(tokyo, "history", in_tokyo, None).leads) == int(held.split.test.sum())


def test_leadgate_s_own_figures_carry_their_intervals_and_each_row_its_sqls(held):
    from leadgate.training.report_metrics import metrics_frame

    frame = metrics_frame(held, ReportInfo(model_name="leadgate", model_version="1", run_id="r", data="h"))
    system, alone = frame.iloc[0], frame.iloc[1]
    m = held.metrics
    for row, key in ((system, "system"), (alone, "model_ungated")):
        for name in ("roc_auc", "pr_auc"):
            assert row[f"{name}_low"] == m[f"test.{key}.{name}_low"] < row[name] < row[f"{name}_high"]
    # PR-AUC's floor beside it: the SQL rate of the leads each row scores.
    sqls, ungated = held.sql, ~held.gated
    assert system["sqls"] == f"{int(sqls.sum()):,} ({sqls.mean():.1%})"
    assert alone["sqls"] == f"{int(sqls[ungated].sum()):,} ({sqls[ungated].mean():.1%})"
    # A baseline is weighed by its paired gap: no interval of its own to compare by eye.
    assert frame.iloc[2:]["roc_auc_low"].isna().all() and (frame.iloc[2:]["gap"] != "").all()


def test_the_report_names_the_unread_columns_train_names_when_no_verdict_is_said(held, trained, policy):
    """Walk V F5: with no verdict, the page names the unread columns plain LightGBM leans on, as `train` does."""
    from datetime import UTC, datetime

    from leadgate.training.report_html import render

    when = datetime(2026, 12, 7, tzinfo=UTC)
    info = ReportInfo(model_name="leadgate", model_version="1", run_id="r", data="h", generated_at=when)
    said = "columns the mapping does not read carry signal for plain LightGBM: Web sessions (31% of its gain)"
    shown = dataclasses.replace(held, verdict=None, unread=said)
    page = render(shown, report_sections(shown, trained.model, policy), trained.model, policy, info)
    assert f"<p>{said}</p>" in page
    assert held.unread is None  # a history of lead fields: no export column is left unread


def test_the_report_repeats_train_s_warning_when_its_roc_auc_cannot_be_told_from_chance(
    held, trained, policy
):
    from datetime import UTC, datetime

    from leadgate.training.report_html import _header

    when = datetime(2026, 12, 7, tzinfo=UTC)
    info = ReportInfo(model_name="leadgate", model_version="1", run_id="r", data="h", generated_at=when)
    sqls = int(held.sql.sum())
    clear = _header(held, trained.model, policy, info)
    assert "cannot be told from chance" not in clear
    assert f"({sqls:,} SQLs, SQL rate {held.metrics['test.sql_rate']:.1%})" in clear
    # Walk F1: 0.580 on 11 test SQLs, said by `train`, missing from the page mailed to a manager.
    chance = {**held.metrics, "test.system.roc_auc": 0.58, "test.system.roc_auc_se": 0.092}
    weak = dataclasses.replace(held, metrics=chance, gate_sqls=None)
    page = _header(weak, trained.model, policy, info)
    said = f"the test part&#x27;s ROC-AUC 0.580 (95% interval 0.40–0.76, {sqls:,} SQLs) cannot be told from chance"
    assert f"<p class=warn>Warning: {said}" in page
    # Walk V F4: gates reject test SQLs and the model alone clears chance: the page names the gates, as `train`.
    ranking = {**chance, "test.model_ungated.roc_auc": 0.70, "test.model_ungated.roc_auc_se": 0.04}
    gated = dataclasses.replace(held, metrics=ranking, gate_sqls=GateSqls(6, (("competitor", 6),)))
    page = " ".join(_header(gated, trained.model, policy, info).split())
    assert (
        "but its model alone ranks the test leads no gate rejects at 0.700 (95% interval 0.62–0.78)" in page
    )
    assert f"which reject 6 of the {sqls:,} test SQLs (competitor 6)" in page


def test_the_report_gives_train_s_note_on_levels_the_model_did_not_learn_in_the_same_words(history, policy):
    from leadgate.training.train import train_model

    # Walk AB: campaigns of 40 consecutive leads each, so the test part's are all new; the report left it out.
    subset = history.subset(np.arange(4000))
    leads = [
        lead.model_copy(update={"source": lead.source.model_copy(update={"campaign": f"camp {i // 40}"})})
        for i, lead in enumerate(subset.leads)
    ]
    subset = dataclasses.replace(subset, leads=leads, field_columns=(("source.campaign", "Campaign"),))
    result = train_model(subset, policy, seed=0)
    said = evaluate_held_out(subset, result.model, policy, seed=0).levels_notes
    assert said == (result.extras["pooled_note"],)
    assert said[0].startswith("Campaign: 100% of the filled test leads")


def test_a_training_window_open_at_one_end_is_said_without_the_empty_end(history, trained, policy):
    # Walk AD: "trained on path contacts.csv, leads 1666, since , until 2026-11-09".
    trained_on = {"path": "contacts.csv", "leads": "1666", "since": "", "until": "2026-11-09"}
    info = ReportInfo(model_name="leadgate", model_version="1", run_id="r", data="h", trained_on=trained_on)
    page = " ".join(re.sub(r"<[^>]+>", " ", build_report(history, trained.model, policy, info)).split())
    assert "trained on path contacts.csv, leads 1666, until 2026-11-09 " in page and "since ," not in page


def test_the_gate_table_names_the_test_its_flag_comes_from(history, trained, policy, held):
    """Walk AE: "-0.004 [-0.007, -0.001] no clear difference" read as a contradiction: the ROC-AUC cost says
    the gate helps, the flag was about the SQL-rate ratio. The flag names its test."""
    from collections import Counter

    from leadgate.decision.policy import Policy

    # A do-not-engage domain with two to four held-out leads, one an SQL: its SQL rate cannot be told apart.
    test = np.flatnonzero(held.split.test)
    domains = [(history.leads[i].contact.email or "").partition("@")[2] for i in test]
    leads = Counter(domains)
    sqls = Counter(d for d, i in zip(domains, test, strict=True) if history.sql[i])
    domain = next(d for d in sqls if d and 2 <= leads[d] <= 4 and sqls[d] == 1)
    data = policy.model_dump()
    data["domains"]["do_not_engage"] = [domain]
    info = ReportInfo(model_name="leadgate", model_version="1", run_id="r", data="history.jsonl")
    page = build_report(history, trained.model, Policy.model_validate(data), info)
    gates = page.split('id="gates"')[1].split("</section>")[0]
    [row] = [r for r in re.findall(r"<tr>(.*?)</tr>", gates, flags=re.S) if ">do_not_engage<" in r]
    assert re.findall(r"<td[^>]*>(.*?)</td>", row)[-1] == "SQL rate: no clear difference", row
    assert "(flagged 'SQL rate: no clear difference')" in " ".join(html.unescape(gates).split())
    assert not re.search(r"<td[^>]*>no clear difference", page)
