"""What `score` checks before the model's slow load (arguments, the input's shape) and after the batch (failed rows)."""

from __future__ import annotations

from pathlib import Path

from leadgate.cli.common import err, fail, policy_or_fail

# Past this share of failed rows `score` exits 1: a broken input, not a few bad leads (the output is written).
MAX_ERROR_RATE = 0.1
MAPPING_HINT = (
    "did you mean --mapping? (a CRM export is read through a mapping: a file or a shipped name; "
    "`leadgate draft-mapping FILE > my_crm.yaml` drafts one)"
)


def _shown(columns: list[str]) -> str:
    from leadgate.serving.lead_files import shown_columns

    return shown_columns(columns)


def checked_batch(
    input: Path, output: Path | None, policy: Path | None, mapping: str | None, delimiter: str | None
):
    """Every argument of `score` (or `decide --mapping`: no output) checked, or the command stops with one
    line; the mapping to read through."""
    from rich.markup import escape

    from leadgate.cli.data import named_mapping
    from leadgate.features.headers import fit_header
    from leadgate.features.mapping import MappingError
    from leadgate.serving.batch_output import check_output
    from leadgate.serving.export_reader import BatchInputError
    from leadgate.serving.lead_files import foreign_columns, input_columns

    mapped = named_mapping(mapping) if mapping else None
    if policy is not None:
        policy_or_fail(policy)
    try:
        if output is not None:
            check_output(output)
        columns = input_columns(input, mapped, delimiter=delimiter)
        if mapped is not None:  # new leads: the label columns may be missing
            # Said here once; the batch resolves the same names again as it reads the rows.
            for note in fit_header(mapped, columns, outcome=False)[1]:
                err.print(f"[yellow]{escape(note)}[/]")
    except (BatchInputError, MappingError) as error:
        raise fail(str(error)) from None
    foreign = [] if mapped is not None else foreign_columns(columns)
    if foreign and len(foreign) == len(columns):
        raise fail(f"{input.name}: no column is a lead field ({_shown(foreign)}): {MAPPING_HINT}")
    return mapped


def refuse_error_rate(summary, max_rate: float, input: Path, mapped, delimiter: str | None) -> None:
    """Stop with exit code 1 when more than `max_rate` of the rows failed; hint at --mapping when it fits."""
    from leadgate.serving.lead_files import foreign_columns, input_columns

    if not summary.rows or summary.errors <= max_rate * summary.rows:
        return
    message = (
        f"{summary.errors:,} of {summary.rows:,} rows failed ({summary.errors / summary.rows:.0%}), more than"
        f" --max-error-rate {max_rate:.0%}; each has its error row in the output"
    )
    foreign = [] if mapped is not None else foreign_columns(input_columns(input, delimiter=delimiter))
    if foreign:
        message += f"; {input.name} has columns that are no lead field ({_shown(foreign)}): {MAPPING_HINT}"
    elif summary.first_error:  # often every row's (a prefix: column read as numbers): said where it is seen
        message += f"; the first: {summary.first_error}"
    raise fail(message, code=1)


def refuse_unknown_custom_fields(mapped, pipeline, model: str) -> None:
    """A mapping's custom fields that the model does not declare would fail every row: one line instead,
    naming the model, which after `make demo` is often not the one just trained on this export."""
    from leadgate.serving.batch import mapping_mismatch

    problem = None if mapped is None else mapping_mismatch(mapped, pipeline.custom_fields, model)
    if problem:
        raise fail(
            f"{problem} Score with the model trained on this one (--alias challenger, or the --data-dir it was "
            "trained in)"
        )


def warn_changed_dates(mapped, loaded, settings) -> None:
    """Say, in one line, when the mapping reads dates by another format or zone than training did: 01/12 read
    as 12 January instead of 1 December fails no row. The model keeps how training read its dates; a model
    trained before that is compared with its run's mapping (data.mapping_source) as that file reads now.
    Nothing is said when there is nothing to compare with."""
    from rich.markup import escape

    from leadgate.features.date_readings import date_reading_changes, date_reading_message, date_readings

    if mapped is None:
        return
    kept = loaded.model.metadata.get("date_readings")
    source = None
    if kept is None:
        source = _training_mapping_source(settings, loaded.run_id)
        trained = _training_mapping(source) if source else None
        kept = date_readings(trained) if trained is not None else {}
    changes = date_reading_changes(kept, mapped)
    if changes:
        said = date_reading_message(changes, f"{loaded.name}/{loaded.version}", source)
        err.print(f"[yellow]{escape(said)}[/]")


def _training_mapping_source(settings, run_id: str) -> str | None:
    """The mapping the model's run read its export with (a file's path or a shipped name), if it recorded one."""
    from mlflow.exceptions import MlflowException

    from leadgate.serving.registry_calls import ask

    try:
        run = ask(settings, f"reading training run {run_id}", "get_run", run_id)
        return run.data.params.get("data.mapping_source")
    except MlflowException:
        return None


def _training_mapping(source: str):
    """That mapping as it reads now, or None when it is gone or no longer loads."""
    from leadgate.features.mapping import MappingError
    from leadgate.training.crm_mappings import load_mapping, shipped_mappings

    if not (Path(source).exists() or source in shipped_mappings()):
        return None
    try:
        return load_mapping(source)
    except MappingError:
        return None
