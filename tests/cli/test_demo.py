"""The demo's example lead, which the README posts to the service after the demo."""

from __future__ import annotations

from datetime import UTC, datetime

from leadgate.cli.demo import FOUNDER_ON_GMAIL, example_lead


def _moments(lead: dict) -> list[datetime]:
    texts = [lead["created_at"], lead["scored_at"], *(event["at"] for event in lead["events"])]
    return [datetime.fromisoformat(text) for text in texts]


def test_the_example_lead_is_moved_to_be_decided_now_with_its_own_spacing():
    now = datetime(2027, 3, 9, 14, 30, 27, tzinfo=UTC)
    lead = example_lead(now)
    # The service decides at arrival: posted after the demo, the lead must read as the demo panel does.
    assert datetime.fromisoformat(lead["scored_at"]) == now.replace(second=0)
    fixed, moved = _moments(FOUNDER_ON_GMAIL), _moments(lead)
    assert [m - moved[0] for m in moved] == [m - fixed[0] for m in fixed]
    assert {k: v for k, v in lead.items() if k not in ("created_at", "scored_at", "events")} == {
        k: v for k, v in FOUNDER_ON_GMAIL.items() if k not in ("created_at", "scored_at", "events")
    }
    assert FOUNDER_ON_GMAIL["scored_at"] == "2026-11-24T10:00:00Z"  # the constant itself is left alone
