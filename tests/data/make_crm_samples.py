"""Writes the small synthetic HubSpot and Salesforce exports in tests/data from the seeded generator.

Columns are named as those CRMs name them in a contacts / leads export; values are reshaped the way
those exports write them (display names, local date formats, 1/0 flags). Run from the repo root:
    .venv/bin/python tests/data/make_crm_samples.py
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from leadgate.training.synth import generate_history

HERE = Path(__file__).resolve().parent
HUBSPOT_SOURCES = {
    "organic": "Organic Search",
    "paid_search": "Paid Search",
    "paid_social": "Paid Social",
    "referral": "Referrals",
    "direct": "Direct Traffic",
    "events": "Offline Sources",
    "partner": "Other Campaigns",
    "outbound": "Offline Sources",
    "content_syndication": "Other Campaigns",
}
SALESFORCE_SOURCES = {
    "organic": "Web",
    "paid_search": "Advertisement",
    "paid_social": "Advertisement",
    "referral": "Employee Referral",
    "direct": "Web",
    "events": "Trade Show",
    "partner": "Partner Referral",
    "outbound": "Phone Inquiry",
    "content_syndication": "Purchased List",
}


def _count(record: dict, kind: str) -> int:
    scored = record["scored_at"]
    return sum(1 for e in record.get("events", []) if e["type"] == kind and e["at"] <= scored)


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def hubspot_row(r: dict) -> dict:
    c, co, o = r.get("contact", {}), r.get("company", {}), r["outcome"]
    stage = "Customer" if o.get("won") else "Sales Qualified Lead" if o["sql"] else "Lead"
    return {
        "Record ID": r["lead_id"],
        "First Name": c.get("first_name") or "",
        "Last Name": c.get("last_name") or "",
        "Email": c.get("email") or "",
        "Job Title": c.get("job_title") or "",
        "Company Name": co.get("name") or "",
        "Website URL": co.get("website") or "",
        "Number of Employees": co.get("employees") if co.get("employees") is not None else "",
        "Annual Revenue": co.get("annual_revenue") if co.get("annual_revenue") is not None else "",
        "Industry": co.get("industry") or "",
        "Country/Region": co.get("country") or "",
        "Create Date": _when(r["created_at"]).strftime("%Y-%m-%d %H:%M"),
        "Original Source": HUBSPOT_SOURCES.get(r.get("source", {}).get("channel"), ""),
        "Number of Pageviews": _count(r, "page_view"),
        "Number of Form Submissions": _count(r, "form_submit"),
        "Marketing emails opened": _count(r, "email_open"),
        "Marketing emails clicked": _count(r, "email_click"),
        "Unsubscribed from all email": "true" if _count(r, "unsubscribe") else "false",
        "Lifecycle Stage": stage,
        "Lead Status": "" if o["sql"] else "Unqualified",
        "Unqualified Reason": "" if o["sql"] else (o.get("rejection_reason") or ""),
        "Became a Sales Qualified Lead Date": (o.get("sql_at") or "")[:10],
    }


def salesforce_row(r: dict) -> dict:
    c, co, o = r.get("contact", {}), r.get("company", {}), r["outcome"]
    return {
        "Lead ID": r["lead_id"],
        "First Name": c.get("first_name") or "",
        "Last Name": c.get("last_name") or "",
        "Title": c.get("job_title") or "",
        "Email": c.get("email") or "",
        "Company": co.get("name") or "",
        "Website": co.get("website") or "",
        "No. of Employees": co.get("employees") if co.get("employees") is not None else "",
        "Annual Revenue": co.get("annual_revenue") if co.get("annual_revenue") is not None else "",
        "Industry": co.get("industry") or "",
        "Country": co.get("country") or "",
        "Lead Source": SALESFORCE_SOURCES.get(r.get("source", {}).get("channel"), ""),
        "Created Date": _when(r["created_at"]).strftime("%m/%d/%Y %I:%M %p"),
        "Email Opt Out": 1 if _count(r, "unsubscribe") else 0,
        "Description": (r.get("form", {}).get("message") or "").replace("\n", " "),
        "Lead Status": "Qualified" if o["sql"] else "Unqualified",
        "Converted": 1 if o["sql"] else 0,
        "Disqualified_Reason__c": "" if o["sql"] else (o.get("rejection_reason") or ""),
        "Opportunity Stage": "Closed Won" if o.get("won") else ("Prospecting" if o["sql"] else ""),
        "Rating": "Hot" if o["sql"] else "Cold",
    }


def write(path: Path, rows: list[dict]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    records = generate_history(n_leads=600, months=6, seed=101)
    write(HERE / "hubspot_contacts_sample.csv", [hubspot_row(r) for r in records])
    write(HERE / "salesforce_leads_sample.csv", [salesforce_row(r) for r in records])


if __name__ == "__main__":
    main()
