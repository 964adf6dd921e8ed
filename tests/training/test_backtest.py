"""Back-tests through the one decision pipeline on the seeded session history."""

import re
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from leadgate.decision.pipeline import DecisionPipeline
from leadgate.decision.policy import Policy
from leadgate.features.schema import Lead
from leadgate.training.backtest import BacktestParams, decide_history, run_backtest
from leadgate.training.history import History
from tests.factories import events, make_lead

STRICT_FLOOR = 200  # the default floor is 10: 200 employees catches plenty of real customers


def changed(policy: Policy, **sections) -> Policy:
    """The policy with some sections' fields replaced."""
    data = policy.model_dump()
    for section, fields in sections.items():
        data[section].update(fields)
    return Policy.model_validate(data)


def freshly_lifted(lead: Lead, policy: Policy) -> bool:
    """A lift event within the policy's window before the decision time, worked out from the raw events."""
    window = timedelta(days=policy.lift.within_days)
    decided = lead.scored_at or lead.created_at
    lift = {event.value for event in policy.lift.events}
    return any(e.type.value in lift and decided - window <= e.at <= decided for e in lead.events)


@pytest.fixture(params=["gates only", "with model"])
def model(request):
    return request.getfixturevalue("trained").model if request.param == "with model" else None


def test_a_too_strict_size_floor_hides_exactly_the_won_deals_below_it(history, policy, model):
    strict = changed(policy, firmographics={"employees_floor": STRICT_FLOOR})
    current = DecisionPipeline(policy, model)
    result = run_backtest(history, current, DecisionPipeline(strict, model))

    # Independent of the back-test: small companies' outcomes, minus leads the current setup already
    # keeps from sales and leads a fresh buying signal lifts past the (liftable) size gate.
    already_rejected = np.isin(decide_history(current, history).route, ["self_service", "silent_reject"])
    below = [
        lead.company.employees is not None
        and lead.company.employees < STRICT_FLOOR
        and not freshly_lifted(lead, policy)
        for lead in history.leads
    ]
    exposed = np.array(below) & ~already_rejected
    ids = np.array([lead.lead_id for lead in history.leads])
    expected_won = set(ids[exposed & history.won])
    assert len(expected_won) >= 10  # the seeded history must make the test able to fail
    assert result.hidden_won == expected_won
    assert result.hidden_sql == set(ids[exposed & history.sql])
    assert result.summary["won_hidden"] == len(expected_won)
    hidden_won = result.hidden[result.hidden["won"]]
    assert set(hidden_won["proposed_route"]) == {"self_service"}
    assert all("below_size_floor" in gates for gates in hidden_won["proposed_gates"])


def test_without_a_won_label_every_won_figure_is_unknown_not_zero(history, policy):
    strict = changed(policy, firmographics={"employees_floor": STRICT_FLOOR})
    unlabelled = replace(history, won=np.zeros_like(history.won), won_labelled=False)
    result = run_backtest(unlabelled, DecisionPipeline(policy), DecisionPipeline(strict))
    assert result.summary["won"] is None and result.summary["won_hidden"] is None
    assert result.summary["sqls_hidden"] > 0 and result.hidden_won == set()
    assert result.routes[["current_won", "proposed_won"]].isna().all().all()
    assert result.gates["affected_won"].isna().all() and result.hidden["won"].isna().all()
    written = result.to_dict()
    assert {row["proposed_won"] for row in written["routes"]} == {None}
    assert any("no won label" in note for note in result.notes)
    labelled = run_backtest(history, DecisionPipeline(policy), DecisionPipeline(strict))
    assert labelled.summary["won"] == int(history.won.sum()) > 0
    assert not any("no won label" in note for note in labelled.notes)


def test_identical_setups_change_nothing(history, policy):
    pipeline = DecisionPipeline(policy)
    result = run_backtest(history, pipeline, pipeline)
    assert result.hidden.empty and result.prevented.empty
    assert result.summary["net_sales_hours_saved"] == 0 and result.summary["leads_changing_route"] == 0
    routes = result.routes
    assert (routes["current_leads"] == routes["proposed_leads"]).all()
    assert routes["current_leads"].sum() == len(history.leads)
    assert "The two setups route every lead the same way." in result.notes


