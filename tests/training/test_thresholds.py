import numpy as np
import pytest

from leadgate.decision.policy_routing import Routing, Thresholds
from leadgate.training.thresholds import choose_thresholds, threshold_notes


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
    assert valid_note.endswith("(the model report's gate table, `leadgate report`, shows each gate)")
    assert test_note.endswith("floor: as on validation, for the same cause (above), not a change over time")
