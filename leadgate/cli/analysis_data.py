"""Where the analysis commands read their history: --data, the store, or what the model was trained on."""

from __future__ import annotations

from pathlib import Path


def analysis_history(
    data: Path | None,
    settings,
    since: str | None,
    until: str | None,
    from_store: bool = False,
    mapping: str | None = None,
    delimiter: str | None = None,
    alias: str | None = None,
):
    """The history (a file, an export, the store's leads) read, checked and cut, and its mapping."""
    # Every failure is said in one line (`fail`), not as a traceback.
    from leadgate.cli.common import console, fail
    from leadgate.cli.data import check_window, history_or_fail, window_said, within
    from leadgate.training.data import HistoryError

    mapped = _mapping(mapping)  # a bad one is said first
    check_window(since, until)  # before the history is read
    if from_store:
        from leadgate.cli.training import store_history

        if mapping:
            raise fail("--mapping reads a CRM export given as --data; --from-store reads the decision store")
        try:
            history, sources = store_history(settings)
        except HistoryError as error:
            raise fail(str(error)) from None
        console.print(f"decision store: {sources.describe()}")
        return within(history, "decision store", since, until), mapped
    params = {}
    if data is None:  # the history the model asked about (`alias`, else the champion) was trained on
        data, trained_mapping, delimiter, params = default_history(settings, alias, mapping, delimiter)
        if trained_mapping != mapping:
            mapped = _mapping(trained_mapping)
    path = data or settings.data_dir / "history.jsonl.gz"
    if not path.exists():
        raise fail(
            f"{path}: no such file (make one with `leadgate synth` or `leadgate demo`, or read a CRM export with "
            "--data EXPORT --mapping MAPPING)"
        )
    with console.status(f"reading {path}"):
        history = history_or_fail(path, mapped, delimiter)
    if params and not (since or until):  # the model's own window of the export it was trained on
        from leadgate.cli.report import trained_window

        return trained_window(params, history, path, default=False), mapped
    kept = within(history, str(path), since, until)
    if mapped is not None and (since or until):  # the export's outcome line counted every lead
        console.print(window_said(since, until, kept, history, tail=f", {int(kept.sql.sum()):,} SQLs"))
    return kept, mapped


def default_history(settings, alias: str | None, mapping: str | None, delimiter: str | None):
    """Without --data: the history the model `alias` (else the champion) was trained on, and its run's params."""
    from leadgate.cli.common import loaded_or_fail
    from leadgate.cli.report import run_record, trained_source
    from leadgate.serving.model_loading import registered_run

    found = registered_run(settings, alias or "champion")
    if found is None:
        if alias:  # a model asked for by name that is not there: said as loading it says it
            loaded_or_fail(settings, alias)
        return None, mapping, delimiter, {}  # no such model: the data folder's history.jsonl.gz then
    model, run_id = found
    params, _ = run_record(settings, run_id)  # kept for the run's own --since/--until window
    # The export (or history file), its mapping and delimiter, said in one line as `report` says them;
    # None when the model's history is not one to read.
    path, mapping, delimiter = trained_source(params, settings, model, mapping, delimiter, strict=False)
    return path, mapping, delimiter, params if path is not None else {}


def _mapping(name: str | None):
    """The --mapping, read before the history so a bad one is said first."""
    from leadgate.cli.data import named_mapping

    return named_mapping(name) if name else None