def test_a_stricter_policy_only_saves_calls_and_counts_them_at_the_given_rate(history, policy):
    strict = changed(policy, firmographics={"employees_floor": STRICT_FLOOR})
    params = BacktestParams(minutes_per_call=30)
    s = run_backtest(history, DecisionPipeline(policy), DecisionPipeline(strict), params).summary
    assert s["calls_added"] == 0 and s["calls_avoided"] > 0
    assert s["calls_current"] - s["calls_proposed"] == s["calls_avoided"]
    assert s["net_sales_hours_saved"] == pytest.approx(s["calls_avoided"] * 30 / 60)


def test_a_looser_policy_adds_calls_and_its_net_hours_saved_are_negative(history, policy):
    strict = changed(policy, firmographics={"employees_floor": STRICT_FLOOR})
    s = run_backtest(history, DecisionPipeline(strict), DecisionPipeline(policy)).summary
    assert s["calls_avoided"] == 0 and s["calls_added"] > 0
    assert s["net_sales_hours_saved"] == pytest.approx(-s["calls_added"] * 20 / 60)


def test_prevented_leads_are_sales_rejections_the_proposed_setup_stops_calling(history, policy):
    strict = changed(policy, firmographics={"employees_floor": STRICT_FLOOR})
    result = run_backtest(history, DecisionPipeline(policy), DecisionPipeline(strict))
    prevented = result.prevented
    assert len(prevented) == result.summary["sales_rejected_prevented"] > 0
    assert (prevented["rejection_reason"] != "").all() and not prevented["sql"].any()
    assert set(prevented["current_route"]) <= {"sales_ready", "verify"}
    assert not set(prevented["proposed_route"]) & {"sales_ready", "verify"}


def test_gates_that_never_fire_fire_on_most_or_tell_nothing_are_flagged(history, policy):
    domains = [(lead.contact.email or "").partition("@")[2] for lead in history.leads]
    leads, sqls = Counter(domains), Counter(d for d, sql in zip(domains, history.sql, strict=True) if sql)
    domain = next(d for d in sqls if d and 2 <= leads[d] <= 4 and sqls[d] == 1)
    proposed = changed(
        policy,
        domains={"competitors": ["no-such-competitor.example"], "do_not_engage": [domain]},
        firmographics={"employees_floor": 1_000_000},
    )
    result = run_backtest(history, DecisionPipeline(policy), DecisionPipeline(proposed))
    flags = dict(zip(result.gates["gate"], result.gates["flags"], strict=True))
    assert "never fires" in flags["competitor_domain"]
    assert "fires on most leads" in flags["below_size_floor"]
    # Two to four leads, one of them an SQL: the interval cannot tell them from the rest.
    assert flags["do_not_engage"] == "SQL rate: no clear difference"
    # Walk AE: the flag names its test, on screen as in the report, beside the rule that defines it.
    from io import StringIO

    from rich.console import Console

    from leadgate.cli.render_analysis import print_backtest

    out = StringIO()
    print_backtest(Console(file=out, width=400, color_system=None), result, 0)
    shown = " ".join(out.getvalue().split())
    assert "do_not_engage (SQL rate: no clear difference)" in shown
    assert "SQL rate: no clear difference: the interval of the SQL-rate ratio" in shown
    assert not re.search(r"[(,] no clear difference", shown)
    # The default policy's bot gates fire on enough leads that never convert to be told apart.
    assert flags["honeypot_filled"] == "" and flags["too_fast_form"] == ""


def test_history_without_snapshot_times_is_decided_as_of_creation(policy):
    late_unsubscribe = make_lead(scored_at=None, events=events(("unsubscribe", "2026-12-01T00:00:00Z")))
    history = History([late_unsubscribe], np.array([True]), np.array([False]), [""], [[]])
    decisions = decide_history(DecisionPipeline(policy), history)
    assert not decisions.gates.gated[0]
    assert decisions.route[0] == policy.routing.no_model_route.value


