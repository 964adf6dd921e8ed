import pytest
import yaml

from leadgate.decision.policy import PolicyError, default_policy_text, load_policy, parse_policy


def _with(change) -> str:
    data = yaml.safe_load(default_policy_text())
    change(data)
    return yaml.safe_dump(data)


def test_default_policy_loads_with_a_content_version():
    policy = load_policy()
    assert policy.version.startswith("default@") and len(policy.version) == len("default@") + 12
    assert {g.code for g in policy.active_gates()} >= {
        "competitor_domain",
        "employee_or_test",
        "unsupported_country",
        "blocked_industry",
        "excluded_company_type",
        "below_size_floor",
        "student_or_academic",
        "fake_name",
        "invalid_email",
        "disposable_email",
        "honeypot_filled",
        "too_fast_form",
        "abusive_message",
        "hard_bounce",
        "do_not_engage",
    }


def test_version_ignores_formatting_but_not_content():
    policy = load_policy()
    assert parse_policy(policy.to_yaml()).version == policy.version
    changed = parse_policy(_with(lambda d: d["firmographics"].update(employees_floor=25)))
    assert changed.version != policy.version


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["gates"][0].update(route="sales_ready"), "gates.0 (competitor_domain).route"),
        (
            lambda d: d["gates"][0].update(check="competitor_domian"),
            "gates.0 (competitor_domain).check: unknown check 'competitor_domian'; did you mean competitor_domain?",
        ),
        (
            lambda d: d["gates"].append(dict(d["gates"][0])),
            "gates: gate codes must be unique, repeated: competitor_domain",
        ),
        (lambda d: d["gates"][0].update(category="vibes"), "gates.0 (competitor_domain).category"),
        (
            lambda d: d["firmographics"].update(supported_countries=["US", False]),
            "quote it, 'NO', for Norway",
        ),
        (lambda d: d["firmographics"].update(supported_countries=["US", "XX"]), "not ISO 3166"),
        (
            lambda d: d["routing"].update(thresholds={"sales_ready": 0.1, "verify": 0.5, "nurture": 0.01}),
            "routing.thresholds: thresholds must satisfy sales_ready >= verify",
        ),
        (
            lambda d: d["routing"].update(thresholds="Auto"),
            "'auto' or numbers for sales_ready, verify and nurture",
        ),
        # Placeholders are checked when the policy loads, not when the gate first fires in a batch.
        (lambda d: d["gates"][0].update(reason="Competitor ({valeu})"), "unknown placeholder {valeu}"),
        (lambda d: d["gates"][0].update(reason="Competitor {value"), "expected '}' before end of string"),
        # Values that could never equal a lead's are refused, as the store's lists refuse them.
        (lambda d: d["domains"].update(competitors=["https://rival.com/"]), "is not a bare domain"),
        (lambda d: d["domains"].update(do_not_engage=["gmail.com"]), "gmail.com is a free email domain"),
        (lambda d: d["domains"].update(own=["co.uk"]), "co.uk is a public suffix, no one's account"),
        (
            lambda d: d["firmographics"].update(excluded_company_types=["B2C"]),
            "firmographics.excluded_company_types: ['B2C'] are not company types a lead can have",
        ),
        (lambda d: d.update(surprise=1), "surprise"),
        (
            lambda d: d.update(name="acme corp/v2"),
            "name: 'acme corp/v2' is not a name for a policy: a word of",
        ),
        (lambda d: d.update(name=7), "name: YAML read the name as int 7: quote it"),
        (
            lambda d: d["gates"][0].update(reason="Competitor {value:d}"),
            "write {value} plainly, without a format",
        ),
        (
            lambda d: d["gates"][0].update(reason="Competitor {value!z}"),
            "write {value} plainly, without a format or conversion",
        ),
        (lambda d: d.pop("gates"), "gates: Field required"),
        # A do-not-call request (or an unsubscribe) asks for less contact: it lifts nothing.
        (
            lambda d: d["lift"].update(events=["demo_request", "do_not_call"]),
            "lift.events: do_not_call asks for less contact: no high-intent signal to lift with",
        ),
    ],
)
def test_invalid_policies_fail_with_the_place_named(change, message):
    with pytest.raises(PolicyError, match="invalid policy") as caught:
        parse_policy(_with(change), "mine.yaml")
    assert message in str(caught.value) and "mine.yaml" in str(caught.value)


