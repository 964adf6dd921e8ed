"""A first mapping drafted from an export: roles by header, types by cells, the outcome's values, and it parses."""

from __future__ import annotations

from collections import Counter

import yaml

from leadgate.features.mapping import parse_mapping
from leadgate.serving.export_reader import read_export
from leadgate.training.exports import history_from_export
from leadgate.training.mapping_draft import column_kind, draft_mapping
from leadgate.training.mapping_draft_names import custom_name, header_words, label_guess
from leadgate.training.mapping_draft_yaml import draft_yaml
from tests.conftest import SHARED_DATA
from tests.training.export_shapes import shop_rows


def _contacts(n: int = 300) -> list[dict]:
    """A HubSpot-like export as text cells: every role a mapping has, and columns of the CRM's own."""
    return [
        {
            "Record ID": str(5000 + i),
            "Create Date": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d} 10:{i % 60:02d}",
            "Email": f"p{i}@firm{i % 40}.com",
            "Job Title": ("Head of IT", "CEO", "Werkstudent")[i % 3],
            "Country/Region": ("Germany", "N/A", "United States")[i % 3],
            "Number of Employees": ("11-50", "51-200", "201-500")[i % 3],
            "Budget (EUR)": f"{1000 + 37.5 * i:.2f}".replace(".", ","),
            "Webinars": str(i % 4),
            "Newsletter": ("Yes", "No")[i % 2],
            "Segment": ("SMB", "Mid-Market", "Enterprise", "N/A")[i % 4],
            "Trial Started": f"{1 + i % 28:02d}.03.2026",
            "Notes from form": f"we need {i} seats for the team in building {i * 7}",
            "Lead Status": ("Qualified", "Not Qualified", "Attempted to Contact", "Junk Lead")[i % 4],
            "Lead Owner": ("kim", "alex")[i % 2],
            "Last Activity Date": "2026-05-01",
            "Region": "EMEA",
        }
        for i in range(n)
    ]


def test_an_export_s_columns_get_their_roles_and_types_and_the_draft_parses_and_maps_every_row():
    rows = _contacts()
    draft = draft_mapping("HubSpot Contacts", list(rows[0]), rows)
    assert draft.name == "hubspot_contacts" and draft.placeholders == ["", "N/A"]
    assert draft.lead_id == "Record ID"
    assert draft.created_at == {
        "column": "Create Date",
        "type": "datetime",
    }  # ISO 8601 reads '2026-01-01 10:00'
    assert draft.fields == {
        "contact.email": "Email",
        "contact.job_title": "Job Title",
        "company.country": "Country/Region",
        "company.employees": "Number of Employees",
    }
    assert draft.custom == {
        "budget_eur": {"column": "Budget (EUR)", "type": "number"},
        "webinars": {"column": "Webinars", "type": "integer"},
        "newsletter": {"column": "Newsletter", "type": "flag"},
        "segment": {"column": "Segment"},
        "trial_started": {"column": "Trial Started", "type": "datetime", "date_format": "%d.%m.%Y"},
    }
    assert draft.label == {
        "sql": {"column": "Lead Status"},
        "sql_positive": ["Qualified"],
        "open": ["Attempted to Contact"],
    }
    assert draft.after_contact == ["Lead Owner", "Last Activity Date"]
    assert draft.left_out["Region"] == "one value only ('EMEA')"
    assert draft.left_out["Notes from form"].startswith("free text (300 distinct values)")
    text = draft_yaml(draft, "contacts.csv", len(rows))
    assert '  sql: {column: "Lead Status"}  # holds "Qualified" 75, "Not Qualified" 75' in text
    assert "#   Region: one value only ('EMEA')" in text
    mapping = parse_mapping(text, "draft")
    mapped = history_from_export(rows, mapping)
    # Junk and Not Qualified are not SQL, Attempted to Contact is open (left out of training, counted).
    assert len(mapped.history.leads) == 225 and int(mapped.history.sql.sum()) == 75


