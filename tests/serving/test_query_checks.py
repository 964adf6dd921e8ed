"""A query parameter is read only if the route declares it, and only once: a typo or a repeat is refused by name."""

from __future__ import annotations

from tests.factories import lead_dict
from tests.serving.conftest import auth

PROBES = ["/healthz", "/readyz", "/metrics"]


def test_a_repeated_query_parameter_is_a_422_naming_it(client):
    refused = client.get("/v1/leads?route=sales_ready&route=verify", headers=auth("sales"))
    assert refused.status_code == 422, refused.text
    [problem] = refused.json()["detail"]
    assert problem["field"] == "query.route" and problem["type"] == "repeated_parameter"
    assert "given 2 times ('sales_ready', 'verify')" in problem["problem"]
    # Once each, several parameters still read as before.
    assert client.get("/v1/leads?route=verify&limit=5", headers=auth("sales")).status_code == 200


def test_a_misspelt_filter_is_a_422_naming_it_and_the_one_meant_never_the_unfiltered_list(client):
    for lead_id, sections in [("q-small", {"company": {"employees": 2}}), ("q-ok", {})]:
        assert client.post(
            "/v1/leads", json=lead_dict(lead_id=lead_id, **sections), headers=auth("intake")
        ).is_success
    leads = client.get("/v1/leads?rout=self_service", headers=auth("sales"))
    assert leads.status_code == 422, leads.text
    assert leads.json()["detail"] == [
        {
            "field": "query.rout",
            "problem": "'rout' is not a parameter of GET /v1/leads (it takes route, gate, since, limit, offset): "
            "did you mean route?",
            "type": "unknown_parameter",
        }
    ]
    spelt = client.get("/v1/leads?route=self_service", headers=auth("sales")).json()
    assert [item["lead_id"] for item in spelt["items"]] == ["q-small"]

    reviews = client.get("/v1/reviews?stauts=resolved", headers=auth("sales"))
    assert reviews.status_code == 422, reviews.text
    [problem] = reviews.json()["detail"]
    assert problem["field"] == "query.stauts" and problem["type"] == "unknown_parameter"
    assert problem["problem"].endswith("(it takes status, limit, offset): did you mean status?")
    assert (
        client.get("/v1/reviews?status=resolved&limit=5&offset=0", headers=auth("sales")).status_code == 200
    )


def test_a_refused_write_stores_nothing(client):
    refused = client.post("/v1/leads?dry_run=true", json=lead_dict(lead_id="q-dry"), headers=auth("intake"))
    assert refused.status_code == 422, refused.text
    [problem] = refused.json()["detail"]
    assert problem["problem"] == (
        "'dry_run' is not a parameter of POST /v1/leads (it takes no query parameter); nothing was changed"
    )
    assert client.get("/v1/leads/q-dry/decision", headers=auth("sales")).status_code == 404
    assert client.get("/v1/leads", headers=auth("sales")).json()["total"] == 0


def test_every_declared_parameter_of_every_operation_is_read_and_only_an_undeclared_one_is_named(client):
    # Whatever the values' own fate (a 422 for their form, a 404 for no such lead), only `zz` is unknown.
    spec = client.get("/openapi.json").json()
    sent = 0
    for path, operations in spec["paths"].items():
        if path in PROBES:
            continue
        for method, operation in operations.items():
            names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
            url = path.replace("{kind}", "blocked_domains").replace("{", "").replace("}", "")
            params = {**{name: "1" for name in names}, "zz": "1"}
            answer = client.request(method, url, params=params, headers=auth("admin"))
            assert answer.status_code == 422, (method, path, answer.text)
            [unknown] = [p for p in answer.json()["detail"] if p["type"] == "unknown_parameter"]
            assert unknown["field"] == "query.zz", (method, path, unknown)
            sent += len(names)
    assert sent >= 10


def test_probes_and_the_scrape_answer_whatever_their_caller_adds(client):
    # A cache-buster or a Prometheus job's `params:` must not fail a probe: these read no parameter at all.
    for path in PROBES:
        assert client.get(f"{path}?_=1&name[]=a&name[]=b").status_code == 200, path
    for path in ["/healthz", "/readyz"]:
        assert client.head(f"{path}?_=1&_=2").status_code == 200, path


def test_the_check_takes_the_names_the_openapi_schema_lists_and_every_operation_declares_its_422(
    service_settings,
):
    from fastapi.routing import APIRoute

    from leadgate.serving.app import create_app
    from leadgate.serving.query_checks import UNCHECKED_PATHS, declared_query

    app = create_app(service_settings, poll=False)
    spec = app.openapi()

    def routes(candidates):
        for route in candidates:
            if isinstance(route, APIRoute):
                yield route
            yield from routes(getattr(getattr(route, "original_router", None), "routes", []))

    checked = 0
    for route in routes(app.routes):
        for method in route.methods:
            operation = spec["paths"].get(route.path, {}).get(method.lower())
            if operation is None:
                assert route.path in UNCHECKED_PATHS, route.path  # only probes stay out of the schema
                continue
            listed = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
            assert list(declared_query(route)) == listed, (method, route.path)
            assert ("422" in operation["responses"]) is (route.path not in UNCHECKED_PATHS), (
                method,
                route.path,
            )
            checked += 1
    assert checked >= 20
    assert set(PROBES) == UNCHECKED_PATHS
