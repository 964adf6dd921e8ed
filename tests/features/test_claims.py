"""What a lead says about itself: role words, solo titles, government domains, answers, networks."""

import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadgate.features import claims


@pytest.mark.parametrize(
    ("title", "generic"),
    [("User", True), ("employee", True), ("Team Member", True), ("Staff.", True), ("Sales Engineer", False)],
)
def test_generic_roles(title, generic):
    assert claims.is_generic_role(title) is generic


@pytest.mark.parametrize(
    ("title", "solo"),
    [
        ("Solo Founder", True),
        ("Freelancer", True),
        ("Self-employed consultant", True),
        ("Independent Consultant", True),
        ("Founder & CEO", False),
        ("Solutions Architect", False),
    ],
)
def test_solo_titles(title, solo):
    assert claims.is_solo_title(title) is solo


@pytest.mark.parametrize(
    ("domain", "government"),
    [
        ("gsa.gov", True),
        ("army.mil", True),
        ("dwp.gov.uk", True),
        ("interieur.gouv.fr", True),
        ("gov.com", False),
    ],
)
def test_government_domains(domain, government):
    assert claims.is_government_domain(domain) is government


def test_answers_match_by_letters_and_digits_and_prefix():
    assert claims.normalized("SOC 2 Type II") == "soc2typeii"
    assert claims.matches_any("FedRAMP High", ("fedramp",)) and not claims.matches_any("SOC 2", ("fedramp",))
    assert claims.listed("Salesforce\nSnowflake") == ["Salesforce", "Snowflake"] and claims.listed("") == []


NETWORKS = (ipaddress.ip_network("198.51.100.0/24"), ipaddress.ip_network("2001:db8::/32"))


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("198.51.100.9", "198.51.100.0/24"),
        ("::ffff:198.51.100.9", "198.51.100.0/24"),
        ("2001:db8::1", "2001:db8::/32"),
        ("203.0.113.9", ""),
        ("not an ip", ""),
        ("", ""),
    ],
)
def test_network_of_an_address(address, network):
    assert claims.network_of(address, NETWORKS) == network


def _network_by_ipaddress(address, networks):
    # What network_of answered before its integer fast path for dotted quads: ipaddress objects throughout.
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return ""
    ip = getattr(ip, "ipv4_mapped", None) or ip
    return next((str(n) for n in networks if ip.version == n.version and ip in n), "")


QUAD_PARTS = st.sampled_from(
    ["0", "7", "00", "01", "010", "99", "100", "198", "199", "249", "250", "255", "256"]
)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(QUAD_PARTS, min_size=3, max_size=5).map(".".join)
    | st.sampled_from(
        [
            "198.51.100.",
            " 198.51.100.7 ",
            "198.51.100.7\n",
            "198.51.100.7/24",
            "١٩٨.51.100.7",
            "198.51.100.7\x00",
            "\ud800",
            "0x7f.0.0.1",
            "127.1",
        ]
    )
    | st.text(alphabet="0123456789.:abf ", max_size=16)
)
def test_network_of_reads_addresses_as_ipaddress_does(address):
    networks = (ipaddress.ip_network("198.51.100.0/24"), ipaddress.ip_network("2001:db8::/32"))
    networks += (ipaddress.ip_network("0.0.0.0/8"), ipaddress.ip_network("198.0.0.0/8"))
    claims.network_of.cache_clear()
    expected = _network_by_ipaddress(address, networks)
    assert claims.network_of(address, networks) == expected
    assert claims.networks_of([address, ""], networks) == [expected, ""]
