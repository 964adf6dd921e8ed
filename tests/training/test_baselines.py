"""The plain baselines: columns typed as a data scientist would, and a verdict that blames the right thing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from leadgate.training.baseline_columns import column_frame
from leadgate.training.baseline_verdict import unread_signal, verdict
from leadgate.training.baseline_words import column_words, left_out_words
from leadgate.training.baselines import Baselines


def _rows(n: int = 200) -> list[dict]:
    rng = np.random.default_rng(0)
    return [
        {
            "Umsatz": f"{rng.integers(1, 9)}.{rng.integers(100, 999)},{rng.integers(10, 99)}",
            "Segment": rng.choice(["a", "b", "c"]),
            "Email": f"p{i}@x{i}.com",
            "Konstant": "ja",
            "Zuletzt": f"2026-0{rng.integers(1, 9)}-1{rng.integers(0, 9)}",
        }
        for i in range(n)
    ]


def test_export_columns_are_typed_and_what_is_left_out_says_why():
    rows = _rows()
    created = np.full(len(rows), 20_600.0)  # days since the epoch: mid-2026
    columns = column_frame(pd.DataFrame(rows), created, np.ones(len(rows), dtype=bool), decimal=",")
    assert columns.numeric == ["Umsatz", "Zuletzt"] and columns.categorical == ["Segment"]
    first = rows[0]["Umsatz"]
    assert columns.frame["Umsatz"][0] == pytest.approx(float(first.replace(".", "").replace(",", ".")))
    assert columns.frame["Zuletzt"].between(-300, 300).all()  # dates become days before creation
    assert columns.dropped == {
        "Email": "identifier-like: 200 distinct values",
        "Konstant": "constant or empty",
    }


def test_day_first_dates_read_day_first():
    """Walk AE: '07.04.2025 11:29' read month first (pandas' mixed format) hid a leaky date column from the leak
    check (0.785 alone instead of 0.889)."""
    n = 120
    created = np.full(n, 20_300.0)  # 2025-07-31 in days since the epoch
    late = [f"{13 + i % 15:02d}.04.2025 11:{i % 60:02d}" if i % 2 else "07.04.2025 11:29" for i in range(n)]
    columns = column_frame(pd.DataFrame({"Letzte Aktivität": late}), created, np.ones(n, dtype=bool))
    assert columns.numeric == ["Letzte Aktivität"]
    # 7 April 2025 11:29 is 114.5 days before 31 July, not 7 July (24 days).
    assert columns.frame["Letzte Aktivität"][0] == pytest.approx(20_300 - (20_185 + (11 * 60 + 29) / 1440))


def test_a_number_that_counts_the_leads_is_left_out_as_an_id_but_a_measured_one_is_kept():
    rng = np.random.default_rng(1)
    n = 300
    created = 20_000.0 + np.sort(rng.uniform(0, 365, n))
    frame = pd.DataFrame(
        {
            # A CRM's auto-number: one whole number per lead, with gaps, rising with creation.
            "Lead Number": [str(v) for v in 579_000 + np.cumsum(rng.integers(1, 20, n))],
            # Whole, distinct per row, but measured: it does not follow creation.
            "Revenue": [str(v) for v in rng.choice(np.arange(10_000, 10_000_000), n, replace=False)],
            # Rises with creation but repeats: a count, not an id.
            "Logins": [str(v) for v in np.arange(n) // 3],
            "Ticket": [str(v) for v in 10 + np.arange(n)],  # an id the mapping reads: kept
        }
    )
    columns = column_frame(frame, created, np.ones(n, dtype=bool), read={"Ticket"})
    assert columns.dropped == {"Lead Number": "300 distinct whole numbers, one per lead rising with creation"}
    assert columns.numeric == ["Revenue", "Logins", "Ticket"]


def test_a_19_digit_record_id_is_left_out_though_a_float_cannot_tell_its_values_apart():
    """Review 26: Zoho's ids (5725767000000000000 and up) collapsed in float64, so they were kept as a number."""
    rng = np.random.default_rng(1)
    n = 300
    created = 20_000.0 + np.sort(rng.uniform(0, 365, n))
    ids = [str(v) for v in 5_725_767_000_000_000_000 + np.cumsum(rng.integers(1, 40, n))]
    assert len({float(v) for v in ids}) < n  # what the float reading saw
    columns = column_frame(pd.DataFrame({"Record Id": ids}), created, np.ones(n, dtype=bool))
    assert columns.dropped == {"Record Id": "300 distinct whole numbers, one per lead rising with creation"}
    assert columns.numeric == []


def test_columns_are_named_in_full_or_the_first_ones_and_how_many_more():
    names = ["A", "B", "C", "D", "E", "F"]
    assert column_words(names) == "6 columns: A, B, C, D, E, F"
    assert column_words(names, 4) == "6 columns: A, B, C, D +2 more"
    assert column_words(names[:5], 4) == "5 columns: A, B, C, D, E"  # never '+1 more': that one is named
    assert column_words(["A"]) == "1 column: A" and column_words([]) == "no column"
    left_out = {"A": "constant or empty", "B": "after_contact", "C": "constant or empty"}
    assert left_out_words(left_out) == "A, C (constant or empty); B (after_contact)"
    seen = Baselines({}, {"raw_lightgbm": names, "logistic_seen": names[:2]}, None, left_out=left_out).seen()
    assert seen["raw_lightgbm"] == "6 columns: A, B, C, D +2 more; 3 left out"
    assert seen["logistic_seen"] == "2 columns: A, B"


def _comparison(system: float, raw: float, logistic: float, own: float | None = None) -> list[dict]:
    rows = [
        {"key": "system", "scorer": "leadgate (gates + model)", "roc_auc": system},
        {"key": "raw_lightgbm", "scorer": "plain LightGBM, every export column", "roc_auc": raw},
        {"key": "logistic", "scorer": "logistic regression, every export column", "roc_auc": logistic},
    ]
    if own is not None:
        rows.append({"key": "logistic_seen", "scorer": "logistic regression, own columns", "roc_auc": own})
    return rows


# below_size_floor measured to cost ROC-AUC: 10.6% of the test leads, converting at 30.6% against 36.8%.
SIZE_FLOOR_COST = {
    "gate": "below_size_floor",
    "share": 0.106,
    "sqls": 120,
    "sql_rate": 0.306,
    "rest_sql_rate": 0.368,
    "cost": 0.021,
    "cost_low": 0.012,
    "cost_high": 0.030,
}


def test_the_verdict_blames_the_right_thing():
    unread = [("Budget allocated", 0.4), ("Calls", 0.2)]
    assert verdict(_comparison(0.80, 0.80, 0.802), 0.01, [], unread) is None  # within the noise
    mapping = verdict(_comparison(0.71, 0.79, 0.805, own=0.71), 0.01, [], unread)
    assert "columns the mapping does not read carry signal (strongest: Budget allocated, Calls)" in mapping
    ours = verdict(_comparison(0.795, 0.80, 0.81, own=0.81), 0.005, [], unread, gated_share=0.12)
    assert "the loss is in leadgate's gates or model: gates rejected 12.0% of the test leads" in ours
    model = verdict(_comparison(0.795, 0.80, 0.81, own=0.81), 0.005, [], unread, gated_share=0.0)
    assert "the loss is in leadgate's model (no gate rejected a test lead), not in the mapping" in model
    # Walk K: every column ahead of leadgate's own columns too, so the unread ones are named beside the gates.
    both = verdict(_comparison(0.69, 0.78, 0.794, own=0.75), 0.02, [], unread, gated_share=0.2)
    assert "the loss is in leadgate's gates or model" in both and "not in the mapping" not in both
    assert (
        "; and columns the mapping does not read carry signal (strongest: Budget allocated, Calls, 0.794 on "
        "every column against 0.750 on leadgate's)" in both
    )
    assert (
        "and list any filled in after contact under after_contact" in mapping and "check it is" not in mapping
    )
    # An unread column that alone orders the leads nearly as well as a leak is named before it is mapped.
    suspect = verdict(_comparison(0.71, 0.79, 0.805, own=0.71), 0.01, [], unread, [("Calls", 0.898)])
    assert suspect.endswith(
        "; Calls (0.898 by itself) alone orders the leads better than most exports' every column does: check it "
        "is known at lead creation"
    )
    # The model alone keeps up on every test lead: the gates are named as the whole difference.
    losses = [SIZE_FLOOR_COST]
    gates = verdict(_comparison(0.714, 0.746, 0.74, own=0.74), 0.005, [], [], [], 0.106, None, losses, 0.753)
    assert "the loss is in leadgate's gates: its model alone reaches 0.753 on every test lead" in gates
    assert (
        "below_size_floor costs 0.021 ROC-AUC (95% paired interval 0.012 to 0.030): the 10.6% of test leads it "
        "rejects convert at 30.6% against 36.8% for the rest (turn below_size_floor off or change its rule"
        in gates
    )
    either = verdict(_comparison(0.714, 0.746, 0.74, own=0.74), 0.005, [], [], [], 0.106, None, losses, 0.70)
    assert "gates or model: gates rejected 10.6% of the test leads; below_size_floor costs 0.021" in either
    # Walk AB: a gate whose cost is within the noise is not one to turn off, however many SQLs it rejects.
    noise = [{**losses[0], "cost_low": -0.003}]
    spread = verdict(_comparison(0.714, 0.746, 0.74, own=0.74), 0.005, [], [], [], 0.106, None, noise, 0.753)
    assert "the loss is in leadgate's gates together, spread over them or within the noise" in spread
    assert "change its rule" not in spread and "below_size_floor costs 0.021" not in spread
    leak = verdict(_comparison(0.80, 1.0, 0.99), 0.01, [("Lead Status", 0.91)], [])
    assert (
        "almost surely a column filled in only after contact" in leak
        and "Lead Status (91% of plain LightGBM's gain)" in leak
    )


def test_a_column_leadgate_reads_that_alone_orders_the_leads_suspiciously_well_is_named_and_blames_no_gate():
    """Walk Q: a marketing score filled in after contact for most worked leads, mapped as a custom number, 0.858
    by itself; the model alone reached 0.964 and the closing line told the reader to turn a gate off."""
    from leadgate.training.leakage import LEAKAGE_ALONE_AUC, SUSPECT_ALONE_AUC

    losses = [SIZE_FLOOR_COST]
    alone = [("Marketing Score", 0.88), ("Segment", 0.61)]
    read = {"Marketing Score", "Segment"}
    said = verdict(
        _comparison(0.714, 0.746, 0.74, own=0.74), 0.005, [], [], alone, 0.106, read, losses, 0.753
    )
    assert said.startswith(
        "Marketing Score (ROC-AUC 0.880 by itself; leadgate's model reads it) alone orders the leads better than "
        "most exports' every column does: check it is known at lead creation; if it is filled in or updated "
        "after contact (a score or status sales or automation keep current), list it under after_contact, as "
        "new leads will not have it and every ROC-AUC above is inflated by it; plain LightGBM"
    )
    assert "the loss is in leadgate's gates or model: gates rejected 10.6% of the test leads" in said
    assert (
        "its model alone reaches 0.753 on every test lead, a figure Marketing Score may inflate (above): no case "
        "for weakening a gate until that is settled" in said
    )
    assert "turn below_size_floor off" not in said
    # leadgate holding its own, the column is still named, with nothing after it.
    held = verdict(_comparison(0.80, 0.80, 0.80), 0.01, [], [], alone, 0.1, read)
    assert held.startswith("Marketing Score (ROC-AUC 0.880") and held.endswith("inflated by it")
    two = verdict(
        _comparison(0.80, 0.80, 0.80), 0.01, [], [], [*alone, ("Rating", 0.86)], 0.1, {*read, "Rating"}
    )
    assert two.startswith(
        "Marketing Score (ROC-AUC 0.880 by itself; leadgate's model reads it), Rating (ROC-AUC 0.860 by itself; "
        "leadgate's model reads it) each alone order the leads better than most exports' every column does: "
        "check they are known at lead creation; if they are filled in or updated after contact"
    )
    assert two.endswith(
        "list them under after_contact, as new leads will not have them and every ROC-AUC above is inflated by them"
    )
    # Below the suspect line, or in a column leadgate does not read: the gates are blamed as before.
    for quiet, columns in ((SUSPECT_ALONE_AUC - 0.01, read), (0.88, {"Segment"})):
        plain = verdict(
            _comparison(0.714, 0.746, 0.74, own=0.74),
            0.005,
            [],
            [],
            [("Marketing Score", quiet)],
            0.106,
            columns,
            losses,
            0.753,
        )
        assert plain.startswith("plain LightGBM") and "(turn below_size_floor off" in plain
    # At the leak line it is a leak of leadgate's own, named as one (and its model left without an alias).
    leak = verdict(
        _comparison(0.80, 0.80, 0.80), 0.01, [], [], [("Marketing Score", LEAKAGE_ALONE_AUC)], 0.1, read
    )
    assert leak.startswith(
        "Marketing Score (ROC-AUC 0.950 by itself; leadgate's model reads it) alone separates"
    )


def test_plain_lightgbm_takes_any_export_header():
    from leadgate.training.baselines import fit_plain_lightgbm

    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"Betrag, brutto": rng.normal(size=400), 'Stage: "won"?': rng.normal(size=400)})
    y = (frame["Betrag, brutto"] + rng.normal(size=400) > 0).to_numpy()
    booster = fit_plain_lightgbm(frame[:300], y[:300], frame[300:], y[300:])
    assert booster.num_trees() >= 1