def test_an_export_without_ids_dates_or_a_named_outcome_says_what_to_give():
    rows = shop_rows(200)
    draft = draft_mapping("shop", list(rows[0]), rows)
    assert draft.lead_id is None and draft.created_at is None
    assert draft.label is not None and draft.label["sql"] == {"column": "Ergebnis"}
    assert draft.label["sql_positive"] == ["Yes"]
    assert draft.custom["budget"] == {"column": "Budget", "type": "number"}  # '1234,56': a decimal comma
    assert draft.fields["company.country"] == "Land"
    text = draft_yaml(draft, "shop.csv", 200)
    assert "# lead_id: no id column found: each lead is row-N, its row number" in text
    assert "# created_at: no creation date found: training splits at random (--split random)" in text
    mapping = parse_mapping(text, "draft")
    assert len(history_from_export(rows, mapping).history.leads) == 200
    unnamed = [{k.replace("Ergebnis", "Result column"): v for k, v in row.items()} for row in rows]
    text = draft_yaml(draft_mapping("shop", list(unnamed[0]), unnamed), "shop.csv", 200)
    assert "# label: no outcome column found by its name" in text


def test_x_education_drafts_its_id_outcome_and_late_columns_by_their_names():
    rows = read_export(SHARED_DATA / "x_education" / "Leads.csv")
    draft = draft_mapping("Leads", list(rows[0]), rows)
    assert draft.lead_id == "Prospect ID" and draft.sequence == "Lead Number" and draft.created_at is None
    assert draft.label["sql_positive"] == ["1"] and dict(draft.label_values) == {"0": 5679, "1": 3561}
    assert {"Last Activity", "Last Notable Activity", "Tags", "Lead Quality"} <= set(draft.after_contact)
    assert draft.custom["total_time_spent_on_website"] == {
        "column": "Total Time Spent on Website",
        "type": "integer",
    }
    text = draft_yaml(draft, "Leads.csv", len(rows))
    assert '# created_at: {column: "Lead Number", start: "2024-01-01T00:00:00Z", step_seconds: 3600}' in text
    parsed = yaml.safe_load(text)
    assert parsed["placeholders"] == ["", "Select", "unknown"]
    parse_mapping(text, "draft")


def test_names_words_kinds_and_outcome_values():
    assert header_words("Lead_Source__c") == "lead source" == header_words(" Lead Source ")
    assert custom_name("2nd Touch", set()) == "c_2nd_touch"
    assert custom_name("Segment", {"segment"}) == "segment_2"
    assert column_kind([], 10)[0] == "" and column_kind(["a", "b"] * 5, 10)[0] == "category"
    assert column_kind([str(i) for i in range(10)], 10) == (
        "",
        {},
        "a different whole number on every row: an identifier",
    )
    assert column_kind(["1,5", "2"] * 5, 10)[0] == "number"
    assert column_kind(["x@y.com", "z@w.org"] * 5, 10)[2].startswith("email addresses")
    assert column_kind(["+49 30 1234567", "(555) 010-1234", "0151/2345678"] * 4, 12)[2].startswith(
        "phone numbers"
    )
    values = Counter(["Sales Qualified Lead", "Unqualified", "Lead", "Working", "Customer", "Lost"])
    assert label_guess(values, dated=False) == {
        "sql_positive": ["Sales Qualified Lead", "Customer"],
        "open": ["Working"],
        "won_positive": ["Customer"],
    }
    # HubSpot's stage before sales is open for a while, then never SQL: open_for_days beside it, when dated.
    assert label_guess(values) == {
        "sql_positive": ["Sales Qualified Lead", "Customer"],
        "open": ["Lead", "Working"],
        "open_for_days": 30,
        "won_positive": ["Customer"],
    }


