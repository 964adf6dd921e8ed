import numpy as np
import pytest

from leadgate.decision.policy_routing import Routing, Thresholds
from leadgate.training.thresholds import GateSqls, choose_thresholds, sqls_gates_reject, threshold_notes


def _data(seed=0, n=5000):
    rng = np.random.default_rng(seed)
    p = rng.uniform(0, 1, n)
    return p, rng.uniform(0, 1, n) < p


def test_recall_floor_holds_on_the_data_it_was_chosen_on():
    p, y = _data()
    t = choose_thresholds(p, y, Routing(recall_floor=0.97, verify_recall=0.8))
    assert (y & (p >= t.nurture)).sum() / y.sum() >= 0.97
    assert (y & (p >= t.verify)).sum() / y.sum() >= 0.8
    assert t.sales_ready >= t.verify >= t.nurture


def test_sqls_lost_to_gates_tighten_the_floor():
    p, y = _data()
    plain = choose_thresholds(p, y, Routing(recall_floor=0.95))
    strict = choose_thresholds(p, y, Routing(recall_floor=0.95), sqls_lost_to_gates=int(0.02 * y.sum()))
    assert strict.nurture < plain.nurture


def test_explicit_thresholds_win():
    fixed = Thresholds(sales_ready=0.6, verify=0.3, nurture=0.1)
    assert choose_thresholds(*_data(), Routing(thresholds=fixed)) == fixed


def test_no_sqls_is_a_clear_error():
    with pytest.raises(ValueError, match="no SQLs"):
        choose_thresholds(np.array([0.1, 0.2]), np.array([False, False]), Routing())


def test_notes_say_what_the_thresholds_missed_and_only_beyond_chance():
    routing = Routing(recall_floor=0.97, sales_ready_precision=0.5)
    met = {"valid.routes.precision_sales_ready": 0.62, "valid.routes.recall_not_rejected": 0.971}
    assert (
        threshold_notes(
            {**met, "test.routes.recall_not_rejected": 0.964}, routing, {"valid": 900, "test": 1000}
        )
        == []
    )
    missed = threshold_notes(
        {**met, "valid.routes.precision_sales_ready": 0.049, "test.routes.recall_not_rejected": 0.879},
        routing,
        {"valid": 40, "test": 33},
    )
    assert len(missed) == 2
    assert missed[0].startswith("sales_ready: 4.9% of its validation leads were SQLs, below the policy's 50%")
    assert missed[1].startswith(
        "SQL recall kept out of self_service/silent_reject is 87.9% on the later test period"
    )
    assert "33 SQLs), below the policy's 97% floor" in missed[1]
    fixed = Routing(thresholds=Thresholds(sales_ready=0.5, verify=0.3, nurture=0.1))
    assert threshold_notes({"valid.routes.precision_sales_ready": 0.01}, fixed, {"valid": 10}) == []


def test_fixed_thresholds_that_break_the_floor_are_said_to_with_the_numbers_to_change():
    fixed = Routing(recall_floor=0.97, thresholds=Thresholds(sales_ready=0.9, verify=0.7, nurture=0.5))
    (valid,) = threshold_notes(
        {"valid.routes.recall_not_rejected": 0.466, "test.routes.recall_not_rejected": 0.97},
        fixed,
        {"valid": 400, "test": 400},
    )
    assert valid.startswith(
        "SQL recall kept out of self_service/silent_reject is 46.6% on validation, with the "
        "policy's fixed thresholds"
    )
    assert valid.endswith(
        "below the policy's 97% floor: lower the policy's fixed thresholds, or set them to auto"
    )


def test_fixed_thresholds_no_lead_reaches_are_said():
    fixed = Routing(thresholds=Thresholds(sales_ready=0.99, verify=0.7, nurture=0.5))
    (note,) = threshold_notes({"valid.routes.share_sales_ready": 0.0}, fixed, {"valid": 100})
    assert note.startswith("sales_ready: no validation lead reaches the policy's fixed threshold 0.99")
    assert threshold_notes({"valid.routes.share_sales_ready": 0.02}, fixed, {"valid": 100}) == []


def test_a_verify_band_swallowed_by_sales_ready_is_said():
    routing = Routing(sales_ready_precision=0.5, verify_recall=0.8)
    collapsed = Thresholds(sales_ready=0.401, verify=0.401, nurture=0.1)
    (note,) = threshold_notes({}, routing, {"valid": 100}, thresholds=collapsed)
    assert (
        note.startswith("verify: no band of its own")
        and "every lead from 0.401 up goes to sales_ready" in note
    )
    apart = Thresholds(sales_ready=0.6, verify=0.4, nurture=0.1)
    assert threshold_notes({}, routing, {"valid": 100}, thresholds=apart) == []


def test_a_random_test_part_is_not_worded_as_a_later_period():
    routing = Routing(recall_floor=0.97, sales_ready_precision=0.05)
    test_missed = {"valid.routes.recall_not_rejected": 0.975, "test.routes.recall_not_rejected": 0.879}
    sqls = {"valid": 900, "test": 1000}
    by_time = threshold_notes(test_missed, routing, sqls)
    assert "on the later test period" in by_time[0] and "newer leads" in by_time[0]
    (note,) = threshold_notes(test_missed, routing, sqls, split_kind="random")
    assert "87.9% on the test part, drawn at random from the same leads as validation," in note
    assert "no change over time" in note and "later" not in note and "newer" not in note
    both_missed = {**test_missed, "valid.routes.recall_not_rejected": 0.88}
    valid_note, test_note = threshold_notes(both_missed, routing, sqls, split_kind="random")
    # Thresholds chosen on validation keep the floor of the SQLs the model routes: a miss there is the gates'.
    assert "floor: gates reject more validation SQLs than the floor allows" in valid_note
    assert test_note.endswith("floor: as on validation, for the same cause (above), not a change over time")
    # Later leads missing it after validation did: the gates first, not "retrain on more recent leads".
    _, later = threshold_notes(both_missed, routing, sqls)
    assert "floor: as on validation, gates may reject more SQLs than the floor allows" in later
    assert "retrain" not in later


