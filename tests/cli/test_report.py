"""`leadgate report` on a registered model and a history file."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from leadgate.cli import app
from tests.conftest import ENV_NAMES

runner = CliRunner()
ENV = dict.fromkeys(ENV_NAMES)  # unset for each run: the developer's settings stay out


@pytest.fixture(scope="module")
def history_file(tmp_path_factory, history_records):
    from leadgate.training.synth import write_history

    return write_history(history_records[:4000], tmp_path_factory.mktemp("report") / "history.jsonl.gz")


def run(settings, *args):
    return runner.invoke(app, ["report", *map(str, args), "--data-dir", str(settings.data_dir)], env=ENV)


def test_report_writes_the_champion_s_page(registered_settings, history_file, tmp_path):
    settings, _ = registered_settings
    out = tmp_path / "out" / "champion.html"
    result = run(settings, "--data", history_file, "--out", out)
    assert result.exit_code == 0, result.output
    page = out.read_text()
    assert "leadgate model report" in page and "version 1" in page and "data:image/png;base64," in page


def test_report_by_version_number_matches_the_alias(registered_settings, history_file, tmp_path):
    settings, _ = registered_settings
    result = run(settings, "--data", history_file, "--version", 1, "--out", tmp_path / "v1.html")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "report.pdf"], "--out must end in .html"),
        (["--alias", "champion", "--version", "1"], "not both"),
        (["--version", "99"], "no version 99"),
        (["--alias", "nobody"], "nobody"),
        (["--data", "missing.jsonl.gz"], "no such file"),
    ],
)
def test_report_refuses_bad_arguments_with_one_clear_line(registered_settings, tmp_path, args, message):
    settings, _ = registered_settings
    args = [a if a != "report.pdf" else str(tmp_path / a) for a in args]
    if "--out" not in args:
        args += ["--out", str(tmp_path / "r.html")]
    if "--data" in args:
        args[args.index("--data") + 1] = str(tmp_path / "missing.jsonl.gz")
    result = run(settings, *args)
    assert result.exit_code != 0
    assert message in " ".join(result.output.split())  # rich wraps a long temp path anywhere
    assert "Traceback" not in result.output


def test_report_on_an_export_without_a_mapping_asks_for_one(registered_settings, tmp_path):
    settings, _ = registered_settings
    export = tmp_path / "crm.csv"
    export.write_bytes("Vorname;Status\nJürgen;Qualifiziert\n".encode("cp1252"))
    result = run(settings, "--data", export, "--out", tmp_path / "r.html")
    assert result.exit_code == 2
    out = " ".join(result.output.split())
    assert "crm.csv: looks like a CRM export, not a JSON-lines history: did you mean --mapping?" in out
    assert "history must be" not in out and not (tmp_path / "r.html").exists()


def test_report_refuses_a_split_other_than_the_one_the_model_was_trained_with(
    registered_settings, history_file, tmp_path
):
    settings, _ = registered_settings  # trained with the time split of a history with creation dates
    result = run(settings, "--data", history_file, "--split", "random", "--out", tmp_path / "r.html")
    assert result.exit_code == 2
    out = " ".join(result.output.split())
    assert (
        "leadgate/1 was trained with a time split; a random split would report on leads it was trained on"
        in out
    )
    assert not (tmp_path / "r.html").exists()


@pytest.fixture(scope="module")
def histories(history_records):
    """A history with creation times (auto: the time split) and a dateless export's (auto: random)."""
    from leadgate.features.mapping import parse_mapping
    from leadgate.training.data import history_from_records
    from leadgate.training.exports import history_from_export
    from tests.training.export_shapes import SHOP_MAPPING, shop_rows

    dateless = history_from_export(shop_rows(300), parse_mapping(SHOP_MAPPING)).history
    assert not dateless.ordered
    return history_from_records(history_records[:300]), dateless


