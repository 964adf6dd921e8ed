"""Countries by code, English name or a name in another language."""

import pytest

from leadgate.features.countries import country_code


def test_countries_by_code_or_name():
    assert country_code("Germany") == country_code("DEU") == country_code("de") == "DE"
    assert country_code("Atlantis") == country_code("XX") == country_code("") == ""


@pytest.mark.parametrize(
    "name, code",
    [
        ("Brasil", "BR"),
        ("Brasilien", "BR"),
        ("Deutschland", "DE"),
        ("España", "ES"),
        ("Schweiz", "CH"),
        ("Österreich", "AT"),
        ("Polska", "PL"),
        ("日本", "JP"),
        ("  méxico ", "MX"),
    ],
)
def test_a_country_named_in_the_visitors_language_is_recognised(name, code):
    # Walk L: "Brasil" passed the served-countries rule that stops "Brazil".
    assert country_code(name) == code


@pytest.mark.parametrize(
    "name, code",
    [
        ("UK", "GB"),
        ("England", "GB"),
        ("Great Britain", "GB"),
        ("U.S.", "US"),
        ("UAE", "AE"),
        ("Turkey", "TR"),
        ("Ivory Coast", "CI"),
        ("korea", "KR"),
    ],
)
def test_everyday_english_names_are_recognised(name, code):
    # Without them the unrecognised_country gate would cap every "UK" lead at verify.
    assert country_code(name) == code