def test_the_verdict_weighs_a_gap_by_its_paired_interval_when_there_is_one():
    unread = [("Budget allocated", 0.4)]
    # 0.02 ahead, but the paired interval of leadgate's gap holds zero: no measurable difference.
    unclear = _comparison(0.80, 0.80, 0.82)
    unclear[2].update(roc_auc_gap=-0.02, roc_auc_gap_low=-0.045, roc_auc_gap_high=0.005)
    assert verdict(unclear, 0.005, [], unread) is None
    # 0.004 ahead, within the unpaired standard error, yet wholly on the baseline's side once paired.
    clear = _comparison(0.80, 0.80, 0.804)
    clear[2].update(roc_auc_gap=-0.004, roc_auc_gap_low=-0.007, roc_auc_gap_high=-0.001)
    said = verdict(clear, 0.013, [], unread)
    assert said.startswith(
        "logistic regression, every export column beats leadgate by 0.004 ROC-AUC (95% paired interval 0.001 to 0.007)"
    )


def test_one_column_alone_near_one_is_named_as_a_leak_whoever_scores_best():
    alone = [("First meeting", 0.97), ("Segment", 0.61)]
    said = verdict(_comparison(0.93, 0.92, 0.92), 0.01, [], [], alone)
    assert said.startswith("First meeting (ROC-AUC 0.970 by itself) alone separates SQLs from the rest")
    assert verdict(_comparison(0.93, 0.92, 0.92), 0.01, [], [], alone[1:]) is None
    # Walk K: a leak leadgate read beside one only the baselines read; each says who reads it.
    mixed = [("HubSpot Score", 0.983), ("Last Activity Date", 0.978)]
    said = verdict(_comparison(0.99, 0.99, 0.99), 0.01, [], [], mixed, read={"HubSpot Score"})
    assert (
        "Strongest: HubSpot Score (ROC-AUC 0.983 by itself; leadgate's model reads it), Last Activity Date "
        "(ROC-AUC 0.978 by itself; only the baselines read it)" in said
    )


