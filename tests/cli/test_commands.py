"""The `leadgate` command line, run in-process on a tiny history in temporary data folders."""

import json
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from leadgate.cli import app
from tests.conftest import ENV_NAMES
from tests.factories import lead_dict
from tests.registry_folders import no_developer_settings

ROOT = Path(__file__).resolve().parents[2]
# Unset for each invocation and restored after it: MLflow itself exports MLFLOW_TRACKING_URI when a
# command sets the tracking URI, which the next command's Settings would otherwise pick up.
CLEAN_ENV = dict.fromkeys(ENV_NAMES)
RECORD_KEYS = {
    "route",
    "p_sql",
    "gates",
    "negative_reasons",
    "positive_reasons",
    "model_version",
    "policy_version",
    "decided_at",
}
SMALL = lead_dict(lead_id="small", company={"employees": 3})

runner = CliRunner()


def run(*args):
    """Invoke the CLI with the given arguments in a clean environment."""
    return runner.invoke(app, [str(arg) for arg in args], env=CLEAN_ENV)


def text(output: str) -> str:
    """Terminal output with panel borders removed and Rich's line wrapping undone."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", output).split())


def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data))
    return path


# Every test here runs without developer settings, in a scratch folder (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("isolated")


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """`synth` then `train` into a fresh data folder: (data dir, synth output, train output)."""
    root = tmp_path_factory.mktemp("cli")
    history, data_dir = root / "tmp" / "h.jsonl.gz", root / "tmp"
    with no_developer_settings():
        synth = run("synth", "--n", 3000, "--out", history)
        assert synth.exit_code == 0, synth.output
        train = run("train", "--data", history, "--data-dir", data_dir)
        assert train.exit_code == 0, train.output
    return data_dir, synth.output, train.output


def test_help_lists_the_commands():
    result = run("--help")
    assert result.exit_code == 0
    for command in ("synth", "train", "score", "decide", "serve", "new-key", "check-policy", "demo"):
        assert re.search(rf"│ {command}\s", result.output), command


def test_importing_the_cli_and_asking_for_help_loads_no_heavy_library():
    # Every command's --help too, subcommands included: each answers in ~0.3 s and must stay that way.
    code = (
        "import sys\n"
        "import typer\n"
        "from typer.testing import CliRunner\n"
        "from leadgate.cli import app\n"
        "def paths(command, path=()):\n"
        "    yield path\n"
        "    for name, sub in getattr(command, 'commands', {}).items():\n"
        "        yield from paths(sub, (*path, name))\n"
        "helped = list(paths(typer.main.get_command(app)))\n"
        "assert len(helped) > 20, helped\n"
        "for path in helped:\n"
        "    assert CliRunner().invoke(app, [*path, '--help']).exit_code == 0, path\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'mlflow', 'shap', 'lightgbm'}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_synth_writes_the_history_and_train_registers_the_champion(trained):
    data_dir, synth, train = trained
    assert "wrote 3,000 leads" in text(synth) and (data_dir / "h.jsonl.gz").stat().st_size > 0
    out = text(train)
    assert re.search(r"Held-out comparison \(time split, [\d,]+ test leads, [\d,]+ SQLs\)", out)
    assert "learned from" in out and "(floor" in out  # PR-AUC's header, wrapped: its floor, the SQL rate
    # Each scorer's name starts its row, then what it learned from, then its two figures (on one line: the
    # output is no terminal, so the table is as wide as it needs).
    for scorer in ("leadgate (gates", "points scorecard", "plain LightGBM,", "logistic"):
        assert re.search(re.escape(scorer) + r".{0,300}?0\.\d{3} 0\.\d{3} ", out), scorer
    # leadgate's own figures with their 95% intervals, below each in its cell.
    assert re.search(r"leadgate \(gates.{0,160}?\(0\.\d{2}–[01]\.\d{2}\) \(0\.\d{2}–[01]\.\d{2}\)", out)
    # Beside each baseline, leadgate's ROC-AUC minus its own and DeLong's paired interval.
    assert re.search(r"points scorecard.{0,120}?0\.\d{3} 0\.\d{3} \+0\.\d{3}±0\.\d{3}", out)
    assert "leadgate ahead: its ROC-AUC minus the scorer's on the same leads, ± DeLong's paired 95%" in out
    assert "thresholds: sales_ready ≥" in out
    assert re.search(r"intent windows \(days.*demo_request \d+", out)
    assert "registered leadgate/1 (alias: champion)" in out
    assert (data_dir / "mlflow.db").exists() and (data_dir / "mlartifacts").is_dir()


def test_decide_prints_the_route_and_reasons(trained, tmp_path):
    data_dir = trained[0]
    lead = write_json(tmp_path / "lead.json", lead_dict())
    record = json.loads(run("decide", lead, "--json", "--data-dir", data_dir).stdout)
    result = run("decide", lead, "--data-dir", data_dir)
    assert result.exit_code == 0, result.output
    out = text(result.output)
    assert f"→ {record['route'].upper()}" in out
    assert f"P(SQL) = {record['p_sql']:.1%}" in out
    # What held it back in words, not its code (walk AD: "control: penalty" meant nothing to a rep).
    from leadgate.decision.record import CONTROLS

    words = CONTROLS[record["control"]]
    assert words[1:30] in out and "control:" not in out
    assert "Against" in out and record["negative_reasons"][0]["text"] in out
    assert "For" in out and record["positive_reasons"][0]["text"] in out
    assert "model leadgate/1" in out


def test_decide_shows_the_gates_of_a_gated_lead(trained, tmp_path):
    result = run("decide", write_json(tmp_path / "small.json", SMALL), "--data-dir", trained[0])
    assert result.exit_code == 0, result.output
    out = text(result.output)
    assert "→ SELF_SERVICE" in out and "Gates" in out and "below_size_floor" in out


def test_decide_json_is_the_full_decision_record(trained, tmp_path):
    result = run("decide", write_json(tmp_path / "lead.json", SMALL), "--json", "--data-dir", trained[0])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert set(record) >= RECORD_KEYS
    assert record["lead_id"] == "small" and record["route"] == "self_service"
    assert 0 < record["p_sql"] < 1
    assert [gate["code"] for gate in record["gates"]] == ["below_size_floor"]
    assert record["model_version"] == "leadgate/1"
    assert record["policy_version"].startswith("default@")
    assert datetime.fromisoformat(record["decided_at"]).tzinfo is not None


def test_decide_says_an_old_lead_was_decided_as_of_now_and_decides_it_as_created_when_asked(
    trained, tmp_path
):
    import leadgate
    from leadgate.features.schema import parse_lead

    # Walk tiny F12: a 170-day-old lead decided as of now without a word, and no --as-of to ask otherwise.
    old = lead_dict(
        lead_id="old",
        created_at="2025-01-06T09:00:00Z",
        scored_at=None,
        events=[{"type": "pricing_page", "at": "2025-01-06T09:10:00Z"}] * 3,
    )
    lead = write_json(tmp_path / "old.json", {k: v for k, v in old.items() if v is not None})
    now = run("decide", lead, "--json", "--data-dir", trained[0])
    assert now.exit_code == 0, now.output
    assert text(now.stderr) == (
        "1 lead was created more than 30 days ago and decided as of now (their activity and dates aged to "
        "today); to decide each as it stood when created, use --as-of created"
    )
    assert json.loads(now.stdout)["lead_id"] == "old"  # the record alone on stdout
    created = run("decide", lead, "--json", "--data-dir", trained[0], "--as-of", "created")
    assert created.exit_code == 0 and created.stderr == "", created.output
    scorer = leadgate.load(data_dir=trained[0])
    expected = scorer.pipeline.decide([parse_lead(old | {"scored_at": old["created_at"]})])
    assert json.loads(created.stdout)["p_sql"] == pytest.approx(float(expected.p_sql[0]), abs=1e-6)
    assert json.loads(created.stdout)["p_sql"] != json.loads(now.stdout)["p_sql"]
    refused = run("decide", lead, "--data-dir", trained[0], "--as-of", "yesterday")
    assert refused.exit_code == 2 and "--as-of 'yesterday': give 'now', 'created'" in text(refused.output)


def test_decide_and_score_under_a_policy_file_warn_as_check_policy_does_on_stderr(trained, tmp_path):
    from leadgate.decision.policy import default_policy_text

    policy = tmp_path / "floor.yaml"
    policy.write_text(default_policy_text().replace("employees_floor: 10", "employees_floor: 50", 1))
    warning = "policy warning: employees_floor 50 is not below employees_target's low end 50"
    lead = write_json(tmp_path / "lead.json", SMALL)
    result = run("decide", lead, "--json", "--policy", policy, "--data-dir", trained[0])
    assert result.exit_code == 0, result.output
    assert warning in text(result.stderr) and json.loads(result.stdout)["lead_id"] == "small"
    leads = tmp_path / "leads.jsonl"
    leads.write_text(json.dumps(SMALL) + "\n")
    output = tmp_path / "out.parquet"
    result = run("score", "--input", leads, "--output", output, "--policy", policy, "--data-dir", trained[0])
    assert result.exit_code == 0, result.output
    assert warning in text(result.stderr)
    assert warning not in text(run("decide", lead, "--data-dir", trained[0]).output)


def test_score_writes_one_row_per_input_row(trained, tmp_path):
    leads = tmp_path / "leads.jsonl"
    rows = [lead_dict(lead_id="a"), SMALL, lead_dict(lead_id="bad", company={"employees": -1})]
    leads.write_text("".join(json.dumps(row) + "\n" for row in rows))
    output = tmp_path / "out.parquet"
    result = run(
        "score", "--input", leads, "--output", output, "--data-dir", trained[0], "--max-error-rate", 0.4
    )
    assert result.exit_code == 0, result.output
    assert "2 decisions, 1 row with errors" in text(result.output)
    frame = pd.read_parquet(output)
    assert frame["row"].tolist() == [1, 2, 3]
    assert frame["lead_id"].tolist() == ["a", "small", "bad"]
    assert frame["route"].iloc[1] == "self_service" and pd.notna(frame["route"].iloc[0])
    assert frame["model_version"].iloc[:2].tolist() == ["leadgate/1", "leadgate/1"]
    assert "company.employees" in frame["error"].iloc[2]


def test_score_warns_on_stderr_when_every_decided_lead_went_to_a_rejecting_route(trained, tmp_path):
    from leadgate.decision.policy import default_policy_text

    # A policy whose every band is above any score: each lead a model routes goes to self_service.
    policy = tmp_path / "closed.yaml"
    policy.write_text(
        default_policy_text().replace(
            "thresholds: auto", "thresholds: {sales_ready: 0.9999, verify: 0.9999, nurture: 0.9999}", 1
        )
    )
    leads = tmp_path / "leads.jsonl"
    leads.write_text("".join(json.dumps(lead_dict(lead_id=f"l{i}")) + "\n" for i in range(25)))
    output = tmp_path / "out.parquet"
    closed = run("score", "--input", leads, "--output", output, "--policy", policy, "--data-dir", trained[0])
    assert closed.exit_code == 0, closed.output
    assert (
        "all 25 decided leads went to a route that keeps them from sales (self_service 25): check what "
        in (text(closed.stderr))
    )
    assert "`leadgate train` said of leadgate/1" in text(closed.stderr)
    assert "keeps them from sales" not in text(closed.stdout)
    opened = run("score", "--input", leads, "--output", output, "--data-dir", trained[0])
    assert opened.exit_code == 0 and "keeps them from sales" not in text(opened.output)


def test_score_decides_old_leads_now_by_default_and_as_they_stood_when_created_when_asked(trained, tmp_path):
    import leadgate
    from leadgate.features.schema import parse_lead

    old = [
        lead_dict(
            lead_id=f"old-{i}",
            created_at="2025-01-06T09:00:00Z",
            scored_at=None,
            events=[{"type": "pricing_page", "at": "2025-01-06T09:10:00Z"}] * (i + 1),
        )
        for i in range(3)
    ]
    leads = tmp_path / "old.jsonl"
    leads.write_text(
        "".join(json.dumps({k: v for k, v in row.items() if v is not None}) + "\n" for row in old)
    )
    outputs = {}
    for as_of in ("now", "created", "2025-01-06T09:05:00Z"):
        output = tmp_path / f"{as_of[:7]}.parquet"
        result = run(
            "score", "--input", leads, "--output", output, "--data-dir", trained[0], "--as-of", as_of
        )
        assert result.exit_code == 0, result.output
        said = "3 leads were created more than 30 days ago and decided as of now" in text(result.output)
        assert said == (as_of == "now"), result.output
        outputs[as_of] = pd.read_parquet(output)
    scorer = leadgate.load(data_dir=trained[0])
    created = [parse_lead(row | {"scored_at": row["created_at"]}) for row in old]
    expected = scorer.pipeline.decide(created)
    assert outputs["created"]["p_sql"].tolist() == pytest.approx(expected.p_sql.tolist(), abs=1e-6)
    # At 09:05 the pricing visits of 09:10 had not happened: as of that moment, with no activity at all.
    before = scorer.pipeline.decide(
        [parse_lead(row | {"scored_at": "2025-01-06T09:05:00Z", "events": []}) for row in old]
    )
    assert outputs["2025-01-06T09:05:00Z"]["p_sql"].tolist() == pytest.approx(before.p_sql.tolist(), abs=1e-6)
    assert outputs["now"]["p_sql"].tolist() != outputs["created"]["p_sql"].tolist()


def test_score_refuses_an_as_of_it_cannot_read(trained, tmp_path):
    leads = write_json(tmp_path / "one.json", lead_dict())
    result = run("score", "--input", leads, "--output", tmp_path / "o.jsonl", "--as-of", "yesterday")
    assert result.exit_code == 2
    assert "--as-of 'yesterday': give 'now', 'created'" in text(result.output)
    assert not (tmp_path / "o.jsonl").exists()
    future = run("score", "--input", leads, "--output", tmp_path / "o.jsonl", "--as-of", "2099-01-01")
    assert future.exit_code == 2 and "more than a day after now" in text(future.output)


def test_score_refuses_an_unsupported_output_format(trained, tmp_path):
    leads = tmp_path / "leads.jsonl"
    leads.write_text(json.dumps(lead_dict()) + "\n")
    result = run("score", "--input", leads, "--output", tmp_path / "out.csv", "--data-dir", trained[0])
    assert result.exit_code == 2
    assert "output must be one of .jsonl, .parquet" in text(result.output)
    assert not (tmp_path / "out.csv").exists()


def test_score_refuses_a_missing_input(trained, tmp_path):
    result = run(
        "score", "--input", tmp_path / "nope.csv", "--output", tmp_path / "o.jsonl", "--data-dir", trained[0]
    )
    assert result.exit_code == 2 and "no such file" in text(result.output)


def test_train_on_a_missing_file_says_how_to_make_one(tmp_path):
    result = run("train", "--data", tmp_path / "missing.jsonl.gz", "--data-dir", tmp_path / "data")
    assert result.exit_code == 2
    out = text(result.output)
    assert "missing.jsonl.gz: no such file" in out and "leadgate synth" in out
    assert not (tmp_path / "data").exists()


def test_train_on_mostly_invalid_history_lists_the_rows(tmp_path):
    history = tmp_path / "h.jsonl"
    history.write_text("".join(json.dumps(lead_dict(lead_id=f"x{i}")) + "\n" for i in range(5)))
    result = run("train", "--data", history, "--data-dir", tmp_path / "data")
    assert result.exit_code == 2
    out = text(result.output)
    assert "5 of 5 history rows are invalid" in out and "row 1: outcome.sql is missing" in out


def test_train_on_a_file_that_is_not_json_lines_fails_clearly(tmp_path):
    history = tmp_path / "h.jsonl"
    history.write_text("this is not json\n")
    result = run("train", "--data", history, "--data-dir", tmp_path / "data")
    assert result.exit_code == 2
    assert "h.jsonl" in text(result.output)


def test_decide_on_an_invalid_lead_names_the_field(tmp_path):
    lead = write_json(tmp_path / "lead.json", lead_dict(company={"employees": -3}))
    result = run("decide", lead, "--data-dir", tmp_path / "data")
    assert result.exit_code == 2
    out = text(result.output)
    assert "lead.json: invalid lead: company.employees" in out
    assert "expected 0 to 5,000,000 employees, got -3" in out


@pytest.mark.parametrize("content", ["{not json", None])
def test_decide_on_unreadable_lead_file_names_the_file(tmp_path, content):
    lead = tmp_path / "lead.json"
    if content is not None:
        lead.write_text(content)
    result = run("decide", lead, "--data-dir", tmp_path / "data")
    assert result.exit_code == 2
    assert "error:" in text(result.output) and "lead.json:" in text(result.output)
    if content is None:  # one line in words, not "[Errno 2] No such file or directory: …"
        assert text(result.output).endswith("lead.json: no such file") and "Errno" not in result.output


def test_a_version_number_in_place_of_an_alias_loads_that_version(trained, tmp_path):
    data_dir = trained[0]
    lead = write_json(tmp_path / "lead.json", lead_dict())
    by_number = json.loads(run("decide", lead, "--json", "--alias", "1", "--data-dir", data_dir).stdout)
    by_alias = json.loads(run("decide", lead, "--json", "--data-dir", data_dir).stdout)
    assert by_number["model_version"] == "leadgate/1" and by_number["p_sql"] == by_alias["p_sql"]
    missing = run("decide", lead, "--alias", "9", "--data-dir", data_dir)
    assert missing.exit_code == 2 and "9" in text(missing.output)


def test_decide_without_a_registered_model_says_to_train_first(tmp_path):
    lead = write_json(tmp_path / "lead.json", lead_dict())
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("decide", lead, "--data-dir", empty)
    assert result.exit_code == 2
    out = text(result.output)
    assert f"no models in {empty.resolve()} yet (run `leadgate train` first)" in out
    assert "run `leadgate train` first" in out


def test_check_policy_accepts_the_shipped_policy_and_prints_its_version(policy):
    shipped = ROOT / "decision" / "default_policy.yaml"
    result = run("check-policy", shipped)
    assert result.exit_code == 0, result.output
    out = text(result.output)
    assert "default_policy.yaml: valid" in out
    assert f"{len(policy.active_gates())} active gates" in out and f"version {policy.version}" in out


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "min_seconds_on_form: 3",
            "min_seconds_on_form: -3",
            "invalid policy: bots.min_seconds_on_form: Input should be greater than or equal to 0",
        ),
        (
            "employees_floor: 10",
            "employee_floor: 10",
            "invalid policy: firmographics.employee_floor: Extra inputs are not permitted",
        ),
        ("route: verify\nrouting:", "route: maybe\nrouting:", "invalid policy: lift.route: Input should be"),
        ("name: default", "name: [default", "not valid YAML"),
    ],
)
def test_check_policy_on_a_bad_policy_names_the_field(tmp_path, old, new, message):
    shipped = (ROOT / "decision" / "default_policy.yaml").read_text()
    assert old in shipped
    bad = tmp_path / "bad.yaml"
    bad.write_text(shipped.replace(old, new, 1))
    result = run("check-policy", bad)
    assert result.exit_code == 2
    assert f"error: {bad}: {message}" in text(result.output)


def test_check_policy_warns_of_what_loads_but_is_likely_a_mistake_on_one_line_each(tmp_path):
    shipped = (ROOT / "decision" / "default_policy.yaml").read_text()
    copy = tmp_path / "copy.yaml"
    copy.write_text(shipped.replace("employees_floor: 10", "employees_floor: 50", 1))
    result = run("check-policy", copy)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # One line each even at 80 columns, piped: a CI script greps the version.
    assert lines[0].startswith(f"{copy}: valid, ") and " version default@" in lines[0]
    assert lines[1] == (
        "warning: employees_floor 50 is not below employees_target's low end 50: companies inside the target "
        "range are gated as too small"
    )
    assert lines[2].startswith("warning: named 'default' like the shipped policy but not the same")


def test_default_policy_prints_the_shipped_file_to_start_ones_own(tmp_path):
    result = run("default-policy")
    assert result.exit_code == 0
    assert result.output == (ROOT / "decision" / "default_policy.yaml").read_text()


def test_check_policy_on_a_missing_file(tmp_path):
    result = run("check-policy", tmp_path / "nope.yaml")
    assert result.exit_code == 2 and "nope.yaml: cannot read policy file" in text(result.output)


def test_error_messages_are_printed_verbatim(tmp_path):
    shipped = (ROOT / "decision" / "default_policy.yaml").read_text()
    bad = tmp_path / "bad.yaml"
    bad.write_text(shipped.replace("employees_target: [50, 5000]", "employees_target: [5000, 50]"))
    result = run("check-policy", bad)
    assert result.exit_code == 2
    assert "employees_target must be [low, high]" in text(result.output)


def test_new_key_prints_a_key_and_only_its_hash_for_the_settings():
    from leadgate.serving.auth import hash_key

    result = run("new-key", "sales", "--name", "crm")
    assert result.exit_code == 0, result.output
    out = text(result.output)
    key = re.search(r"not stored\): (\S+) add to", out).group(1)
    entry = json.loads(out.split("add to LEADGATE_API_KEYS: ", 1)[1])
    assert entry == {"name": "crm", "role": "sales", "sha256": hash_key(key)}
    assert key not in out.split("add to LEADGATE_API_KEYS")[1]


def test_new_key_refuses_an_unknown_role():
    result = run("new-key", "root")
    assert result.exit_code == 2 and "role must be one of" in text(result.output)


def test_train_in_a_copied_data_folder_stops_before_training_with_the_way_out(trained, tmp_path):
    import shutil

    data_dir = trained[0]
    copy = tmp_path / "copy"
    shutil.copytree(data_dir, copy)
    result = run("train", "--data", copy / "h.jsonl.gz", "--data-dir", copy)
    assert result.exit_code == 2
    out = text(result.output)
    assert "outside this data folder" in out and "LEADGATE_EXPERIMENT" in out
    assert "Held-out comparison" not in out and "Traceback" not in result.output


@pytest.mark.usefixtures("isolated")  # a step that read the default folder would find none, not the repo's
def test_demo_runs_the_whole_lifecycle_on_embedded_defaults(tmp_path):
    from mlflow import MlflowClient

    from leadgate.settings import Settings

    # The smallest history the command takes: the live month is 500 leads whatever --n.
    result = run("demo", "--n", 1000, "--data-dir", tmp_path / "demo")
    assert result.exit_code == 0, result.output
    out = text(result.output)
    assert "registered leadgate/1 (alias: champion)" in out
    assert "registered leadgate/2 (alias: challenger)" in out
    assert re.search(r"500 leads stored with leadgate/1's decision; 500 scored in shadow by leadgate/2", out)
    assert "500 outcomes reported by sales" in out
    # promote found the challenger the demo registered, and its shadow scores and outcomes in the demo's store.
    verdict = out.split("7. Would the challenger be promoted?")[1].split("8. Monitoring the live month")[0]
    assert "Shadow period: leadgate/1 vs leadgate/2" in verdict
    assert "500 shadow leads, 500 with outcomes" in verdict
    assert re.search(r"dry run: (would promote|would be refused)", verdict) and "Nothing changed." in verdict
    # monitor read the live month the demo stored, from its first day.
    watched = out.split("8. Monitoring the live month")[1]
    assert re.match(
        r" \(`leadgate monitor`\) 500 leads since \S+ 00:00 UTC; routes at arrival: sales_ready", watched
    )
    assert "champion leadgate/1" in watched and "Automatic rejections by reason" in watched
    # The lead-age drift its table shows is explained from the leads' own decision times.
    assert re.search(r"live month's leads were decided a median [\d.]+ days after creation against", watched)
    assert (tmp_path / "demo" / "decisions.db").exists() and (
        tmp_path / "demo" / "decisions.parquet"
    ).exists()
    # A dry run moves no alias.
    settings = Settings(data_dir=tmp_path / "demo", mlflow_tracking_uri=None, database_url=None)
    model = MlflowClient(tracking_uri=settings.tracking_uri()).get_registered_model(settings.model_name)
    assert {k: str(v) for k, v in model.aliases.items()} == {"champion": "1", "challenger": "2"}


# Bad input to score and decide: told in one line, before the model's slow load, and never exit 0 on a failed batch.


def bad_policy(folder: Path) -> Path:
    policy = folder / "bad.yaml"
    policy.write_text("name: x\ngates: 3\n")
    return policy


def test_a_bad_policy_stops_decide_and_score_before_any_model_is_loaded(tmp_path):
    """The data folder holds no model: a policy error, not 'no models', shows the policy was checked first."""
    lead = write_json(tmp_path / "lead.json", lead_dict())
    leads = tmp_path / "leads.jsonl"
    leads.write_text(json.dumps(lead_dict()) + "\n")
    empty = tmp_path / "empty"
    empty.mkdir()
    for args in (("decide", lead), ("score", "--input", leads, "--output", tmp_path / "o.parquet")):
        result = run(*args, "--policy", bad_policy(tmp_path), "--data-dir", empty)
        assert result.exit_code == 2, result.output
        out = text(result.output)
        assert "error: " in out and "bad.yaml: invalid policy: firmographics: Field required" in out
        assert "Traceback" not in out and "no models" not in out
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00policy")
    result = run("decide", lead, "--policy", binary, "--data-dir", empty)
    assert result.exit_code == 2 and "binary.yaml: not a policy file: not UTF-8 text" in text(result.output)


def test_score_of_a_crm_export_without_mapping_asks_for_one_before_loading(tmp_path):
    export = tmp_path / "export.csv"
    export.write_text("Lead Number,Lead Origin,Converted\n660737,API,0\n")
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("score", "--input", export, "--output", tmp_path / "o.parquet", "--data-dir", empty)
    assert result.exit_code == 2
    out = text(result.output)
    assert "export.csv: no column is a lead field (Lead Number, Lead Origin, Converted)" in out
    assert "did you mean --mapping?" in out and not (tmp_path / "o.parquet").exists()


def test_score_refuses_a_mapping_whose_columns_the_export_lacks_before_loading(tmp_path):
    export = tmp_path / "export.csv"
    export.write_text("Id,Firma\n1,Acme\n")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("name: t\nlead_id: {column: Id}\ncreated_at: {column: Angelegt, type: datetime}\n")
    result = run(
        "score", "--input", export, "--mapping", mapping, "--output", tmp_path / "o.jsonl",
        "--data-dir", tmp_path / "nothing",
    )  # fmt: skip
    assert result.exit_code == 2 and "Angelegt" in text(result.output)
    assert "no models" not in text(result.output)


def test_score_refuses_a_mapping_whose_custom_fields_the_model_does_not_use_in_one_line(trained, tmp_path):
    export = tmp_path / "export.csv"
    export.write_text("Id,Angelegt,Produkt\n1,2026-11-02,Pro\n2,2026-11-03,Team\n")
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "name: t\nlead_id: {column: Id}\ncreated_at: {column: Angelegt, type: datetime}\n"
        "custom:\n  product: {column: Produkt, type: category}\n"
    )
    output = tmp_path / "o.jsonl"
    result = run(
        "score", "--input", export, "--mapping", mapping, "--output", output, "--data-dir", trained[0]
    )
    assert result.exit_code == 2 and not output.exists()
    out = text(result.output)
    assert (
        "the mapping declares custom fields the model leadgate/1 (champion) does not use (product; it " in out
    )
    assert "declares: none): was it trained on another export?" in out and "--alias challenger" in out


def test_a_batch_whose_rows_all_failed_exits_1_and_hints_at_mapping(trained, tmp_path):
    leads = tmp_path / "crm.jsonl"
    rows = [{"lead_id": f"c{i}", "Lead Origin": "API", "Lead Source": "Google"} for i in range(3)]
    leads.write_text("".join(json.dumps(row) + "\n" for row in rows))
    output = tmp_path / "out.jsonl"
    result = run("score", "--input", leads, "--output", output, "--data-dir", trained[0])
    assert result.exit_code == 1, result.output
    out = text(result.output)
    assert "3 of 3 rows failed (100%), more than --max-error-rate 10%" in out
    assert "crm.jsonl has columns that are no lead field (Lead Origin, Lead Source)" in out
    assert "did you mean --mapping?" in out
    written = [json.loads(line) for line in output.read_text().splitlines()]
    assert [row["lead_id"] for row in written] == ["c0", "c1", "c2"]  # the error rows are kept all the same
    assert all("Lead Origin: Extra inputs are not permitted" in row["error"] for row in written)


def test_max_error_rate_is_the_threshold_of_failed_rows(trained, tmp_path):
    leads = tmp_path / "leads.jsonl"
    rows = [
        lead_dict(lead_id="ok-1"),
        lead_dict(lead_id="ok-2"),
        lead_dict(lead_id="bad", company={"employees": -1}),
    ]
    leads.write_text("".join(json.dumps(row) + "\n" for row in rows))
    output = tmp_path / "out.parquet"
    for rate, code in (("0.34", 0), ("0.33", 1), ("0", 1)):
        result = run(
            "score", "--input", leads, "--output", output, "--max-error-rate", rate, "--data-dir", trained[0]
        )
        assert result.exit_code == code, (rate, result.output)
        assert "did you mean --mapping?" not in text(result.output)  # lead JSON: only a bad value
        assert len(pd.read_parquet(output)) == 3
    refused = run(
        "score", "--input", leads, "--output", output, "--max-error-rate", "1.5", "--data-dir", trained[0]
    )
    assert refused.exit_code == 2


@pytest.mark.parametrize("name", ["h.csv", "h.parquet", "h.json"])
def test_synth_refuses_a_file_name_that_promises_another_format(tmp_path, name):
    result = run("synth", "--n", 100, "--out", tmp_path / name)
    assert result.exit_code == 2
    assert "a history is written as JSON lines: name it *.jsonl or *.jsonl.gz" in text(result.output)
    assert not (tmp_path / name).exists()


def test_score_says_which_lead_ids_are_on_more_than_one_row(trained, tmp_path):
    leads = tmp_path / "leads.jsonl"
    ids = ["a1", "b2", "a1", "c3", "b2", "d4", "e5", "d4", "a1", "e5", "f6"]
    leads.write_text("".join(json.dumps(lead_dict(lead_id=lead_id)) + "\n" for lead_id in ids))
    output = tmp_path / "out.jsonl"
    result = run("score", "--input", leads, "--output", output, "--data-dir", trained[0])
    assert result.exit_code == 0, result.output
    assert "11 decisions" in text(result.stdout)  # each row decided on its own, as before
    assert (
        "4 lead ids appear on more than one row (a1 rows 1, 3, 9; b2 rows 2, 5; d4 rows 6, 8; …): each row was "
        "decided on its own"
    ) in text(result.stderr)
    once = tmp_path / "once.jsonl"
    once.write_text("".join(json.dumps(lead_dict(lead_id=lead_id)) + "\n" for lead_id in set(ids)))
    result = run("score", "--input", once, "--output", tmp_path / "once-out.jsonl", "--data-dir", trained[0])
    assert result.exit_code == 0 and "more than one row" not in text(result.output)


def test_synth_and_train_without_paths_use_the_data_folder(tmp_path):
    # Walk: `train` read ./.leadgate/history.jsonl.gz whatever the data folder, and registered it there.
    data_dir = tmp_path / "elsewhere"
    synth = runner.invoke(
        app, ["synth", "--n", "1000"], env={**CLEAN_ENV, "LEADGATE_DATA_DIR": str(data_dir)}
    )
    assert synth.exit_code == 0, synth.output
    assert (data_dir / "history.jsonl.gz").exists() and not (tmp_path / ".leadgate").exists()
    train = run("train", "--data-dir", data_dir)
    assert train.exit_code == 0, train.output
    assert "registered leadgate/1 (alias: champion)" in text(train.output)
    assert not (tmp_path / ".leadgate").exists()
    other = tmp_path / "other"
    assert run("synth", "--n", 100, "--data-dir", other).exit_code == 0
    assert (other / "history.jsonl.gz").exists() and not (tmp_path / ".leadgate").exists()


def test_train_without_data_names_the_data_folders_history_when_it_is_missing(tmp_path):
    result = run("train", "--data-dir", tmp_path / "data")
    assert result.exit_code == 2
    assert f"{tmp_path / 'data' / 'history.jsonl.gz'}: no such file" in text(result.output)
    assert "default: history.jsonl.gz in the data folder" in text(run("train", "--help").output)


@pytest.mark.parametrize(
    ("end", "message"),
    [
        ("2999-01-01", r"--end 2999-01-01 is after today \(\d{4}-\d\d-\d\d\): a history holds leads that"),
        ("31.10.2026", "--end '31.10.2026': not a date; write it YYYY-MM-DD"),
    ],
)
def test_synth_refuses_an_end_after_today_or_not_a_date_in_one_line(tmp_path, end, message):
    # Walk: a future --end wrote a history that `train` then refused (leads more than a day after now).
    result = run("synth", "--n", 100, "--end", end, "--out", tmp_path / "h.jsonl")
    assert result.exit_code == 2 and re.search(message, result.output), result.output
    assert len(result.output.strip().splitlines()) == 1 and not (tmp_path / "h.jsonl").exists()


def test_synth_says_what_its_policy_is_for():
    out = text(run("synth", "--help").output)
    assert "the leads are drawn against" in out and "the model's own to decide" not in out
    # decide's policy is the one it decides under, not one synth draws leads against.
    out = text(run("decide", "--help").output)
    assert "the model's own to decide" in out and "drawn against" not in out


def test_score_help_names_every_format_its_readers_take():
    from leadgate.serving.file_formats import EXPORT_FORMATS, INPUT_FORMATS, said

    # Walk Y: the help listed .jsonl(.gz), .csv(.gz) or .parquet while a .tsv export read through a mapping works.
    out = re.sub(r"[\s│]+", " ", text(run("score", "--help").output))
    assert f"leads: {said(INPUT_FORMATS)}; with --mapping, a CRM export: {said(EXPORT_FORMATS)}" in out
    assert (
        ".tsv(.gz)" in said(EXPORT_FORMATS)
        and said(INPUT_FORMATS) == ".jsonl(.gz), .json, .csv(.gz) or .parquet"
    )


def test_score_says_on_stderr_which_new_source_many_of_the_leads_hold(trained, tmp_path):
    leads = tmp_path / "leads.jsonl"
    rows = [lead_dict(lead_id=f"l{i}", source={"channel": "LinkedIn Lead Gen"}) for i in range(20)]
    leads.write_text("".join(json.dumps(row) + "\n" for row in rows))
    result = run("score", "--input", leads, "--output", tmp_path / "out.parquet", "--data-dir", trained[0])
    assert result.exit_code == 0, result.output
    assert (
        "decided leads with values the model's training never saw or saw too rarely to learn: channel "
        "'LinkedIn Lead Gen' 100% (20 leads) of the 20 leads the model read" in text(result.stderr)
    )
    # The column's total comes first: the line a file of many small new sources would give alone (walk AB).
    assert (
        "channel: 100% of the filled leads the model read (20 of 20) hold levels the model did not learn, against "
        "0% in training: the model reads them all as one level, '(other)'" in text(result.stderr)
    )


def test_score_s_progress_bar_counts_to_the_rows_of_its_file(trained, tmp_path):
    # A 100,000-lead export showed 20000/? and no time left: the file's lines are counted, not parsed.
    leads = tmp_path / "leads.jsonl"
    rows = [json.dumps(lead_dict(lead_id=f"l{i}")) for i in range(30)]
    leads.write_text("\n".join(rows[:10]) + "\n\n" + "\n".join(rows[10:]) + "\n")  # a blank line too
    result = run("score", "--input", leads, "--output", tmp_path / "out.jsonl", "--data-dir", trained[0])
    assert result.exit_code == 0, result.output
    bar = text(result.output).split("30 decisions")[0]
    assert "30/30" in bar and "/?" not in bar and "left" in bar  # the rows read, not the 31 lines counted


def test_history_commands_help_names_what_their_data_reads():
    from leadgate.serving.file_formats import EXPORT_FORMATS, HISTORY_FORMATS, said

    # A lead-path CSV history (and its .gz) is read without a mapping; the help listed only JSON lines and Parquet.
    for command in ("train", "report", "backtest", "evidence", "channels"):
        out = re.sub(r"[\s│]+", " ", text(run(command, "--help").output))
        assert f"history with outcomes: {said(HISTORY_FORMATS)} with lead-path columns" in out, command
        assert f"a CRM export with --mapping ({said(EXPORT_FORMATS)})" in out, command
    assert said(HISTORY_FORMATS) == ".jsonl(.gz), .csv(.gz) or .parquet"


@pytest.mark.parametrize("budget_times", [50, 1])
def test_score_names_a_model_column_far_from_training_by_its_export_column(
    shop_registered, tmp_path, budget_times
):
    from leadgate.serving.batch_drift import MIN_LEADS
    from tests.training.export_shapes import SHOP_MAPPING, shop_new_leads, write_csv

    # A walker's Salesforce export: a custom number new leads had unlike training's (a leak filled after contact).
    mapping = tmp_path / "shop.yaml"
    mapping.write_text(SHOP_MAPPING)
    export = write_csv(
        tmp_path / "new.csv", shop_new_leads(MIN_LEADS + 100, seed=5, budget_times=budget_times)
    )
    args = (
        "--output",
        tmp_path / "out.parquet",
        "--mapping",
        mapping,
        "--data-dir",
        shop_registered.data_dir,
    )
    result = run("score", "--input", export, *args)
    assert result.exit_code == 0, result.output
    said = re.search(r"model columns far from training \(PSI > 0\.25\): (.*)", text(result.stderr))
    if budget_times == 1:  # drawn like training: nothing to say
        assert said is None, said
        return
    assert re.match(
        r"custom_budget_eur \d+\.\d\d \(Budget\): check that these leads' file or mapping", said[1]
    )