# Walk F7: 17 validation SQLs, 5 rejected by gates, the other 12 all kept by the model; 11 test SQLs, 4 rejected
# by unsupported_country and 1 routed below nurture.
WALK = {"valid.routes.recall_not_rejected": 12 / 17, "test.routes.recall_not_rejected": 6 / 11}
WALK_GATES = {
    "valid": GateSqls(5, (("unsupported_country", 3), ("below_size_floor", 1), ("student_or_academic", 1))),
    "test": GateSqls(4, (("unsupported_country", 4),)),
}
NURTURE = Thresholds(sales_ready=0.288, verify=0.064, nurture=0.046)


def test_a_floor_the_gates_put_out_of_reach_is_blamed_on_them_with_their_counts():
    valid, test = threshold_notes(
        WALK, Routing(recall_floor=0.97), {"valid": 17, "test": 11}, "time", NURTURE, WALK_GATES
    )
    assert (
        "floor: gates reject 5 of the 17 validation SQLs (unsupported_country 3, below_size_floor 1, "
        "student_or_academic 1), and the model keeps every other one: no threshold reaches the floor under this "
        "policy; edit its gates (or routing.recall_floor) and see what that changes with `leadgate backtest "
        "--proposed-policy`"
    ) in valid
    assert (
        "floor: gates reject 4 of the 11 test SQLs (unsupported_country 4), and the model routes 1 of the other 7 below nurture: no threshold reaches the floor under this policy"
        in test
    )
    # Neither is "too few model-routed SQLs", nor a reason to retrain on newer leads.
    assert "too few" not in valid + test and "retrain" not in valid + test


def test_on_few_sqls_the_nurture_threshold_is_said_to_be_one_lead_s_score():
    valid, _ = threshold_notes(
        WALK, Routing(recall_floor=0.97), {"valid": 17, "test": 11}, "time", NURTURE, WALK_GATES
    )
    # The lowest of 12 SQL scores: a new SQL falls below it about 1 time in 13, more than 3% of the time.
    assert valid.endswith(
        ". On 12 validation SQLs the model routes, the nurture threshold 0.046 is one lead's score, the "
        "lowest-scored SQL's P(SQL): about 1 new SQL in 13 scores below it, more than the 97% floor allows; "
        "more history (more SQLs) places it better"
    )
    # The lowest of 600 SQL scores: about 1 new SQL in 601 falls below it, well within the floor.
    many = {"valid": GateSqls(100, (("unsupported_country", 100),)), "test": GateSqls(0)}
    (note, _) = threshold_notes(
        {**WALK, "valid.routes.recall_not_rejected": 0.8},
        Routing(recall_floor=0.97),
        {"valid": 700, "test": 700},
        "time",
        NURTURE,
        many,
    )
    assert "one lead's score" not in note and "gates reject 100 of the 700 validation SQLs" in note


def test_a_test_part_the_model_itself_lost_gets_the_advice_of_its_split():
    lost = {**WALK, "valid.routes.recall_not_rejected": 0.975, "test.routes.recall_not_rejected": 0.80}
    gates = {
        "valid": GateSqls(10, (("unsupported_country", 10),)),
        "test": GateSqls(10, (("unsupported_country", 10),)),
    }
    (note,) = threshold_notes(
        lost, Routing(recall_floor=0.97), {"valid": 900, "test": 1000}, "time", NURTURE, gates
    )
    assert note.endswith(
        "floor: gates reject 10 of the 1,000 test SQLs (unsupported_country 10), and the model routes 190 of the "
        "other 990 below nurture: thresholds chosen on the past need not hold on newer leads; retrain on more "
        "recent leads, or back-test before relying on them"
    )


def test_gate_sqls_are_counted_per_rejecting_gate_and_once_in_all(policy):
    from leadgate.decision.pipeline import DecisionPipeline
    from tests.factories import make_lead

    leads = [
        make_lead(company={"country": "KP"}),  # a country the policy does not serve
        make_lead(company={"country": "KP"}, contact={"email": "sam@student.example.edu"}),
        make_lead(),
        make_lead(company={"country": "KP"}),
    ]
    gates = DecisionPipeline(policy).decide(leads).gates
    found = sqls_gates_reject(gates, np.array([0, 1, 2]), np.array([True, True, True, True]))
    assert found.rejected == 2  # the fourth lead is not among the rows
    assert dict(found.by_gate)["unsupported_country"] == 2 and found.by_gate[0] == ("unsupported_country", 2)
    # Two gates reject the second lead: the counts add past the 2 rejected SQLs, and the words say why.
    assert found.named() == "unsupported_country 2, student_or_academic 1; a lead may be rejected by two"
    assert GateSqls(2, (("unsupported_country", 1), ("student_or_academic", 1))).named() == (
        "unsupported_country 1, student_or_academic 1"
    )


def test_gate_counts_that_add_past_the_rejected_sqls_say_a_lead_may_be_rejected_by_two():
    doubled = {**WALK_GATES, "valid": GateSqls(5, (("unsupported_country", 4), ("student_or_academic", 3)))}
    valid, _ = threshold_notes(
        WALK, Routing(recall_floor=0.97), {"valid": 17, "test": 11}, "time", NURTURE, doubled
    )
    assert (
        "gates reject 5 of the 17 validation SQLs (unsupported_country 4, student_or_academic 3; a lead may be "
        "rejected by two), and the model keeps every other one"
    ) in valid