def test_each_export_column_is_read_with_the_decimal_mark_the_mapping_reads_it_with():
    from leadgate.features.mapping import parse_mapping
    from leadgate.training.exports import history_from_export

    mapping = parse_mapping(
        "name: t\nlead_id: {column: Id}\ncustom:\n  score: {column: Score, type: number}\n"
        "label:\n  sql: {column: Won}\n  sql_positive: ['1']\n"
    )
    rows = [
        {"Id": f"a{i}", "Score": f"{i % 90},{i % 7}", "Rate": f"{i % 50}.5", "Won": str(i % 2)}
        for i in range(200)
    ]
    history = history_from_export(rows, mapping).history
    # Score's cells say ',' ("71,0"); Rate is not mapped: its mark is inferred from its cells (None here).
    assert history.decimal == {"Score": ",", "Rate": None}
    frame = pd.DataFrame(history.columns)
    columns = column_frame(frame, np.zeros(len(frame)), np.ones(len(frame), dtype=bool), history.decimal)
    assert columns.frame["Score"].tolist() == [float(f"{i % 90}.{i % 7}") for i in range(200)]
    assert columns.frame["Rate"].tolist() == [i % 50 + 0.5 for i in range(200)]


def test_a_column_with_a_mark_per_currency_reaches_the_baselines_as_its_usd_amounts():
    from leadgate.features.mapping import parse_mapping
    from leadgate.training.exports import history_from_export

    mapping = parse_mapping(
        "name: t\nlead_id: {column: Id}\nfields:\n  company.annual_revenue: {column: Revenue, type: number, "
        "usd_per_unit: {EUR: 1.08, USD: 1}}\nlabel:\n  sql: {column: Won}\n  sql_positive: ['1']\n"
    )
    cells = ["$2,500,000", "€1.250.000", "$1,000.50", "€ 7,5"]
    rows = [{"Id": f"a{i}", "Revenue": cells[i % 4], "Won": str(i % 2)} for i in range(40)]
    history = history_from_export(rows, mapping).history
    assert history.decimal["Revenue"] == {"EUR": ",", "USD": "."}
    frame = pd.DataFrame(history.columns)
    columns = column_frame(frame, np.zeros(len(frame)), np.ones(len(frame), dtype=bool), history.decimal)
    # No one mark reads '$2,500,000' and '€1.250.000' both: the baselines see what the model sees, in USD.
    assert columns.frame["Revenue"].tolist()[:4] == [2_500_000.0, 1_350_000.0, 1000.5, 8.1]


