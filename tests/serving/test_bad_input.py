"""Every bad input the API can be sent, on both stores: a clear 4xx naming the problem, and nothing stored."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from leadgate.serving.store_models import Base, LeadRow, OutcomeRow
from tests.factories import lead_dict
from tests.serving.conftest import auth

KNOWN = "bi-known"  # a stored lead the events and outcome cases aim at
LONG = 2_000  # characters: long enough to pass no length limit, short enough for the body limit


@dataclass(frozen=True)
class Bad:
    """One bad request, the status it must get, and words its detail must contain."""

    name: str
    path: str
    body: object = None  # dict/list/number: sent as JSON; str or bytes: sent as the raw body
    status: int = 422
    says: str | tuple[str, ...] = ""  # every one of these words, in any case
    method: str = "post"
    role: str | None = "intake"
    headers: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)


def lead(lead_id: str, **sections) -> dict:
    return lead_dict(lead_id=lead_id, **sections)


def with_raw(lead_id: str, dotted: str, raw: str) -> str:
    """A lead's JSON text with one field's value replaced by raw JSON text (e.g. 1e400 or "\\ud800")."""
    data = lead(lead_id)
    section, _, name = dotted.partition(".")
    if name:
        data.setdefault(section, {})[name] = "@@RAW@@"
    else:
        data[section] = "@@RAW@@"
    return json.dumps(data).replace('"@@RAW@@"', raw)


def leads_case(name: str, body, says: str, status: int = 422, **extra) -> Bad:
    return Bad(name, "/v1/leads", body, status, says, **extra)


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


EVENTS = "/v1/leads/bi-known/events"
OUTCOME = "/v1/leads/bi-known/outcome"
NOW = "2026-11-20T11:00:00Z"
SOON = (datetime.now(UTC) + timedelta(days=30)).isoformat()  # 2027-06-01 when the issue was found

CASES = [
    # From the issue: each of these was a 5xx on one store or both.
    leads_case("empty idempotency key", lead("bi-1"), "idempotency-key", headers={"Idempotency-Key": ""}),
    leads_case("infinite revenue", with_raw("bi-2", "company.annual_revenue", "Infinity"), "annual_revenue"),
    leads_case("1e400 revenue", with_raw("bi-3", "company.annual_revenue", "1e400"), "annual_revenue"),
    leads_case("NaN cost", with_raw("bi-4", "source.cost", "NaN"), "source.cost"),
    leads_case("-Infinity seconds", with_raw("bi-5", "form.seconds_on_form", "-Infinity"), "seconds_on_form"),
    leads_case("number as created_at", with_raw("bi-6", "created_at", "1e9"), "not a number"),
    # Past the calendar in UTC, said as a moment within it is: the rule it breaks, the value as sent.
    leads_case(
        "created_at past the calendar",
        lead("bi-7", created_at="9999-12-31T23:59:59-01:00"),
        ("created_at", "9999-12-31T23:59:59-01:00 is more than a day after now"),
    ),
    leads_case("created_at in year 9999", lead("bi-7b", created_at="9999-12-30T00:00:00Z"), "after now"),
    leads_case(
        "created_at before the calendar",
        lead("bi-8", created_at="0001-01-01T00:00:00+01:00"),
        ("created_at", "0001-01-01T00:00:00+01:00 is before 1990-01-01"),
    ),
    Bad(
        "since before the calendar",
        "/v1/leads",
        method="get",
        role="sales",
        says=("since", "0001-01-01T00:00:00+01:00 is before 0001-01-01T00:00:00Z in UTC"),
        params={"since": "0001-01-01T00:00:00+01:00"},
    ),
    Bad(
        "since past the calendar",
        "/v1/leads",
        method="get",
        role="sales",
        says=("since", "9999-12-31T23:59:59-01:00 is after 9999-12-31T23:59:59Z in UTC"),
        params={"since": "9999-12-31T23:59:59-01:00"},
    ),
    Bad(
        "outcome at past the calendar",
        OUTCOME,
        {"sql": False, "at": "9999-12-31T23:59:59-01:00"},
        method="put",
        role="sales",
        says=("at", "9999-12-31T23:59:59-01:00 is more than a day after now"),
    ),
    Bad(
        "suppression expiring past the calendar",
        "/v1/suppressions",
        {
            "subject": "x@ex.com",
            "contact": "marketing_email",
            "reason": "t",
            "expires_at": "9999-12-31T23:59:59-14:00",
        },
        role="sales",
        says=("expires_at", "9999-12-31T23:59:59-14:00 is after 9999-12-31T23:59:59Z in UTC"),
    ),
    Bad(
        "suppression expiring before the calendar",
        "/v1/suppressions",
        {
            "subject": "x@ex.com",
            "contact": "all_contact",
            "reason": "t",
            "expires_at": "0001-01-01T00:00:00+14:00",
        },
        role="sales",
        says=("expires_at", "0001-01-01T00:00:00+14:00 is before 0001-01-01T00:00:00Z in UTC"),
    ),
    Bad(
        "NUL in outcome feedback",
        OUTCOME,
        {"sql": False, "feedback": "a\u0000b"},
        method="put",
        role="sales",
        says="feedback",
    ),
    Bad(
        "NUL in rejection reason",
        OUTCOME,
        {"sql": False, "rejection_reason": "\u0000"},
        method="put",
        role="sales",
        says="rejection_reason",
    ),
    Bad("%00 lead id, decision", "/v1/leads/%00/decision", method="get", role="sales", says="lead_id"),
    Bad(
        "%00 lead id, events",
        "/v1/leads/a%00/events",
        {"events": [{"type": "page_view", "at": NOW}]},
        says="lead_id",
    ),
    Bad(
        "%00 lead id, outcome",
        "/v1/leads/%00/outcome",
        {"sql": True},
        method="put",
        role="sales",
        says="lead_id",
    ),
    # NUL and unpaired surrogates in every kind of text a lead carries.
    leads_case("NUL in lead_id", lead("bi-\u0000"), "lead_id"),
    leads_case(
        "NUL in first name", lead("bi-10", contact={"first_name": "Ma\u0000ria"}), ("first_name", "NUL")
    ),
    leads_case("NUL in company name", lead("bi-11", company={"name": "\u0000"}), ("company.name", "NUL")),
    leads_case("NUL in message", lead("bi-12", form={"message": "hi\u0000"}), ("form.message", "NUL")),
    leads_case("NUL in ip", lead("bi-13", source={"ip": "1.2.3.4\u0000"}), ("source.ip", "NUL")),
    leads_case(
        "ip no address", lead("bi-13b", source={"ip": "not-an-ip"}), ("source.ip", "not an IPv4 or IPv6")
    ),
    leads_case("NUL in custom text", lead("bi-14", custom={"segment": "a\u0000"}), ("custom", "NUL")),
    leads_case("NUL in custom name", lead("bi-15", custom={"seg\u0000": "a"}), "custom"),
    leads_case("NUL in event type", lead("bi-16", events=[{"type": "page_view\u0000", "at": NOW}]), "events"),
    leads_case(
        "NUL in event time", lead("bi-17", events=[{"type": "page_view", "at": NOW + "\u0000"}]), "events"
    ),
    leads_case(
        "surrogate in lead_id", with_raw("bi-18", "lead_id", '"bi-\\ud800"'), ("lead_id", "surrogate")
    ),
    # Control and invisible characters in ids: "bi-c1x" and "bi-c1x" with a zero-width space print alike.
    *(
        leads_case(
            f"U+{ord(c):04X} in lead_id", lead(f"bi-c{c}1x"), ("lead_id", f"U+{ord(c):04X}", "invisible")
        )
        for c in "\u007f\u0085\u009b\u2028\u2029\u202e\u200b"
    ),
    # Fillers, joiners and private use print as nothing; a no-break space prints as a space: "bi-c 1x" twice.
    *(
        leads_case(
            f"U+{ord(c):04X} in lead_id", lead(f"bi-c{c}1x"), ("lead_id", f"U+{ord(c):04X}", "invisible")
        )
        for c in "\u3164\u115f\u034f\ue000\U000f0000\xa0\u3000\u2007"
    ),
    Bad(
        "no-break space in a path lead id",
        "/v1/leads/bi-%C2%A0known/decision",
        method="get",
        role="sales",
        says=("lead_id", "U+00A0 NO-BREAK SPACE"),
    ),
    Bad(
        "trailing no-break space in a path lead id",  # a path is not stripped: "bi-known " is not bi-known
        "/v1/leads/bi-known%C2%A0/decision",
        method="get",
        role="sales",
        says=("lead_id", "U+00A0"),
    ),
    leads_case(
        "Hangul filler in the idempotency key",
        lead("bi-23"),
        ("idempotency-key", "U+3164 HANGUL FILLER"),
        headers={"Idempotency-Key": "form-\u31647f3a".encode()},
    ),
    leads_case(
        "no-break space in the idempotency key",
        lead("bi-24"),
        ("idempotency-key", "U+00A0"),
        headers={"Idempotency-Key": "form-\xa07f3a".encode()},
    ),
    Bad(
        "no-break space in a suppression subject",
        "/v1/suppressions",
        {"subject": "dana\xa0kim@acme-robotics.com", "contact": "all_contact", "reason": "t"},
        role="sales",
        says=("invisible", "U+00A0 NO-BREAK SPACE"),
    ),
    Bad(
        "private-use character in a suppression subject",
        "/v1/suppressions",
        {"subject": "dana\ue000@acme-robotics.com", "contact": "all_contact", "reason": "t"},
        role="sales",
        says=("invisible", "U+E000 PRIVATE USE CHARACTER"),
    ),
    Bad(
        "ideographic space in a subject asked about",
        "/v1/suppressions",
        method="get",
        role="sales",
        params={"subject": "dana\u3000kim@acme-robotics.com"},
        says=("invisible", "U+3000"),
    ),
    Bad(
        "zero-width space in a path lead id",
        "/v1/leads/bi-%E2%80%8Bknown/decision",
        method="get",
        role="sales",
        says=("lead_id", "U+200B"),
    ),
    leads_case(
        "zero-width space in the idempotency key",
        lead("bi-21"),
        ("idempotency-key", "U+200B"),
        headers={"Idempotency-Key": "form-\u200b7f3a".encode()},
    ),
    leads_case(
        "C1 control in the idempotency key",
        lead("bi-22"),
        ("idempotency-key", "U+0085"),
        headers={"Idempotency-Key": b"form-\x857f3a"},
    ),
    Bad(
        "bidi override in a suppression subject",
        "/v1/suppressions",
        {"subject": "dana\u202e@acme-robotics.com", "contact": "all_contact", "reason": "t"},
        role="sales",
        says=("invisible", "U+202E"),
    ),
    Bad(
        "zero-width space in a subject asked about",
        "/v1/suppressions",
        method="get",
        role="sales",
        params={"subject": "dana\u200b@acme-robotics.com"},
        says=("invisible", "U+200B"),
    ),
    leads_case(
        "surrogate in email", with_raw("bi-19", "contact.email", '"\\udfff@x.com"'), ("email", "surrogate")
    ),
    leads_case(
        "surrogate in message", with_raw("bi-20", "form.message", '"\\ud83d"'), ("message", "surrogate")
    ),
    leads_case(
        "surrogate in custom text",
        with_raw("bi-21", "custom", '{"segment": "\\ud800"}'),
        ("custom", "surrogate"),
    ),
    leads_case(
        "surrogate in custom name", with_raw("bi-22", "custom", '{"s\\ud800": 1}'), ("custom", "surrogate")
    ),
    Bad(
        "surrogate in feedback",
        OUTCOME,
        '{"sql": false, "feedback": "\\ud800"}',
        method="put",
        role="sales",
        says="feedback",
    ),
    # A path is decoded with U+FFFD for what is not UTF-8: an id no lead has, but one a lead could have.
    Bad(
        "surrogate in path id",
        "/v1/leads/%ED%A0%80/decision",
        method="get",
        role="sales",
        status=404,
        says="no lead",
    ),
    Bad(
        "invalid UTF-8 in path id",
        "/v1/leads/%FF/decision",
        method="get",
        role="sales",
        status=404,
        says="no lead",
    ),
    leads_case("invalid UTF-8 body", b'{"lead_id": "\xff"}', "not UTF-8", status=400),
    # Times, numbers and sizes.
    leads_case(
        "event at past the calendar",
        lead("bi-30", events=[{"type": "page_view", "at": "9999-12-31T23:59:59-01:00"}]),
        ("events.0.at", "9999-12-31T23:59:59-01:00 is more than a day after now"),
    ),
    leads_case(
        "event at before the calendar",
        lead("bi-31", events=[{"type": "page_view", "at": "0001-01-01T00:00:00+01:00"}]),
        ("events.0.at", "0001-01-01T00:00:00+01:00 is before 1990-01-01"),
    ),
    leads_case(
        "number as event time", lead("bi-32", events=[{"type": "page_view", "at": 1e9}]), "not a number"
    ),
    leads_case(
        "scored_at past the calendar",
        lead("bi-33", scored_at="9999-12-31T23:59:59-01:00"),
        ("scored_at", "is more than a day after now"),
    ),
    Bad(
        "events at past the calendar",
        EVENTS,
        {"events": [{"type": "page_view", "at": "9999-12-31T23:59:59-01:00"}]},
        says=("events.0.at", "9999-12-31T23:59:59-01:00 is more than a day after now"),
    ),
    Bad("number as events time", EVENTS, {"events": [{"type": "page_view", "at": 1e9}]}, says="not a number"),
    Bad("number as since", "/v1/leads", method="get", role="sales", params={"since": "1e9"}, says="since"),
    Bad(
        "number as outcome at",
        OUTCOME,
        {"sql": True, "at": 1e9},
        method="put",
        role="sales",
        says="not a number",
    ),
    # Nothing about a lead decided now can be dated later than tomorrow, nor before CRMs (a zero date).
    leads_case(
        "event in year 9999",
        lead("bi-34", events=[{"type": "page_view", "at": "9999-12-31"}]),
        ("events.0.at", "after now"),
    ),
    leads_case(
        "event in 2030",
        lead("bi-35", events=[{"type": "demo_request", "at": "2030-01-01"}]),
        ("events", "2030-01-01", "after now"),
    ),
    Bad(
        "spam complaint next month",
        EVENTS,
        {"events": [{"type": "spam_complaint", "at": SOON}]},
        says=("events.0.at", "after now"),
    ),
    leads_case(
        "created_at year 1 in UTC",
        lead("bi-36", created_at="0001-01-01T00:00:00Z"),
        ("created_at", "before 1990"),
    ),
    leads_case("created_at in 1900", lead("bi-37", created_at="1900-01-01"), ("created_at", "before 1990")),
    leads_case("scored_at in 2030", lead("bi-38", scored_at="2030-01-01"), ("scored_at", "after now")),
    leads_case("huge employees", lead("bi-40", company={"employees": 10**30}), "employees"),
    leads_case("negative employees", lead("bi-41", company={"employees": -1}), "employees"),
    leads_case("fractional employees", lead("bi-42", company={"employees": 1.5}), "employees"),
    leads_case("huge custom integer", lead("bi-43", custom={"seats": 10**20}), "custom"),
    leads_case("1e400 custom number", with_raw("bi-44", "custom", '{"seats": 1e400}'), "custom"),
    leads_case("huge revenue", lead("bi-45", company={"annual_revenue": 1e308}), "annual_revenue"),
    leads_case("lead_id too long", lead("x" * 201), "lead_id"),
    leads_case("lead_id far too long", lead("x" * 100_000), "lead_id"),
    leads_case("message too long", lead("bi-46", form={"message": "x" * 20_001}), "message"),
    leads_case("body over the limit", lead("bi-47", form={"message": "x" * 300_000}), "bytes", status=413),
    leads_case(
        "idempotency key too long", lead("bi-48"), "idempotency-key", headers={"Idempotency-Key": "k" * 201}
    ),
    leads_case("too many custom fields", lead("bi-49", custom={f"f{i}": i for i in range(501)}), "custom"),
    leads_case(
        "too many events",
        lead("bi-50", events=[{"type": "page_view", "at": NOW}] * 10_001),
        "bytes",
        status=413,
    ),
    Bad(
        "too many events posted",
        EVENTS,
        {"events": [{"type": "page_view", "at": NOW}] * 1_001},
        says="events",
    ),
    Bad("no events posted", EVENTS, {"events": []}, says="events"),
    Bad("limit too large", "/v1/leads", method="get", role="sales", params={"limit": 501}, says="limit"),
    Bad("negative offset", "/v1/leads", method="get", role="sales", params={"offset": -1}, says="offset"),
    Bad("huge offset", "/v1/leads", method="get", role="sales", params={"offset": 10**30}, says="offset"),
    Bad("limit not a number", "/v1/leads", method="get", role="sales", params={"limit": "ten"}, says="limit"),
    Bad("unknown route", "/v1/leads", method="get", role="sales", params={"route": "vip"}, says="route"),
    Bad("NUL in gate", "/v1/leads", method="get", role="sales", params={"gate": "a\u0000"}, says="gate"),
    Bad("long gate", "/v1/leads", method="get", role="sales", params={"gate": "a" * 10_000}, says="gate"),
    # Shapes: deep nesting, wrong types, broken JSON.
    leads_case("deeply nested body", nested(50_000), "nested too deeply", status=400),
    leads_case("nested custom value", lead("bi-60", custom={"a": {"b": {"c": [1]}}}), "custom"),
    leads_case("nested custom list", lead("bi-61", custom={"a": [[[[]]]]}), "custom"),
    leads_case("body is a list", [lead("bi-62")], "body"),
    leads_case("body is a string", '"lead"', "body"),
    leads_case("body is null", "null", "body"),
    leads_case("body is a number", "42", "body"),
    leads_case("empty body", "", "body"),
    leads_case("broken JSON", '{"lead_id": "bi-63",', "line 1 column"),
    leads_case("trailing garbage", json.dumps(lead("bi-64")) + "}", "line 1 column"),
    leads_case("lead_id a number", lead(42), "lead_id"),
    leads_case("lead_id blank", lead("   "), "lead_id"),
    leads_case("lead_id with a slash", lead("a/b"), "lead_id"),
    leads_case("employees as words", lead("bi-65", company={"employees": "many"}), "employees"),
    # JSON is taken as typed: pydantic's lax mode read true as 1 employee and "60" as 60.
    leads_case(
        "employees true", lead("bi-65b", company={"employees": True}), ("employees", "got true/false")
    ),
    leads_case(
        "employees as text", lead("bi-65c", company={"employees": "60"}), ("employees", "got text '60'")
    ),
    leads_case(
        "revenue as text", lead("bi-65d", company={"annual_revenue": "1e6"}), ("annual_revenue", "text")
    ),
    leads_case("cost true", lead("bi-65e", source={"cost": True}), ("source.cost", "true/false")),
    leads_case("contact a string", lead("bi-66", contact="Maria"), "contact"),
    leads_case("events an object", lead("bi-67", events={"type": "page_view"}), "events"),
    leads_case("custom a list", lead("bi-68", custom=["a"]), "custom"),
    leads_case("unknown field", {**lead("bi-69"), "extra": 1}, "extra"),
    leads_case("unknown custom field", lead("bi-70", custom={"not_declared": 1}), "not_declared"),
    leads_case("bad company type", lead("bi-71", company={"company_type": "alien"}), "company_type"),
    leads_case(
        "created_at missing", {k: v for k, v in lead("bi-72").items() if k != "created_at"}, "created_at"
    ),
    leads_case("created_at empty", lead("bi-73", created_at=""), "created_at"),
    leads_case("scored_at before created_at", lead("bi-74", scored_at="2020-01-01T00:00:00Z"), "scored_at"),
    leads_case(  # told the media type, not "Input should be a valid dictionary"
        "not JSON at all",
        "lead_id=bi-75",
        "the body is sent as text/plain: send JSON with Content-Type: application/json",
        status=415,
        headers={"Content-Type": "text/plain; charset=utf-8"},
    ),
    leads_case(
        "a form post",
        "lead_id=bi-76",
        "sent as application/x-www-form-urlencoded",
        status=415,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    ),  # fmt: skip
    leads_case(
        "no content type",
        "{}",
        "the body is sent without a Content-Type",
        status=415,
        headers={"Content-Type": ""},
    ),
    Bad("events body a list", EVENTS, [{"type": "page_view", "at": NOW}], says="body"),
    Bad("unknown event type", EVENTS, {"events": [{"type": "teleport", "at": NOW}]}, says="type"),
    Bad("outcome sql missing", OUTCOME, {"won": True}, method="put", role="sales", says="sql"),
    Bad(
        "outcome won without sql",
        OUTCOME,
        {"sql": False, "won": True},
        method="put",
        role="sales",
        says="won",
    ),
    Bad(
        "outcome feedback too long",
        OUTCOME,
        {"sql": False, "feedback": "x" * 2001},
        method="put",
        role="sales",
        says="feedback",
    ),
    Bad("outcome broken JSON", OUTCOME, '{"sql": tru}', method="put", role="sales", says="line 1 column"),
    # A key written twice is refused, named by its path, on every body: the last value would silently win.
    leads_case(
        "duplicate keys",
        '{"lead_id": "bi-dup-a", "lead_id": "bi-dup-b", "created_at": "2026-11-01T09:00:00Z"}',
        ("lead_id", "written twice"),
    ),
    leads_case(
        "duplicate key in the company",
        '{"lead_id": "bi-dup-c", "created_at": "2026-11-01T09:00:00Z",'
        ' "company": {"employees": 5, "name": "A", "employees": 5000}}',
        ("company.employees", "written twice"),
    ),
    leads_case(
        "duplicate key in an event",
        '{"lead_id": "bi-dup-d", "created_at": "2026-11-01T09:00:00Z",'
        ' "events": [{"type": "page_view", "at": "2026-11-01T09:00:00Z", "type": "demo_request"}]}',
        ("events.0.type", "written twice"),
    ),
    leads_case(
        "duplicate custom field written three times",
        '{"lead_id": "bi-dup-e", "created_at": "2026-11-01T09:00:00Z",'
        ' "custom": {"segment": "a", "segment": "b", "segment": "c"}}',
        ("custom.segment", "3 times"),
    ),
    Bad(
        "duplicate key in events",
        EVENTS,
        '{"events": [{"type": "page_view", "at": "2026-11-20T11:00:00Z"}], "events": []}',
        says=("events", "written twice"),
    ),
    Bad(
        "duplicate key in an outcome",
        OUTCOME,
        '{"sql": true, "sql": false}',
        method="put",
        role="sales",
        says=("sql", "written twice"),
    ),
    Bad(
        "duplicate key in an override",
        "/v1/leads/bi-known/override",
        '{"route": "sales_ready", "reason_code": "vip", "route": "nurture"}',
        role="sales",
        says=("route", "written twice"),
    ),
    Bad(
        "duplicate key in feedback",
        "/v1/leads/bi-known/feedback",
        '{"verdict": "accepted", "verdict": "rejected", "reason": "timing"}',
        role="sales",
        says=("verdict", "written twice"),
    ),
    Bad(
        "duplicate key in a suppression",
        "/v1/suppressions",
        '{"subject": "a@acme-robotics.com", "contact": "all_contact", "reason": "t",'
        ' "subject": "b@acme-robotics.com"}',
        role="sales",
        says=("subject", "written twice"),
    ),
    Bad(
        "duplicate key in a list change",
        "/v1/lists/competitor_domains",
        '{"value": "rival.example", "why": "a", "value": "other.example"}',
        role="admin",
        says=("value", "written twice"),
    ),
    # A key is visible ASCII: HTTP carries its bytes, and 'é' is other bytes in Latin-1 than in UTF-8.
    leads_case(
        "Latin-1 idempotency key",
        lead("bi-90"),
        ("idempotency-key", "visible ASCII", "U+00E9 LATIN SMALL LETTER E WITH ACUTE at character 3"),
        headers={"Idempotency-Key": "clé-1".encode("latin-1")},
    ),
    leads_case(
        "UTF-8 idempotency key",
        lead("bi-90b"),
        ("idempotency-key", "visible ASCII", "U+0105 LATIN SMALL LETTER A WITH OGONEK at character 1"),
        headers={"Idempotency-Key": "ą-1".encode()},
    ),
    leads_case("impossible date", lead("bi-91", created_at="2026-02-30T00:00:00Z"), "created_at"),
    leads_case("email too long", lead("bi-92", contact={"email": "a" * 321}), "email"),
    leads_case(
        "unknown deployment answer",
        lead("bi-93", form={"answers": {"deployment": "mainframe"}}),
        ("form.answers.deployment", "on_prem"),
    ),
    leads_case(
        "newline inside a stack answer",
        lead("bi-94", form={"answers": {"stack": ["Sales\nforce"]}}),
        "control",
    ),
    Bad(
        "since with a space for +",
        "/v1/leads",
        method="get",
        role="sales",
        params={"since": "2026-01-01T00:00:00 01:00"},
        says="since",
    ),
    Bad("limit as a float", "/v1/leads", method="get", role="sales", params={"limit": "1e3"}, says="limit"),
    Bad(
        "path id too long", "/v1/leads/" + "x" * 201 + "/decision", method="get", role="sales", says="lead_id"
    ),
    Bad(
        "path id far too long",
        "/v1/leads/" + "x" * 10_000 + "/decision",
        method="get",
        role="sales",
        says="lead_id",
    ),
    Bad("outcome body a list", OUTCOME, [{"sql": True}], method="put", role="sales", says="body"),
    Bad(
        "outcome unknown field",
        OUTCOME,
        {"sql": True, "stage": "won"},
        method="put",
        role="sales",
        says="stage",
    ),
    Bad(
        "events unknown field",
        EVENTS,
        {"events": [{"type": "page_view", "at": NOW}], "lead": {}},
        says="lead",
    ),
    # Keys and roles.
    leads_case("no key", lead("bi-80"), "key", status=401, role=None),
    leads_case(
        "wrong key", lead("bi-81"), "key", status=401, role=None, headers={"Authorization": "Bearer nope"}
    ),
    leads_case(
        "garbage authorization",
        lead("bi-82"),
        "key",
        status=401,
        role=None,
        headers={"Authorization": "x" * LONG},
    ),
    leads_case("sales key posting a lead", lead("bi-83"), "role", status=403, role="sales"),
    Bad("intake key recording an outcome", OUTCOME, {"sql": True}, method="put", status=403, says="role"),
    Bad(
        "no key recording an outcome", OUTCOME, {"sql": True}, method="put", status=401, role=None, says="key"
    ),
    Bad(
        "unknown lead's events",
        "/v1/leads/bi-none/events",
        {"events": [{"type": "page_view", "at": NOW}]},
        status=404,
        says="bi-none",
    ),
    Bad(
        "unknown lead's outcome",
        "/v1/leads/bi-none/outcome",
        {"sql": True},
        method="put",
        role="sales",
        status=404,
        says="bi-none",
    ),
]


def _send(client, case: Bad):
    headers = {**(auth(case.role) if case.role else {}), **case.headers}
    content = case.body
    if not isinstance(content, str | bytes | type(None)):
        content = json.dumps(content)
    if content is not None:
        headers.setdefault("Content-Type", "application/json")
    return client.request(case.method, case.path, content=content, headers=headers, params=case.params)


def _stored(store) -> dict:
    """Rows per table, with the known lead's JSON and outcome: what a refused request must leave alone."""
    with store.engine.connect() as connection:
        counts = {
            table.name: connection.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
        }
        known = connection.scalar(select(LeadRow.lead).where(LeadRow.lead_id == KNOWN))
        outcome = connection.execute(select(OutcomeRow).where(OutcomeRow.lead_id == KNOWN)).all()
    return {**counts, "known": known, "outcome": [tuple(row) for row in outcome]}


