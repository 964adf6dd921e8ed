"""How `train` words the model it chose, and what it says of a file it cannot read as a history."""

from __future__ import annotations

import gzip
import re

import pytest
from typer.testing import CliRunner

from leadgate.cli import app
from leadgate.cli.training_output import model_words

PLAIN = {"linear_start": False, "valid_auc": 0.700, "compared": True}
STARTED = {"linear_start": True, "valid_auc": 0.703, "compared": True}
# Bigger or weighted sizes the rule did not weigh: the cheapest within the tolerance of the best was taken.
UNCOMPARED = [{"linear_start": False, "valid_auc": 0.7629}, {"linear_start": True, "valid_auc": 0.7657}]


@pytest.mark.parametrize(
    ("params", "valid_auc", "words"),
    [
        (
            {"num_trees": 1, "num_leaves": 3, "linear_start": True},
            0.710,
            "1 tree of 3 leaves, boosted from a linear start (a logistic regression on the same columns); "
            "validation ROC-AUC 0.710 against 0.700 for plain trees (each the cheapest size within 0.002 of its "
            "kind's best)",
        ),
        (
            {"num_trees": 40, "num_leaves": 7, "linear_start": False, "recency_half_life": "none"},
            0.702,
            "40 trees of 7 leaves; validation ROC-AUC 0.702, against 0.703 boosted from a linear start (not kept: "
            "not more than 0.002 better; each the cheapest size within 0.002 of its kind's best)",
        ),
        (
            {"num_trees": 40, "num_leaves": 7, "linear_start": False, "recency_half_life": 0.5},
            0.720,
            "40 trees of 7 leaves; validation ROC-AUC 0.720, against 0.703 boosted from a linear start (not kept: "
            "not more than 0.002 better; each the cheapest size within 0.002 of its kind's best); training leads "
            "weighted toward the newest (half-life 0.5 of the training period)",
        ),
    ],
)
def test_the_chosen_model_is_worded_with_what_validation_compared_it_with(params, valid_auc, words):
    assert model_words(params, [PLAIN, STARTED, *UNCOMPARED], valid_auc) == words


def test_the_linear_start_is_worded_against_the_plain_trees_the_rule_weighed_not_the_best_plain_size():
    # Walk O: plain trees at best 0.763 (weighted, 31 leaves), but the rule weighed the 3-leaf 0.761.
    candidates = [
        {"linear_start": False, "valid_auc": 0.7609, "compared": True},
        {"linear_start": False, "valid_auc": 0.7629},
        {"linear_start": True, "valid_auc": 0.7642, "compared": True},
        {"linear_start": True, "valid_auc": 0.7657},
    ]
    words = model_words({"num_trees": 27, "num_leaves": 3, "linear_start": True}, candidates, 0.7642)
    assert words.endswith(
        "validation ROC-AUC 0.764 against 0.761 for plain trees (each the cheapest size "
        "within 0.002 of its kind's best)"
    )


EXPORT = "Vorname;Nachname;Firma;Status\nJürgen;Müller;Weiß GmbH;Qualifiziert\n"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("crm.csv", EXPORT.encode("utf-8-sig")),  # Excel's UTF-8: json reads "Unexpected UTF-8 BOM"
        ("crm.csv", EXPORT.encode("cp1252")),  # a German Windows export: not UTF-8 at all
        ("crm.csv.gz", gzip.compress(EXPORT.encode("utf-8"))),
        ("crm.jsonl", EXPORT.encode("utf-8")),  # the suffix does not make it JSON lines
    ],
    ids=["utf-8 BOM", "cp1252", "gzip", "jsonl suffix"],
)
@pytest.mark.usefixtures("isolated")
def test_train_on_an_export_without_a_mapping_asks_for_one(tmp_path, name, content):
    export = tmp_path / name
    export.write_bytes(content)
    result = CliRunner().invoke(app, ["train", "--data", str(export), "--data-dir", str(tmp_path / "d")])
    assert result.exit_code == 2
    out = " ".join(result.output.split())
    assert f"{name}: looks like a CRM export, not a JSON-lines history: did you mean --mapping?" in out
    assert "`leadgate draft-mapping FILE > my_crm.yaml` drafts one" in out
    assert "codec" not in out and "BOM" not in out and not (tmp_path / "d").exists()