def test_the_baselines_read_numbers_as_the_mapping_does_currency_percent_and_grouping_included():
    n = 120
    frame = pd.DataFrame(
        {
            "Budget": [f"€ {1000 + 37 * i:,}" for i in range(n)],
            "Win chance": [f"{i % 100}%" for i in range(n)],
            "Umsatz": [
                f"{10 + i}\u00a0{i % 1000:03d},{i % 100:02d}" for i in range(n)
            ],  # no-break space groups
        }
    )
    columns = column_frame(frame, np.zeros(n), np.ones(n, dtype=bool), decimal={})
    assert columns.numeric == ["Budget", "Win chance", "Umsatz"] and not columns.dropped
    assert columns.frame["Budget"].tolist() == [1000.0 + 37 * i for i in range(n)]
    assert columns.frame["Win chance"].tolist() == [float(i % 100) for i in range(n)]
    assert columns.frame["Umsatz"][5] == pytest.approx(15005.05)


def test_a_leak_only_the_baselines_read_is_told_as_theirs_and_leaves_leadgate_unflagged():
    from leadgate.training.leakage import leadgate_leaks, leak

    # The shape of an export whose sales owner is set only for SQLs, left unmapped and not after_contact.
    comparison = _comparison(0.66, 1.0, 1.0, own=0.66)
    alone = [("Betreuer", 1.0), ("Segment", 0.6)]
    read = ["Erstellt am", "Segment", "Position"]
    assert not leadgate_leaks(comparison, alone, read)
    said = verdict(comparison, 0.02, [("Betreuer", 0.9)], [("Betreuer", 0.9)], alone, read=read)
    assert said == leak(comparison, [("Betreuer", 0.9)], alone, read)
    assert said.startswith(
        "column Betreuer alone orders the test leads at ROC-AUC 1.000; leadgate's model does not read it, the "
        "baselines did: if it is known only after contact, add it to after_contact so the baselines leave it out"
    )
    assert "gives the outcome away" not in said and "almost surely" not in said


