"""Shapes that test the edges: a heavy-tailed number, effects that drift over time, and almost no signal at all."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd

from bench.shapes.cells import company_names, de_number, emails, pick, times, write_csv
from bench.shapes.outcomes import draw_outcome, effects


def b2c_heavytail(rng, n):
    """Comma separated consumer sign-ups with no id and no dates (a random split)."""
    # Heavy tail: the basket value is lognormal and its log is linear in the logit.
    basket = np.exp(rng.normal(4.0, 1.8, n))
    sessions = rng.poisson(4, n)
    devices = ["mobile", "desktop", "tablet"]
    device = pick(rng, devices, [60, 32, 8], n)
    ages = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]
    age = pick(rng, ages, [15, 28, 22, 17, 11, 7], n)
    states = ["AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
              "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY",
              "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV",
              "WI", "WY"]  # fmt: skip
    weights = rng.dirichlet(np.ones(len(states)) * 2)
    state = pick(rng, states, weights, n)
    st_eff = effects(states, rng.normal(0, 0.2, len(states)))
    coupon = rng.random(n) < 0.3
    opens = rng.uniform(0, 100, n).round(0)
    sources = ["app_store", "google_ads", "tiktok", "instagram", "friend_invite", "blog"]
    source = pick(rng, sources, [20, 25, 15, 15, 10, 15], n)
    logit = (
        0.75 * np.log(basket)
        + 0.08 * sessions
        + np.vectorize(effects(devices, [-0.2, 0.2, 0.0]).get)(device)
        + np.vectorize(effects(ages, [-0.4, 0.0, 0.2, 0.2, 0.0, -0.2]).get)(age)
        + np.vectorize(st_eff.get)(state)
        + 0.3 * coupon
        + 0.01 * (opens - 50)
        + np.vectorize(effects(sources, [0.1, -0.1, -0.4, -0.2, 0.5, 0.2]).get)(source)
    )
    y, p = draw_outcome(rng, logit, 0.025)
    pending = rng.random(n) < 0.01
    plan = np.where(pending, "Pending", np.where(y, "Premium", "Free"))
    df = pd.DataFrame(
        {
            "Basket Value": [f"${b:,.2f}" for b in basket],
            "Sessions (30d)": sessions,
            "Device": device,
            "Age Band": age,
            "State": state,
            "Coupon Used": np.where(coupon, "Yes", "No"),
            "Email Open Rate": [f"{o:.0f}%" for o in opens],
            "Signup Source": source,
            "Subscription": plan,
        }
    )
    return dict(
        frame=df,
        file="b2c_heavytail.csv",
        writer=lambda d, f: write_csv(d, f, ",", "utf-8"),
        p=p,
        y=y,
        open=pending,
        kind="heavy_tail",
        split="random",
        notes="no id/dates, 2.5% SQL, basket value lognormal (sigma 1.8) whose log is linear",
    )


def drift_campaigns(rng, n):
    """Comma separated, ISO 'Z' dates over 24 months, rows unsorted."""
    # Mild drift: paid social decays while events and demo requests grow.
    created = sorted(times(rng, n, datetime(2023, 9, 1, tzinfo=UTC), datetime(2025, 8, 31, tzinfo=UTC)))
    t = np.linspace(0, 1, n)
    channels = ["paid_social", "paid_search", "organic", "email", "events", "partner"]
    channel = pick(rng, channels, [25, 20, 25, 12, 10, 8], n)
    months = [c.strftime("%Y-%m") for c in created]
    camp_kind = {
        "paid_social": ["LinkedIn ABM", "Meta Lookalike"],
        "paid_search": ["Brand", "Generic"],
        "organic": ["SEO"],
        "email": ["Newsletter", "Nurture"],
        "events": ["Roadshow", "Expo"],
        "partner": ["Co-marketing"],
    }
    quarter = [f"{m[:4]}-Q{(int(m[5:]) - 1) // 3 + 1}" for m in months]
    campaign = [f"{q} {rng.choice(camp_kind[c])}" for q, c in zip(quarter, channel, strict=True)]
    titles = {
        "exec": ["CMO", "Founder & CEO", "Chief Digital Officer"],
        "vp": ["VP of Marketing", "VP Growth"],
        "dir": ["Marketing Director", "Director, Demand Generation", "Head of Growth"],
        "mgr": ["Marketing Manager", "Demand Gen Manager", "Growth Lead"],
        "ic": ["Marketing Coordinator", "Content Writer", "Software Engineer", "Marketing Assistant"],
    }
    level = pick(rng, list(titles), [8, 8, 18, 30, 36], n)
    title = [rng.choice(titles[lv]) for lv in level]
    sizes = ["1-10", "11-50", "51-200", "201-1000", "1001-5000", "5000+"]
    size = pick(rng, sizes, [15, 25, 25, 18, 10, 7], n)
    industries = ["SaaS", "E-commerce", "Agency", "Fintech", "Healthcare", "Manufacturing", "Education"]
    industry = pick(rng, industries, [25, 15, 15, 12, 12, 11, 10], n)
    webinar = rng.random(n) < 0.15
    downloads = np.minimum(rng.poisson(0.8, n), 12)
    demo = rng.random(n) < 0.08
    trial = rng.random(n) < 0.2
    ch_eff = np.select(
        [channel == "paid_social", channel == "events", channel == "partner", channel == "organic"],
        [0.8 - 1.6 * t, 0.0 + 0.8 * t, np.full(n, 0.6), np.full(n, 0.2)],
        0.0,
    )
    logit = (
        0.4 * t
        + ch_eff
        + (1.0 + 0.8 * t) * demo
        + 0.6 * trial
        + 0.4 * webinar
        + 0.15 * np.minimum(downloads, 5)
        + np.vectorize(effects(list(titles), [0.7, 0.6, 0.4, 0.1, -0.4]).get)(level)
        + np.vectorize(effects(sizes, [-0.6, -0.1, 0.2, 0.3, 0.2, 0.0]).get)(size)
        + np.vectorize(effects(industries, [0.3, -0.1, -0.4, 0.2, 0.1, 0.0, -0.3]).get)(industry)
    )
    y, p = draw_outcome(rng, logit, 0.04)
    order = rng.permutation(n)  # exports are rarely sorted by date
    companies = company_names(rng, n, ["Inc.", "GmbH", "Ltd", "BV", "SAS"])
    stage = np.where(
        y,
        pick(rng, ["Sales Qualified Lead", "Opportunity", "Customer"], [5, 3, 2], n),
        pick(rng, ["Subscriber", "Lead", "Marketing Qualified Lead", "Other"], [3, 5, 2, 1], n),
    )
    status = np.where(
        y, "Connected", pick(rng, ["Unqualified", "Attempted to contact", "Bad timing", "New"], None, n)
    )
    df = pd.DataFrame(
        {
            "Lead ID": [f"{100000 + i}" for i in range(n)],
            "Create Date": [c.strftime("%Y-%m-%dT%H:%M:%SZ") for c in created],
            "Email": emails(rng, n, companies, 0.15),
            "Job Title": title,
            "Company Name": companies,
            "Company Size": size,
            "Industry": industry,
            "Channel": channel,
            "Campaign": campaign,
            "Webinar Attended": np.where(webinar, "Yes", "No"),
            "Content Downloads": downloads,
            "Demo Requested": np.where(demo, "Yes", "No"),
            "Trial Started": np.where(trial, "Yes", "No"),
            "Lead Status": status,
            "Lifecycle Stage": stage,
        }
    ).iloc[order]
    return dict(
        frame=df,
        file="drift_campaigns.csv",
        writer=lambda d, f: write_csv(d, f, ",", "utf-8"),
        p=p[order],
        y=y[order],
        kind="drift",
        split=None,
        notes="ISO Z dates 24 months, unsorted rows; channel/demo effects drift over time",
    )


def little_signal(rng, n):
    """';' + cp1252, decimal commas, no dates but a Lead Number sequence, a 3,000-level postcode."""
    # Little signal: visits, dwell time and campaign barely move the odds.
    postcodes = [f"{x:05d}" for x in rng.choice(99_999, 3000, replace=False)]
    plz = pick(rng, postcodes, rng.dirichlet(np.ones(3000) * 0.7), n)
    prefixes = ["Bad ", "Neu", "Alt", "Groß", "Klein", "Sankt ", "Ober", "Unter", ""]
    endings = ["münster", "hausen", "dorf", "bach", "feld", "brück", "stätt", "heim", "au", "rode", "kirchen",
               "stein", "wald", "tal", "berg", "burg", "büttel", "hof", "höhe", "weiler"]  # fmt: skip
    cities = [f"{a}{b}" for a in prefixes for b in endings]
    city = pick(rng, cities, rng.dirichlet(np.ones(len(cities))), n)
    refs = [
        f"https://www.{w}.de/{rng.integers(1, 9999)}"
        for w in rng.choice(["ratgeber", "vergleich", "forum", "news", "blog", "portal", "magazin"], 1500)
    ]
    ref = pick(rng, refs, None, n)
    salutation = pick(rng, ["Herr", "Frau", "Divers", ""], [48, 44, 2, 6], n)
    revenue = np.exp(rng.normal(13, 1.5, n))
    visits = rng.poisson(2, n)
    dwell = rng.gamma(2, 60, n)
    seasons = ["Frühling", "Sommer", "Herbst", "Winter", "Messe", "Webinar", "Katalog", "Gewinnspiel",
               "Newsletter", "Partner", "Rückruf", "Sonstige"]  # fmt: skip
    camps = [f"Aktion {x}" for x in seasons]
    camp = pick(rng, camps, None, n)
    logit = (
        0.06 * visits
        + 0.0012 * (dwell - 120)
        + np.vectorize(effects(camps, rng.normal(0, 0.15, len(camps))).get)(camp)
        + rng.normal(0, 0.1, n)
    )
    y, p = draw_outcome(rng, logit, 0.03)
    rep = np.where(
        y,
        pick(rng, ["Fr. Köhler", "Hr. Brandt", "Fr. Aydın"], [6, 3, 1], n),
        pick(rng, ["Fr. Köhler", "Hr. Brandt", "Fr. Aydın", "Hr. Weiß"], None, n),
    )
    rep = np.where(np.char.find(rep.astype(str), "ı") >= 0, "Fr. Aydin", rep)  # cp1252 has no dotless i
    lead_no = np.cumsum(rng.integers(1, 4, n)) + 660_000
    df = pd.DataFrame(
        {
            "Lead Number": lead_no,
            "Anrede": salutation,
            "PLZ": plz,
            "Ort": city,
            "Referrer URL": ref,
            "Umsatz Vorjahr": [de_number(r) for r in revenue],
            "Anzahl Besuche": visits,
            "Verweildauer (Sek.)": [de_number(d, 1, group=False) for d in dwell],
            "Kampagne": camp,
            "Betreuer": rep,
            "Abschluss": np.where(y, "Ja", "Nein"),
        }
    )
    return dict(
        frame=df,
        file="little_signal.csv",
        writer=lambda d, f: write_csv(d, f, ";", "cp1252"),
        p=p,
        y=y,
        kind="little_signal",
        split=None,
        notes="';' cp1252, decimal comma, Lead Number sequence, 3,000-level PLZ; weak signal",
    )