@pytest.mark.usefixtures("isolated")
def test_a_broken_json_lines_history_keeps_its_own_message(tmp_path):
    history = tmp_path / "history.jsonl"
    history.write_text('{"lead_id": "a", "created_at": \n')
    result = CliRunner().invoke(app, ["train", "--data", str(history)])
    assert result.exit_code == 2
    out = " ".join(result.output.split())
    assert "history.jsonl: not a JSON-lines history file: Expecting value" in out
    assert "--mapping" not in out


def test_train_labels_the_calibration_error_it_prints(trained):
    from leadgate.cli.training_output import calibration_words

    m = trained.metrics
    assert calibration_words(m) == (
        f"calibration error on the test part: model alone {m['test.model_ungated.calibration_error']:.3f} (its "
        f"P(SQL) on the leads no gate rejects); leadgate (gates + model) {m['test.system.calibration_error']:.3f} "
        "(a lead a gate rejects counted at P(SQL) 0). A model whose P(SQL) is exactly right shows about "
        f"{m['test.model_ungated.calibration_error_chance']:.3f} on as many leads by chance: the model alone's "
        "error is no more than chance gives"
    )
    # A model logged before the chance level was measured keeps its words.
    older = {k: v for k, v in m.items() if "chance" not in k}
    assert calibration_words(older).endswith("counted at P(SQL) 0)")


def test_train_gives_its_own_figures_with_their_intervals_and_the_sqls_they_rest_on():
    import numpy as np

    from leadgate.cli.training_output import comparison_title, figure_cell

    # Walk F5: "0.799" on 11 test SQLs, with nothing to say it could as well be 0.67 or 0.93.
    m = {"test.system.roc_auc": 0.7991, "test.system.roc_auc_low": 0.6712, "test.system.roc_auc_high": 0.9270}
    assert figure_cell(m, "system", "roc_auc") == "0.799\n(0.67–0.93)"
    assert figure_cell({"test.system.pr_auc": 0.188}, "system", "pr_auc") == "0.188"
    assert figure_cell({}, "system", "pr_auc") == "—"
    sql = np.r_[np.ones(11, dtype=bool), np.zeros(169, dtype=bool)]
    assert comparison_title("time", sql) == "Held-out comparison (time split, 180 test leads, 11 SQLs)"


def test_intent_windows_are_listed_only_for_event_types_the_training_leads_have(history_records, policy):
    from copy import deepcopy

    import numpy as np

    from leadgate.cli.training_output import intent_window_words
    from leadgate.decision.pipeline import DecisionPipeline
    from leadgate.training.data import history_from_records
    from leadgate.training.intent_windows import choose_intent_windows

    def words(records) -> str:
        history = history_from_records(records)
        table = DecisionPipeline(policy).decide(history.leads).derived.table
        rows = np.ones(len(history.leads), dtype=bool)
        return intent_window_words(
            [c.to_dict() for c in choose_intent_windows(table, history.sql, rows, policy.intent)]
        )

    records = deepcopy(history_records[:1500])
    assert re.search(r"intent windows \(days.*demo_request \d+", words(records))
    for record in records:  # an export with no demo requests
        record["events"] = [e for e in record.get("events", []) if e["type"] != "demo_request"]
    partial = words(records)
    assert "demo_request" not in partial.split(";")[0]
    assert partial.endswith("; none of demo_request in the training leads (the policy's default window kept)")
    for record in records:  # an export with no events at all
        record["events"] = []
    assert (
        words(records)
        == "intent windows: no intent events in the training leads, the policy's default windows kept"
    )