def test_unreadable_and_non_yaml_files(tmp_path):
    with pytest.raises(PolicyError, match="cannot read policy file"):
        load_policy(tmp_path / "absent.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("gates: [unclosed")
    with pytest.raises(PolicyError, match="not valid YAML"):
        load_policy(bad)


def test_a_promotion_section_written_before_the_margins_still_loads_with_their_defaults():
    older = {"min_outcomes": 200, "min_sqls": 20, "max_extra_won_hidden": 0, "confidence": 0.95}
    policy = parse_policy(_with(lambda d: d.update(promotion=older)))
    assert (policy.promotion.auc_margin, policy.promotion.sales_leads_margin) == (0.005, 0.10)
    shipped = load_policy().promotion
    assert (shipped.auc_margin, shipped.sales_leads_margin) == (0.005, 0.10)
    with pytest.raises(PolicyError, match="promotion.auc_margin"):
        parse_policy(_with(lambda d: d["promotion"].update(auc_margin=-0.01)))


def test_thresholds_errors_name_one_place_in_the_files_words():
    with pytest.raises(PolicyError) as caught:
        parse_policy(
            _with(
                lambda d: d["routing"].update(thresholds={"sales_ready": 1.5, "verify": 0.5, "nurture": 0.1})
            )
        )
    lines = str(caught.value).splitlines()[1:]
    assert [line.strip() for line in lines] == ["routing.thresholds.sales_ready: Input should be less than 1"]


def test_a_reason_may_keep_literal_braces_and_its_value():
    policy = parse_policy(_with(lambda d: d["gates"][0].update(reason="Competitor {{listed}}: {value}")))
    assert policy.gates[0].reason == "Competitor {{listed}}: {value}"


def test_listed_domains_are_checked_but_kept_as_written_so_the_version_holds():
    policy = parse_policy(_with(lambda d: d["domains"].update(competitors=["Rival.COM"])))
    assert policy.domains.competitors == ["Rival.COM"]
    assert "rival.com" in policy.signal_rules.competitor_domains  # compared case-folded


def test_a_policy_stored_with_a_model_loads_as_it_was_accepted_then():
    older = _with(
        lambda d: (
            d.update(name="acme corp/v2"),
            d["domains"].update(competitors=["https://rival.com/", "rival.com"]),
            d["firmographics"].update(excluded_company_types=["B2C"]),
            d["gates"][0].update(reason="Competitor {company}"),
        )
    )
    with pytest.raises(PolicyError):
        parse_policy(older, "mine.yaml")
    policy = parse_policy(older, "the policy stored with the model", stored=True)
    assert policy.name == "acme corp/v2" and policy.firmographics.excluded_company_types == ["B2C"]
    # The store's lists are merged into it as into any policy (the service does so for every request).
    # Its reason with a placeholder the file check now refuses is shown as written, never failing the lead.
    from leadgate.decision.pipeline import DecisionPipeline
    from tests.factories import make_lead

    rival = make_lead(contact={"email": "ana@rival.com"}, company={"website": "https://rival.com"})
    fired = DecisionPipeline(policy).decide_records([rival])[1][0].gates
    assert [g.reason for g in fired if g.code == "competitor_domain"] == ["Competitor {company}"]
    merged = policy.with_lists({"competitor_domains": ("rival.io",)}, "lists@3")
    assert "rival.io" in merged.signal_rules.competitor_domains and merged.version == policy.version


def test_listed_domains_as_written_match_leads_domains():
    from leadgate.decision.lists import domain_set

    written = ["Rejected-Account.com", "pipelineiq.com.", " blocked-customer.com"]
    policy = parse_policy(
        _with(lambda d: d["domains"].update(competitors=written, previously_rejected=written))
    )
    expected = {"rejected-account.com", "pipelineiq.com", "blocked-customer.com"}
    assert (
        policy.signal_rules.competitor_domains == expected == domain_set(policy.domains.previously_rejected)
    )


def test_a_files_domain_given_with_www_matches_as_its_registered_domain_and_a_subdomain_is_refused():
    policy = parse_policy(_with(lambda d: d["domains"].update(do_not_engage=["WWW.Blocked-Customer.com."])))
    assert policy.listed["do_not_engage"] == {"blocked-customer.com"}
    assert policy.domains.do_not_engage == ["WWW.Blocked-Customer.com."]  # kept as written: its version holds
    with pytest.raises(ValueError, match=r"did you mean acme\.com\?"):
        parse_policy(_with(lambda d: d["domains"].update(competitors=["eu.acme.com"])))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # A gate pasted without its "- " merges into the gate above and replaces its keys.
        (
            "gates:\n  - code: a\n    check: x\n    code: b\n",
            "line 4, column 5: 'code' is written twice (first on line 2)",
        ),
        (
            "firmographics:\n  employees_floor: 10\n  employees_floor: 50\n",
            "'employees_floor' is written twice",
        ),
        (
            "firmographics: {employees_floor: 10, employees_floor: 50}\n",
            "line 1, column 38: 'employees_floor' is written twice",
        ),
        ("name: x\n\tgates: []\n", "line 2, column 1: found character '\\t' that cannot start any token"),
    ],
)
def test_yaml_mistakes_are_one_line_naming_the_file_and_line(text, message):
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, "mine.yaml")
    said = str(caught.value)
    assert said.startswith("mine.yaml: not valid YAML: ") and message in said and "\n" not in said


def test_the_unrecognised_country_cap_ships_turned_off():
    from leadgate.decision.pipeline import DecisionPipeline
    from leadgate.decision.policy import load_policy
    from tests.factories import make_lead

    # Walk M: placeholders ("N/A", "Worldwide") and spellings no table knows would cap served leads at verify.
    policy = load_policy()
    [gate] = [g for g in policy.gates if g.code == "unrecognised_country"]
    assert not gate.enabled
    record = DecisionPipeline(policy).decide_one(make_lead(company={"country": "N/A"}))
    assert "unrecognised_country" not in [g.code for g in record.gates]


def test_a_recovery_placeholder_its_gate_s_check_does_not_fill_is_warned_of():
    from leadgate.decision.policy_problems import policy_warnings

    shipped = load_policy()
    assert policy_warnings(shipped, shipped) == []
    data = yaml.safe_load(shipped.to_yaml())
    data["name"] = "mine"
    stack = next(gate for gate in data["gates"] if gate["code"] == "unsupported_stack")
    stack["recovery"] = "a company of {floor} or more on a CRM we integrate with"
    warnings = policy_warnings(parse_policy(yaml.safe_dump(data)), shipped)
    assert any("unsupported_stack" in w and "{floor}" in w for w in warnings), warnings
