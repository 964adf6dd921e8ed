"""`leadgate outcomes import` of the same file again (a nightly CRM export holds every outcome so far) writes
nothing and decides nothing again, on SQLite and PostgreSQL; a changed rejection still decides its account."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from typer.testing import CliRunner

from leadgate.cli import app
from tests.cli.test_lists import _decisions, _seed

runner = CliRunner()


def test_an_unchanged_import_is_left_as_it_was_and_a_moved_rejection_decides_again(
    store_url, tmp_path, policy
):
    from leadgate.decision.pipeline import DecisionPipeline

    store = _seed(store_url, DecisionPipeline(policy, None))
    env = {"DATABASE_URL": store_url}
    data = ["--data-dir", str(tmp_path / "no-models")]
    crm = tmp_path / "crm.csv"
    crm.write_text("lead_id,sql,rejection_reason\nnw-1,false,not_a_fit_size\n")

    def imported() -> str:
        ran = runner.invoke(app, ["outcomes", "import", str(crm), *data], env=env)
        assert ran.exit_code == 0, ran.output
        return " ".join(ran.output.split())

    first = imported()
    assert "recorded 1 outcome" in first and "1 stored lead of an account rejected as a bad fit" in first
    # Operator walk: imported without `at`, the hold read "on <the import day>" as if sales decided that day.
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    assert f"nordwerk.de, not_a_fit_size recorded {today}" in _hold(store)
    again = imported()
    assert f"recorded 0 outcomes from {crm} (1 recorded already as sent, left as they were)" in again
    assert "decided again" not in again
    assert [trigger for trigger, _, _ in _decisions(store)] == ["created", "outcome"]
    yesterday = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    crm.write_text(f"lead_id,sql,rejection_reason,at\nnw-1,false,not_a_fit_size,{yesterday}\n")
    moved = imported()  # the rejection's day moves the hold's end
    assert "recorded 1 outcome" in moved and "decided again" in moved, moved
    assert f"nordwerk.de, not_a_fit_size on {yesterday[:10]}" in _hold(store)
    assert [trigger for trigger, _, _ in _decisions(store)] == ["created", "outcome", "outcome"]
    store.engine.dispose()


def _hold(store) -> str:
    """The bad-fit hold's words in the lead's latest decision."""
    latest = store.history("nw-1")[-1].record
    return next(g["reason"] for g in latest["gates"] if g["code"] == "recently_rejected_account")
