"""Shapes whose outcome hangs on AND-conditions, thresholds and sweet spots: what trees are for."""

from __future__ import annotations

import string
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from bench.shapes.cells import FIRST, LAST, company_names, emails, pick, times, write_csv
from bench.shapes.outcomes import draw_outcome, effects


def salesforce_interactions(rng, n):
    """Tab + cp1252 Salesforce leads export: Excel serial dates, '$1,250,000.00'."""
    # Interactions: budget AND timeline; product x industry; product x size; seniority x size.
    created = times(rng, n, datetime(2023, 7, 1), datetime(2025, 6, 30))
    excel = [(t - datetime(1899, 12, 30)).total_seconds() / 86400 for t in created]
    industries = ["Financial Services", "Healthcare", "Insurance", "Manufacturing", "Retail", "Logistics",
                  "Software", "Telecommunications", "Education", "Government", "Media", "Energy",
                  "Hospitality", "Construction", "Agriculture"]  # fmt: skip
    industry = pick(rng, industries, [10, 9, 6, 10, 9, 7, 12, 5, 5, 4, 5, 5, 4, 5, 4], n)
    products = ["Analytics", "Platform", "Integrations", "Services"]
    product = pick(rng, products, [30, 30, 25, 15], n)
    employees = np.clip(np.exp(rng.normal(np.log(250), 1.4, n)), 10, 200_000).astype(int)
    emp_blank = rng.random(n) < 0.08
    titles = {
        "exec": ["CEO", "CFO", "Chief Revenue Officer", "Founder", "Managing Director"],
        "vp": ["VP Sales", "VP Marketing", "Vice President Operations"],
        "dir": ["Director of IT", "Head of Marketing", "Sales Director"],
        "mgr": ["Marketing Manager", "IT Manager", "Operations Manager", "Account Manager"],
        "ic": ["Analyst", "Sales Representative", "Marketing Specialist", "Software Engineer", "Consultant"],
    }
    level = pick(rng, list(titles), [10, 10, 20, 30, 30], n)
    title = [rng.choice(titles[lv]) for lv in level]
    budget = rng.random(n) < 0.3
    timelines = ["0-3 months", "3-6 months", "6-12 months", "Not sure"]
    timeline = pick(rng, timelines, [15, 25, 25, 35], n)
    sources = ["Web", "Partner Referral", "Trade Show", "Webinar", "Purchased List", "Employee Referral",
               "Paid Search", "Other"]  # fmt: skip
    source = pick(rng, sources, [30, 8, 10, 12, 10, 4, 20, 6], n)
    countries = ["United States", "Germany", "United Kingdom", "France", "Canada", "Netherlands", "Australia",
                 "Spain"]  # fmt: skip
    country = pick(rng, countries, [45, 12, 12, 8, 8, 5, 5, 5], n)
    emp_eff = np.where(emp_blank, 300, employees)
    soon = np.isin(timeline, ["0-3 months", "3-6 months"])
    fit_a = (product == "Analytics") & np.isin(industry, ["Financial Services", "Healthcare", "Insurance"])
    fit_p = (product == "Platform") & np.isin(industry, ["Manufacturing", "Retail", "Logistics"])
    fit_i = (product == "Integrations") & (emp_eff > 500)
    fit_s = (product == "Services") & (emp_eff < 150)
    senior = np.isin(level, ["exec", "vp"])
    logit = (
        1.9 * (budget & soon)
        + 0.15 * budget
        + 1.3 * (fit_a | fit_p | fit_i | fit_s)
        - 0.4 * ~(fit_a | fit_p | fit_i | fit_s)
        + np.where(senior & (emp_eff < 1000), 0.9, np.where(senior, -0.2, 0.0))
        + np.vectorize(effects(sources, [0.0, 0.5, 0.1, 0.0, -0.6, 0.4, 0.0, -0.2]).get)(source)
        + rng.normal(0, 0.3, n)
    )
    y, p = draw_outcome(rng, logit, 0.05)
    revenue = employees * rng.uniform(60_000, 300_000, n)
    companies = company_names(rng, n, ["Inc.", "LLC", "Ltd", "GmbH", "S.A.", "Pty Ltd", "Corp."])
    status = np.where(
        y,
        pick(rng, ["Qualified", "Working - Contacted"], [9, 1], n),
        pick(
            rng, ["Unqualified", "Nurturing", "Working - Contacted", "Open - Not Contacted"], [5, 3, 1, 1], n
        ),
    )
    reason = np.where(
        y, "", pick(rng, ["No Budget", "Wrong Contact", "No Need", "Competitor", ""], [3, 2, 3, 1, 3], n)
    )
    alnum = np.array(list(string.ascii_letters + string.digits))
    df = pd.DataFrame(
        {
            "Id": ["00Q" + "".join(rng.choice(alnum, 15)) for _ in range(n)],
            "CreatedDate": [f"{x:.5f}" for x in excel],
            "FirstName": pick(rng, FIRST, None, n),
            "LastName": pick(rng, LAST, None, n),
            "Company": companies,
            "Email": emails(rng, n, companies, 0.1),
            "Title": title,
            "Industry": industry,
            "NumberOfEmployees": ["" if b else str(e) for e, b in zip(employees, emp_blank, strict=True)],
            "AnnualRevenue": ["" if b else f"${r:,.2f}" for r, b in zip(revenue, emp_blank, strict=True)],
            "Country": country,
            "LeadSource": source,
            "Product_Interest__c": product,
            "Budget_Confirmed__c": np.where(budget, "true", "false"),
            "Timeline__c": timeline,
            "Status": status,
            "Disqualified_Reason__c": reason,
            "IsConverted": np.where(y, "1", "0"),
        }
    )
    return dict(
        frame=df,
        file="salesforce_interactions.tsv",
        writer=lambda d, f: write_csv(d, f, "\t", "cp1252"),
        p=p,
        y=y,
        kind="interactions",
        split=None,
        notes="tab cp1252, Excel dates, $ revenue; budget&timeline, product x industry/size, title x size",
    )


