"""The scoring API end to end on a real store (SQLite and PostgreSQL) and the session's champion."""

import json

import pytest
from sqlalchemy import update

from leadgate.serving.store_models import DecisionGateRow
from tests.factories import lead_dict
from tests.serving.conftest import auth

# review_token: the opaque token with which the person may ask for a human review (GDPR Art. 22).
PUBLIC_KEYS = {"lead_id", "next_step", "message", "review_token"}


def post(client, lead, role="intake", **headers):
    return client.post("/v1/leads", json=lead, headers={**auth(role), **headers})


def test_create_answers_only_the_public_part_and_stores_everything(client):
    response = post(client, lead_dict(lead_id="api-1"))
    assert response.status_code == 201
    body = response.json()
    assert set(body) == PUBLIC_KEYS and body["lead_id"] == "api-1"
    decision = client.get("/v1/leads/api-1/decision", headers=auth("sales")).json()
    assert decision["route"] and decision["policy_version"].startswith("default@")
    assert decision["model_version"].startswith("leadgate/") and decision["model_missing"] is False
    assert decision["p_sql"] is not None and decision["band"]
    assert decision["negative_reasons"] or decision["positive_reasons"]
    assert [h["seq"] for h in decision["history"]] == [1]


def test_the_sales_view_shows_points_and_recovery_the_public_answer_neither(client):
    response = post(client, lead_dict(lead_id="api-rec", contact={"email": "maria@gmail.com"}))
    assert set(response.json()) == PUBLIC_KEYS
    decision = client.get("/v1/leads/api-rec/decision", headers=auth("sales")).json()
    gate = next(g for g in decision["gates"] if g["code"] == "personal_email")
    assert "company email address" in gate["recovery"]
    assert gate["recovery"] not in json.dumps(response.json())
    against = decision["negative_reasons"]
    assert against and all(r["points"] < 0 and r["recovery"] for r in against)
    assert all(r["points"] > 0 and r["recovery"] is None for r in decision["positive_reasons"])


@pytest.mark.parametrize(
    ("sections", "next_step", "words"),
    [
        ({"company": {"employees": 3}}, "self_service", "smaller teams"),
        ({"company": {"industry": "gambling"}}, "self_service", "check back later"),
        ({"contact": {"job_title": "Marketing Intern"}}, "self_service", "guide you can share"),
        ({"form": {"honeypot": "x"}}, "thank_you", "submission has been received"),
        ({"contact": {"email": "x@pipelineiq.com"}}, "thank_you", "submission has been received"),
    ],
)
def test_public_message_by_category_never_reveals_the_criteria(client, sections, next_step, words):
    lead = lead_dict(lead_id=f"cat-{next_step}-{words[:5]}", **sections)
    body = post(client, lead).json()
    assert body["next_step"] == next_step and words in body["message"]
    text = json.dumps(body).lower()
    for secret in (
        "gate",
        "reason",
        "score",
        "p_sql",
        "employees",
        "intern",
        "gambling",
        "competitor",
        "honeypot",
        "0.",
    ):
        assert secret not in text, secret


def test_repeated_lead_id_or_key_returns_the_same_answer_and_writes_nothing(client):
    first = post(client, lead_dict(lead_id="idem-1"), **{"Idempotency-Key": "k-1"})
    again = post(client, lead_dict(lead_id="idem-1"))
    by_key = post(client, lead_dict(lead_id="idem-1"), **{"Idempotency-Key": "k-1"})
    assert first.status_code == 201 and again.status_code == by_key.status_code == 200
    assert again.json() == first.json() == by_key.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    history = client.get("/v1/leads/idem-1/decision", headers=auth("sales")).json()["history"]
    assert len(history) == 1
    conflict = post(client, lead_dict(lead_id="idem-2"), **{"Idempotency-Key": "k-1"})
    assert conflict.status_code == 409 and "idem-1" in conflict.json()["detail"]


