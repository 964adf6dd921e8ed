"""Intent windows: events older than their type's window are history, left out of counts and decayed intent."""

import numpy as np
import pytest

from leadgate.features.builder import FeatureBuilder
from leadgate.features.derived import derive
from leadgate.features.intent import INTENT_EVENTS
from leadgate.features.table import EVENT_CODE, build_table
from tests.factories import events, make_lead

# The factory's lead is scored at 2026-11-03T09:00Z.
RECENT_AND_OLD = make_lead(
    events=events(
        ("demo_request", "2026-11-01T09:00:00Z"),  # 2 days old
        ("demo_request", "2026-04-27T09:00:00Z"),  # 190 days old
        ("page_view", "2026-01-01T09:00:00Z"),  # no intent type: counted whatever its age
        ("email_reply", "2026-07-01T09:00:00Z"),  # 125 days old
    )
)
WINDOWS = {"demo_request": 90.0, "email_reply": 60.0}


def _derived(policy, *leads):
    return derive(build_table(list(leads)), policy.signal_rules)


def _column(builder, derived, name):
    return builder.transform(derived)[:, builder.feature_names.index(name)]


def test_counts_take_only_events_inside_their_types_window(policy):
    derived = _derived(policy, RECENT_AND_OLD)
    windowed = FeatureBuilder(intent_windows=WINDOWS).fit(derived)
    plain = FeatureBuilder().fit(derived)
    assert _column(plain, derived, "n_demo_request").tolist() == [2.0]
    assert _column(windowed, derived, "n_demo_request").tolist() == [1.0]
    assert _column(windowed, derived, "n_email_reply").tolist() == [0.0]
    assert _column(windowed, derived, "n_page_view").tolist() == [1.0]
    # The 190-day demo and the 125-day reply add nothing to decayed intent once outside their windows.
    assert _column(windowed, derived, "decayed_intent")[0] < _column(plain, derived, "decayed_intent")[0]
    # What is left is exactly the recent demo request's part (page views carry no intent weight).
    only_recent = _derived(policy, make_lead(events=events(("demo_request", "2026-11-01T09:00:00Z"))))
    assert _column(windowed, derived, "decayed_intent")[0] == pytest.approx(
        _column(windowed, only_recent, "decayed_intent")[0]
    )


def test_last_event_ages_and_windowed_table_counts(policy):
    table = build_table([RECENT_AND_OLD, make_lead(events=[])])
    ages = table.last_event_ages()
    assert ages[0, EVENT_CODE["demo_request"]] == pytest.approx(2.0)
    assert ages[0, EVENT_CODE["email_reply"]] == pytest.approx(125.0)
    assert np.isnan(ages[1]).all()
    days = np.full(ages.shape[1], np.inf)
    days[EVENT_CODE["demo_request"]] = 1.0
    assert table.event_counts(days)[0, EVENT_CODE["demo_request"]] == 0.0
    assert table.event_counts()[0, EVENT_CODE["demo_request"]] == 2.0


def test_windows_are_parameters_and_survive_the_bundle(policy):
    derived = _derived(policy, RECENT_AND_OLD)
    builder = FeatureBuilder(intent_windows=WINDOWS).fit(derived)
    assert builder.get_params()["intent_windows"] == WINDOWS
    again = FeatureBuilder.from_dict(builder.to_dict())
    assert again.windows == builder.windows
    np.testing.assert_array_equal(again.transform(derived), builder.transform(derived))


def test_a_bundle_saved_before_windows_loads_and_counts_every_event(policy):
    derived = _derived(policy, RECENT_AND_OLD)
    old = FeatureBuilder().fit(derived).to_dict()
    del old["params"]["intent_windows"]  # what bundles written before this parameter hold
    loaded = FeatureBuilder.from_dict(old)
    assert loaded.intent_windows is None and loaded.windows == ()
    assert _column(loaded, derived, "n_demo_request").tolist() == [2.0]
    assert loaded.feature_names == FeatureBuilder().feature_names  # same columns: the old booster still fits


@pytest.mark.parametrize(
    ("windows", "message"),
    [({"page_view": 30}, "without intent"), ({"demo_request": 0}, "positive"), ({"nonsense": 5}, "nonsense")],
)
def test_bad_windows_fail_at_fit_with_words(policy, windows, message):
    with pytest.raises(ValueError, match=message):
        FeatureBuilder(intent_windows=windows).fit(_derived(policy, RECENT_AND_OLD))


def test_intent_types_are_the_meaningful_ones():
    assert "demo_request" in INTENT_EVENTS and "unsubscribe" not in INTENT_EVENTS
    assert "page_view" not in INTENT_EVENTS