def test_every_bad_input_is_a_clear_4xx_and_stores_nothing(client, store):
    assert client.post("/v1/leads", json=lead(KNOWN), headers=auth("intake")).status_code == 201
    failures = []
    for case in CASES:
        before = _stored(store)
        try:
            response = _send(client, case)
        except Exception as error:  # noqa: BLE001 - the test client re-raises what the app left unhandled: a 500
            failures.append((case.name, 500, repr(error)[:300]))
            continue
        words = (case.says,) if isinstance(case.says, str) else case.says
        after = _stored(store)
        text = response.text
        detail = response.json().get("detail") if text.startswith("{") else None
        if response.status_code != case.status:
            failures.append((case.name, response.status_code, text[:300]))
        elif response.status_code >= 400 and (
            not detail or not all(w.lower() in text.lower() for w in words)
        ):
            failures.append((case.name, "unclear detail", text[:300]))
        elif response.status_code >= 400 and after != before:
            failures.append((case.name, "stored", response.status_code))
    assert not failures, "\n".join(map(str, failures))
    assert store.lead("bi-dup-b") is None and store.lead("bi-dup-a") is None  # no value of a repeated key won


def test_a_repeated_key_is_named_by_its_path_and_nothing_is_stored(client, store):
    body = (
        '{"lead_id": "bi-twice", "created_at": "2026-11-01T09:00:00Z",'
        ' "events": [{"type": "page_view", "at": "2026-11-01T09:00:00Z", "type": "demo_request"}]}'
    )
    headers = {**auth("intake"), "Content-Type": "application/json"}
    response = client.post("/v1/leads", content=body, headers=headers)
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "field": "events.0.type",
                "problem": "'type' is written twice: JSON would keep only the last value; send each field once",
                "type": "json_repeated_key",
            }
        ]
    }
    assert store.lead("bi-twice") is None


