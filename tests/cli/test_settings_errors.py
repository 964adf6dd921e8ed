"""A bad setting in the environment is one line naming its variable; a command that does not read it goes on."""

from __future__ import annotations

import json
import re
import socket

import pytest
from typer.testing import CliRunner

from leadgate.cli import app
from tests.factories import lead_dict

NOT_JSON_KEYS = "[{'name': 'web-form', 'role': 'intake', 'sha256': 'ab'}]"  # single quotes: no JSON
BAD_ROLE_KEYS = json.dumps([{"name": "web-form", "role": "boss", "sha256": "0" * 64}])
# One key under two roles: it would pass as whichever entry is compared last, an intake key as admin.
TWICE_KEYS = json.dumps(
    [
        {"name": "web-form", "role": "intake", "sha256": "ab" * 32},
        {"name": "ops", "role": "admin", "sha256": "ab" * 32},
    ]
)

pytestmark = pytest.mark.usefixtures("isolated")


def _invoke(args: list[str], tmp_path, **env: str):
    return CliRunner().invoke(app, [*args, "--data-dir", str(tmp_path / "d")], env=env)


def _flat(output: str) -> str:
    return " ".join(output.split())


def test_a_command_refuses_a_bad_setting_it_reads_in_one_line(tmp_path):
    result = _invoke(["erase", "--lead-id", "lead-1"], tmp_path, LEADGATE_ERASURE_SALT="short")
    assert result.exit_code == 2 and "Traceback" not in result.output
    # The salt is a secret: its rule is said, not its value.
    assert _flat(result.output) == "error: LEADGATE_ERASURE_SALT: too short: at least 16 characters"


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("LEADGATE_PORT", "abc", "LEADGATE_PORT: Input should be a valid integer"),
        ("LEADGATE_API_KEYS", NOT_JSON_KEYS, "LEADGATE_API_KEYS: not JSON"),
        ("LEADGATE_API_KEYS", BAD_ROLE_KEYS, "LEADGATE_API_KEYS (entry 0, role): Input should be 'intake'"),
        ("LEADGATE_METRICS_PORT", "8000", "LEADGATE_METRICS_PORT: metrics_port must differ from port (8000)"),
    ],
)
def test_a_bad_service_setting_is_only_warned_about_by_a_command_that_does_not_read_it(
    variable, value, said, tmp_path
):
    assert _invoke(["migrate"], tmp_path).exit_code == 0  # only migrate and serve create the store
    result = _invoke(["monitor"], tmp_path, **{variable: value})
    assert result.exit_code == 0, result.output
    out = _flat(result.output)
    assert f"{said}" in out and "not used by this command, so ignored here" in out
    assert "0 leads since" in out  # the command ran


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (NOT_JSON_KEYS, "LEADGATE_API_KEYS: not JSON (Expecting property name enclosed in double quotes"),
        (BAD_ROLE_KEYS, "LEADGATE_API_KEYS (entry 0, role): Input should be 'intake', 'sales' or 'admin'"),
        (
            TWICE_KEYS,
            "LEADGATE_API_KEYS: one key (sha256 abababababab…) is listed twice, as 'web-form' (intake) and 'ops' "
            "(admin): a key has one role",
        ),
    ],
)
@pytest.mark.parametrize("command", [["serve"], ["new-key", "sales"]])
def test_the_commands_that_read_the_keys_refuse_bad_ones_in_one_line(command, value, said, tmp_path):
    result = _invoke(command, tmp_path, LEADGATE_API_KEYS=value)
    assert result.exit_code == 2 and "Traceback" not in result.output
    out = _flat(result.output)
    assert out.startswith(f"error: {said}") and len(result.output.splitlines()) <= 4


def test_decide_does_not_need_the_api_keys(registered_settings, tmp_path):
    settings, _ = registered_settings
    lead = tmp_path / "lead.json"
    lead.write_text(json.dumps(lead_dict()))
    result = CliRunner().invoke(
        app,
        ["decide", str(lead), "--data-dir", str(settings.data_dir)],
        env={"LEADGATE_API_KEYS": BAD_ROLE_KEYS},
    )
    assert result.exit_code == 0, result.output
    assert re.search(r"P\(SQL\) = \d", result.output) and "LEADGATE_API_KEYS (entry 0, role)" in result.output


def test_empty_api_keys_mean_none(tmp_path):
    from leadgate.settings import Settings

    assert Settings(api_keys=" ").api_keys == []


