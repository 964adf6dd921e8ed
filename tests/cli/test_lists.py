"""`leadgate lists` and `leadgate suppressions` on a SQLite and a PostgreSQL store."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from typer.testing import CliRunner

from leadgate.cli import app
from leadgate.decision.policy import load_policy
from leadgate.features.schema import parse_lead
from leadgate.serving.store import DecisionStore, make_engine, migrate
from tests.factories import lead_dict

runner = CliRunner()


class _Ran:
    def __init__(self, result):
        self.exit_code = result.exit_code
        self.output = " ".join(result.output.split())  # lines wrapped at the terminal width, joined


def _on(store_url: str, data_dir):
    """Runs a command on the store at `store_url`, with `data_dir` for the policy and models."""

    def run(*args: str) -> _Ran:
        return _Ran(runner.invoke(app, [*args, "--data-dir", str(data_dir)], env={"DATABASE_URL": store_url}))

    return run


def test_lists_add_show_remove_with_an_audit(store_url, tmp_path):
    run = _on(store_url, tmp_path / "data")
    added = run(
        "lists", "add", "--kind", "competitor_networks", "--value", "192.0.2.0/24", "--why", "their VPN"
    )
    assert added.exit_code == 0, added.output
    assert "added 192.0.2.0/24 to competitor_networks (lists@1)" in added.output
    shown = run("lists", "show", "--kind", "competitor_networks")
    assert "192.0.2.0/24" in shown.output and "their VPN" in shown.output and "add" in shown.output
    # Operator walk: the store's times are UTC, and were printed without saying so.
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    assert re.search(rf"added {today} \d\d:\d\d UTC by cli:", shown.output), shown.output
    assert re.search(rf"#1 {today} \d\d:\d\d UTC add 192.0.2.0/24", shown.output), shown.output
    files = run("lists", "show", "--kind", "competitor_domains")
    assert "pipelineiq.com policy" in files.output, files.output
    shipped = load_policy()
    assert f"policy {shipped.version} (the shipped default)" in files.output
    removed = run(
        "lists", "remove", "--kind", "competitor_networks", "--value", "192.0.2.0/24", "--why", "wrong"
    )
    assert removed.exit_code == 0 and "(lists@2)" in removed.output


def test_lists_read_the_policy_the_service_decides_by_and_say_which(store_url, tmp_path, trained, policy):
    # Operator walk: with no policy file set, `lists show` and `lists add` read the shipped policy's lists
    # while the service decided by the champion's own, which listed another competitor.
    from leadgate.settings import Settings
    from leadgate.training.registry import log_training

    domains = policy.domains.model_copy(update={"competitors": [*policy.domains.competitors, "rivalhq.com"]})
    (tmp_path / "own.yaml").write_text(policy.model_copy(update={"domains": domains}).to_yaml())
    own = load_policy(tmp_path / "own.yaml")  # its version as the model keeps it
    settings = Settings(data_dir=tmp_path / "data", mlflow_tracking_uri=None, database_url=None)
    log_training(trained, own, settings, {"path": "test", "leads": 1})
    run = _on(store_url, settings.data_dir)

    shown = run("lists", "show", "--kind", "competitor_domains")
    assert shown.exit_code == 0, shown.output
    assert "rivalhq.com policy" in shown.output and "pipelineiq.com policy" in shown.output
    assert f"policy {own.version} (the model's own, champion leadgate/1)" in shown.output
    added = run("lists", "add", "--kind", "competitor_domains", "--value", "rivalhq.com", "--why", "x")
    assert added.exit_code == 2, added.output
    assert (
        f"rivalhq.com is already on competitor_domains in the policy file (policy {own.version}, the model's "
        "own, champion leadgate/1); nothing was stored"
    ) in added.output
    # A policy file set is what the service decides by, and what the lists read then.
    shipped = tmp_path / "shipped.yaml"
    shipped.write_text(load_policy().to_yaml())
    env = {"DATABASE_URL": store_url, "LEADGATE_POLICY_PATH": str(shipped)}
    filed = runner.invoke(
        app, ["lists", "show", "--kind", "competitor_domains", "--data-dir", str(settings.data_dir)], env=env
    )
    said = " ".join(filed.output.split())
    assert filed.exit_code == 0 and "rivalhq.com" not in said, said
    assert f"policy {load_policy(shipped).version} (from {shipped})" in said


def test_bad_list_input_stops_with_words_and_exit_code_2(store_url, tmp_path):
    run = _on(store_url, tmp_path / "data")
    bad = run("lists", "add", "--kind", "competitor_networks", "--value", "192.0.2.7/24", "--why", "x")
    assert bad.exit_code == 2 and "did you mean 192.0.2.0/24" in bad.output
    everyone = run("lists", "add", "--kind", "competitor_networks", "--value", "::/0", "--why", "x")
    assert everyone.exit_code == 2 and "::/0 is every IPv6 address, no one company's" in everyone.output
    assert "nothing was stored" in everyone.output
    unknown = run("lists", "add", "--kind", "rivals", "--value", "a.com", "--why", "x")
    assert unknown.exit_code == 2 and "unknown list kind" in unknown.output
    empty = run("lists", "add", "--kind", "do_not_engage", "--value", "a.com", "--why", " ")
    assert empty.exit_code == 2 and "reason" in empty.output
    shown = run("lists", "show", "--kind", "do_not_engage")
    assert "a.com" not in shown.output.replace("blocked-customer.com", "")


def test_a_site_given_with_www_is_listed_by_its_domain_and_a_subdomain_is_refused(store_url, tmp_path):
    run = _on(store_url, tmp_path / "data")
    added = run("lists", "add", "--kind", "competitor_domains", "--value", "www.rivalhq.com", "--why", "x")
    assert added.exit_code == 0 and "added rivalhq.com to competitor_domains" in added.output, added.output
    sub = run("lists", "add", "--kind", "do_not_engage", "--value", "eu.rivalhq.com", "--why", "x")
    assert sub.exit_code == 2 and "did you mean rivalhq.com?" in sub.output, sub.output
    free = run("lists", "add", "--kind", "competitor_domains", "--value", "outlook.com", "--why", "x")
    assert free.exit_code == 2 and "outlook.com is a free email domain" in free.output, free.output
    assert "outlook.com" not in run("lists", "show", "--kind", "competitor_domains").output


def test_suppressions_add_show_lift(store_url, tmp_path):
    run = _on(store_url, tmp_path / "data")
    made = run(
        "suppressions",
        "add",
        "--subject",
        "Maria.Keller@nordwerk.de",
        "--contact",
        "marketing_email",
        "--reason",
        "asked on the phone",
        "--who",
        "kim",
    )
    assert made.exit_code == 0 and "#1 active: marketing_email of maria.keller@nordwerk.de" in made.output
    assert "(cli by kim): asked on the phone" in made.output  # who made it, as who lifted it
    lifted = run("suppressions", "lift", "--id", "1", "--why", "asked for the newsletter")
    assert (
        lifted.exit_code == 0
        and "#1 lifted:" in lifted.output
        and "asked for the newsletter" in lifted.output
    )
    again = run("suppressions", "lift", "--id", "1", "--why", "x")
    assert again.exit_code == 2 and "was lifted on" in again.output
    shown = run("suppressions", "show", "--subject", "maria.keller@nordwerk.de")
    assert "#1 lifted:" in shown.output and "by cli:" in shown.output
    assert "(cli by kim)" in shown.output
    bad = run("suppressions", "add", "--subject", "nobody", "--contact", "all_contact", "--reason", "x")
    assert bad.exit_code == 2 and "nothing was stored" in bad.output


NOW = datetime.now(UTC)


def _seed(store_url: str, pipeline) -> DecisionStore:
    """One stored lead of nordwerk.de, decided as the service decided it at arrival."""
    engine = make_engine(store_url)
    migrate(engine)
    store = DecisionStore(engine)
    lead = lead_dict(lead_id="nw-1")
    lead.pop("scored_at")
    store.create(
        lead=lead,
        decision=pipeline.decide_one(parse_lead(lead), now=NOW),
        idempotency_key=None,
        received_at=NOW,
    )
    return store


def _decisions(store: DecisionStore) -> list[tuple[str, str, str | None]]:
    return [(row.trigger, row.route, row.model_version) for row in store.history("nw-1")]


def _hold_and_lift(store_url: str, data_dir) -> tuple[_Ran, _Ran]:
    env = {"DATABASE_URL": store_url}
    data = ["--data-dir", str(data_dir)]
    hold = ["--subject", "nordwerk.de", "--contact", "all_contact", "--reason", "legal hold", *data]
    made = _Ran(runner.invoke(app, ["suppressions", "add", *hold], env=env))
    lifted = _Ran(
        runner.invoke(app, ["suppressions", "lift", "--id", "1", "--why", "hold ended", *data], env=env)
    )
    return made, lifted


def test_a_suppression_made_or_lifted_from_the_cli_decides_its_leads_again_with_the_champion(
    store_url, registered_settings, pipeline
):
    settings, registered = registered_settings
    store = _seed(store_url, pipeline)
    [(_, automatic, seeded)] = _decisions(store)  # the registered champion's model, decided in this process
    champion = f"{registered.name}/{registered.version}"

    made, lifted = _hold_and_lift(store_url, settings.data_dir)
    assert made.exit_code == 0, made.output
    assert f"1 stored lead decided again, by champion {champion}" in made.output
    assert lifted.exit_code == 0, lifted.output
    assert "1 stored lead decided again" in lifted.output
    # Lifted from the CLI, the lead no longer reads the suppression's route until some later event.
    assert _decisions(store) == [
        ("created", automatic, seeded),
        ("suppression", "silent_reject", champion),
        ("suppression_lifted", automatic, champion),
    ]
    store.engine.dispose()


def test_without_a_registered_model_the_gates_alone_decide_again_as_the_service_would(
    store_url, tmp_path, policy
):
    from leadgate.decision.pipeline import DecisionPipeline

    data_dir = tmp_path / "no-models"
    store = _seed(store_url, DecisionPipeline(policy, None))
    [(_, automatic, _)] = _decisions(store)

    made, lifted = _hold_and_lift(store_url, data_dir)
    assert made.exit_code == 0, made.output
    assert "1 stored lead decided again, by the gates alone (no model with alias 'champion')" in made.output
    assert lifted.exit_code == 0, lifted.output
    assert _decisions(store) == [
        ("created", automatic, None),
        ("suppression", "silent_reject", None),
        ("suppression_lifted", automatic, None),
    ]
    assert not (data_dir / "mlflow.db").exists()  # no empty registry made by asking for a model
    store.engine.dispose()


def test_suppressions_expire_decides_an_expired_holds_leads_again_once(store_url, tmp_path, policy):
    from datetime import timedelta

    from sqlalchemy import update

    from leadgate.decision.pipeline import DecisionPipeline
    from leadgate.serving.store_models import SuppressionRow

    data_dir = tmp_path / "no-models"
    env, data = {"DATABASE_URL": store_url}, ["--data-dir", str(data_dir)]
    store = _seed(store_url, DecisionPipeline(policy, None))
    [(_, automatic, _)] = _decisions(store)
    ends = (NOW + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")
    hold = ["--subject", "nordwerk.de", "--contact", "all_contact", "--reason", "hold", "--expires", ends]
    assert runner.invoke(app, ["suppressions", "add", *hold, *data], env=env).exit_code == 0
    early = _Ran(runner.invoke(app, ["suppressions", "expire", *data], env=env))
    assert early.exit_code == 0 and "no suppression has expired" in early.output
    with store.engine.begin() as connection:  # its day has passed
        connection.execute(update(SuppressionRow).values(expires_at=NOW - timedelta(seconds=1)))

    swept = _Ran(runner.invoke(app, ["suppressions", "expire", *data], env=env))
    assert swept.exit_code == 0, swept.output
    assert "#1 expired" in swept.output and "1 stored lead decided again" in swept.output
    assert _decisions(store)[-1] == ("suppression_expired", automatic, None)
    again = _Ran(runner.invoke(app, ["suppressions", "expire", *data], env=env))
    assert "no suppression has expired" in again.output and len(_decisions(store)) == 3
    store.engine.dispose()


def test_suppressions_expire_says_it_waits_for_a_champion_that_does_not_load(tmp_path, trained, policy):
    import shutil

    from mlflow import MlflowClient

    from leadgate.settings import Settings
    from leadgate.training.registry import log_training

    settings = Settings(data_dir=tmp_path / "data", mlflow_tracking_uri=None, database_url=None)
    log_training(trained, policy, settings, {"path": "test", "leads": 1})
    client = MlflowClient(tracking_uri=settings.tracking_uri())
    source = client.get_model_version("leadgate", "1").source
    shutil.rmtree(
        client.get_logged_model(source.removeprefix("models:/")).artifact_location.removeprefix("file://")
    )
    env = {"DATABASE_URL": None, "MLFLOW_TRACKING_URI": None}
    assert runner.invoke(app, ["migrate", "--data-dir", str(settings.data_dir)], env=env).exit_code == 0
    said = _Ran(runner.invoke(app, ["suppressions", "expire", "--data-dir", str(settings.data_dir)], env=env))
    assert said.exit_code == 2 and "the champion does not load" in said.output
    assert "no expiry was settled" in said.output


def test_a_do_not_engage_account_added_or_removed_from_the_cli_decides_its_leads_again(
    store_url, tmp_path, policy
):
    from leadgate.decision.pipeline import DecisionPipeline

    store = _seed(store_url, DecisionPipeline(policy, None))
    [(_, automatic, _)] = _decisions(store)
    env = {"DATABASE_URL": store_url}
    data = ["--data-dir", str(tmp_path / "no-models")]
    change = ["--kind", "do_not_engage", "--value", "www.nordwerk.de", "--why", "legal", *data]
    added = _Ran(runner.invoke(app, ["lists", "add", *change], env=env))
    assert added.exit_code == 0, added.output
    assert "added nordwerk.de to do_not_engage" in added.output
    assert "1 stored lead decided again, by the gates alone" in added.output
    removed = _Ran(runner.invoke(app, ["lists", "remove", *change], env=env))
    assert removed.exit_code == 0 and "1 stored lead decided again" in removed.output, removed.output
    assert _decisions(store) == [
        ("created", automatic, None),
        ("lists", "silent_reject", None),
        ("lists", automatic, None),
    ]
    store.engine.dispose()