def test_a_multi_select_becomes_a_flag_per_common_value_and_the_outcome_is_the_column_whose_values_say_sql():
    stages = (
        "Subscriber",
        "Lead",
        "Marketing Qualified Lead",
        "Sales Qualified Lead",
        "Customer",
        "Evangelist",
    )
    statuses = ("New", "Open", "In Progress", "Unqualified", "Attempted to Contact", "Bad Timing")
    products = ("CRM;API", "API", "Analytics;CRM", "CRM", "API;Analytics;Mobile", "", "Legacy")
    rows = [
        {
            "Record ID": str(i),
            "Lead Status": statuses[i % 6],
            "Lifecycle Stage": stages[i % 6],
            "Interested Products": products[i % 7],
        }
        for i in range(700)
    ]
    draft = draft_mapping("hubspot", list(rows[0]), rows)
    # Lead Status comes first by name, but none of its values says SQL: the lifecycle stage does.
    assert draft.label["sql"] == {"column": "Lifecycle Stage"}
    assert draft.label["sql_positive"] == ["Sales Qualified Lead", "Customer", "Evangelist"]
    assert "Lead Status" in draft.after_contact
    assert draft.custom == {
        "interested_products_crm": {"column": "Interested Products", "contains": "CRM"},
        "interested_products_api": {"column": "Interested Products", "contains": "API"},
        "interested_products_analytics": {"column": "Interested Products", "contains": "Analytics"},
        "interested_products_mobile": {"column": "Interested Products", "contains": "Mobile"},
        "interested_products_legacy": {"column": "Interested Products", "contains": "Legacy"},
    }
    text = draft_yaml(draft, "hubspot.csv", 700)
    assert 'contains: "CRM"}  # a multi-select value listed in 300 rows' in text
    mapping = parse_mapping(text, "draft")
    lead = history_from_export(rows, mapping).history.leads[2]
    assert lead.custom["interested_products_crm"] is True and lead.custom["interested_products_api"] is False


def test_an_export_with_every_column_a_shipped_mapping_reads_is_told_to_try_it():
    rows = read_export(SHARED_DATA / "x_education" / "Leads.csv")[:200]
    text = draft_yaml(draft_mapping("Leads", list(rows[0]), rows), "Leads.csv", 200)
    assert (
        "# Every column the shipped mapping 'x_education' reads is in this export: --mapping x_education"
        in text
    )
    assert "shipped mapping" not in draft_yaml(
        draft_mapping("c", list(_contacts()[0]), _contacts()), "c.csv", 300
    )


def test_hubspot_s_checkboxes_activity_stages_and_ids_are_drafted_as_hubspot_means_them():
    """Walk AF: 'Unsubscribed from all email' (TRUE or blank) was left out as one value, so unsubscribed
    contacts were not suppressed; lifecycle stages before sales were read as final; page views became a custom
    number; a company id with blanks became a model input; 'First Conversion' was called after contact."""
    stages = ("subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer")
    rows = [
        {
            "Record ID": str(900 + i),
            "Create Date": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "Lifecycle Stage": stages[i % 6],
            "Unsubscribed from all email": "TRUE" if i % 9 == 0 else "",
            "Number of Pageviews": str(i % 13),
            "Associated Company ID": str(50_000 + i) if i % 3 else "",
            "First Conversion": ("Demo form", "Ebook: CRM guide", "Contact us")[i % 3],
            "Trial Signup": "true" if i % 4 == 0 else "",
        }
        for i in range(360)
    ]
    draft = draft_mapping("contacts", list(rows[0]), rows)
    assert draft.events == [
        {
            "type": "unsubscribe",
            "column": "Unsubscribed from all email",
            "kind": "flag",
            "false_values": [""],
        },
        {"type": "page_view", "column": "Number of Pageviews"},
    ]
    assert draft.label == {
        "sql": {"column": "Lifecycle Stage"},
        "sql_positive": ["salesqualifiedlead", "opportunity", "customer"],
        "open": ["subscriber", "lead", "marketingqualifiedlead"],
        "open_for_days": 30,
        "won_positive": ["customer"],
        "won": {"column": "Lifecycle Stage"},
    }
    assert draft.left_out["Associated Company ID"].endswith("an identifier")
    assert draft.sequence is None  # an id with blanks is no order of arrival
    assert draft.custom["first_conversion"] == {"column": "First Conversion"}
    assert draft.custom["trial_signup"] == {"column": "Trial Signup", "type": "flag", "false_values": [""]}
    text = draft_yaml(draft, "contacts.xlsx", len(rows))
    assert "  open_for_days: 30  # an open stage on an older lead means it never qualified: check" in text
    mapping = parse_mapping(text, "draft")
    history = history_from_export(rows, mapping).history
    unsubscribed = [lead for lead in history.leads if lead.lead_id == "900"][0]
    assert [event.type.value for event in unsubscribed.events] == ["unsubscribe"]
