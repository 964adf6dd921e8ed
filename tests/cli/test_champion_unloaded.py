"""From the CLI too, a change that would decide stored leads again is refused in one line, exit 2, nothing stored,
while the champion does not load: here its registry's port is closed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from leadgate.cli import app
from tests.cli.test_lists import _decisions, _seed
from tests.serving.test_champion_unloaded import closed_registry

runner = CliRunner()
REFUSED = "the champion does not load (model load failed: MLflow registry"
NOTHING = (
    "nothing was changed, as deciding its 1 stored lead again needs it; try again when the registry is back"
)


def _count(store, table) -> int:
    with store.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(table))


def test_suppressions_lists_and_outcomes_wait_for_the_champion(
    store_url, registered_settings, pipeline, tmp_path
):
    from leadgate.serving import suppression_store
    from leadgate.serving.store_models import ListEntryRow, OutcomeRow, SuppressionRow

    settings, _ = registered_settings
    store = _seed(store_url, pipeline)
    before = _decisions(store)
    with store.engine.begin() as connection:  # one to lift, made while the champion loaded
        row = suppression_store.new_row(
            subject="nordwerk.de",
            contact="marketing_email",
            reason="campaign pause",
            who="kim",
            source="cli",
            expires_at=None,
        )
        held = suppression_store.insert_row(connection, row).id
    rejected = tmp_path / "outcomes.jsonl"
    rejected.write_text('{"lead_id": "nw-1", "sql": false, "rejection_reason": "not_a_fit_size"}\n')
    env = {"DATABASE_URL": store_url, "MLFLOW_TRACKING_URI": closed_registry()}
    data = ["--data-dir", str(settings.data_dir)]
    hold = ["--subject", "nordwerk.de", "--contact", "marketing_email", "--reason", "newsletter pause"]
    for args in (
        ["suppressions", "add", *hold],
        ["suppressions", "lift", "--id", str(held), "--why", "pause over"],
    ):
        ran = runner.invoke(app, [*args, *data], env=env)
        said = " ".join(ran.output.split())
        assert ran.exit_code == 2 and REFUSED in said and NOTHING in said, (args, said)
        assert len(ran.output.strip().splitlines()) == 1, ran.output  # one line, unwrapped
    # A suppression bearing on no stored lead needs no decision: stored, and said without a "by".
    elsewhere = [
        "--subject",
        "someone@elsewhere-gmbh.de",
        "--contact",
        "marketing_email",
        "--reason",
        "asked",
    ]
    made = runner.invoke(app, ["suppressions", "add", *elsewhere, *data], env=env)
    assert made.exit_code == 0 and "0 stored leads decided again\n" in made.output, made.output
    assert _decisions(store) == before
    assert [_count(store, table) for table in (SuppressionRow, ListEntryRow, OutcomeRow)] == [2, 0, 0]
    assert suppression_store.find(store.engine, held).lifted_at is None
    watched = runner.invoke(app, ["monitor", "--since", "2000-01-01", *data], env=env)
    said = " ".join(watched.output.split())
    assert watched.exit_code == 0 and "the champion does not load, so no drift is computed" in said, said
    assert "champion not loaded" in said and "champion none" not in said
    # A bad-fit rejection holds its account's leads by a gate, which needs no champion: it goes through.
    imported = runner.invoke(app, ["outcomes", "import", str(rejected), *data], env=env)
    assert imported.exit_code == 0 and "decided again" in imported.output, imported.output
    assert _count(store, OutcomeRow) == 1
    store.engine.dispose()


def test_a_refused_change_is_one_line_in_a_real_terminal_too(store_url, registered_settings, pipeline):
    # CliRunner's output misses the model holder's log lines (pytest captures logging): a real process shows them.
    settings, _ = registered_settings
    store = _seed(store_url, pipeline)
    before = _decisions(store)
    env = {**os.environ, "DATABASE_URL": store_url, "MLFLOW_TRACKING_URI": closed_registry()}
    hold = ["--subject", "nordwerk.de", "--contact", "marketing_email", "--reason", "newsletter pause"]
    command = [sys.executable, "-m", "leadgate", "suppressions", "add", *hold]
    root = Path(__file__).resolve().parents[2]  # so `-m leadgate` imports this tree's code
    ran = subprocess.run(
        [*command, "--data-dir", str(settings.data_dir)],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    said = " ".join(ran.stderr.split())
    assert ran.returncode == 2 and REFUSED in said and NOTHING in said, (ran.stdout, ran.stderr)
    assert len(ran.stderr.strip().splitlines()) == 1, ran.stderr
    assert _decisions(store) == before
    store.engine.dispose()