@pytest.mark.parametrize(
    ("comparison", "alone", "read"),
    [
        (_comparison(0.80, 0.99, 0.97, own=0.81), [("Betreuer", 0.99)], ["Betreuer"]),  # leadgate reads it
        (_comparison(0.985, 0.90, 0.90, own=0.90), [], ["Segment"]),  # leadgate itself too good
        (_comparison(0.80, 0.99, 0.99, own=0.985), [], ["Segment"]),  # its own columns too good together
        (_comparison(0.80, 0.99, 0.99), [], None),  # a history: the baselines read leadgate's own fields
    ],
)
def test_a_leak_leadgate_itself_learned_from_flags_its_model(comparison, alone, read):
    from leadgate.training.leakage import leadgate_leaks, leak

    assert leadgate_leaks(comparison, alone, read)
    assert "almost surely" in leak(comparison, [("Betreuer", 0.9)], alone, read)


def test_a_combined_leak_only_the_baselines_read_names_their_strongest_unread_columns():
    from leadgate.training.leakage import leadgate_leaks, leak

    comparison = _comparison(0.70, 0.99, 0.93, own=0.71)
    strongest = [("Segment", 0.5), ("Stage", 0.3), ("Owner", 0.1)]
    assert not leadgate_leaks(comparison, [("Stage", 0.9)], ["Segment"])
    said = leak(comparison, strongest, [("Stage", 0.9)], ["Segment"])
    assert said.startswith(
        "plain LightGBM, every export column reaches 0.990 ROC-AUC on the test part, through columns leadgate's "
        "model does not read (strongest: Stage, Owner)"
    )