def pipe_thresholds(rng, n):
    """'|' separated product sign-ups: epoch milliseconds, '43%' cells."""
    # Thresholds and AND-conditions: fit>=70 AND visits>=4, a sweet spot in seats, engagement only above 60%,
    # a peak in sign-up age, partner referrals only on paid tiers.
    created = times(rng, n, datetime(2024, 3, 1, tzinfo=UTC), datetime(2025, 8, 31, tzinfo=UTC))
    ms = [int(t.timestamp() * 1000) for t in created]
    channels = ["organic", "paid", "partner_portal", "outbound", "community"]
    channel = pick(rng, channels, [35, 25, 10, 20, 10], n)
    fit = rng.integers(0, 101, n)
    engagement = rng.uniform(0, 100, n).round(0)
    visits = rng.poisson(2.5, n)
    pricing = np.minimum(rng.poisson(0.5, n), 6)
    signup_age = rng.integers(0, 60, n)
    seats = np.clip(np.exp(rng.normal(np.log(12), 1.3, n)), 1, 5000).astype(int)
    partner = rng.random(n) < 0.2
    tiers = ["Free", "Pro", "Team", "Enterprise"]
    tier = pick(rng, tiers, [40, 30, 20, 10], n)
    logit = (
        2.3 * ((fit >= 70) & (visits >= 4))
        + 1.1 * (engagement > 60)
        + np.where((seats >= 10) & (seats <= 50), 0.9, np.where(seats > 200, -0.6, 0.0))
        + np.where((signup_age >= 3) & (signup_age <= 10), 0.8, 0.0)
        + 0.9 * (partner & np.isin(tier, ["Team", "Enterprise"]))
        + 0.25 * np.minimum(pricing, 3)
    )
    y, p = draw_outcome(rng, logit, 0.03)
    outcome = np.where(y, "Qualified", pick(rng, ["Disqualified", "Recycled"], [7, 3], n))
    note = np.where(
        y,
        pick(rng, ["meeting set", "handed to AE"], None, n),
        pick(rng, ["no response", "bad fit", "student", "duplicate"], None, n),
    )
    df = pd.DataFrame(
        {
            "lead_key": [f"L-{i:07d}" for i in rng.choice(9_999_999, n, replace=False)],
            "created_ms": ms,
            "channel": channel,
            "fit_score": fit,
            "engagement": [f"{e:.0f}%" for e in engagement],
            "site_visits": visits,
            "pricing_visits": pricing,
            "signup_age_days": signup_age,
            "seats_requested": seats,
            "partner_referred": np.where(partner, "Y", "N"),
            "plan_tier": tier,
            "sdr_note": note,
            "outcome": outcome,
        }
    )
    return dict(
        frame=df,
        file="pipe_thresholds.txt",
        writer=lambda d, f: write_csv(d, f, "|", "utf-8"),
        p=p,
        y=y,
        kind="interactions",
        split=None,
        notes="'|' epoch_ms, % cells; thresholds and AND-conditions (trees should win)",
    )


def tiny_interaction(rng, n):
    """600 rows, 20% SQL, built-in lead fields only."""
    # Interactions: seniority x inquiry type, demo request x company size.
    created = times(rng, n, datetime(2025, 1, 1), datetime(2025, 10, 31))
    titles = {
        "exec": ["CEO", "Owner", "Founder", "COO"],
        "mgr": ["Office Manager", "Team Lead", "IT Manager"],
        "ic": ["Assistant", "Developer", "Sales Associate", "Bookkeeper"],
    }
    level = pick(rng, list(titles), [25, 35, 40], n)
    title = [rng.choice(titles[lv]) for lv in level]
    inquiry = pick(rng, ["demo", "pricing", "contact", "content"], [25, 25, 25, 25], n)
    employees = np.clip(np.exp(rng.normal(np.log(60), 1.2, n)), 2, 5000).astype(int)
    demo = rng.random(n) < 0.3
    country = pick(rng, ["US", "CA", "GB", "AU", "IE"], [55, 15, 15, 10, 5], n)
    exec_ = level == "exec"
    logit = (
        np.where(exec_ & (inquiry == "pricing"), 1.8, 0.0)
        + np.where(exec_ & (inquiry == "content"), -0.8, 0.0)
        + np.where((level == "ic") & (inquiry == "content"), 0.6, 0.0)
        + np.where((level == "ic") & (inquiry == "pricing"), -0.6, 0.0)
        + np.where(demo & (employees >= 50), 1.3, np.where(demo, -0.3, 0.0))
        - 1.0 * (employees < 10)
    )
    y, p = draw_outcome(rng, logit, 0.20)
    companies = company_names(rng, n, ["Inc.", "Ltd", "LLC", "Pty"])
    df = pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "signup_date": [c.strftime("%Y-%m-%d") for c in created],
            "email": emails(rng, n, companies, 0.25),
            "company": companies,
            "title": title,
            "employees": employees,
            "inquiry": inquiry,
            "demo_requested": np.where(demo, "yes", "no"),
            "country": country,
            "stage": np.where(
                y, pick(rng, ["won", "qualified"], None, n), pick(rng, ["lost", "junk"], [4, 1], n)
            ),
        }
    )
    return dict(
        frame=df,
        file="tiny_interaction.csv",
        writer=lambda d, f: write_csv(d, f, ",", "utf-8"),
        p=p,
        y=y,
        kind="interactions",
        split=None,
        notes="600 rows 20% SQL, built-in fields; seniority x inquiry, demo x size",
    )
