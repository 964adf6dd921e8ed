"""The example lead of the API docs, also decided once by every freshly loaded model to warm it up."""

LEAD_EXAMPLE = {
    "lead_id": "crm-00042",
    "created_at": "2026-11-20T10:00:00Z",
    "contact": {
        "first_name": "Dana",
        "last_name": "Ruiz",
        "email": "dana@ruizanalytics.com",
        "job_title": "CEO",
    },
    "company": {"name": "Ruiz Analytics", "website": "ruizanalytics.com", "employees": 60, "country": "US"},
    "form": {"inquiry_type": "demo", "message": "Please show us a demo.", "seconds_on_form": 41},
    "source": {"channel": "organic"},
    "events": [{"type": "pricing_page", "at": "2026-11-20T10:05:00Z"}],
}
