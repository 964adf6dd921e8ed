"""The sales view of a lead holds what sales and the person said of it: outcome, feedback, reviews."""

from __future__ import annotations

from tests.factories import lead_dict
from tests.serving.conftest import auth, sales_view

TINY = {"company": {"employees": 3}}  # the company-size gate sends it to self-service


def _create(client, lead_id: str, **sections) -> str:
    response = client.post("/v1/leads", json=lead_dict(lead_id=lead_id, **sections), headers=auth("intake"))
    assert response.status_code == 201, response.text
    return response.json()["review_token"]


def _feedback(client, lead_id: str, body: dict) -> None:
    response = client.post(f"/v1/leads/{lead_id}/feedback", json=body, headers=auth("sales"))
    assert response.status_code == 201, response.text


def test_a_new_lead_has_no_outcome_feedback_or_review(client):
    _create(client, "said-0")
    view = sales_view(client, "said-0")
    assert (view["outcome"], view["feedback"], view["reviews"]) == (None, [], [])


def test_the_view_shows_the_outcome_every_verdict_newest_first_and_the_reviews(client):
    token = _create(client, "said-1", **TINY)
    outcome = {
        "sql": False,
        "rejection_reason": "too small",
        "feedback": "3 people",
        "at": "2026-11-30T09:00:00Z",
    }
    assert client.put("/v1/leads/said-1/outcome", json=outcome, headers=auth("sales")).status_code == 200
    _feedback(client, "said-1", {"verdict": "rejected", "reason": "timing", "note": "budget next year"})
    _feedback(client, "said-1", {"verdict": "accepted", "note": "booked a demo"})
    assert client.post(f"/v1/review/{token}", json={"message": "We are 40, not 3."}).status_code == 201

    view = sales_view(client, "said-1")

    assert view["outcome"] == {
        "sql": False,
        "won": None,  # left out: unknown, not "not won"
        "rejection_reason": "too small",
        "feedback": "3 people",
        "source": "api",
        "recorded_at": "2026-11-30T09:00:00Z",
        "at_given": True,  # the time sent with it, not when leadgate recorded it
    }
    newest, oldest = view["feedback"]
    assert (newest["verdict"], newest["reason"], newest["note"], newest["label"]) == (
        "accepted",
        None,
        "booked a demo",
        "sql",
    )
    assert (oldest["verdict"], oldest["reason"], oldest["label"]) == ("rejected", "timing", "none")
    assert newest["recorded_by"] == oldest["recorded_by"] == "test-sales"
    assert newest["recorded_at"] >= oldest["recorded_at"] and newest["id"] > oldest["id"]
    [review] = view["reviews"]
    assert (review["decision_seq"], review["route"], review["status"], review["message"]) == (
        1,
        "self_service",
        "open",
        "We are 40, not 3.",
    )
    assert review["opened_at"] and (review["outcome"], review["resolved_by"]) == (None, None)

    resolved = client.post(
        f"/v1/reviews/{review['id']}/resolution", json={"outcome": "misclassified"}, headers=auth("sales")
    )
    assert resolved.status_code == 200
    [review] = sales_view(client, "said-1")["reviews"]
    assert (review["status"], review["outcome"], review["resolved_by"]) == (
        "resolved",
        "misclassified",
        "test-sales",
    )
    assert review["resolved_at"]
    # What the view held before stays as it was: the new keys are added beside it.
    assert view["history"][0]["trigger"] == "created" and view["overrides"] == []


def test_an_erased_lead_sent_again_shows_nothing_of_what_was_said_before(client):
    token = _create(client, "said-erased", **TINY)
    outcome = {"sql": False, "feedback": "Mariella asked us to forget her"}
    assert client.put("/v1/leads/said-erased/outcome", json=outcome, headers=auth("sales")).status_code == 200
    _feedback(client, "said-erased", {"verdict": "rejected", "reason": "invalid_contact", "note": "Mariella"})
    assert client.post(f"/v1/review/{token}", json={"message": "I am Mariella"}).status_code == 201
    assert client.delete("/v1/leads/said-erased", headers=auth("admin")).status_code == 200
    assert client.get("/v1/leads/said-erased/decision", headers=auth("sales")).status_code == 404

    _create(client, "said-erased", **TINY)  # the same id again: a new submission, with nothing of the old

    view = sales_view(client, "said-erased")
    assert (view["outcome"], view["feedback"], view["reviews"]) == (None, [], [])
    assert "mariella" not in str(view).lower()


def test_the_openapi_schema_declares_the_new_keys(client):
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    declared = schemas["DecisionView"]["properties"]
    assert {"outcome", "feedback", "reviews"} <= set(declared)
    assert set(schemas["OutcomeView"]["properties"]) == {
        "sql",
        "won",
        "rejection_reason",
        "feedback",
        "source",
        "recorded_at",
        "at_given",
    }
    assert {"verdict", "reason", "label", "recorded_by", "recorded_at"} <= set(
        schemas["FeedbackView"]["properties"]
    )
    assert {"status", "opened_at", "resolved_by", "resolved_at"} <= set(schemas["ReviewItem"]["properties"])
