"""`leadgate lists` and `leadgate suppressions` on a scratch data folder's SQLite store."""

from __future__ import annotations

from typer.testing import CliRunner

from leadgate.cli import app

runner = CliRunner()


class _Ran:
    def __init__(self, result):
        self.exit_code = result.exit_code
        self.output = " ".join(result.output.split())  # lines wrapped at the terminal width, joined


def _run(*args: str):
    return _Ran(runner.invoke(app, list(args)))


def test_lists_add_show_remove_with_an_audit(tmp_path, isolated):
    data = ["--data-dir", str(tmp_path / "data")]
    added = _run(
        "lists",
        "add",
        "--kind",
        "competitor_networks",
        "--value",
        "192.0.2.0/24",
        "--why",
        "their VPN",
        *data,
    )
    assert added.exit_code == 0, added.output
    assert "added 192.0.2.0/24 to competitor_networks (lists@1)" in added.output
    shown = _run("lists", "show", "--kind", "competitor_networks", *data)
    assert "192.0.2.0/24" in shown.output and "their VPN" in shown.output and "add" in shown.output
    files = _run("lists", "show", "--kind", "competitor_domains", *data)
    assert "pipelineiq.com" in files.output and "policy file" in files.output
    removed = _run(
        "lists",
        "remove",
        "--kind",
        "competitor_networks",
        "--value",
        "192.0.2.0/24",
        "--why",
        "wrong",
        *data,
    )
    assert removed.exit_code == 0 and "(lists@2)" in removed.output


def test_bad_list_input_stops_with_words_and_exit_code_2(tmp_path, isolated):
    data = ["--data-dir", str(tmp_path / "data")]
    bad = _run(
        "lists", "add", "--kind", "competitor_networks", "--value", "192.0.2.7/24", "--why", "x", *data
    )
    assert bad.exit_code == 2 and "did you mean 192.0.2.0/24" in bad.output
    unknown = _run("lists", "add", "--kind", "rivals", "--value", "a.com", "--why", "x", *data)
    assert unknown.exit_code == 2 and "unknown list kind" in unknown.output
    empty = _run("lists", "add", "--kind", "do_not_engage", "--value", "a.com", "--why", " ", *data)
    assert empty.exit_code == 2 and "reason" in empty.output
    shown = _run("lists", "show", "--kind", "do_not_engage", *data)
    assert "a.com" not in shown.output.replace("blocked-customer.com", "")


def test_suppressions_add_show_lift(tmp_path, isolated):
    data = ["--data-dir", str(tmp_path / "data")]
    made = _run(
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
        *data,
    )
    assert made.exit_code == 0 and "#1 active: marketing_email of maria.keller@nordwerk.de" in made.output
    lifted = _run("suppressions", "lift", "--id", "1", "--why", "asked for the newsletter", *data)
    assert (
        lifted.exit_code == 0
        and "#1 lifted:" in lifted.output
        and "asked for the newsletter" in lifted.output
    )
    again = _run("suppressions", "lift", "--id", "1", "--why", "x", *data)
    assert again.exit_code == 2 and "was lifted on" in again.output
    shown = _run("suppressions", "show", "--subject", "maria.keller@nordwerk.de", *data)
    assert "#1 lifted:" in shown.output and "by cli:" in shown.output
    bad = _run(
        "suppressions", "add", "--subject", "nobody", "--contact", "all_contact", "--reason", "x", *data
    )
    assert bad.exit_code == 2 and "nothing was stored" in bad.output
