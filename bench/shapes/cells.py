"""What export cells look like: categorical draws, German numbers, timestamps, names, e-mails, CSV writing."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

FIRST = ["Anna", "Jonas", "Lea", "Lukas", "Mia", "Finn", "Sofia", "Noah", "Emma", "Paul", "Ines", "Omar",
         "Chloé", "José", "Zoë", "Björn", "Aylin", "Matteo", "Léa", "Nils", "Priya", "Wei", "Kofi", "Sara"]  # fmt: skip
LAST = ["Müller", "Schmidt", "Weber", "Fischer", "Novak", "García", "Dubois", "Rossi", "Jansen", "Kowalski",
        "Öztürk", "Nguyen", "Smith", "Brown", "Okafor", "Lindqvist", "Håkansson", "Moreau", "Silva", "Kim"]  # fmt: skip
FREEMAIL = ["gmail.com", "gmx.de", "web.de", "outlook.com", "yahoo.com", "hotmail.com"]


def pick(rng, levels, probs=None, n=1):
    """n draws from `levels` with weights `probs` (normalised; None: uniform)."""
    probs = None if probs is None else np.asarray(probs, float) / np.sum(probs)
    return rng.choice(np.asarray(levels, dtype=object), size=n, p=probs)


def de_number(x, decimals=2, group=True):
    """12345.6 -> '12.345,60' (German style)."""
    s = f"{x:,.{decimals}f}" if group else f"{x:.{decimals}f}"
    return s.replace(",", "\0").replace(".", ",").replace("\0", ".")


def times(rng, n, start, end):
    """n moments drawn uniformly between start and end (unsorted, as exports often are)."""
    span = (end - start).total_seconds()
    return [start + timedelta(seconds=float(s)) for s in rng.uniform(0, span, n)]


def company_names(rng, n, suffixes):
    """n made-up company names with a legal-form suffix; umlauts and accents on purpose."""
    stems = ["Nord", "Alpen", "Berg", "Linden", "Rhein", "Kraft", "Blau", "Stern", "Hafen", "Falken", "Sonnen",
             "Eich", "Quell", "Wald", "Fluss", "Kiesel", "Móra", "Café", "Élan", "Fjord", "Süd", "Ost", "West"]  # fmt: skip
    tails = ["tech", "werk", "logik", "data", "soft", "systems", "bau", "medien", "handel", "labs", "ware"]
    return [f"{rng.choice(stems)}{rng.choice(tails)} {rng.choice(suffixes)}" for _ in range(n)]


def emails(rng, n, companies, free_share):
    """One address per lead: a free-mail domain for `free_share` of them, else the company's own."""
    out = []
    for i in range(n):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        local = f"{first}.{last}".lower().encode("ascii", "ignore").decode() or "kontakt"
        if rng.random() < free_share:
            dom = rng.choice(FREEMAIL)
        else:
            dom = (
                "".join(ch for ch in companies[i].split()[0].lower() if ch.isascii() and ch.isalnum())
                + ".com"
            )
        out.append(f"{local}{rng.integers(1, 99)}@{dom}")
    return out


def write_csv(df, path, sep, encoding, **kw):
    """Write a frame as a CRM would: the given separator and encoding, CRLF line ends, no index."""
    df.to_csv(path, sep=sep, index=False, encoding=encoding, lineterminator="\r\n", **kw)
