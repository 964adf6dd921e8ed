"""Each intent event type's window, chosen from history: the shortest age beyond which it predicts no better."""

import numpy as np
import pytest

from leadgate.decision.policy import Intent
from leadgate.features.intent import INTENT_EVENTS
from leadgate.training.intent_windows import choose_window

INTENT = Intent(default_days=90, candidate_days=[14, 30, 60, 90], min_leads=100, confidence=0.95)
RNG = np.random.default_rng(3)


def _leads(groups):
    """(last-event ages, outcomes) from (age or NaN, leads, SQL rate) groups."""
    ages, sql = [], []
    for age, n, rate in groups:
        ages += [age] * n
        sql += (RNG.random(n) < rate).tolist()
    return np.array(ages, dtype=np.float64), np.array(sql, dtype=bool)


def test_the_window_ends_where_older_events_convert_like_none():
    # Leads without the event convert at 10%; up to 30 days old it predicts (40%), older it does not.
    ages, sql = _leads(
        [(np.nan, 2000, 0.10), (5, 600, 0.40), (20, 600, 0.40), (45, 600, 0.10), (80, 600, 0.10)]
    )
    choice = choose_window(ages, sql, "demo_request", INTENT)
    assert choice.days == 30
    assert [t["days"] for t in choice.tested] == [14, 30]
    assert choice.tested[0]["z"] > 1.645 >= choice.tested[1]["z"]
    assert choice.rule.startswith("history")


def test_too_few_leads_to_tell_gives_the_policy_default():
    ages, sql = _leads([(np.nan, 2000, 0.10), (5, 600, 0.40), (20, 50, 0.40)])
    choice = choose_window(ages, sql, "demo_request", INTENT)
    assert choice.days == 90 and choice.rule.startswith("policy default")
    few_without = choose_window(*_leads([(np.nan, 20, 0.1), (5, 600, 0.4)]), "demo_request", INTENT)
    assert few_without.days == 90 and few_without.tested == []


def test_an_event_no_lead_has_takes_the_policy_default_and_says_so():
    choice = choose_window(*_leads([(np.nan, 2000, 0.10)]), "pricing_page", INTENT)
    assert (choice.days, choice.leads_with, choice.rule) == (90, 0, "policy default: no lead has one")
    assert (
        choose_window(*_leads([(np.nan, 2000, 0.1), (5, 30, 0.4)]), "pricing_page", INTENT).leads_with == 30
    )


def test_the_default_is_never_shorter_than_an_age_still_seen_to_predict():
    short_default = INTENT.model_copy(update={"default_days": 14})
    # Events older than 14 and 30 days still predict, then the data runs out: at least 60 days.
    ages, sql = _leads([(np.nan, 2000, 0.10), (20, 600, 0.40), (45, 600, 0.40), (65, 30, 0.40)])
    assert choose_window(ages, sql, "demo_request", short_default).days == 60


def test_an_event_that_predicts_at_every_age_gets_the_longest_candidate():
    ages, sql = _leads([(np.nan, 2000, 0.10), (200, 800, 0.40)])
    choice = choose_window(ages, sql, "email_reply", INTENT)
    assert choice.days == 90 and choice.rule.startswith("longest")


def test_training_chose_a_window_for_every_intent_type_from_the_training_leads(trained):
    windows = dict(trained.model.builder.windows)
    assert set(windows) == set(INTENT_EVENTS)
    assert all(days in (14, 30, 60, 90, 180, 365) for days in windows.values())
    evidence = {choice["event"]: choice for choice in trained.extras["intent_windows"]}
    assert {event: evidence[event]["days"] for event in windows} == windows
    assert all(choice["rule"] for choice in evidence.values())


@pytest.mark.parametrize(
    "change",
    [
        {"candidate_days": [30, 14]},
        {"candidate_days": [0, 14]},
        {"default_days": 400},
        {"candidate_days": []},
    ],
)
def test_bad_intent_sections_are_refused(change):
    with pytest.raises(ValueError):
        Intent(**change)
