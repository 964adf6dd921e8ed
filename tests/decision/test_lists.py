"""List values normalized and checked; the store's lists merged into the policy the gates read."""

from __future__ import annotations

import pytest

from leadgate.decision.lists import ListValueError, normalize, normalize_domain, normalize_network
from leadgate.decision.pipeline import DecisionPipeline
from leadgate.decision.policy import load_policy
from tests.factories import events, make_lead

POLICY = load_policy()


@pytest.mark.parametrize(
    ("given", "kept"),
    [("ACME.com.", "acme.com"), (" shop.acme.co.uk ", "shop.acme.co.uk"), ("bücher.de", "xn--bcher-kva.de")],
)
def test_domains_are_kept_lower_case_and_bare(given, kept):
    assert normalize_domain(given) == kept


@pytest.mark.parametrize(
    ("given", "words"),
    [
        ("https://acme.com/x", "bare domain"),
        ("kim@acme.com", "bare domain"),
        ("-acme.com", "not a valid domain"),
        ("acme", "not a valid domain"),
        ("", "required"),
    ],
)
def test_a_domain_that_is_not_one_is_refused_in_words(given, words):
    with pytest.raises(ListValueError, match=words):
        normalize_domain(given)


@pytest.mark.parametrize(
    "kind", ["do_not_engage", "competitor_domains", "employee_domains", "previously_rejected"]
)
def test_a_site_given_with_www_is_listed_by_its_registered_domain_as_accounts_are(kind):
    from leadgate.serving.accounts import account_of

    given = "WWW.Crestscalesystems.com."
    assert normalize(kind, given) == account_of(given) == "crestscalesystems.com"
    assert normalize(kind, "www.acme.co.uk") == "acme.co.uk"  # by the public suffix list, not the last label
    assert normalize(kind, "acme.internal") == "acme.internal"  # a suffix the list does not know: as given


def test_another_subdomain_is_refused_naming_the_registered_domain_the_gates_compare():
    with pytest.raises(ListValueError, match=r"subdomain.*did you mean acme\.com\?"):
        normalize("do_not_engage", "eu.acme.com")
    with pytest.raises(ListValueError, match=r"did you mean acme\.co\.uk\?"):
        normalize("competitor_domains", "www.shop.acme.co.uk")


@pytest.mark.parametrize(
    "kind", ["do_not_engage", "competitor_domains", "employee_domains", "previously_rejected"]
)
@pytest.mark.parametrize(
    ("given", "words"),
    [
        ("gmail.com", "gmail.com is a free email domain, nobody's account"),
        ("WWW.Gmail.com", "gmail.com is a free email domain, nobody's account"),
        ("mailinator.com", "mailinator.com is a disposable email domain"),
        ("co.uk", "co.uk is a public suffix, no one's account"),
    ],
)
def test_a_domain_that_is_no_ones_account_is_refused_as_suppressions_refuse_it(kind, given, words):
    # The gates match a lead's email domain too: one such entry would hold everyone writing from it.
    with pytest.raises(ListValueError, match=words):
        normalize(kind, given)


def test_a_do_not_engage_entry_given_with_www_stops_the_accounts_lead():
    listed = POLICY.with_lists(
        {"do_not_engage": (normalize("do_not_engage", "WWW.Crestscalesystems.com."),)}, "l@1"
    )
    lead = make_lead(
        contact={"email": "bob@crestscalesystems.com"}, company={"website": "www.crestscalesystems.com"}
    )
    _, [record] = DecisionPipeline(listed).decide_records([lead])
    assert record.route == "silent_reject" and "do_not_engage" in [g.code for g in record.gates]


def test_networks_are_cidr_and_a_wrong_one_says_what_was_meant():
    assert normalize_network("198.51.100.0/24") == "198.51.100.0/24"
    assert normalize_network("198.51.100.7") == "198.51.100.7/32"
    assert normalize_network("2001:db8::/32") == "2001:db8::/32"
    with pytest.raises(ListValueError, match=r"did you mean 198\.51\.100\.0/24"):
        normalize_network("198.51.100.7/24")
    with pytest.raises(ListValueError, match="not a CIDR network"):
        normalize_network("not-a-network")
    with pytest.raises(ListValueError, match="unknown list kind"):
        normalize("competitors", "acme.com")


