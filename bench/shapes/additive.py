"""Shapes whose outcome is a sum of per-column effects: the logistic regression is the right model here, so leadgate must not fall far behind it."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from bench.shapes.cells import FIRST, company_names, de_number, emails, pick, times, write_csv
from bench.shapes.outcomes import draw_outcome, effects


def hubspot_de_additive(rng, n):
    """';' + UTF-8 BOM German HubSpot export: decimal commas, '€ 12.345,67', dd.mm.yyyy dates."""
    # Additive: logit = industry + channel + country + 0.12*views + linear budget + linear score + newsletter.
    created = times(rng, n, datetime(2024, 1, 1), datetime(2025, 6, 30))
    ind_levels = ["Maschinenbau", "Software", "Handel", "Logistik", "Gesundheit", "Finanzen", "Bildung",
                  "Energie", "Medien", "Bau"]  # fmt: skip
    ind_eff = effects(ind_levels, [0.3, 0.7, -0.4, 0.0, 0.4, 0.5, -0.7, 0.1, -0.3, -0.5])
    ch_levels = ["Organische Suche", "Bezahlte Suche", "Social Media", "Empfehlung", "E-Mail-Marketing",
                 "Direkt"]  # fmt: skip
    ch_eff = effects(ch_levels, [0.2, -0.1, -0.6, 0.8, 0.1, 0.0])
    co_levels = ["DE", "AT", "CH", "NL", "PL", "FR"]
    co_eff = effects(co_levels, [0.0, 0.2, 0.4, 0.1, -0.3, -0.2])
    industry = pick(rng, ind_levels, [14, 12, 12, 10, 9, 9, 8, 10, 8, 8], n)
    channel = pick(rng, ch_levels, [30, 20, 15, 10, 15, 10], n)
    country = pick(rng, co_levels, [55, 12, 10, 9, 8, 6], n)
    views = rng.poisson(3.0, n)
    budget = np.clip(rng.normal(40_000, 15_000, n), 500, None)
    budget_missing = rng.random(n) < 0.15
    score = rng.uniform(0, 100, n).round(1)
    newsletter = rng.random(n) < 0.45
    employees = np.clip(np.exp(rng.normal(np.log(150), 1.2, n)), 10, 40_000).astype(int)
    logit = (
        np.vectorize(ind_eff.get)(industry)
        + np.vectorize(ch_eff.get)(channel)
        + np.vectorize(co_eff.get)(country)
        + 0.12 * views
        + np.where(budget_missing, -0.2, 0.6 * (budget - 40_000) / 15_000)
        + 0.02 * (score - 50)
        + 0.4 * newsletter
    )
    y, p = draw_outcome(rng, logit, 0.04)
    companies = company_names(rng, n, ["GmbH", "AG", "KG", "GmbH & Co. KG", "SE", "B.V."])
    open_ = rng.random(n) < 0.015
    stage = np.where(
        y,
        pick(rng, ["SQL", "Opportunity", "Kunde"], [5, 3, 2], n),
        pick(rng, ["Abonnent", "Lead", "MQL"], [3, 5, 2], n),
    )
    stage = np.where(open_, "In Bearbeitung", stage)
    status = np.where(
        y,
        pick(rng, ["Qualifiziert", "Verbunden", "Offen"], [8, 1, 1], n),
        pick(rng, ["Nicht qualifiziert", "Versuch zu kontaktieren", "Offen", "Verbunden"], [5, 2, 2, 1], n),
    )
    reason = np.where(
        y, "", pick(rng, ["Kein Budget", "Falscher Ansprechpartner", "Kein Bedarf", ""], [3, 2, 3, 4], n)
    )
    df = pd.DataFrame(
        {
            "Datensatz-ID": rng.choice(np.arange(10_000_000, 99_999_999), n, replace=False),
            "Vorname": pick(rng, FIRST, None, n),
            "E-Mail": emails(rng, n, companies, 0.2),
            "Firmenname": companies,
            "Erstellungsdatum": [t.strftime("%d.%m.%Y %H:%M") for t in created],
            "Land": country,
            "Anzahl Mitarbeiter": employees,
            "Branche": industry,
            "Quelle": channel,
            "Seitenaufrufe": views,
            "Jahresbudget": [
                "" if m else f"€ {de_number(b)}" for b, m in zip(budget, budget_missing, strict=True)
            ],
            "Lead-Score extern": [de_number(s, 1, group=False) for s in score],
            "Newsletter": np.where(newsletter, "Ja", "Nein"),
            "Lead-Status": status,
            "Grund Disqualifizierung": reason,
            "Lebenszyklusphase": stage,
        }
    )
    return dict(
        frame=df,
        file="hubspot_de_additive.csv",
        writer=lambda d, f: write_csv(d, f, ";", "utf-8-sig"),
        p=p,
        y=y,
        open=open_,
        kind="additive",
        split=None,
        notes="';' UTF-8 BOM, dd.mm.yyyy, € decimal comma; additive (LR is the right model)",
    )


def parquet_additive6(rng, n):
    """Typed Parquet file with six predictor columns."""
    # Additive: linear in the numbers, an offset per category, one flag.
    created = pd.to_datetime(times(rng, n, datetime(2024, 9, 1), datetime(2025, 9, 1)), utc=True)
    seats = rng.poisson(7, n) + 1
    active_days = rng.integers(0, 15, n)
    spend = rng.normal(250, 80, n).round(2)
    spend_missing = rng.random(n) < 0.1
    plans = ["free", "starter", "team", "business"]
    plan = pick(rng, plans, [40, 30, 20, 10], n)
    regions = ["NA", "EMEA", "APAC", "LATAM", "ANZ"]
    region = pick(rng, regions, [40, 30, 15, 10, 5], n)
    invited = rng.random(n) < 0.35
    logit = (
        0.1 * seats
        + 0.12 * active_days
        + np.where(spend_missing, 0.0, 0.004 * (spend - 250))
        + np.vectorize(effects(plans, [-0.6, -0.1, 0.3, 0.5]).get)(plan)
        + np.vectorize(effects(regions, [0.2, 0.0, -0.3, -0.4, 0.3]).get)(region)
        + 0.5 * invited
    )
    y, p = draw_outcome(rng, logit, 0.12)
    df = pd.DataFrame(
        {
            "lead_id": [f"acct_{i:06d}" for i in rng.choice(999_999, n, replace=False)],
            "created_at": created,
            "seats": seats.astype("int64"),
            "active_days": active_days.astype("int64"),
            "monthly_spend": pd.array(np.where(spend_missing, np.nan, spend), dtype="Float64"),
            "plan": pd.array(plan, dtype="string"),
            "region": pd.array(region, dtype="string"),
            "invited_teammates": invited,
            "converted": y,
        }
    )
    return dict(
        frame=df,
        file="parquet_additive6.parquet",
        writer=lambda d, f: d.to_parquet(f, index=False),
        p=p,
        y=y,
        kind="additive",
        split=None,
        notes="typed Parquet, 6 predictors, 12% SQL; additive (LR is the right model)",
    )


def additive_territory(rng, n):
    """Comma + UTF-8 BOM, US 12-hour dates, quoted multi-line notes, a 250-level territory."""
    # Additive: territory offsets + persona + source + linear counts and minutes.
    created = times(rng, n, datetime(2024, 2, 1), datetime(2025, 7, 31))
    territories = [f"T{r:02d}-{c}" for r in range(1, 26) for c in "ABCDEFGHIJ"]
    terr = pick(rng, territories, rng.dirichlet(np.ones(250) * 3), n)
    terr_eff = effects(territories, rng.normal(0, 0.6, 250))
    personas = ["Economic Buyer", "Champion", "Technical Evaluator", "End User", "Influencer", "Unknown"]
    persona = pick(rng, personas, [10, 15, 20, 25, 15, 15], n)
    sources = ["Organic Search", "Paid Search", "Paid Social", "Referrals", "Direct Traffic",
               "Email Marketing", "Offline Sources"]  # fmt: skip
    source = pick(rng, sources, [25, 20, 12, 8, 15, 12, 8], n)
    clicks = rng.poisson(2, n)
    forms = np.minimum(rng.poisson(1.2, n), 8)
    minutes = np.clip(rng.normal(12, 6, n), 0, None).round(1)
    logit = (
        np.vectorize(terr_eff.get)(terr)
        + np.vectorize(effects(personas, [0.7, 0.5, 0.1, -0.4, 0.0, -0.3]).get)(persona)
        + np.vectorize(effects(sources, [0.2, 0.0, -0.5, 0.6, 0.1, 0.0, -0.2]).get)(source)
        + 0.15 * clicks
        + 0.3 * forms
        + 0.04 * (minutes - 12)
    )
    y, p = draw_outcome(rng, logit, 0.03)
    notes_pool = [
        "Asked about pricing, wants a call",
        'Visited booth; "interested"',
        "",
        "Downloaded whitepaper,\nno follow-up yet",
        "",
        "Requested EU data residency",
        "",
        "Referred by customer, see thread",
        "Spam?",
        "Budget next FY, revisit in Q3",
    ]
    stage = np.where(
        y,
        pick(rng, ["salesqualifiedlead", "opportunity", "customer"], [6, 3, 1], n),
        pick(rng, ["subscriber", "lead", "marketingqualifiedlead", "other"], [3, 5, 2, 1], n),
    )
    status = np.where(
        y, "CONNECTED", pick(rng, ["UNQUALIFIED", "ATTEMPTED_TO_CONTACT", "NEW", "BAD_TIMING"], None, n)
    )
    companies = company_names(rng, n, ["Inc.", "LLC", "Co."])
    df = pd.DataFrame(
        {
            "Record ID": rng.choice(np.arange(1_000_000, 9_999_999), n, replace=False),
            "Create Date": [c.strftime("%m/%d/%Y %I:%M %p") for c in created],
            "First Name": pick(rng, FIRST, None, n),
            "Email": emails(rng, n, companies, 0.1),
            "Territory": terr,
            "Buyer Persona": persona,
            "Original Source": source,
            "Marketing Emails Clicked": clicks,
            "Number of Form Submissions": forms,
            "Time on Site (min)": minutes,
            "Notes": pick(rng, notes_pool, None, n),
            "Lead Status": status,
            "Lifecycle Stage": stage,
        }
    )
    return dict(
        frame=df,
        file="additive_territory.csv",
        writer=lambda d, f: write_csv(d, f, ",", "utf-8-sig"),
        p=p,
        y=y,
        kind="additive",
        split=None,
        notes="BOM, %m/%d/%Y %I:%M %p, multi-line notes, 250-level territory; additive",
    )
