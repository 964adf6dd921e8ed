"""Countries as ISO alpha-2 codes, from a code, an English name or a name in the visitor's language; pure."""

from __future__ import annotations

from functools import lru_cache

# Everyday English names ISO 3166 and its translations lack, which forms and CRMs write all the time; each was
# unrecognised by pycountry (the one library that knew them, country-converter, fails on pandas 3). Keys
# without spaces or case.
INFORMAL = {
    "uk": "GB",
    "u.k.": "GB",
    "greatbritain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northernireland": "GB",
    "u.s.": "US",
    "u.s.a.": "US",
    "america": "US",
    "uae": "AE",
    "u.a.e.": "AE",
    "turkey": "TR",
    "ivorycoast": "CI",
    "macedonia": "MK",
    "korea": "KR",
    "palestine": "PS",
    "easttimor": "TL",
    "capeverde": "CV",
    "vatican": "VA",
}


@lru_cache(maxsize=4096)
def country_code(country: str) -> str:
    """ISO alpha-2 code for a code or name ('Germany', 'DEU', 'de' -> 'DE'); '' when unknown."""
    import pycountry

    value = country.strip()
    if not value:
        return ""
    try:
        return pycountry.countries.lookup(value).alpha_2
    except LookupError:
        folded = value.casefold()
        # A form in the visitor's language ('Brasil', 'Deutschland', '日本'), or in everyday English.
        return _translated_names().get(folded) or INFORMAL.get(folded.replace(" ", ""), "")


@lru_cache(maxsize=1)
def _translated_names() -> dict[str, str]:
    """Country names in every language pycountry translates them into, casefolded, to their alpha-2 codes.

    Built once, on the first name English lookup misses (~0.8 s, ~33,000 names); a name that translates to
    two countries (a translator's slip) is left out rather than guessed.
    """
    import gettext
    import os

    import pycountry

    found: dict[str, str] = {}
    clashing: set[str] = set()
    folder = pycountry.LOCALES_DIR
    for language in sorted(os.listdir(folder)):
        if not os.path.exists(os.path.join(folder, language, "LC_MESSAGES", "iso3166-1.mo")):
            continue
        translate = gettext.translation("iso3166-1", folder, languages=[language]).gettext
        for country in pycountry.countries:
            for attribute in ("name", "official_name", "common_name"):
                english = getattr(country, attribute, None)
                if not english:
                    continue
                name = translate(english).strip().casefold()
                if found.setdefault(name, country.alpha_2) != country.alpha_2:
                    clashing.add(name)
    for name in clashing:
        del found[name]
    return found