def test_store_lists_keep_the_files_policy_version_and_add_a_lists_version():
    merged = POLICY.with_lists({"competitor_domains": ("rival.example.com",)}, "lists@7")
    assert merged.version == POLICY.version and merged.lists_version == "lists@7"
    assert POLICY.lists_version is None
    assert (
        "rival.example.com" in merged.domains.competitors
        and "rival.example.com" not in POLICY.domains.competitors
    )
    assert "rival.example.com" in merged.signal_rules.competitor_domains  # no stale cache of the file's lists


def _gates(policy, **sections) -> dict:
    record = DecisionPipeline(policy).decide_one(make_lead(**sections))
    return {gate.code: gate for gate in record.gates}, record


def test_every_gate_reads_the_store_lists_beside_the_files():
    merged = POLICY.with_lists(
        {
            "competitor_domains": ("rivalhq.com",),
            "competitor_networks": ("203.0.113.0/24",),
            "employee_domains": ("leadgate-staff.com",),
            "do_not_engage": ("nordwerk.de",),
            "previously_rejected": ("oldco.com",),
        },
        "lists@1",
    )
    gates, _ = _gates(merged, contact={"email": "kim@rivalhq.com"}, source={"ip": "192.0.2.1"})
    assert "rivalhq.com" in gates["competitor_domain"].reason
    gates, _ = _gates(
        merged, contact={"email": "kim@elsewhere-gmbh.de"}, company={"website": "elsewhere-gmbh.de"}
    )
    assert "203.0.113.9" in gates["competitor_network"].reason  # the factory lead's IP is in the network
    gates, _ = _gates(merged, contact={"email": "ops@leadgate-staff.com"})
    assert "employee_or_test" in gates
    gates, _ = _gates(merged)  # Nordwerk itself, now on do-not-engage
    assert "do_not_engage" in gates
    oldco = {
        "contact": {"email": "li@oldco.com"},
        "company": {"website": "oldco.com"},
        "source": {"ip": "192.0.2.1"},
    }
    gates, record = _gates(merged, **oldco)
    assert (
        set(gates) == {"previously_rejected"}
        and record.route == "nurture"
        and record.lists_version == "lists@1"
    )
    # The same leads under the file's lists alone: none of those gates fire.
    gates, record = _gates(POLICY, **oldco)
    assert "previously_rejected" not in gates and record.lists_version is None


def test_a_previously_rejected_account_with_a_fresh_demo_request_gets_a_sales_check():
    merged = POLICY.with_lists({"previously_rejected": ("oldco.com",)}, "lists@1")
    sections = {"contact": {"email": "li@oldco.com"}, "company": {"website": "oldco.com"}}
    _, record = _gates(merged, events=events(("demo_request", "2026-11-02T10:00:00Z")), **sections)
    gate = next(g for g in record.gates if g.code == "previously_rejected")
    assert gate.lifted and record.route == "verify"


def _policy_text_with_networks(networks: list[str]) -> str:
    """The shipped policy as YAML text, its competitor networks replaced."""
    import yaml

    data = POLICY.model_dump(mode="json")
    data["domains"]["competitor_networks"] = networks
    return yaml.safe_dump(data)


def test_a_policy_file_with_a_bad_network_is_refused():
    from leadgate.decision.policy import PolicyError, parse_policy

    with pytest.raises(PolicyError, match="did you mean 10.0.0.0/8"):
        parse_policy(_policy_text_with_networks(["10.0.0.1/8"]))


@pytest.mark.parametrize(
    "network", ["0.0.0.0/0", "::/0", "128.0.0.0/1", "16.0.0.0/7", "2000::/3", "2002::/15"]
)
def test_a_network_broader_than_one_company_s_is_refused(network):
    from leadgate.decision.lists import ListValueError, normalize

    with pytest.raises(ListValueError, match="no one company's: it would hold every lead writing from it"):
        normalize("competitor_networks", network)


@pytest.mark.parametrize(
    "network", ["17.0.0.0/8", "172.16.0.0/12", "2003::/16", "2001:db8::/32", "192.0.2.9"]
)
def test_a_company_s_network_up_to_the_bound_is_kept(network):
    from leadgate.decision.lists import normalize

    assert normalize("competitor_networks", network).split("/")[0] == network.split("/")[0]


def test_a_policy_file_with_a_network_of_everyone_is_refused_but_a_stored_one_still_loads():
    from leadgate.decision.policy import PolicyError, parse_policy

    text = _policy_text_with_networks(["0.0.0.0/0"])
    with pytest.raises(PolicyError, match="0.0.0.0/0 is every IPv4 address"):
        parse_policy(text)
    # A model stored with it before this check keeps loading as it was validated then.
    assert parse_policy(text, stored=True).domains.competitor_networks == ["0.0.0.0/0"]
