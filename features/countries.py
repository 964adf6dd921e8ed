"""Countries as ISO alpha-2 codes, from a code, an English name or a name in the visitor's language; pure."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Everyday English names ISO 3166 and its translations lack, which forms and CRMs write all the time; each was
# unrecognised by pycountry (the one library that knew them, country-converter, fails on pandas 3). Keys as
# `name_key` writes them.
INFORMAL = {
    "uk": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "n ireland": "GB",
    "america": "US",
    "us of a": "US",
    "uae": "AE",
    "turkey": "TR",
    "ivory coast": "CI",
    "macedonia": "MK",
    "korea": "KR",
    "south korea": "KR",
    "republic of korea": "KR",
    "palestine": "PS",
    "palestinian territories": "PS",
    "east timor": "TL",
    "cape verde": "CV",
    "vatican": "VA",
    "vatican city": "VA",
    "czech rep": "CZ",
    "republic of ireland": "IE",
    "eire": "IE",
    "dr congo": "CD",
    "drc": "CD",
    "democratic republic of the congo": "CD",
    "mainland china": "CN",
    "ksa": "SA",
    "burma": "MM",
    "falkland islands": "FK",
    "pitcairn islands": "PN",
    "us virgin islands": "VI",
    "caribbean netherlands": "BQ",
    "congo kinshasa": "CD",  # CLDR's picker names
    "congo brazzaville": "CG",
}
_SAINT = re.compile(r"\bst\b\.?")
_INITIAL_DOT = re.compile(r"\b(\w)\.")
_NOT_A_LETTER = re.compile(r"[^\w]+")


def name_key(text: str) -> str:
    """How names compare: any case, accents and punctuation ignored, '&' as 'and', 'St.' as 'Saint'."""
    folded = unicodedata.normalize("NFKD", text.casefold().replace("&", " and "))
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch)).replace("’", "'")
    plain = _SAINT.sub("saint", _INITIAL_DOT.sub(r"\1", plain))  # 'U.S.A', 'N. Ireland'; 'St.' is a word
    return " ".join(_NOT_A_LETTER.sub(" ", plain).split())


def _forms(key: str) -> list[str]:
    """The ways a written name may hold a country's: as is, without 'the', without CLDR's 'SAR China'."""
    forms = [key]
    if key.startswith("the "):
        forms.append(key[4:])
    if key.endswith(" the"):
        forms.append(key[:-4])
    forms.append(re.sub(r" sar( china)?$", "", key))
    return forms


def _sides(value: str) -> tuple[str, str] | None:
    """What stands either side of a value's parenthesis or single comma ('Myanmar (Burma)', 'Paris, France')."""
    inner = re.match(r"^(.*?)\s*\((.*)\)\s*$", value)
    if inner:
        return inner.group(1), inner.group(2)
    if value.count(",") == 1:
        left, right = (p.strip() for p in value.split(","))
        return left, right
    return None


def _name_parts(name: str) -> list[str]:
    """An ISO name's shorter forms: before its parenthesis, before its comma and turned round; never what
    follows alone ('U.S.' of 'Virgin Islands, U.S.' is no country)."""
    parts = []
    inner = re.match(r"^(.*?)\s*\(.*\)\s*$", name)
    if inner:
        parts.append(inner.group(1))
    if name.count(",") == 1:
        left, right = (p.strip() for p in name.split(","))
        parts += [left, f"{right} {left}"]
    return parts


@lru_cache(maxsize=4096)
def country_code(country: str) -> str:
    """ISO alpha-2 code for a code or name ('Germany', 'DEU', 'de' -> 'DE'); '' when unknown."""
    value = country.strip()
    if not value:
        return ""
    whole = _one_name(value)
    if whole or _sides(value) is None:
        return whole
    left, right = _sides(value)
    turned = _one_name(f"{right} {left}")  # 'Korea, South', 'Netherlands, The'
    if turned:
        return turned
    # Both sides must name the same country ('England, UK', 'Myanmar (Burma)'): one side alone is too often a
    # place in another ('Boston, MA' is no Morocco, 'Atlanta, Georgia' no Georgia, 'Korea (North)' no South
    # Korea), and a wrong country is worse than none, which the served-countries rule leaves alone.
    sides = {_one_name(left), _one_name(right)}
    return sides.pop() if len(sides) == 1 else ""


def _one_name(text: str) -> str:
    """The code of one name or code as written, '' when it is none; the table of names only when needed."""
    import pycountry

    try:
        return pycountry.countries.lookup(text.strip()).alpha_2
    except LookupError:
        pass
    names = _known_names()  # built on the first name the plain lookup misses
    for form in _forms(name_key(text)):
        code = names.get(form) or (form.upper() if len(form) == 2 and _is_code(form) else "")
        if code:
            return code
    return ""


def _iso_names(country) -> list[str]:
    """A pycountry country's English names: its name, official name and common name, where it has them."""
    return [n for n in (getattr(country, a, None) for a in ("name", "official_name", "common_name")) if n]


def _is_code(text: str) -> bool:
    import pycountry

    return pycountry.countries.get(alpha_2=text.upper()) is not None


@lru_cache(maxsize=1)
def _known_names() -> dict[str, str]:
    """Every name a country goes by, as `name_key` writes it, to its alpha-2 code: ISO 3166's English names
    and codes, their translations into every language pycountry carries, and the everyday English ones above.

    Built once, on the first name the plain lookup misses (~1 s, ~33,000 names); a name that stands for two
    countries (a translator's slip) is left out rather than guessed.
    """
    import gettext
    import os

    import pycountry

    english_names = {name_key(n): c.alpha_2 for c in pycountry.countries for n in _iso_names(c)}
    found: dict[str, str] = {}
    clashing: set[str] = set()

    def add(name: str, code: str) -> None:
        key = name_key(name)
        if key and found.setdefault(key, code) != code:
            clashing.add(key)

    folder = pycountry.LOCALES_DIR
    for language in sorted(os.listdir(folder)):
        if not os.path.exists(os.path.join(folder, language, "LC_MESSAGES", "iso3166-1.mo")):
            continue
        translate = gettext.translation("iso3166-1", folder, languages=[language]).gettext
        for country in pycountry.countries:
            for name in _iso_names(country):
                add(translate(name), country.alpha_2)
    for country in pycountry.countries:
        # 'Sint Maarten (Dutch part)', 'Korea, Republic of': the shorter forms people write.
        for name in _iso_names(country):
            for part in _name_parts(name):
                add(part, country.alpha_2)
        add(country.alpha_3, country.alpha_2)
    for key in clashing:
        del found[key]
    found.update(english_names)  # an English name is never another country's translation
    found.update(INFORMAL)
    return found


def warm_up() -> None:
    """Build the table of names now, so no lead of a long-running process waits for it."""
    _known_names()
