"""Channel quality per source and campaign: counts, gates, outcomes and cost per accepted lead."""

import math

import numpy as np
import pytest

from leadgate.decision.pipeline import DecisionPipeline
from leadgate.training.backtest import decide_history
from leadgate.training.channels import channel_quality
from leadgate.training.data import history_from_records
from tests.factories import lead_dict


def row(i: int, channel: str | None, cost: float | None, employees: int = 400, sql: bool = False) -> dict:
    data = lead_dict(
        lead_id=f"c-{i}",
        company={"employees": employees},
        source={"channel": channel, "campaign": "spring" if channel else None, "cost": cost},
    )
    data["outcome"] = {"sql": sql, "won": sql}
    return data


def test_cost_per_accepted_lead_counts_only_leads_whose_cost_is_known(policy):
    records = [
        row(0, "paid", 100.0, sql=True),
        row(1, " Paid ", 50.0),  # case and padding do not make a second channel
        row(2, "paid", 30.0, employees=3),  # below the size floor: paid for, not accepted
        row(3, "paid", None),  # accepted, cost unknown: not in the cost per accepted lead
        row(4, None, None, sql=True),
    ]
    result = channel_quality(history_from_records(records), DecisionPipeline(policy))
    channels = result.channels.set_index("channel")
    paid = channels.loc["paid"]
    assert (paid["leads"], paid["passing_gates"], paid["sqls"], paid["won"]) == (4, 3, 1, 1)
    assert paid["leads_with_cost"] == 3 and paid["cost"] == pytest.approx(180.0)
    assert paid["cost_per_accepted"] == pytest.approx(180.0 / 2)
    unknown = channels.loc["(none)"]
    assert unknown["leads"] == 1 and math.isnan(unknown["cost"]) and math.isnan(unknown["cost_per_accepted"])
    assert channels.loc["total", "leads"] == 5 and channels.loc[
        "total", "cost_per_accepted"
    ] == pytest.approx(90)
    assert result.leads_with_cost == 3
    campaigns = result.campaigns.set_index(["channel", "campaign"])
    assert campaigns.loc[("paid", "spring"), "leads"] == 4


def test_channel_rows_add_up_to_the_history(history, policy):
    pipeline = DecisionPipeline(policy)
    result = channel_quality(history, pipeline)
    for table in (result.channels, result.campaigns):
        parts, total = table[table["channel"] != "total"], table[table["channel"] == "total"].iloc[0]
        for column in ("leads", "passing_gates", "sqls", "won", "leads_with_cost"):
            assert parts[column].sum() == total[column], column
    total = result.channels.set_index("channel").loc["total"]
    assert total["leads"] == len(history.leads) and total["sqls"] == history.sql.sum()
    assert total["passing_gates"] == (~decide_history(pipeline, history).gates.rejecting()).sum()
    assert (result.channels["sql_low"] <= result.channels["sql_rate"]).all()
    assert "to_sales" not in result.channels


def test_with_a_model_the_leads_routed_to_sales_are_counted(history, policy, trained):
    history = history.subset(np.arange(3000))
    pipeline = DecisionPipeline(policy, trained.model)
    result = channel_quality(history, pipeline)
    routes = decide_history(pipeline, history).route
    total = result.channels.set_index("channel").loc["total"]
    assert total["to_sales"] == np.isin(routes, ["sales_ready", "verify"]).sum()
    assert total["to_sales"] <= total["passing_gates"]


def test_without_a_won_label_the_won_column_is_unknown_not_zero(policy):
    records = [row(i, "paid" if i % 2 else "event", 10.0, sql=i % 3 == 0) for i in range(6)]
    for record in records:
        del record["outcome"]["won"]
    result = channel_quality(history_from_records(records), DecisionPipeline(policy))
    for table in (result.channels, result.campaigns):
        assert table["won"].isna().all() and table["sqls"].sum() > 0
    written = result.to_dict()
    assert {r["won"] for r in written["channels"]} == {None} and "no won label" in written["notes"][0]
    labelled = channel_quality(
        history_from_records([row(0, "paid", 1.0, sql=True)]), DecisionPipeline(policy)
    )
    assert labelled.channels["won"].tolist() == [1, 1] and labelled.to_dict()["notes"] == []


def test_channels_are_grouped_in_any_case_and_shown_as_the_export_spelled_them_most(policy):
    """Walk U: the table read 'linkedin lead gen' while reasons said 'Came from LinkedIn Lead Gen'."""
    records = [
        row(0, "LinkedIn Lead Gen", None),
        row(1, "LinkedIn Lead Gen ", None, sql=True),
        row(2, "linkedin lead gen", None),
        row(3, "Purchased List", None),
    ]
    result = channel_quality(history_from_records(records), DecisionPipeline(policy))
    channels = result.channels.set_index("channel")
    assert list(channels.index) == ["LinkedIn Lead Gen", "Purchased List", "total"]
    assert (channels.loc["LinkedIn Lead Gen", "leads"], channels.loc["LinkedIn Lead Gen", "sqls"]) == (3, 1)
    campaigns = result.campaigns.set_index(["channel", "campaign"])
    assert campaigns.loc[("LinkedIn Lead Gen", "spring"), "leads"] == 3