def test_a_rule_across_fields_names_the_field_at_fault_not_its_parent(client):
    assert client.post("/v1/leads", json=lead(KNOWN), headers=auth("intake")).status_code == 201
    cases = [
        ("/v1/leads", "intake", lead("bi-f1", events=[{"type": "page_view", "at": "1989-06-01T00:00:00Z"}])),
        ("/v1/leads", "intake", lead("bi-f2", events=[{"type": "page_view", "at": 1e9}])),
        (EVENTS, "intake", {"events": [{"type": "page_view", "at": NOW}, {"type": "page_view", "at": SOON}]}),
        ("/v1/leads", "intake", lead("bi-f3", created_at=NOW, scored_at="2026-11-01T00:00:00Z")),
        ("/v1/leads/bi-known/feedback", "sales", {"verdict": "rejected"}),
        ("/v1/leads/bi-known/feedback", "sales", {"verdict": "accepted", "reason": "timing"}),
        ("/v1/leads/bi-known/override", "sales", {"route": "sales_ready", "reason_code": "other"}),
    ]
    found = []
    for path, role, body in cases:
        response = client.post(path, json=body, headers=auth(role))
        assert response.status_code == 422, response.text
        [problem] = response.json()["detail"]
        found.append((problem["field"], problem["problem"]))
    expected = [
        ("events.0.at", "1989-06-01T00:00:00+00:00 is before 1990-01-01"),
        ("events.0.at", "expected an ISO 8601 timestamp, not a number"),
        ("events.1.at", SOON[:10]),
        ("scored_at", "scored_at is earlier than created_at"),
        ("reason", "a rejection needs a reason"),
        ("reason", "an accepted lead takes no rejection reason"),
        ("note", "reason_code 'other' needs a note saying why"),
    ]
    assert [field for field, _ in found] == [field for field, _ in expected], found
    assert all(words.startswith(start) for (_, words), (_, start) in zip(found, expected, strict=True)), found
