"""The Python API's reading notes: warnings at the caller's line, each call keeping its own."""

from __future__ import annotations

import logging
import threading
import warnings

from leadgate.api_warnings import notes_as_warnings


def test_a_call_s_reading_notes_stay_its_own_while_other_threads_log_as_before(caplog):
    # Review 27: the call swapped the shared logger's propagate flag, so two calls at once could leave it off
    # for good and take each other's notes.
    log = logging.getLogger("leadgate.features.sequences")
    inside, go_on = threading.Event(), threading.Event()

    def read() -> int:
        inside.set()
        go_on.wait(5)
        log.warning("note from the call")
        return 7

    results: list[int] = []
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        reader = threading.Thread(target=lambda: results.append(notes_as_warnings(read)))
        reader.start()
        inside.wait(5)
        log.warning("note from elsewhere")  # another thread, outside any call: logged as always
        go_on.set()
        reader.join(5)
    assert results == [7]
    assert "note from elsewhere" in caplog.text and "note from the call" not in caplog.text
    assert [str(w.message) for w in caught] == ["note from the call"]
    assert log.propagate and logging.getLogger("leadgate.features").propagate


def test_a_frame_s_multi_select_cells_under_another_separator_are_a_warning_of_the_call():
    import pandas as pd
    import pytest

    from leadgate.api_inputs import mapped_leads
    from leadgate.features.mapping import parse_mapping

    # Walk V: 'Analytics, API' under the default ';' read as no for contains: API, silently.
    mapping = parse_mapping(
        "name: t\nlead_id: {column: Id}\ncreated_at: {column: Created}\n"
        "custom:\n  wants_api: {column: Products, contains: API}\n"
    )
    frame = pd.DataFrame(
        {"Id": ["a", "b"], "Created": ["2026-11-01T09:00:00"] * 2, "Products": ["Analytics, API", "SSO"]}
    )
    with pytest.warns(
        UserWarning, match=r"Products: 1 of its 2 filled cells separates values by ','.*separator: ','"
    ):
        rows = notes_as_warnings(lambda: mapped_leads(frame, mapping))
    assert [row.lead.custom["wants_api"] for row in rows] == [False, False]
