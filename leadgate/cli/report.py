"""`leadgate report`: one registered model version evaluated on the newest part of a history, as HTML."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from leadgate.cli.common import DelimiterOpt, SplitOpt, split_or_fail
from leadgate.cli.data import MappingOpt


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


def _run(settings, run_id: str) -> tuple[dict, dict]:
    """The training run's params and metrics (empty when the run is gone)."""
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    try:
        run = MlflowClient(tracking_uri=settings.tracking_uri()).get_run(run_id)
    except MlflowException:
        return {}, {}
    return dict(run.data.params), dict(run.data.metrics)


def report(
    out: Annotated[Path, typer.Option("--out", help="the HTML file to write")] = Path("report.html"),
    alias: Annotated[str | None, typer.Option(help="model alias to report on (default champion)")] = None,
    version: Annotated[
        int | None, typer.Option(min=1, help="model version number, instead of an alias")
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option(
            help="history with outcomes: .jsonl(.gz), .parquet, or a CRM export with --mapping (default: "
            "history.jsonl.gz in the data dir)"
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
    settings = settings_for(data_dir)
    loaded = (
        load_version(settings, str(version)) if version else loaded_or_fail(settings, alias or "champion")
    )
    path = data or settings.data_dir / "history.jsonl.gz"
    mapped = named_mapping(mapping) if mapping else None
    if not path.exists():
        raise fail(f"{path}: no such file")
    with console.status(f"reading {path}"):
        history = history_or_fail(path, mapped, delimiter)
    params, metrics = _run(settings, loaded.run_id)
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
                seed=int(params.get("lgbm.seed", 0)),
                # The split the model was trained with, so the test part is the one training held out.
                split_kind=split_or_fail(split or params.get("split.kind", "auto")),
            )
        except HistoryError as error:
            raise fail(str(error)) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    console.print(f"wrote {out} ({len(html) / 1e6:.1f} MB): {loaded.name} version {loaded.version} on {path}")
