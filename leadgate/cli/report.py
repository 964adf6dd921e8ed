"""`leadgate report`: one registered model version evaluated on the part of a history its training held out, as HTML."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from leadgate.cli.common import DelimiterOpt, split_or_fail
from leadgate.cli.data import MappingOpt
from leadgate.serving.file_formats import history_said

SplitOpt = Annotated[
    str,
    typer.Option(
        "--split",
        help="the split the model was trained with (the default, from its run; another is refused); auto, time "
        "or random only for a model whose run is gone",
    ),
]


def register(app: typer.Typer) -> None:
    """Add the report command to the main CLI."""
    app.command()(report)


def load_version(settings, version: str):
    """A registered version by number; a missing one stops the command with one line."""
    from leadgate.cli.common import fail
    from leadgate.serving.model_loading import ModelNotFound, load_registered_version

    try:
        return load_registered_version(settings, version)
    except ModelNotFound as error:
        raise fail(str(error)) from None


def run_record(settings, run_id: str) -> tuple[dict, dict]:
    """The training run's params and metrics (empty when the run is gone)."""
    from mlflow.exceptions import MlflowException

    from leadgate.serving.registry_calls import ask

    try:
        run = ask(settings, f"reading training run {run_id}", "get_run", run_id)
    except MlflowException:
        return {}, {}
    return dict(run.data.params), dict(run.data.metrics)


def trained_source(
    params: dict, settings, model: str, mapping: str | None, delimiter: str | None, strict: bool = True
) -> tuple[Path | None, str | None, str | None]:
    """What to read when --data is not given: the history `model` was trained on (`trained_data`), through its
    run's mapping and delimiter (data.mapping_source, data.delimiter) unless --mapping names one, said in one
    line. Not `strict` (a command that can read any history, as a back-test), None where report stops for
    want of the history the model was trained on: the command's own default then."""
    from leadgate.cli.common import console

    path = trained_data(params, settings, model, strict)
    if path is not None and mapping is None and "data.mapping_source" in params:
        # The export the model was trained on, through its mapping and delimiter, as training read it.
        mapping, delimiter = params["data.mapping_source"], delimiter or params.get("data.delimiter")
        console.print(f"data: {path} through the mapping {mapping}, the export {model} was trained on")
    return path, mapping, delimiter


def trained_data(params: dict, settings, model: str, strict: bool = True) -> Path | None:
    """The history to report on when --data is not given: the file the model was trained on (its run's
    data.path) when that is a history still there, or the CRM export it read with its mapping file still there;
    otherwise an export or the decision store must be named. Not `strict`, a history file gone or the decision
    store is None instead (the caller's default); a CRM export gone still stops with what to name."""
    from leadgate.cli.common import console, fail
    from leadgate.training.crm_mappings import shipped_mappings

    default = settings.data_dir / "history.jsonl.gz"
    source = params.get("data.path")
    if source is None:  # the run is gone or predates the param
        return default
    if source == "decision store":
        if not strict:  # any history can be back-tested: the data folder's, as before
            return None
        raise fail(
            f"{model} was trained on the decision store's leads: give the history to report on as --data"
        )
    if "data.mapping" in params:  # another history would hold leads of another CRM
        export, mapping = Path(source), params.get("data.mapping_source")
        if export.exists() and mapping and (Path(mapping).exists() or mapping in shipped_mappings()):
            return export  # read through the same mapping (its run's data.mapping_source), in trained_source
        named = mapping or params["data.mapping"]  # the file train read, where the run recorded it
        raise fail(
            f"{model} was trained on the CRM export {source} through the mapping {named}: "
            "give them as --data and --mapping (and its --delimiter, if train had one)"
        )
    trained_on = Path(source)
    if trained_on.exists() and trained_on.resolve() != default.resolve():
        console.print(f"data: {source}, the history {model} was trained on")
        return trained_on
    if trained_on.exists() or trained_on.name == default.name:  # the data dir's history, seen from elsewhere
        return default
    if not strict:
        return None
    raise fail(
        f"{model} was trained on {source}, which is not there: give the history to report on as --data"
    )


def trained_window(params: dict, history, path: Path, default: bool):
    """The --since/--until window the model was trained on (its run's data.since/until), when reporting on the
    history it was trained on: its split, and so its test part, is that window's."""
    from leadgate.cli.common import console
    from leadgate.cli.data import window_said, within

    since, until = params.get("data.since") or None, params.get("data.until") or None
    if not (since or until) or not (default or str(path.resolve()) == params.get("data.path")):
        return history
    # A run that logged no zone was trained before windows were read in the export's zone: in UTC.
    zone = params.get("data.window_zone") or "UTC"
    kept = within(history, str(path), since, until, zone=zone)
    said = window_said(since, until, kept, history, tail=", the window the model was trained on", zone=zone)
    console.print(said)
    trained = params.get("data.leads")
    if trained is not None and str(len(kept.leads)) != str(trained):
        # The history changed since training (rows added or edited): its split may hold leads trained on.
        console.print(
            f"[yellow]the model was trained on {int(trained):,} leads of that window; it keeps "
            f"{len(kept.leads):,} of this history, so the test part may not be the one the model never saw[/]"
        )
    return kept