@pytest.mark.parametrize(
    ("params", "asked", "dated", "split"),
    [
        ({"split.kind": "time"}, "", True, "time"),
        ({"split.kind": "time"}, "time", True, "time"),
        ({"split.kind": "time"}, "auto", True, "time"),
        ({"split.kind": "random", "data.leads": "300"}, "", True, "random"),
        ({"split.kind": "random", "data.leads": "300"}, "auto", False, "random"),
        # auto, the default, is the model's own split even where the leads have dates (random by choice).
        ({"split.kind": "random", "data.leads": "300"}, "auto", True, "random"),
        ({}, "", True, "auto"),  # the run is gone: nothing to hold the report to
        ({}, "random", True, "random"),
    ],
)
def test_the_report_keeps_the_split_the_model_was_trained_with(histories, params, asked, dated, split):
    from leadgate.cli.report import held_out_split

    assert held_out_split(params, asked, histories[0 if dated else 1], "m/1") == split


@pytest.mark.parametrize(
    ("params", "asked", "dated", "said"),
    [
        ({"split.kind": "time"}, "random", True, "m/1 was trained with a time split; a random split would"),
        ({"split.kind": "time"}, "auto", False, "m/1 was trained with a time split; a random split would"),
        ({"split.kind": "random"}, "time", True, "m/1 was trained with a random split; a time split would"),
        (
            {"split.kind": "random", "data.leads": "5000"},
            "",
            True,
            "m/1 was trained with a random split of 5,000 leads; this history has 300, so its random test part "
            "would hold leads the model was trained on",
        ),
    ],
)
def test_a_split_that_would_hold_training_leads_is_refused(histories, capsys, params, asked, dated, said):
    import typer

    from leadgate.cli.report import held_out_split

    with pytest.raises(typer.Exit) as stopped:
        held_out_split(params, asked, histories[0 if dated else 1], "m/1")
    assert stopped.value.exit_code == 2
    assert said in " ".join(capsys.readouterr().err.split())


def test_without_data_the_report_reads_the_history_the_model_was_trained_on(tmp_path, monkeypatch, capsys):
    from leadgate.cli.common import settings_for
    from leadgate.cli.report import trained_data

    monkeypatch.chdir(tmp_path)
    settings = settings_for(tmp_path / "data")
    default = settings.data_dir / "history.jsonl.gz"
    (tmp_path / "q3.jsonl.gz").write_bytes(b"")
    assert trained_data({"data.path": "q3.jsonl.gz"}, settings, "m/1").resolve() == tmp_path / "q3.jsonl.gz"
    assert "data: q3.jsonl.gz, the history m/1 was trained on" in capsys.readouterr().out
    assert trained_data({}, settings, "m/1") == default  # the run is gone
    assert trained_data({"data.path": "elsewhere/history.jsonl.gz"}, settings, "m/1") == default


def test_without_data_an_export_is_read_again_through_the_mapping_file_training_read(tmp_path, monkeypatch):
    from leadgate.cli.common import settings_for
    from leadgate.cli.report import trained_data

    monkeypatch.chdir(tmp_path)
    (tmp_path / "crm.csv").write_text("a,b\n")
    (tmp_path / "acme.yaml").write_text("name: acme\n")
    params = {"data.path": str(tmp_path / "crm.csv"), "data.mapping": "acme"}
    found = trained_data(
        {**params, "data.mapping_source": str(tmp_path / "acme.yaml")}, settings_for(None), "m/1"
    )
    assert found == tmp_path / "crm.csv"


@pytest.mark.parametrize(
    ("params", "said"),
    [
        (
            {"data.path": "crm.csv", "data.mapping": "acme", "data.mapping_source": "/old/acme.yaml"},
            "m/1 was trained on the CRM export crm.csv through the mapping /old/acme.yaml: give them as --data and "
            "--mapping",
        ),
        ({"data.path": "decision store"}, "m/1 was trained on the decision store's leads: give the history"),
        (
            {"data.path": "gone.jsonl.gz"},
            "m/1 was trained on gone.jsonl.gz, which is not there: give the history",
        ),
    ],
)
def test_without_data_a_history_the_report_cannot_find_is_named(tmp_path, monkeypatch, capsys, params, said):
    import typer

    from leadgate.cli.common import settings_for
    from leadgate.cli.report import trained_data

    monkeypatch.chdir(tmp_path)
    with pytest.raises(typer.Exit) as stopped:
        trained_data(params, settings_for(tmp_path / "data"), "m/1")
    assert stopped.value.exit_code == 2
    assert said in " ".join(capsys.readouterr().err.split())