def test_without_a_rejection_reason_the_sales_rejections_are_unknown_not_zero(history, policy):
    strict = changed(policy, firmographics={"employees_floor": STRICT_FLOOR})
    unlabelled = replace(history, rejection_reason=[""] * len(history.leads), rejections_labelled=False)
    result = run_backtest(unlabelled, DecisionPipeline(policy), DecisionPipeline(strict))
    keys = ("sales_rejected_leads", "sales_rejected_called", "sales_rejected_prevented")
    assert all(result.summary[key] is None for key in keys) and result.summary["sqls_hidden"] > 0
    labelled = run_backtest(history, DecisionPipeline(policy), DecisionPipeline(strict))
    assert all(labelled.summary[key] > 0 for key in keys)


def _window(history: History, rows: np.ndarray) -> History:
    """The history's leads at `rows`, as --since/--until keep them."""
    picked = [int(i) for i in rows]
    return replace(
        history,
        leads=[history.leads[i] for i in picked],
        sql=history.sql[picked],
        won=history.won[picked],
        rejection_reason=[history.rejection_reason[i] for i in picked],
        true_negative_factors=[history.true_negative_factors[i] for i in picked],
        columns=None,
    )


def _model_notes(result) -> list[str]:
    return [note for note in result.notes if "optimistic" in note]


def _since(text: str) -> datetime:
    """--since as the CLI reads it: a date is midnight UTC, a time without an offset is UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_a_model_keeps_the_period_it_learned_from_and_its_test_leads_come_after(history, trained):
    period = trained.model.metadata["training_period"]
    learned = np.flatnonzero(trained.split.train | trained.split.valid)
    assert period["split"] == "time" and period["dated"] and period["leads"] == len(learned)
    last = max(history.leads[i].created_at for i in learned)
    assert period["last"] == last.isoformat()
    assert all(history.leads[i].created_at > last for i in np.flatnonzero(trained.split.test))


def test_a_back_test_after_the_model_s_training_period_says_nothing_of_it(history, policy, trained):
    # Tester: "back-test a model on leads newer than its training data (--since)" even with --since given.
    newer = _window(history, np.flatnonzero(trained.split.test))
    pipeline = DecisionPipeline(policy, trained.model)
    assert _model_notes(run_backtest(newer, pipeline, pipeline)) == []


def test_a_back_test_on_the_model_s_training_leads_says_so_with_the_figures(history, policy, trained):
    pipeline = DecisionPipeline(policy, trained.model)
    [note] = _model_notes(run_backtest(history, pipeline, pipeline))
    period = trained.model.metadata["training_period"]
    inside = len(history.leads) - int(trained.split.test.sum())
    assert note.startswith(
        f"Model {trained.model.version} was trained and calibrated on {period['leads']:,} leads"
    )
    assert f"{inside:,} of these {len(history.leads):,} leads were created in that period" in note
    # Every newer lead, those of the period's last day too (walk W: a whole day from midnight UTC dropped them).
    [since] = re.findall(r"--since (\S+) keeps its ([\d,]+) newer leads", note)
    later = len(history.leads) - inside
    assert "(a time split: its test leads came after)" in note and since[1] == f"{later:,}"
    assert sum(lead.created_at >= _since(since[0]) for lead in history.leads) == later
    # A random split learns from the whole period: the window's leads may be among its training leads.
    shuffled = replace(
        trained.model, metadata={**trained.model.metadata, "training_period": {**period, "split": "random"}}
    )
    random_pipeline = DecisionPipeline(policy, shuffled)
    [note] = _model_notes(
        run_backtest(_window(history, np.flatnonzero(trained.split.valid)), random_pipeline, random_pipeline)
    )
    assert "a random split: drawn from the whole period, so these leads may be among them" in note
    # A model trained before the period was kept: nothing known, and nothing claimed of the window.
    unknown = replace(
        trained.model, metadata={k: v for k, v in trained.model.metadata.items() if k != "training_period"}
    )
    [note] = _model_notes(
        run_backtest(history, DecisionPipeline(policy, unknown), DecisionPipeline(policy, unknown))
    )
    assert "does not record its training period" in note


def test_the_newer_leads_of_a_sequence_export_are_named_by_the_time_they_start(history, policy, trained):
    """Walk W: on a sequence export (60 s a rank, two days long) the note sent the user to "an export of newer
    leads" while 360 newer leads were in the file: --since took the day after the training period's last."""
    start = datetime(2024, 1, 1, tzinfo=UTC)
    leads = [
        lead.model_copy(update={"created_at": start + timedelta(minutes=i)})
        for i, lead in enumerate(history.leads)
    ]
    sequence = replace(_window(history, np.arange(2400)), leads=leads[:2400])
    last = leads[2039].created_at  # 2024-01-02T09:59
    period = {
        "first": start.isoformat(),
        "last": last.isoformat(),
        "leads": 2040,
        "split": "time",
        "dated": True,
    }
    model = replace(trained.model, metadata={**trained.model.metadata, "training_period": period})
    pipeline = DecisionPipeline(policy, model)
    [note] = _model_notes(run_backtest(sequence, pipeline, pipeline))
    assert "2,040 of these 2,400 leads were created in that period" in note
    assert note.endswith(
        "back-test it on leads created after 2024-01-02T09:59 (--since 2024-01-02T10:00 keeps its 360 newer leads)."
    )