def test_only_unread_columns_plain_lightgbm_leans_on_are_named():
    """Walk U: four mostly empty noise columns were named beside the one column that carried the signal."""
    unread = [
        ("Rating", 0.81),
        ("Secondary Email", 0.03),
        ("Fax", 0.02),
        ("Skype ID", 0.02),
        ("Twitter", 0.01),
    ]
    said = verdict(_comparison(0.71, 0.79, 0.805, own=0.71), 0.01, [], unread)
    assert "(strongest: Rating); map those" in said
    # No column reaches the share: the strongest is still named, as the one to look at first.
    spread = [(f"c{i}", 0.04) for i in range(5)]
    assert "(strongest: c0); map those" in verdict(_comparison(0.71, 0.79, 0.805, own=0.71), 0.01, [], spread)


def test_with_no_verdict_the_unread_columns_plain_lightgbm_leans_on_are_named_as_information():
    """Walk V F5: Web sessions left out of the mapping, 0.081 ± 0.083 behind, and the column named nowhere."""
    unread = [("Web sessions", 0.31), ("Campaign", 0.08), ("Fax", 0.02)]
    unclear = _comparison(0.576, 0.63, 0.657)
    unclear[1].update(roc_auc_gap=-0.054, roc_auc_gap_low=-0.14, roc_auc_gap_high=0.03)
    unclear[2].update(roc_auc_gap=-0.081, roc_auc_gap_low=-0.164, roc_auc_gap_high=0.002)
    assert verdict(unclear, 0.03, [], unread) is None
    said = unread_signal({"unread": unread, "alone": [("Web sessions", 0.64)]})
    assert said == (
        "columns the mapping does not read carry signal for plain LightGBM: Web sessions (31% of its gain), "
        "Campaign (8% of its gain); no baseline is measurably ahead of leadgate on this test part, but those "
        "known when a lead arrives may add to it as custom fields"
    )
    # One that alone orders the leads as a late field would is named with the check, as in the verdict.
    late = unread_signal({"unread": unread, "alone": [("Web sessions", 0.93)]})
    assert late.endswith(
        "; Web sessions (0.930 by itself) alone orders the leads better than most exports' every column does: check it is known at lead creation"
    )
    # Nothing plain LightGBM leans on, or nothing unread: no line.
    assert unread_signal({"unread": [("Fax", 0.02)], "alone": []}) is None
    assert unread_signal({"unread": [], "alone": []}) is None


