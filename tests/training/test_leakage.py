"""Each export column alone, judged on leads it was not fitted on: a leak stands out, a many-level id does not."""

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
