"""An export's count columns in training: the caps their counts were read at go with the model."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from leadgate.features.mapping import parse_mapping
from leadgate.training.exports import history_from_export

MAPPING = """
name: counts
lead_id: {column: Id}
events:
  - {type: page_view, column: Number of Pageviews}
  - {type: page_view, column: Number of Sessions, max_events: 40}
  - {type: email_open, column: Opens, max_events: 20}
  - {type: unsubscribe, column: Opted Out, kind: flag}
label:
  sql: {column: Stage}
  sql_positive: [Closed Won]
"""


def test_the_history_of_an_export_keeps_the_lowest_cap_of_each_counted_event_type():
    rows = [
        {
            "Id": str(i),
            "Number of Pageviews": "48,213" if i == 0 else "3",
            "Number of Sessions": "1",
            "Opens": "2",
            "Opted Out": "no",
            "Stage": "Closed Won" if i % 3 == 0 else "Closed Lost",
        }
        for i in range(60)
    ]
    history = history_from_export(rows, parse_mapping(MAPPING)).history
    # Two columns give page views: a lead at the lower cap may have had more in either.
    assert history.event_caps == {"page_view": 40, "email_open": 20}
    assert history.subset(np.arange(10)).event_caps == history.event_caps


def test_the_history_of_an_export_keeps_how_its_dates_were_read():
    mapping = parse_mapping(
        MAPPING.replace(
            "lead_id: {column: Id}",
            "lead_id: {column: Id}\ntimezone: Europe/Berlin\ncreated_at: {column: Erstellt, date_format: '%d/%m/%Y'}",
        )
    )
    rows = [
        {
            "Id": str(i),
            "Erstellt": f"{1 + i % 28:02d}/03/2026",
            **{c: "1" for c in ("Number of Pageviews", "Number of Sessions", "Opens")},
            "Opted Out": "no",
            "Stage": "Closed Won" if i % 3 else "Lost",
        }
        for i in range(60)
    ]
    history = history_from_export(rows, mapping).history
    reading = {"column": "Erstellt", "date_format": "%d/%m/%Y", "timezone": "Europe/Berlin"}
    assert history.date_readings == {"created_at": reading}
    assert history.subset(np.arange(10)).date_readings == history.date_readings


def test_training_stores_the_caps_and_date_readings_with_the_model(history, policy):
    from leadgate.training.train import train_model

    reading = {"created_at": {"column": "Created", "date_format": None, "timezone": "UTC"}}
    capped = replace(history.subset(np.arange(4000)), event_caps={"page_view": 100}, date_readings=reading)
    result = train_model(capped, policy, split_kind="random")
    assert result.model.metadata["event_caps"] == {"page_view": 100}
    assert result.model.metadata["date_readings"] == reading