def test_events_rescore_and_append_a_decision(client):
    lead = lead_dict(lead_id="ev-1", company={"employees": 4}, events=[])
    assert post(client, lead).json()["next_step"] == "self_service"
    events = {"events": [{"type": "demo_request", "at": "2099-01-01T00:00:00Z"}]}
    # A demo request in the future is not activity yet; one now lifts the size-floor gate.
    from datetime import UTC, datetime

    events = {"events": [{"type": "demo_request", "at": datetime.now(UTC).isoformat()}]}
    response = client.post("/v1/leads/ev-1/events", json=events, headers=auth("intake"))
    assert response.status_code == 200 and response.json()["decision_seq"] == 2
    assert response.json()["next_step"] == "verify"
    decision = client.get("/v1/leads/ev-1/decision", headers=auth("sales")).json()
    assert [h["route"] for h in decision["history"]] == ["self_service", "verify"]
    assert decision["gates"][0]["lifted"] is True
    repeat = client.post("/v1/leads/ev-1/events", json=events, headers=auth("intake")).json()
    assert repeat["decision_seq"] == 3  # re-scored, but the repeated event is not counted twice
    missing = client.post("/v1/leads/nope/events", json=events, headers=auth("intake"))
    assert missing.status_code == 404


def test_listing_filters_by_route_gate_and_time_with_paging(client):
    for i in range(5):
        post(client, lead_dict(lead_id=f"list-small-{i}", company={"employees": 2}))
    for i in range(3):
        post(client, lead_dict(lead_id=f"list-ok-{i}"))
    page = client.get(
        "/v1/leads", params={"gate": "below_size_floor", "limit": 2}, headers=auth("sales")
    ).json()
    assert page["total"] == 5 and len(page["items"]) == 2 and page["next_offset"] == 2
    assert all("below_size_floor" in item["gates"] for item in page["items"])
    routes = client.get("/v1/leads", params={"route": "self_service"}, headers=auth("sales")).json()
    assert routes["total"] >= 5 and {i["route"] for i in routes["items"]} == {"self_service"}
    future = client.get("/v1/leads", params={"since": "2999-01-01T00:00:00Z"}, headers=auth("sales")).json()
    assert future["total"] == 0
    bad = client.get("/v1/leads", params={"route": "vip"}, headers=auth("sales"))
    assert bad.status_code == 422
    # A gate of the policy that stopped nobody is an empty page; a misspelt one is named, with the real ones.
    quiet = client.get("/v1/leads", params={"gate": "phishing_request"}, headers=auth("sales"))
    assert quiet.status_code == 200 and quiet.json()["total"] == 0
    typo = client.get("/v1/leads", params={"gate": "below_size_flor"}, headers=auth("sales"))
    assert typo.status_code == 422
    (said,) = typo.json()["detail"]  # the shape of every other 422: [{field, problem, type}]
    assert said["field"] == "query.gate" and "no gate 'below_size_flor' in policy" in said["problem"]
    assert "below_size_floor" in said["problem"]
    # A real gate that the other filters leave nothing of is an empty page, not "unknown".
    later = {"gate": "below_size_floor", "since": "2999-01-01T00:00:00Z"}
    assert client.get("/v1/leads", params=later, headers=auth("sales")).json()["total"] == 0
    # A code today's policy lacks but an earlier decision of a stored lead names (an older policy's gate).
    store = client.app.state.store
    assert store.gate_named("below_size_floor") and not store.gate_named("retired_gate")
    with store.engine.begin() as connection:
        connection.execute(
            update(DecisionGateRow)
            .where(DecisionGateRow.code == "below_size_floor")
            .values(code="retired_gate")
        )
    retired = client.get(
        "/v1/leads", params={"gate": "retired_gate", "route": "verify"}, headers=auth("sales")
    )
    assert retired.status_code == 200, retired.text


@pytest.mark.parametrize(
    ("method", "path", "role", "status"),
    [
        ("post", "/v1/leads", None, 401),
        ("post", "/v1/leads", "sales", 403),
        ("get", "/v1/leads/x/decision", "intake", 403),
        ("get", "/v1/leads", None, 401),
        ("get", "/v1/leads/x/decision", "admin", 404),
    ],
)
def test_keys_and_roles(client, method, path, role, status):
    headers = auth(role) if role else {}
    response = getattr(client, method)(
        path, headers=headers, **({"json": lead_dict()} if method == "post" else {})
    )
    assert response.status_code == status
    wrong = getattr(client, method)(path, headers={"Authorization": "Bearer wrong"})
    assert wrong.status_code == 401


def test_invalid_lead_is_422_with_field_paths_and_nothing_stored(client):
    response = post(client, lead_dict(lead_id="bad-1", company={"employees": -5}, form={"inquiry_type": "x"}))
    assert response.status_code == 422
    fields = {p["field"] for p in response.json()["detail"]}
    assert {"company.employees", "form.inquiry_type"} <= fields
    assert client.get("/v1/leads/bad-1/decision", headers=auth("sales")).status_code == 404


