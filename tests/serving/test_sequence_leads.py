"""New leads dated by a sequence: their dates are an order, so they are decided as they stood when created."""

from __future__ import annotations

import logging

from leadgate.features.mapping import parse_mapping
from leadgate.serving.as_of import AsOf
from leadgate.serving.batch import read_leads

MAPPING = parse_mapping(
    "name: zoho\nlead_id: {column: Record Id}\ncreated_at: {column: Record Id, start: '2015-01-01T00:00:00Z'}\n"
    "fields:\n  contact.email: {column: Email}\n"
    "events:\n  - {type: unsubscribe, column: Email Opt Out, kind: flag}\n"
)


def _export(tmp_path):
    path = tmp_path / "zoho_new.csv"
    path.write_text(
        "Record Id,Email,Email Opt Out\n"
        "zcrm_4876876000000123018,a@firma.de,false\n"
        "zcrm_4876876000000123001,b@firma.de,true\n"
    )
    return path


def test_sequence_dated_leads_are_decided_as_created_and_never_called_old(tmp_path, caplog):
    as_of = AsOf()  # score's default: now
    with caplog.at_level(logging.WARNING):
        rows = list(as_of.rows(read_leads(_export(tmp_path), MAPPING)))
    leads = {row.lead_id: row.lead for row in rows}
    assert [row.error for row in rows] == [None, None]
    # A rank's date from 2015 is no age: decided as of it, as training decided each lead, with no old-lead word.
    assert all(lead.scored_at == lead.created_at for lead in leads.values())
    assert leads["zcrm_4876876000000123001"].created_at.isoformat() == "2015-01-01T00:00:00+00:00"
    assert as_of.old == 0
    assert (
        "Record Id: leads dated by their order in the sequence (2015-01-01T00:00:00+00:00 plus 60 s a rank), not by "
        "when they were created: each is decided as it stood when created, and a date shown for one (a "
        "suppression's created_at) is its place in that order"
    ) in caplog.messages
