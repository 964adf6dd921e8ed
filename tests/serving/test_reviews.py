"""Disputes, overrides and sales feedback through the API, on a real store (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from tests.factories import lead_dict
from tests.serving.conftest import auth, sales_view

TINY = {"company": {"employees": 3}}  # the company-size gate sends it to self-service


def _create(client, lead_id: str, **sections) -> dict:
    response = client.post("/v1/leads", json=lead_dict(lead_id=lead_id, **sections), headers=auth("intake"))
    assert response.status_code == 201, response.text
    return response.json()


def _events(client, lead_id: str, at: str = "2026-11-20T10:00:00Z") -> dict:
    body = {"events": [{"type": "pricing_page", "at": at}]}
    response = client.post(f"/v1/leads/{lead_id}/events", json=body, headers=auth("intake"))
    assert response.status_code == 200, response.text
    return response.json()


def test_a_vip_override_survives_rescoring_until_it_is_lifted(client):
    _create(client, "vip-1", **TINY)
    assert sales_view(client, "vip-1")["route"] == "self_service"

    body = {"route": "sales_ready", "reason_code": "vip", "note": "the CEO's former colleague"}
    set_ = client.post("/v1/leads/vip-1/override", json=body, headers=auth("sales"))
    assert set_.status_code == 201, set_.text
    assert set_.json() == {
        "lead_id": "vip-1",
        "decision_seq": 2,
        "route": "sales_ready",
        "control": "override",
        "automatic_route": "self_service",
    }

    answer = _events(client, "vip-1")  # re-scoring: the pipeline decides as usual, the override holds
    assert answer["next_step"] == "sales_call" and answer["decision_seq"] == 3
    counted = client.get("/metrics").text  # the stored route is counted, not the automatic one
    assert 'leadgate_decisions_total{route="sales_ready",trigger="events"} 1.0' in counted
    view = sales_view(client, "vip-1")
    assert (view["route"], view["control"], view["route_source"]) == ("sales_ready", "override", "override")
    assert view["automatic_route"] == "self_service"  # the automatic decision is recorded beside it
    assert any(g["code"] and not g["lifted"] for g in view["gates"])  # its gates and reasons stay visible
    assert [(h["trigger"], h["route"]) for h in view["history"]] == [
        ("created", "self_service"),
        ("override", "sales_ready"),
        ("events", "sales_ready"),
    ]
    [override] = view["overrides"]
    assert (override["reason_code"], override["created_by"], override["lifted_at"]) == (
        "vip",
        "test-sales",
        None,
    )

    lifted = client.delete("/v1/leads/vip-1/override?note=deal%20lost", headers=auth("sales"))
    assert lifted.status_code == 200, lifted.text
    assert (lifted.json()["route"], lifted.json()["decision_seq"]) == ("self_service", 4)
    view = sales_view(client, "vip-1")
    assert (view["route"], view["control"]) == ("self_service", "disqualification")
    [override] = view["overrides"]  # kept as a record: who lifted it, when, why
    assert override["lifted_at"] and (override["lifted_by"], override["lift_note"]) == (
        "test-sales",
        "deal lost",
    )
    assert _events(client, "vip-1", "2026-11-21T10:00:00Z")["next_step"] == "self_service"


def test_a_new_override_replaces_the_one_in_force_and_lifting_twice_says_so(client):
    _create(client, "ovr-2", **TINY)
    first = {"route": "sales_ready", "reason_code": "strategic"}
    second = {"route": "verify", "reason_code": "other", "note": "partner referral"}
    assert client.post("/v1/leads/ovr-2/override", json=first, headers=auth("sales")).status_code == 201
    assert client.post("/v1/leads/ovr-2/override", json=second, headers=auth("admin")).status_code == 201
    view = sales_view(client, "ovr-2")
    assert view["route"] == "verify"
    old, new = view["overrides"]
    assert old["lift_note"] == "replaced by a newer override" and new["lifted_at"] is None
    assert client.delete("/v1/leads/ovr-2/override", headers=auth("sales")).status_code == 200
    again = client.delete("/v1/leads/ovr-2/override", headers=auth("sales"))
    assert again.status_code == 404 and "no override in force" in again.json()["detail"]
    assert len(sales_view(client, "ovr-2")["history"]) == 4


BAD_OVERRIDES = [
    ({"route": "somewhere", "reason_code": "vip"}, "route"),
    ({"route": "sales_ready", "reason_code": "friend"}, "reason_code"),
    ({"route": "sales_ready", "reason_code": "other"}, "needs a note"),
    ({"route": "sales_ready", "reason_code": "vip", "by": "me"}, "by"),
    ({"route": "sales_ready", "reason_code": "vip", "note": "a\u0000b"}, "NUL"),
]


def test_a_bad_override_is_refused_with_words_and_nothing_is_stored(client):
    _create(client, "ovr-bad", **TINY)
    for body, words in BAD_OVERRIDES:  # one app for every case: each start-up costs most of a test
        response = client.post("/v1/leads/ovr-bad/override", json=body, headers=auth("sales"))
        assert response.status_code == 422 and words in response.text, (body, response.text)
    view = sales_view(client, "ovr-bad")
    assert len(view["history"]) == 1 and view["overrides"] == []


def test_overrides_need_a_sales_key_and_a_stored_lead(client):
    _create(client, "ovr-key", **TINY)
    body = {"route": "sales_ready", "reason_code": "vip"}
    assert client.post("/v1/leads/ovr-key/override", json=body).status_code == 401
    assert client.post("/v1/leads/ovr-key/override", json=body, headers=auth("intake")).status_code == 403
    missing = client.post("/v1/leads/nobody/override", json=body, headers=auth("sales"))
    assert missing.status_code == 404 and "nobody" in missing.json()["detail"]


def test_a_person_opens_one_review_with_the_token_and_sales_resolves_it(client):
    token = _create(client, "rev-1", **TINY)["review_token"]
    assert token and len(token) == 32 and "rev-1" not in token
    first = client.post(f"/v1/review/{token}", json={"message": "We are a 40-person team, not 3."})
    assert first.status_code == 201, first.text
    assert first.json()["status"] == "open" and "person will review" in first.json()["message"]
    assert "self_service" not in first.text and "rev-1" not in first.text
    assert first.json()["already_received"] is False and "Idempotent-Replayed" not in first.headers
    again = client.post(f"/v1/review/{token}", json={"message": "hello?"})
    assert again.status_code == 200 and again.json()["opened_at"] == first.json()["opened_at"]
    assert again.json()["already_received"] is True and again.headers["Idempotent-Replayed"] == "true"

    queue = client.get("/v1/reviews?status=open", headers=auth("sales"))
    assert queue.status_code == 200
    [item] = queue.json()["items"]
    assert (item["lead_id"], item["route"], item["control"], item["decision_seq"]) == (
        "rev-1",
        "self_service",
        "disqualification",
        1,
    )
    assert item["message"] == "We are a 40-person team, not 3."
    assert client.get("/v1/reviews").status_code == 401

    resolved = client.post(
        f"/v1/reviews/{item['id']}/resolution",
        json={"outcome": "misclassified", "note": "the size was a typo"},
        headers=auth("sales"),
    )
    assert resolved.status_code == 200, resolved.text
    assert (resolved.json()["status"], resolved.json()["resolved_by"]) == ("resolved", "test-sales")
    twice = client.post(
        f"/v1/reviews/{item['id']}/resolution", json={"outcome": "correct"}, headers=auth("sales")
    )
    assert twice.status_code == 409 and "already resolved" in twice.json()["detail"]
    assert client.get("/v1/reviews?status=open", headers=auth("sales")).json()["total"] == 0
    done = client.post(f"/v1/review/{token}")  # the same decision again: the resolved item, no new one
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    assert done.json()["already_received"] is True and "not added" not in done.json()["message"]
    late = client.post(f"/v1/review/{token}", json={"message": "one more thing"})
    assert late.json()["message"] == (
        "This decision was already reviewed by a person. This message was not added to your request."
    )
    assert client.get("/v1/reviews?status=all", headers=auth("sales")).json()["total"] == 1


def test_a_repeated_request_says_plainly_that_its_new_message_was_not_added(client):
    token = _create(client, "rev-again", **TINY)["review_token"]
    first = client.post(f"/v1/review/{token}", json={"message": "We are a 40-person team, not 3."})
    assert first.status_code == 201, first.text
    # A double click sends the same words: they did reach sales, with the first request.
    twice = client.post(f"/v1/review/{token}", json={"message": "We are a 40-person team, not 3."})
    assert twice.status_code == 200 and twice.json()["already_received"] is True
    assert twice.json()["message"] == (
        "We already have your request; a person will review the decision and get back to you."
    )
    added = client.post(f"/v1/review/{token}", json={"message": "Also: we are in Germany."})
    assert added.status_code == 200 and added.headers["Idempotent-Replayed"] == "true"
    assert added.json() == {
        "status": "open",
        "opened_at": first.json()["opened_at"],
        "message": "We already have your request; a person will review the decision and get back to you. "
        "This message was not added to your request.",
        "already_received": True,
    }
    # The whole answer above holds nothing of the decision; and nothing was written: one item, first words.
    [item] = _open_items(client, "rev-again")
    assert item["message"] == "We are a 40-person team, not 3."


def test_an_unknown_token_is_404_with_words_and_opens_nothing(client):
    response = client.post("/v1/review/0123456789abcdef0123456789abcdef", json={"message": "hi"})
    assert response.status_code == 404 and "review token" in response.json()["detail"]
    assert client.get("/v1/reviews?status=all", headers=auth("sales")).json()["total"] == 0
    too_long = client.post("/v1/review/x", json={"message": "m" * 2001})
    assert too_long.status_code == 422 and "message" in too_long.text
    bad_outcome = client.post("/v1/reviews/1/resolution", json={"outcome": "maybe"}, headers=auth("sales"))
    assert bad_outcome.status_code == 422
    no_item = client.post("/v1/reviews/999/resolution", json={"outcome": "correct"}, headers=auth("sales"))
    assert no_item.status_code == 404 and "no review item 999" in no_item.json()["detail"]


def _resolve(client, lead_id: str, outcome: str, **sections) -> None:
    token = _create(client, lead_id, **sections)["review_token"]
    assert client.post(f"/v1/review/{token}").status_code == 201
    items = client.get("/v1/reviews?status=open", headers=auth("sales")).json()["items"]
    [item] = [i for i in items if i["lead_id"] == lead_id]
    answer = client.post(
        f"/v1/reviews/{item['id']}/resolution", json={"outcome": outcome}, headers=auth("sales")
    )
    assert answer.status_code == 200


def _gauge(client, name: str) -> float | None:
    for line in client.get("/metrics").text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return None


def test_the_false_positive_rate_of_automatic_rejections_is_on_metrics(client):
    assert _gauge(client, "leadgate_review_false_positive_rate") is None  # no resolved review: no rate
    assert _gauge(client, "leadgate_review_rejections_resolved") == 0
    _resolve(client, "fp-1", "misclassified", **TINY)
    _resolve(client, "fp-2", "correct", **TINY)
    _resolve(client, "fp-3", "correct", **TINY)
    _resolve(client, "fp-good", "misclassified")  # sent to sales: not a rejection, not counted
    assert _gauge(client, "leadgate_review_rejections_resolved") == 3
    assert _gauge(client, "leadgate_review_false_positive_rate") == pytest.approx(1 / 3)


def test_review_requests_are_rate_limited_per_address(service_settings, store):
    from fastapi.testclient import TestClient

    from leadgate.serving.app import create_app

    settings = service_settings.model_copy(update={"rate_limit_reviews_per_ip": "2/minute"})
    with TestClient(create_app(settings, store=store, poll=False)) as client:
        token = _create(client, "rl-1", **TINY)["review_token"]
        assert client.post(f"/v1/review/{token}").status_code == 201
        assert client.post("/v1/review/not-a-token").status_code == 404  # guesses count too
        refused = client.post(f"/v1/review/{token}")
        assert refused.status_code == 429 and "review requests" in refused.json()["detail"]
        assert int(refused.headers["Retry-After"]) >= 1


def test_feedback_is_stored_with_the_label_training_takes(client):
    from leadgate.serving.feedback_store import feedback_of

    _create(client, "fb-1")
    for body, label in (
        ({"verdict": "accepted", "note": "booked a demo"}, "sql"),
        ({"verdict": "rejected", "reason": "wrong_geography"}, "not_sql"),
        ({"verdict": "rejected", "reason": "timing", "note": "budget next year"}, "none"),
    ):
        response = client.post("/v1/leads/fb-1/feedback", json=body, headers=auth("sales"))
        assert response.status_code == 201, response.text
        assert response.json()["label"] == label
    stored = feedback_of(client.app.state.store.engine, "fb-1")
    assert [(f["verdict"], f["reason"], f["recorded_by"]) for f in stored] == [
        ("accepted", None, "test-sales"),
        ("rejected", "wrong_geography", "test-sales"),
        ("rejected", "timing", "test-sales"),
    ]


BAD_FEEDBACK = [
    ({"verdict": "rejected"}, "a rejection needs a reason"),
    ({"verdict": "accepted", "reason": "timing"}, "takes no rejection reason"),
    ({"verdict": "rejected", "reason": "too_expensive"}, "reason"),
    ({"verdict": "maybe"}, "verdict"),
]


def test_bad_feedback_is_refused_with_words_and_nothing_is_stored(client):
    from leadgate.serving.feedback_store import feedback_of

    _create(client, "fb-bad")
    for body, words in BAD_FEEDBACK:
        response = client.post("/v1/leads/fb-bad/feedback", json=body, headers=auth("sales"))
        assert response.status_code == 422 and words in response.text, (body, response.text)
    assert feedback_of(client.app.state.store.engine, "fb-bad") == []
    missing = client.post("/v1/leads/nobody/feedback", json={"verdict": "accepted"}, headers=auth("sales"))
    assert missing.status_code == 404


def test_a_new_lead_has_no_change_of_p_sql_over_7_days(client):
    _create(client, "urg-1")
    view = sales_view(client, "urg-1")
    assert view["p_sql"] is not None and view["p_sql_change_7d"] is None


def _open_items(client, lead_id: str) -> list[dict]:
    items = client.get("/v1/reviews?status=all", headers=auth("sales")).json()["items"]
    return [i for i in items if i["lead_id"] == lead_id]


def test_a_review_disputes_the_answer_the_person_was_given_not_a_later_decision(client):
    token = _create(client, "seen-1", **TINY)["review_token"]  # the person is told: self-service
    demo = {"events": [{"type": "demo_request", "at": "2026-11-20T10:00:00Z"}]}
    later = client.post("/v1/leads/seen-1/events", json=demo, headers=auth("intake")).json()
    assert later["decision_seq"] == 2
    vip = {"route": "sales_ready", "reason_code": "vip"}
    assert client.post("/v1/leads/seen-1/override", json=vip, headers=auth("sales")).status_code == 201

    assert client.post(f"/v1/review/{token}", json={"message": "we are 40"}).status_code == 201
    [item] = _open_items(client, "seen-1")
    assert (item["decision_seq"], item["route"], item["control"]) == (1, "self_service", "disqualification")
    resolved = client.post(
        f"/v1/reviews/{item['id']}/resolution", json={"outcome": "misclassified"}, headers=auth("sales")
    )
    assert resolved.status_code == 200
    assert _gauge(client, "leadgate_review_rejections_resolved") == 1  # counts toward the rejection rate

    # An events answer carries its number: the person it was shown to disputes that one.
    again = client.post(f"/v1/review/{token}", json={"decision_seq": later["decision_seq"]})
    assert again.status_code == 201
    assert [i["decision_seq"] for i in _open_items(client, "seen-1")] == [1, 2]
    # The override's decision was never answered to anyone: it cannot be disputed as if it had been.
    never_told = client.post(f"/v1/review/{token}", json={"decision_seq": 3})
    assert never_told.status_code == 404 and "nothing opened" in never_told.json()["detail"]
    assert len(_open_items(client, "seen-1")) == 2


def test_each_answer_gets_its_own_review_whichever_is_disputed_first(client):
    token = _create(client, "two-1", **TINY)["review_token"]
    assert _events(client, "two-1")["decision_seq"] == 2
    later = client.post(f"/v1/review/{token}", json={"decision_seq": 2})
    assert later.status_code == 201, later.text
    # The answer at arrival is another decision: its own item, though the events answer's is open.
    arrival = client.post(f"/v1/review/{token}", json={})
    assert arrival.status_code == 201, arrival.text
    assert sorted(i["decision_seq"] for i in _open_items(client, "two-1")) == [1, 2]
    assert client.post(f"/v1/review/{token}", json={}).status_code == 200  # a repeat: the same item


@pytest.mark.parametrize("seq", [True, "2", 2.0])
def test_a_review_names_its_decision_by_a_json_integer(client, seq):
    token = _create(client, "typed-1")["review_token"]
    refused = client.post(f"/v1/review/{token}", json={"decision_seq": seq})
    assert refused.status_code == 422, refused.text
    assert _open_items(client, "typed-1") == []
