"""`score` through a mapping that reads dates otherwise than the model's training mapping: one line says so."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from leadgate.cli.batch_checks import warn_changed_dates
from leadgate.features.mapping import parse_mapping

TRAINED = """
name: sf
timezone: Europe/Berlin
lead_id: {column: Lead ID}
created_at: {column: Created Date, date_format: "%d/%m/%Y %H:%M"}
custom:
  last_webinar: {column: Last_Webinar_Date__c, type: datetime, date_format: "%d/%m/%Y"}
label:
  sql: {column: Lead Status}
  sql_positive: [Qualified]
"""


@pytest.fixture
def run_with(tmp_path, monkeypatch):
    """A training run that recorded `source` as its data.mapping_source: (loaded model, settings)."""
    from mlflow import MlflowClient

    from leadgate.settings import Settings

    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")  # a folder of runs, made in an instant

    uri = (tmp_path / "mlruns").as_uri()
    client = MlflowClient(tracking_uri=uri)
    experiment = client.create_experiment("leadgate")

    def make(source: str | None, metadata: dict | None = None):
        run = client.create_run(experiment)
        if source is not None:
            client.log_param(run.info.run_id, "data.mapping_source", source)
        model = SimpleNamespace(metadata=metadata or {})  # models trained before date readings keep none
        loaded = SimpleNamespace(name="leadgate", version="3", run_id=run.info.run_id, model=model)
        # Settings as score reads them: the run is read within the registry's bound.
        return loaded, Settings(data_dir=tmp_path / "data", mlflow_tracking_uri=uri)

    return make


def test_a_swapped_date_format_or_another_zone_is_said_in_one_line(tmp_path, run_with, capsys):
    trained = tmp_path / "sf.yaml"
    trained.write_text(TRAINED)
    scoring = parse_mapping(
        TRAINED.replace('"%d/%m/%Y %H:%M"', '"%m/%d/%Y %H:%M"').replace("timezone: Europe/Berlin\n", "")
    )
    warn_changed_dates(scoring, *run_with(str(trained)))
    lines = capsys.readouterr().err.strip().splitlines()
    assert " ".join(lines) == (
        "the mapping reads Created Date by date_format '%m/%d/%Y %H:%M', not '%d/%m/%Y %H:%M'; Created Date in "
        "time zone UTC, not Europe/Berlin; Last_Webinar_Date__c in time zone UTC, not Europe/Berlin as when "
        f"leadgate/3 was trained (its mapping {trained}): the same cell is then another date than in training; "
        "unless the CRM now writes its dates otherwise, use that mapping's date_format and timezone"
    )


def test_nothing_is_said_for_the_same_reading_or_without_a_training_mapping(tmp_path, run_with, capsys):
    trained = tmp_path / "sf.yaml"
    trained.write_text(TRAINED)
    renamed = parse_mapping(TRAINED.replace("Created Date", "Erstellt am"))  # another column, read alike
    warn_changed_dates(renamed, *run_with(str(trained)))
    swapped = parse_mapping(TRAINED.replace('"%d/%m/%Y %H:%M"', '"%m/%d/%Y %H:%M"'))
    warn_changed_dates(swapped, *run_with(None))  # a model trained on a history: no mapping to compare
    warn_changed_dates(swapped, *run_with(str(tmp_path / "gone.yaml")))  # the training mapping is gone
    assert capsys.readouterr().err == ""


def test_the_reading_kept_with_the_model_wins_over_a_mapping_file_edited_since(tmp_path, run_with, capsys):
    from leadgate.features.date_readings import date_readings

    trained = tmp_path / "sf.yaml"
    swapped = TRAINED.replace('"%d/%m/%Y %H:%M"', '"%m/%d/%Y %H:%M"')
    trained.write_text(swapped)  # the training mapping, edited after training to the wrong format
    kept = {"date_readings": date_readings(parse_mapping(TRAINED))}
    warn_changed_dates(parse_mapping(swapped), *run_with(str(trained), kept))
    said = " ".join(capsys.readouterr().err.split())
    assert said.startswith(
        "the mapping reads Created Date by date_format '%m/%d/%Y %H:%M', not '%d/%m/%Y %H:%M'"
    )
    assert "as when leadgate/3 was trained: the same cell" in said  # no file named: the model's own record
    warn_changed_dates(parse_mapping(TRAINED), *run_with(str(trained), kept))
    assert capsys.readouterr().err == ""