def test_leads_of_an_export_without_dates_are_listed_without_a_creation_time(history, policy):
    # Tester: every hidden lead of an undated export listed as created "2000-01-01", the row order's stand-in.
    strict = changed(policy, firmographics={"employees_floor": STRICT_FLOOR})
    undated = replace(history, ordered=False)
    result = run_backtest(undated, DecisionPipeline(policy), DecisionPipeline(strict))
    assert len(result.hidden) and result.hidden["created_at"].isna().all()
    assert result.period == ("", "") and {row["created_at"] for row in result.to_dict()["hidden"]} == {None}
    dated = run_backtest(history, DecisionPipeline(policy), DecisionPipeline(strict))
    assert dated.hidden["created_at"].str.startswith("20").all()


def test_the_period_and_the_model_s_note_are_said_in_the_export_s_time_zone(history, policy, trained):
    """Walk Y: a Berlin export from 01.01.2025 read 'trained … on leads created 2024-12-31': UTC dates. An
    export read in Asia/Tokyo (UTC+9) says its own dates, and a --since as that export reads it."""
    start = datetime(2024, 1, 1, 20, 0, tzinfo=UTC)  # 2 January, 05:00 in Tokyo
    leads = [
        lead.model_copy(update={"created_at": start + timedelta(minutes=i)})
        for i, lead in enumerate(history.leads[:2400])
    ]
    tokyo = {"created_at": {"column": "Created", "date_format": None, "timezone": "Asia/Tokyo"}}
    export = replace(_window(history, np.arange(2400)), leads=leads, date_readings=tokyo)
    period = {
        "first": start.isoformat(),
        "last": leads[2039].created_at.isoformat(),  # 2024-01-03T05:59 UTC, 14:59 in Tokyo
        "leads": 2040,
        "split": "time",
        "dated": True,
    }  # kept exact, in UTC
    model = replace(trained.model, metadata={**trained.model.metadata, "training_period": period})
    pipeline = DecisionPipeline(policy, model)
    result = run_backtest(export, pipeline, pipeline)
    assert result.period == ("2024-01-02T05:00:00+09:00", "2024-01-03T20:59:00+09:00")
    [note] = _model_notes(result)
    assert "on 2,040 leads created 2024-01-02 to 2024-01-03 (a time split" in note
    assert note.endswith(
        "back-test it on leads created after 2024-01-03T14:59 (--since 2024-01-03T15:00 keeps its 360 newer leads)."
    )