def test_a_time_that_is_no_iso_8601_is_422_asking_for_iso_8601_under_its_field(client):
    events = [{"type": "page_view", "at": "2026-11-01T10:00:00Z"}, {"type": "page_view", "at": "01.11.2026"}]
    response = post(client, lead_dict(lead_id="bad-time", created_at="02.12.2026", events=events))
    assert response.status_code == 422
    problems = {p["field"]: p["problem"] for p in response.json()["detail"]}
    example = "expected an ISO 8601 date or time, such as 2026-12-02 or 2026-12-02T09:30:00Z"
    assert problems == {
        "created_at": f"{example}, got '02.12.2026'",
        "events.1.at": f"{example}, got '01.11.2026'",
    }


def test_oversized_body_is_413(client, service_settings):
    big = lead_dict(lead_id="big", form={"message": "x" * (service_settings.max_body_bytes + 10)})
    assert post(client, big).status_code == 413


def test_health_ready_and_metrics(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["store"] == ready["api_keys"] == "ok" and ready["model"].startswith("leadgate/")
    post(client, lead_dict(lead_id="metrics-1", company={"employees": 1}))
    text = client.get("/metrics").text
    assert 'leadgate_decisions_total{route="self_service",trigger="created"}' in text
    assert 'leadgate_gate_fired_total{code="below_size_floor",lifted="false"}' in text
    assert "leadgate_request_seconds_bucket" in text and "leadgate_model_loaded 1.0" in text


def test_concurrent_event_posts_never_lose_activity(client):
    from concurrent.futures import ThreadPoolExecutor
    from datetime import UTC, datetime, timedelta

    post(client, lead_dict(lead_id="race-1", events=[]))
    base = datetime.now(UTC) - timedelta(hours=2)

    def send(i):
        at = (base + timedelta(seconds=i)).isoformat()
        body = {"events": [{"type": "page_view", "at": at}]}
        return client.post("/v1/leads/race-1/events", json=body, headers=auth("intake")).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        codes = list(pool.map(send, range(40)))
    assert codes == [200] * 40
    decision = client.get("/v1/leads/race-1/decision", headers=auth("sales")).json()
    assert len(decision["history"]) == 41
    assert sorted(h["seq"] for h in decision["history"]) == list(range(1, 42))
    # Every page view is in the stored lead: the last decision was made on all 40.
    store = client.app.state.store
    assert len(store.lead("race-1")["events"]) == 40


def test_repeated_events_count_once_whatever_their_time_zone_spelling(client):
    post(client, lead_dict(lead_id="dup-1", events=[]))
    same = [
        {"type": "email_reply", "at": "2026-11-02T10:00:00"},
        {"type": "email_reply", "at": "2026-11-02T10:00:00Z"},
        {"type": "email_reply", "at": "2026-11-02T11:00:00+01:00"},
    ]
    client.post("/v1/leads/dup-1/events", json={"events": same}, headers=auth("intake"))
    assert len(client.app.state.store.lead("dup-1")["events"]) == 1


def test_since_filter_respects_the_callers_time_zone(client):
    from datetime import UTC, datetime, timedelta, timezone

    post(client, lead_dict(lead_id="tz-1"))
    plus5 = timezone(timedelta(hours=5))
    hour_ago = (datetime.now(UTC) - timedelta(hours=1)).astimezone(plus5).isoformat()
    in_an_hour = (
        (datetime.now(UTC) + timedelta(hours=1)).astimezone(timezone(timedelta(hours=-5))).isoformat()
    )
    assert client.get("/v1/leads", params={"since": hour_ago}, headers=auth("sales")).json()["total"] >= 1
    assert client.get("/v1/leads", params={"since": in_an_hour}, headers=auth("sales")).json()["total"] == 0


def test_oversized_chunked_body_is_413_too(client, service_settings):
    body = json.dumps(
        lead_dict(lead_id="big-chunked", form={"message": "y" * (service_settings.max_body_bytes + 10)})
    )

    def chunks():
        data = body.encode()
        for start in range(0, len(data), 16_384):
            yield data[start : start + 16_384]

    response = client.post(
        "/v1/leads", content=chunks(), headers={**auth("intake"), "Content-Type": "application/json"}
    )
    assert response.status_code == 413


def test_an_empty_idempotency_key_or_an_infinite_number_is_a_clear_422_and_nothing_is_stored(client):
    empty = post(client, lead_dict(lead_id="empty-key"), **{"Idempotency-Key": ""})
    assert empty.status_code == 422 and "idempotency-key" in empty.text.lower()
    assert client.get("/v1/leads/empty-key/decision", headers=auth("sales")).status_code == 404
    for lead_id, number in (("inf-revenue", "1e400"), ("inf-cost", "Infinity")):
        body = json.dumps(lead_dict(lead_id=lead_id)).replace(
            '"annual_revenue": 60000000', f'"annual_revenue": {number}'
        )
        response = client.post(
            "/v1/leads", content=body, headers={**auth("intake"), "Content-Type": "application/json"}
        )
        assert response.status_code == 422, (number, response.status_code, response.text)
        assert "annual_revenue" in response.text
        assert client.get(f"/v1/leads/{lead_id}/decision", headers=auth("sales")).status_code == 404


def test_numbers_as_times_and_times_past_the_calendar_are_clear_422s(client):
    as_number = post(client, {**lead_dict(lead_id="num-time"), "created_at": 1e9})
    assert as_number.status_code == 422 and "not a number" in as_number.text
    far = client.get("/v1/leads", params={"since": "0001-01-01T00:00:00+01:00"}, headers=auth("sales"))
    assert far.status_code == 422 and "is before 0001-01-01T00:00:00Z in UTC" in far.text
    assert post(client, lead_dict(lead_id="known-lead")).status_code == 201
    late = client.put(
        "/v1/leads/known-lead/outcome",
        json={"sql": False, "at": "9999-12-31T23:59:59-01:00"},
        headers=auth("sales"),
    )
    assert late.status_code == 422 and "9999-12-31T23:59:59-01:00 is more than a day after now" in late.text


def test_a_nul_in_outcome_text_or_in_a_path_id_is_a_422_on_both_stores(client):
    assert post(client, lead_dict(lead_id="nul-lead")).status_code == 201
    nul = client.put(
        "/v1/leads/nul-lead/outcome", json={"sql": False, "feedback": "call\u0000back"}, headers=auth("sales")
    )
    assert nul.status_code == 422 and "feedback" in nul.text
    for path in ("/v1/leads/%00/decision", "/v1/leads/a%00b/decision"):
        response = client.get(path, headers=auth("sales"))
        assert response.status_code == 422, (path, response.status_code)
    events = {"events": [{"type": "page_view", "at": "2026-11-20T11:00:00Z"}]}
    assert client.post("/v1/leads/%00/events", json=events, headers=auth("intake")).status_code == 422


def test_the_openapi_schema_lists_every_status_each_route_answers(client):
    paths = client.get("/openapi.json").json()["paths"]

    def statuses(path, method):
        return set(paths[path][method]["responses"])

    writes = {"400", "401", "403", "413", "422", "503"}
    assert statuses("/v1/leads", "post") >= writes | {"200", "201", "409"}
    assert statuses("/v1/leads/{lead_id}/events", "post") >= writes | {"200", "404"}
    assert statuses("/v1/leads/{lead_id}/outcome", "put") >= writes | {"200", "404"}
    assert statuses("/v1/leads", "get") >= {"200", "401", "403", "422", "503"}
    assert statuses("/v1/leads/{lead_id}/decision", "get") >= {"200", "401", "403", "404", "422", "503"}
    read_503 = paths["/v1/leads"]["get"]["responses"]["503"]["description"]
    write_503 = paths["/v1/leads"]["post"]["responses"]["503"]["description"]
    assert "nothing was stored" not in read_503 and "nothing was stored" in write_503


def test_every_example_in_the_openapi_schema_is_valid_against_its_schema(service_settings):
    import jsonschema

    from leadgate.serving.app import create_app

    openapi = create_app(service_settings).openapi()
    schemas = openapi["components"]["schemas"]
    checked = 0
    for schema in schemas.values():
        for example in schema.get("examples", []):
            # References point into the components: the schema is checked inside its document.
            jsonschema.validate(example, {**schema, "components": {"schemas": schemas}})
            checked += 1
    assert checked >= 3, "the schema's examples went missing"
    paths = openapi["paths"]
    assert "409" in paths["/v1/leads/{lead_id}/override"]["post"]["responses"]  # all contact stopped
    assert "404" in paths["/v1/review/{token}"]["post"]["responses"]  # no answer with this decision_seq


def test_a_store_outage_on_a_read_is_a_503_that_does_not_speak_of_storing(service_settings, tmp_path):
    from fastapi.testclient import TestClient

    from leadgate.serving.app import create_app
    from leadgate.serving.store import DecisionStore, make_engine, migrate

    folder = tmp_path / "db"
    engine = make_engine(f"sqlite:///{folder / 'decisions.db'}")
    migrate(engine)
    with TestClient(create_app(service_settings, store=DecisionStore(engine), poll=False)) as client:
        assert post(client, lead_dict(lead_id="before")).status_code == 201
        folder.rename(tmp_path / "away")  # the database disappears under the service
        engine.dispose()
        read = client.get("/v1/leads", headers=auth("sales"))
        write = post(client, lead_dict(lead_id="during"))
    assert read.status_code == write.status_code == 503 and read.headers["Retry-After"]
    assert "nothing was stored" not in read.json()["detail"] and "retry" in read.json()["detail"]
    assert "nothing was stored" in write.json()["detail"]


def test_json_errors_name_the_line_and_column_not_a_character_offset(client):
    body = '{\n  "lead_id": "json-1",\n  "created_at": 2026-11-01\n}'
    response = client.post(
        "/v1/leads", content=body, headers={**auth("intake"), "Content-Type": "application/json"}
    )
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["field"] == "body"
    assert problem["problem"] == "body is not valid JSON: Expecting ',' delimiter at line 3 column 21"


def test_form_answers_are_read_stored_and_documented(client):
    answers = {
        "product": "enterprise",
        "stack": "Excel, Mailchimp",
        "deployment": "on_prem",
        "compliance": ["FedRAMP"],
    }
    lead = lead_dict(lead_id="api-answers", company={"crm": None}, form={"answers": answers})
    assert post(client, lead).status_code == 201
    decision = client.get("/v1/leads/api-answers/decision", headers=auth("sales")).json()
    technology = {"missing_integration", "deployment_mismatch", "unmet_compliance"}
    assert technology <= {g["code"] for g in decision["gates"]} and decision["route"] == "nurture"
    # Rescoring on new events reads the stored lead: its answers were kept.
    events = {"events": [{"type": "page_view", "at": "2026-11-02T09:00:00Z"}]}
    client.post("/v1/leads/api-answers/events", json=events, headers=auth("intake"))
    again = client.get("/v1/leads/api-answers/decision", headers=auth("sales")).json()
    assert technology <= {g["code"] for g in again["gates"]} and len(again["history"]) == 2
    documented = client.get("/openapi.json").json()["components"]["schemas"]["FormAnswers"]["properties"]
    assert set(documented) == set(answers) and "FedRAMP" in documented["compliance"]["description"]


def test_the_docs_example_lead_is_where_the_readme_reads_it_and_is_accepted(client):
    # README: a server deployed without the demo's example_lead.json posts the API docs' example instead.
    spec = client.get("/openapi.json").json()
    lead = spec["paths"]["/v1/leads"]["post"]["requestBody"]["content"]["application/json"]["examples"][
        "lead"
    ]
    answer = client.post("/v1/leads", json=lead["value"], headers=auth("intake"))
    assert answer.status_code == 201 and answer.json()["lead_id"] == "crm-00042"


def test_readyz_is_503_while_no_api_key_is_configured_and_healthz_stays_200(service_settings, store):
    # Walk: with no key /readyz said 200, so a balancer sent every lead to a service refusing each with 401.
    from fastapi.testclient import TestClient

    from leadgate.serving.app import create_app

    keyless = service_settings.model_copy(update={"api_keys": []})
    with TestClient(create_app(keyless, store=store, poll=False)) as client:
        ready, head, live = client.get("/readyz"), client.head("/readyz"), client.get("/healthz")
        refused = post(client, lead_dict(lead_id="keyless-1"))
    assert ready.status_code == head.status_code == 503 and live.status_code == 200
    assert ready.json()["api_keys"].startswith("none configured (LEADGATE_API_KEYS)")
    assert ready.json()["store"] == "ok" and ready.json()["model"].startswith("leadgate/")
    assert refused.status_code == 401
