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
        (lambda d: d["gates"][0].update(route="sales_ready"), "gates.0.route"),
        (lambda d: d["gates"][0].update(check="palm_reading"), "unknown gate check"),
        (lambda d: d["gates"].append(dict(d["gates"][0])), "repeated: competitor_domain"),
        (lambda d: d["gates"][0].update(category="vibes"), "gates.0.category"),
        (lambda d: d["firmographics"].update(supported_countries=["US", False]), "supported_countries"),
        (lambda d: d["firmographics"].update(supported_countries=["US", "XX"]), "not ISO 3166"),
        (
            lambda d: d["routing"].update(thresholds={"sales_ready": 0.1, "verify": 0.5, "nurture": 0.01}),
            "sales_ready >= verify",
        ),
        (lambda d: d.update(surprise=1), "surprise"),
        (lambda d: d.pop("gates"), "gates: Field required"),
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