def test_a_new_challenger_says_which_one_it_replaces_and_its_shadow_evidence(
    tmp_path, store_url, trained, policy, history_records
):
    import json

    from mlflow import MlflowClient

    from leadgate.serving.lifecycle_store import record_outcomes
    from leadgate.serving.store import make_engine
    from leadgate.settings import Settings
    from leadgate.training.registry import log_training
    from tests.training.lifecycle_world import go_live, new_leads, outcomes_of

    settings = Settings(data_dir=tmp_path / "data", mlflow_tracking_uri=None, database_url=store_url)
    for _ in range(2):  # champion, then challenger
        log_training(trained, policy, settings, {"path": "test", "leads": 1})
    records = new_leads(policy, n=30, seed=5)
    go_live(settings, records)  # the challenger decides each lead in shadow
    record_outcomes(make_engine(store_url), outcomes_of(records)[:12], source="test")
    history = tmp_path / "h.jsonl.gz"
    with gzip.open(history, "wt") as out:
        out.writelines(json.dumps(r) + "\n" for r in history_records[:1000])

    result = CliRunner().invoke(
        app,
        ["train", "--data", str(history), "--data-dir", str(settings.data_dir)],
        env={"DATABASE_URL": store_url, "MLFLOW_TRACKING_URI": None, "LEADGATE_POLICY_PATH": None},
    )
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "replaces challenger leadgate/2 (30 shadow decisions, 12 with outcomes)" in said
    assert "`promote` now judges leadgate/3" in said
    assert f"policy: {policy.version} (the shipped default; --policy FILE for your own)" in said
    replaced = MlflowClient(tracking_uri=settings.tracking_uri()).get_model_version("leadgate", "2")
    assert replaced.tags["leadgate.challenger_replaced_by"] == "3"


@pytest.mark.usefixtures("isolated")
def test_train_says_what_check_policy_would_warn_of_before_it_learns(tmp_path):
    from leadgate.decision.policy import default_policy_text

    policy = tmp_path / "floor.yaml"
    policy.write_text(default_policy_text().replace("employees_floor: 10", "employees_floor: 50", 1))
    history = tmp_path / "history.jsonl"
    history.write_text('{"lead_id": "a", "created_at": \n')
    result = CliRunner().invoke(app, ["train", "--data", str(history), "--policy", str(policy)])
    out = " ".join(result.output.split())
    assert "policy warning: employees_floor 50 is not below employees_target's low end 50" in out


def _late_shop(tmp_path):
    """The shop export with a call outcome set only once sales called a lead that did not convert: known only
    after contact, mapped as a custom field. Alone it orders the leads far below the 0.95 leak line."""
    import numpy as np

    from tests.training.export_shapes import SHOP_MAPPING, shop_rows, write_csv

    rng = np.random.default_rng(1)
    rows = shop_rows()
    for row in rows:
        row["Anrufergebnis"] = "abgelehnt" if row["Ergebnis"] == "No" and rng.random() < 0.4 else "offen"
    write_csv(tmp_path / "shop.csv", rows)
    mapping = SHOP_MAPPING.replace(
        "custom:\n", "custom:\n  call_outcome: {column: Anrufergebnis, label: Call outcome}\n"
    )
    (tmp_path / "late.yaml").write_text(mapping)
    return ("--data", tmp_path / "shop.csv", "--mapping", tmp_path / "late.yaml")


