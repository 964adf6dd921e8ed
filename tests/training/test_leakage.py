"""Each export column alone, judged on leads it was not fitted on: a leak stands out, a many-level id does not."""

from dataclasses import replace

import numpy as np
import pandas as pd

from leadgate.training.baseline_columns import ColumnFrame
from leadgate.training.leakage import LEAKAGE_ALONE_AUC, columns_alone


def test_a_column_filled_only_for_sqls_stands_out_and_noise_or_ids_do_not():
    rng = np.random.default_rng(0)
    n = 4000
    y = rng.random(n) < 0.2
    meeting = np.where(y & (rng.random(n) < 0.97), rng.uniform(1, 30, n), np.nan)  # blank until a meeting
    frame = pd.DataFrame(
        {
            "First meeting": meeting,
            "Budget": rng.normal(size=n) + 0.5 * y,
            # 3,000 levels: in-sample each level's rate would nearly give the outcome away, out of sample not.
            "Referrer": pd.Categorical(rng.integers(0, 3000, n).astype(str)),
        }
    )
    columns = ColumnFrame(frame, ["First meeting", "Budget"], ["Referrer"])
    train = np.arange(n) < 3000
    alone = dict(columns_alone(columns, y, train, ~train))
    assert alone["First meeting"] >= LEAKAGE_ALONE_AUC
    assert 0.55 < alone["Budget"] < 0.75
    assert alone["Referrer"] < 0.6


def test_a_column_filled_with_one_value_only_for_sqls_is_read_as_filled_or_not_and_named():
    from leadgate.training.baseline_columns import column_frame

    rng = np.random.default_rng(1)
    n = 2000
    y = rng.random(n) < 0.3
    frame = pd.DataFrame(
        {"Stage": np.where(y, "Meeting", ""), "Noise": rng.normal(size=n).round(3).astype(str)}
    )
    train = np.arange(n) < 1500
    columns = column_frame(frame, np.zeros(n), train)
    assert "Stage" in columns.numeric and "Stage" not in columns.dropped
    assert dict(columns_alone(columns, y, train, ~train))["Stage"] == 1.0


def _late(field: str, feature: str, found: str):
    from leadgate.training.field_checks import FieldNote

    return FieldNote(
        field, feature, f"custom field {field}: {found}: ...", found, "list its column under after_contact"
    )


def test_a_late_custom_field_is_a_leak_only_when_leadgate_s_model_reads_it():
    from leadgate.training.leakage import late_fields_read, leadgate_leaks, leak

    # Walk O: neither column alone near 0.95, the model below 0.98: only train's own field notes said it.
    comparison = [{"key": "system", "scorer": "leadgate (gates + model)", "roc_auc": 0.944}]
    alone = [("Letzter_Kontakt__c", 0.81)]
    notes = [
        _late(
            "letzter_kontakt", "custom_letzter_kontakt", "after the moment the lead was decided in 100% of X"
        ),
        _late("anrufe", "custom_anrufe", "none of the 1,047 training leads where it is '0' became an SQL"),
        replace(_late("segment", "custom_segment", "x"), late=None),  # a note that says nothing about timing
    ]
    late = late_fields_read(notes, {"custom_letzter_kontakt", "custom_segment"})
    assert [note.field for note in late] == ["letzter_kontakt"]
    assert not leadgate_leaks(comparison, alone, ["Letzter_Kontakt__c"])
    assert leadgate_leaks(comparison, alone, ["Letzter_Kontakt__c"], late)
    assert leak(comparison, [], alone, ["Letzter_Kontakt__c"], late) == (
        "custom field letzter_kontakt: after the moment the lead was decided in 100% of X. leadgate's model reads "
        "this field, yet training found it known only after contact, which new leads will not have: list its "
        "column under after_contact unless it truly is known when a lead arrives"
    )
    # A late field the model never splits on nor weighs changes no score: no leak of leadgate's.
    assert late_fields_read(notes, {"custom_segment"}) == []


def test_a_late_custom_field_beside_a_column_leak_is_named_after_it():
    from leadgate.training.leakage import leak

    comparison = [{"key": "system", "scorer": "leadgate (gates + model)", "roc_auc": 0.90}]
    late = [_late("anrufe", "custom_anrufe", "none of 500 became an SQL")]
    said = leak(comparison, [], [("Status", 1.0)], ["Status"], late)
    assert said.startswith("Status (ROC-AUC 1.000 by itself; leadgate's model reads it) alone separates")
    assert said.endswith(
        "; custom field anrufe: none of 500 became an SQL. leadgate's model reads this field, "
        "yet training found it known only after contact, which new leads will not have: list "
        "its column under after_contact unless it truly is known when a lead arrives"
    )