def test_the_regression_s_strength_is_chosen_on_validation_and_said():
    from leadgate.training.baseline_columns import ColumnFrame
    from leadgate.training.baselines import fit_logistic

    rng = np.random.default_rng(3)
    n = 3000
    signal = rng.normal(size=n)
    y = rng.random(n) < 1 / (1 + np.exp(-signal))
    # 1,000 levels of noise, three leads each: at C = 1 every level learns its three outcomes by heart.
    frame = pd.DataFrame({"Score": signal, "Campaign": [f"c{i}" for i in rng.integers(0, 1000, n)]})
    columns = ColumnFrame(frame, ["Score"], ["Campaign"])
    train, valid = np.arange(n) < 2000, np.arange(n) >= 2000
    fitted = fit_logistic(columns, train, valid, y)
    assert fitted.strength < 1.0
    p = fitted(frame[valid])
    assert p.shape == (1000,) and ((p > 0) & (p < 1)).all()
    said = Baselines({}, {"logistic": ["Score", "Campaign"]}, None, strengths={"logistic": fitted.strength})
    assert (
        said.seen()["logistic"] == f"2 columns: Score, Campaign; C {fitted.strength:g}, chosen on validation"
    )
    # Without noise to overfit, sklearn's default stays and nothing more is said.
    plain = fit_logistic(ColumnFrame(frame[["Score"]], ["Score"], []), train, valid, y)
    assert plain.strength == 1.0
    kept = Baselines({}, {"logistic": ["Score"]}, None, strengths={"logistic": 1.0})
    assert kept.seen()["logistic"] == "1 column: Score"


def test_a_message_whose_words_carry_the_signal_is_named_with_how_to_read_them():
    from leadgate.decision.policy import load_policy
    from leadgate.features.mapping import parse_mapping
    from leadgate.training.baseline_verdict import length_only_signal
    from leadgate.training.exports import history_from_export
    from leadgate.training.train import train_model

    # Walk AA: a message mapped as form.message is read as its length; its words carried the signal unsaid.
    rng = np.random.default_rng(0)
    texts = ("need pricing now", "just looking now")  # the same length: only the words tell them apart
    rows = []
    for i in range(1500):
        asks, visits = rng.random() < 0.4, int(rng.poisson(3))
        logit = (1.6 if asks else -0.8) + 0.3 * (visits - 3)  # the visits leadgate reads tell a little
        rows.append(
            {
                "Id": str(i),
                "Message": texts[0] if asks else texts[1],
                "Visits": str(visits),
                "Won": "yes" if rng.random() < 1 / (1 + np.exp(-logit)) else "no",
            }
        )
    mapping = parse_mapping(
        "name: notes\nlead_id: {column: Id}\nfields:\n  form.message: {column: Message}\n"
        "custom:\n  visits: {column: Visits, type: integer}\nlabel:\n  sql: {column: Won}\n  sql_positive: [yes]\n"
    )
    result = train_model(history_from_export(rows, mapping).history, load_policy(), split_kind="random")
    [(column, gain)] = result.extras["length_only"]
    assert column == "Message" and gain > 0.5
    assert length_only_signal(result.extras) == (
        f"Message: leadgate reads only its length (form.message), but plain LightGBM leans on its text ({gain:.0%} "
        "of its gain): map the words that matter as flags of their own (custom: asks_demo: {column: Message, "
        "contains: demo, separator: ' '}), or, when its texts repeat, the column as a custom category"
    )
    assert length_only_signal({"length_only": [("Message", 0.01)]}) is None  # no signal, nothing said