def held_out_split(params: dict, asked: str, history, model: str) -> str:
    """The split whose test part the model never saw: the one it was trained with (logged as split.kind, with
    its seed as lgbm.seed). Another split, or a random one of another history, is refused in one line."""
    from leadgate.cli.common import fail

    trained = params.get("split.kind")
    if trained is None:  # the run is gone (or predates the param): nothing to hold the split to
        return asked or "auto"
    # As training.splits.split_history resolves it: auto is by time when the leads carry an order in time.
    kind = "random" if asked == "random" or (asked == "auto" and not history.ordered) else "time"
    # `auto`, the documented default, means the model's own split wherever the history allows it.
    if asked == "auto" and (trained == "random" or history.ordered):
        asked, kind = "", trained
    if asked and kind != trained:
        raise fail(
            f"{model} was trained with a {trained} split; a {kind} split would report on leads it was trained "
            f"on as held out: leave out --split (the report uses the {trained} split)"
        )
    leads = params.get("data.leads")
    if trained == "random" and leads is not None and str(len(history.leads)) != str(leads):
        raise fail(
            f"{model} was trained with a random split of {int(leads):,} leads; this history has "
            f"{len(history.leads):,}, so its random test part would hold leads the model was trained on: report "
            "on the history it was trained on"
        )
    return trained


def report(
    out: Annotated[Path, typer.Option("--out", help="the HTML file to write")] = Path("report.html"),
    alias: Annotated[str | None, typer.Option(help="model alias to report on (default champion)")] = None,
    version: Annotated[
        int | None, typer.Option(min=1, help="model version number, instead of an alias")
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option(
            help=f"{history_said()} (default: the history the model was trained on, else history.jsonl.gz in "
            "the data dir)"
        ),
    ] = None,
    mapping: MappingOpt = None,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="data folder (default .leadgate or LEADGATE_DATA_DIR)")
    ] = None,
    split: SplitOpt = "",
    delimiter: DelimiterOpt = None,
) -> None:
    """A self-contained HTML report of a model version on the test part of a history (training's split)."""
    from leadgate.cli.common import console, fail, loaded_or_fail, settings_for
    from leadgate.cli.data import history_or_fail, named_mapping
    from leadgate.training.data import HistoryError
    from leadgate.training.report import ReportInfo, build_report

    if out.suffix.lower() not in (".html", ".htm"):
        raise fail(f"{out}: --out must end in .html")
    if alias and version:
        raise fail("give --alias or --version, not both")
    split = split_or_fail(split) if split else ""
    settings = settings_for(data_dir)
    loaded = (
        load_version(settings, str(version)) if version else loaded_or_fail(settings, alias or "champion")
    )
    if version:
        from rich.markup import escape

        from leadgate.serving.model_loading import version_without_alias

        unaliased = version_without_alias(settings, loaded.version)
        if unaliased:
            console.print(f"[yellow]{escape(unaliased)}[/]")
    params, metrics = run_record(settings, loaded.run_id)
    path = data
    if data is None:
        path, mapping, delimiter = trained_source(
            params, settings, f"{loaded.name}/{loaded.version}", mapping, delimiter
        )
    mapped = named_mapping(mapping) if mapping else None
    if not path.exists():
        raise fail(f"{path}: no such file")
    with console.status(f"reading {path}"):
        history = history_or_fail(path, mapped, delimiter)
    history = trained_window(params, history, path, data is None)
    # The split the model was trained with, so the test part is the one training held out.
    split_kind = held_out_split(params, split, history, f"{loaded.name}/{loaded.version}")
    trained_on = {k.removeprefix("data."): v for k, v in params.items() if k.startswith("data.")}
    info = ReportInfo(
        model_name=loaded.name,
        model_version=loaded.version,
        run_id=loaded.run_id,
        data=f"{path} (mapping {mapping})" if mapping else str(path),
        trained_on=trained_on or None,
        logged_metrics=metrics or None,
    )
    with console.status(f"deciding the newest leads of {len(history.leads):,} and fitting the baselines"):
        try:
            html = build_report(
                history,
                loaded.model,
                loaded.policy,
                info,
                seed=int(params.get("lgbm.seed", 0)),  # train's --seed: it also drew a random split
                split_kind=split_kind,
            )
        except HistoryError as error:
            raise fail(str(error)) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    console.print(f"wrote {out} ({len(html) / 1e6:.1f} MB): {loaded.name} version {loaded.version} on {path}")