@pytest.mark.parametrize(
    ("args", "env", "said"),
    [
        (
            ["erase", "--older-than-retention", "--dry-run"],
            {"LEADGATE_PERSONAL_DATA_RETENTION_DAYS": "99999999"},
            "LEADGATE_PERSONAL_DATA_RETENTION_DAYS: Input should be less than or equal to 36500",
        ),
        (
            ["serve"],
            {"LEADGATE_MODEL_POLL_SECONDS": "1e308"},
            "LEADGATE_MODEL_POLL_SECONDS: Input should be less than or equal to 86400",
        ),
        (["monitor", "--since", "1000000d"], {}, "--since '1000000d': at most 36,500 days back"),
        (["monitor", "--since", "99999999999d"], {}, "--since '99999999999d': at most 36,500 days back"),
    ],
    ids=["retention", "poll", "since", "since-huge"],
)
def test_a_number_out_of_range_is_one_line_naming_it(args, env, said, tmp_path):
    assert _invoke(["migrate"], tmp_path).exit_code == 0
    result = _invoke(args, tmp_path, **env)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and said in _flat(result.output)


def test_a_retention_out_of_range_is_only_warned_about_by_monitor(tmp_path):
    assert _invoke(["migrate"], tmp_path).exit_code == 0
    result = _invoke(["monitor"], tmp_path, LEADGATE_PERSONAL_DATA_RETENTION_DAYS="99999999")
    assert result.exit_code == 0, result.output
    assert "not used by this command, so ignored here" in _flat(result.output)


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("172.16.0.0/33", "'172.16.0.0/33' is not an IP network (a CIDR such as 10.0.0.0/8)"),
        (
            "bogus,,",
            "'bogus' is not an IP address (10.0.0.5) or network (10.0.0.0/8); an empty entry: give addresses or "
            "networks separated by single commas",
        ),
        ("10.0.0.5,172.16.0.1/12", "'172.16.0.1/12' has host bits set: did you mean 172.16.0.0/12?"),
        ("10.0.0.5,*", "'*' trusts every address: give it alone, not in a list"),
        (
            "",
            "empty: give the proxy's IP addresses or networks, comma-separated, or * (to trust no proxy: "
            "LEADGATE_PROXY_HEADERS=false)",
        ),
    ],
    ids=["prefix", "typo", "host-bits", "star-in-list", "empty"],
)
def test_serve_refuses_a_trusted_proxy_that_is_no_address_or_network_in_one_line(value, said, tmp_path):
    # uvicorn would take the entry as a name no client has: no proxy trusted, without a word.
    with socket.socket() as taken:  # a setting let through fails on the port, never starts a server
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        given = [(["serve", "--port", port, "--forwarded-allow-ips", value], {})]
        if value:  # an empty variable is an unset one (compose writes "" for what .env leaves out)
            given.append((["serve", "--port", port], {"LEADGATE_FORWARDED_ALLOW_IPS": value}))
        for args, env in given:
            result = _invoke(args, tmp_path, **env)
            assert result.exit_code == 2 and "Traceback" not in result.output
            assert _flat(result.output) == f"error: LEADGATE_FORWARDED_ALLOW_IPS: {said}"


def test_trusted_proxies_are_read_in_canonical_form():
    from leadgate.settings import Settings

    assert Settings(forwarded_allow_ips=" * ").forwarded_allow_ips == "*"
    given = " 10.0.0.5, 172.16.0.0/12 ,2001:DB8::1 "
    assert Settings(forwarded_allow_ips=given).forwarded_allow_ips == "10.0.0.5,172.16.0.0/12,2001:db8::1"


def test_serve_refuses_a_readiness_rule_that_is_no_yes_or_no_and_passes_its_option_to_the_workers(
    tmp_path, monkeypatch
):
    from leadgate.cli.service import SERVE_OVERRIDES
    from leadgate.settings import Settings

    with socket.socket() as taken:  # a setting let through fails on the port, never starts a server
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = _invoke(["serve", "--port", port], tmp_path, LEADGATE_READY_REQUIRES_MODEL="maybe")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert _flat(result.output).startswith(
        "error: LEADGATE_READY_REQUIRES_MODEL: Input should be a valid boolean"
    )
    # `serve --ready-requires-model` puts the option in the environment, where each worker reads its settings.
    monkeypatch.setenv(SERVE_OVERRIDES["ready_requires_model"], str(True))
    assert Settings().ready_requires_model is True


@pytest.mark.parametrize("value", ["0", "-1", "601", "nan", "inf", "ten"])
def test_a_registry_bound_out_of_range_stops_every_registry_command_in_one_line(value, tmp_path):
    lead = tmp_path / "lead.json"
    lead.write_text(json.dumps(lead_dict()))
    for args in (["promote", "--dry-run"], ["decide", str(lead)]):
        result = _invoke(args, tmp_path, LEADGATE_REGISTRY_TIMEOUT_SECONDS=value)
        assert result.exit_code == 2 and "Traceback" not in result.output, result.output
        said = _flat(result.output)
        assert said.startswith("error: LEADGATE_REGISTRY_TIMEOUT_SECONDS: "), said
        if value != "ten":
            assert "more than 0 and at most 600" in said


def test_a_registry_bound_in_range_is_read_in_seconds():
    from leadgate.settings import Settings

    assert Settings().registry_timeout_seconds == 10
    assert Settings(registry_timeout_seconds="0.5").registry_timeout_seconds == 0.5
    assert Settings(registry_timeout_seconds=600).registry_timeout_seconds == 600