@pytest.mark.usefixtures("isolated")
def test_a_custom_field_train_finds_known_only_after_contact_withholds_the_alias_when_the_model_reads_it(
    tmp_path,
):
    from tests.cli.test_export_shapes import run

    data = _late_shop(tmp_path)
    result = run("train", *data, "--data-dir", tmp_path / "d")
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    # No column alone reaches the leak line, nor the model the too-good line: only the field note tells.
    assert "by itself" not in out and "almost surely" not in out
    assert (
        "custom field call_outcome: none of the" in out
        and "leadgate's model reads this field, yet training found it known only after contact, which new "
        "leads will not have: list its column under after_contact unless it truly is known when a lead "
        "arrives (README: Honest baselines)"
        in out
    )
    # Walk: the field's own note repeated the leak line in other words; the field is said once.
    assert out.count("custom field call_outcome:") == 1, out
    assert "registered leadgate/1, run" in out and "leadgate/1 has no alias, so nothing serves" in out
    # Just trained: what is asked for by alias says which version is there, why it has none, how to use it.
    import json

    from tests.factories import lead_dict

    (tmp_path / "lead.json").write_text(json.dumps(lead_dict()))
    decided = run("decide", tmp_path / "lead.json", "--data-dir", tmp_path / "d")
    said = " ".join(decided.output.split())
    assert decided.exit_code != 0 and "run `leadgate train` first" not in said, said
    assert (
        "no model 'leadgate' with alias 'champion'" in said
        and "the newest version, leadgate/1, has no alias (`leadgate train` withheld its alias, as a column "
        "seems to give the outcome away"
        in said
        and "to use it anyway: `--alias 1`, or `leadgate.load(version=1)` in Python" in said
    )
    report = run(
        "report", *data, "--data-dir", tmp_path / "d", "--version", "1", "--out", tmp_path / "r.html"
    )
    assert report.exit_code == 0, report.output
    assert (
        "leadgate/1 has no alias, so nothing serves or shadows it: `leadgate train` withheld its alias"
        in " ".join(report.output.split())
    )
    page = " ".join((tmp_path / "r.html").read_text().split())
    assert "leadgate&#x27;s model reads this field, yet training found it known only after contact" in page
    # The report repeats the leak line, not the field note it was made from: the field is said once.
    assert page.count("custom field call_outcome: none of the") == 1
    allowed = run("train", *data, "--data-dir", tmp_path / "allowed", "--allow-leakage")
    assert allowed.exit_code == 0, allowed.output
    assert "registered leadgate/1 (alias: champion)" in " ".join(allowed.output.split())


@pytest.mark.usefixtures("isolated")
def test_a_first_model_chance_could_match_on_its_test_part_is_no_champion_unless_accepted(tmp_path):
    import json

    from mlflow import MlflowClient

    from leadgate.settings import Settings
    from tests.cli.test_export_shapes import run
    from tests.training.export_shapes import coin_test_records

    history = tmp_path / "h.jsonl.gz"
    with gzip.open(history, "wt") as out:
        out.writelines(json.dumps(record) + "\n" for record in coin_test_records())
    folder = tmp_path / "d"
    result = run("train", "--data", history, "--data-dir", folder)
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "warning: the test part's ROC-AUC 0.500 (95% interval 0.39–0.61, 50 SQLs) cannot be told" in said
    assert "registered leadgate/1, run" in said
    assert (
        "leadgate/1 is registered without the champion alias, so score, decide and the service do not use it: "
        "its test ROC-AUC cannot be told from chance (above). To make it the champion anyway, train again with "
        "--accept-weak (the same history and --seed give the same model); to try it first, `--alias 1` or "
        "`leadgate.load(version=1)`"
    ) in said
    client = MlflowClient(tracking_uri=Settings(data_dir=folder).tracking_uri())
    assert client.get_registered_model("leadgate").aliases == {}
    assert "cannot be told from chance" in client.get_model_version("leadgate", "1").tags["leadgate.weak"]
    # The report, the page a manager reads, repeats it.
    report = run("report", "--version", "1", "--data-dir", folder, "--out", tmp_path / "r.html")
    assert report.exit_code == 0, report.output
    page = " ".join((tmp_path / "r.html").read_text().split())
    assert "ROC-AUC 0.500 (95% interval 0.39–0.61, 50 SQLs) cannot be told from chance" in page
    accepted = run("train", "--data", history, "--data-dir", folder, "--accept-weak")
    assert accepted.exit_code == 0, accepted.output
    assert "registered leadgate/2 (alias: champion)" in " ".join(accepted.output.split())
