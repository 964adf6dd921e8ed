"""The core commands: synth, train, score, decide, check-policy and demo; the rest register from their modules."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from leadgate.cli.common import (
    DataDir,
    DelimiterOpt,
    PolicyOpt,
    SplitOpt,
    console,
    fail,
    loaded_or_fail,
    policy_or_fail,
    settings_for,
    split_or_fail,
)

app = typer.Typer(help="Keep bad-fit B2B leads away from sales: gates, a calibrated score, reasons, a route.")


@app.command()
def synth(
    out: Annotated[Path, typer.Option(help="output JSONL (.gz to compress)")] = Path(
        ".leadgate/history.jsonl.gz"
    ),
    n: Annotated[int, typer.Option("--n", min=100, help="number of leads")] = 50_000,
    months: Annotated[int, typer.Option(min=1, help="months of history")] = 24,
    seed: Annotated[int, typer.Option(help="random seed")] = 0,
    end: Annotated[
        str | None, typer.Option(help="last day of the history, YYYY-MM-DD (default 2026-10-31)")
    ] = None,
    policy: PolicyOpt = None,
) -> None:
    """Generate a seeded synthetic CRM history with outcomes and ground-truth negative factors."""
    from leadgate.training.synth import generate_history, write_history

    end_at = datetime.fromisoformat(end).replace(tzinfo=UTC) if end else datetime(2026, 10, 31, tzinfo=UTC)
    with console.status(f"generating {n:,} leads over {months} months"):
        records = generate_history(
            n_leads=n, months=months, seed=seed, end=end_at, policy=policy_or_fail(policy)
        )
        write_history(records, out)
    rate = sum(r["outcome"]["sql"] for r in records) / len(records)
    console.print(f"wrote {len(records):,} leads to {out} (SQL rate {rate:.1%})")


def _train(
    data: Path | None,
    policy_path: Path | None,
    settings,
    seed: int,
    from_store: bool = False,
    mapping_name: str | None = None,
    split: str = "auto",
    delimiter: str | None = None,
):
    from leadgate.cli.data import export_history, mapping_policy, named_mapping
    from leadgate.settings import ArtifactsElsewhere
    from leadgate.training.data import HistoryError, history_from_records
    from leadgate.training.fit import TrainingError
    from leadgate.training.registry import configure_mlflow, log_training
    from leadgate.training.synth import read_history
    from leadgate.training.train import train_model

    mapping = named_mapping(mapping_name) if mapping_name else None
    policy = mapping_policy(mapping, policy_path)
    if not from_store and not data.exists():
        raise fail(f"{data}: no such file (generate one with `leadgate synth`)")
    try:
        # Before minutes of training: a copied data folder whose MLflow store points elsewhere is refused
        # first. A folder without a store yet has nothing to check, and nothing is created before training.
        if settings.embedded_store_exists():
            configure_mlflow(settings)
    except ArtifactsElsewhere as error:
        raise fail(str(error)) from None
    with console.status("reading history") as status:
        try:
            if from_store:
                history = _store_history(settings)
            elif mapping:
                history = export_history(data, mapping, delimiter)
            else:
                history = history_from_records(read_history(data))
        except HistoryError as error:
            raise fail(str(error)) from None
        except (OSError, ValueError) as error:  # bad gzip, not JSON lines, not text
            raise fail(f"{data}: not a JSON-lines history file: {error}") from None
        try:
            result = train_model(
                history,
                policy,
                seed=seed,
                progress=lambda m: status.update(f"training: {m}"),
                split_kind=split_or_fail(split),
            )
        except (TrainingError, HistoryError) as error:
            # Nothing was logged or registered yet: a failed training leaves no half-made model behind.
            raise fail(f"training stopped: {error}") from None
        status.update("logging to MLflow and registering")
        source = {"path": "decision store" if from_store else str(data), "leads": len(history.leads)}
        if mapping:
            source["mapping"] = mapping.name
        # A model learned from live outcomes is always a challenger: it must earn promotion in shadow.
        registered = log_training(result, policy, settings, source, first_becomes_champion=not from_store)
    _print_training(result, registered)
    return result, registered


def _store_history(settings):
    from leadgate.serving.store import make_engine, migrate
    from leadgate.training.from_store import history_from_store

    engine = make_engine(settings.decisions_url())
    migrate(engine)
    return history_from_store(engine)


def _percent(value: float) -> str:
    return "—" if value != value else f"{value:.1%}"


def _print_training(result, registered) -> None:
    from rich.table import Table

    split = result.split
    table = Table(title=f"Held-out comparison ({split.kind} split)", title_justify="left")
    for column in ("scorer", "learned from", "ROC-AUC", "PR-AUC"):
        table.add_column(column, justify="right" if "AUC" in column else "left")
    for row in result.comparison:
        table.add_row(row["scorer"], row["columns"], f"{row['roc_auc']:.3f}", f"{row['pr_auc']:.3f}")
    console.print(table)
    console.print(f"split: {split.note}")
    _print_left_out(result)
    _print_baseline_verdict(result.comparison)
    routes = Table(title="Routes on the held-out part", title_justify="left")
    for column in ("route", "leads", "SQLs", "conversion"):
        routes.add_column(column, justify="right" if column != "route" else "left")
    for row in result.routes:
        routes.add_row(row["route"], f"{row['leads']:,}", f"{row['sqls']:,}", _percent(row["conversion"]))
    console.print(routes)
    m = result.metrics
    console.print(
        f"SQL recall kept out of self_service/silent_reject: on validation, where the thresholds were chosen, "
        f"{_percent(m['valid.routes.recall_not_rejected'])}; on the test part "
        f"{_percent(m['test.routes.recall_not_rejected'])}; calibration error "
        f"{m['test.system.calibration_error']:.3f}"
    )
    t = result.model.thresholds
    console.print(
        f"thresholds: sales_ready ≥ {t.sales_ready:.3f}, verify ≥ {t.verify:.3f}, nurture ≥ {t.nurture:.3f}"
    )
    aliases = f" (alias: {', '.join(registered.aliases)})" if registered.aliases else ""
    console.print(
        f"registered [bold]{registered.name}/{registered.version}[/]{aliases}, run {registered.run_id}"
    )


def _print_left_out(result) -> None:
    left_out = result.extras.get("left_out") or {}
    if left_out:
        shown = "; ".join(f"{name} ({why})" for name, why in list(left_out.items())[:8])
        more = f" and {len(left_out) - 8} more" if len(left_out) > 8 else ""
        console.print(f"columns the baselines left out: {shown}{more}")


def _print_baseline_verdict(comparison: list[dict]) -> None:
    """Say plainly when a plain model on every column beats leadgate: the mapping leaves signal out."""
    system = next(row for row in comparison if row["key"] == "system")
    plain = [row for row in comparison if row["key"] in ("raw_lightgbm", "logistic")]
    best = max(plain, key=lambda row: row["roc_auc"], default=None)
    if best and best["roc_auc"] > system["roc_auc"] + 0.005:
        console.print(
            f"[yellow]{best['scorer']} beats leadgate by {best['roc_auc'] - system['roc_auc']:.3f} ROC-AUC: "
            "columns the mapping does not read carry signal; map them as custom fields "
            "(README: Custom fields)[/]"
        )


@app.command()
def train(
    data: Annotated[Path, typer.Option(help="history JSONL(.gz) with outcomes")] = Path(
        ".leadgate/history.jsonl.gz"
    ),
    policy: PolicyOpt = None,
    seed: Annotated[int, typer.Option(help="random seed")] = 0,
    from_store: Annotated[
        bool, typer.Option("--from-store", help="learn from the decision store's leads and recorded outcomes")
    ] = False,
    mapping: Annotated[
        str | None,
        typer.Option(help="--data is a CRM export read through this mapping (file or shipped name)"),
    ] = None,
    split: SplitOpt = "auto",
    delimiter: DelimiterOpt = None,
    data_dir: DataDir = None,
) -> None:
    """Train, evaluate against plain baselines on every export column, log to MLflow; the first model
    becomes champion, later ones (and every --from-store model) the challenger."""
    _train(
        data,
        policy,
        settings_for(data_dir),
        seed,
        from_store=from_store,
        mapping_name=mapping,
        split=split,
        delimiter=delimiter,
    )


@app.command()
def score(
    input: Annotated[Path, typer.Option("--input", help="leads: .jsonl(.gz), .csv(.gz) or .parquet")],
    output: Annotated[Path, typer.Option("--output", help="decisions: .parquet or .jsonl")],
    alias: Annotated[str, typer.Option(help="model alias to load")] = "champion",
    policy: PolicyOpt = None,
    mapping: Annotated[
        str | None,
        typer.Option(help="the input is a CRM export read through this mapping (file or shipped name)"),
    ] = None,
    delimiter: DelimiterOpt = None,
    data_dir: DataDir = None,
) -> None:
    """Score a file of leads through the decision pipeline; bad rows get an error, not a stop."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from leadgate.cli.data import named_mapping
    from leadgate.features.mapping import MappingError
    from leadgate.serving.batch import OUTPUT_FORMATS, BatchInputError, score_file

    if output.suffix.lower() not in OUTPUT_FORMATS:
        raise fail(f"{output}: output must be one of {', '.join(OUTPUT_FORMATS)}")
    loaded = loaded_or_fail(settings_for(data_dir, policy), alias)
    pipeline = loaded.pipeline()
    columns = (TextColumn("scoring"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("score", total=None)
        try:
            summary = score_file(
                pipeline,
                input,
                output,
                on_progress=lambda k: progress.advance(task, k),
                mapping=named_mapping(mapping) if mapping else None,
                delimiter=delimiter,
            )
        except (BatchInputError, MappingError) as error:
            raise fail(str(error)) from None
    routes = ", ".join(f"{route} {count:,}" for route, count in sorted(summary.routes.items()))
    console.print(f"{summary.scored:,} decisions, {summary.errors:,} rows with errors → {output}\n{routes}")


@app.command()
def decide(
    lead_file: Annotated[Path, typer.Argument(help="one lead as JSON")],
    alias: Annotated[str, typer.Option(help="model alias to load")] = "champion",
    as_json: Annotated[bool, typer.Option("--json", help="print the full decision record as JSON")] = False,
    policy: PolicyOpt = None,
    data_dir: DataDir = None,
) -> None:
    """Decide one lead and print it for a person to read."""
    from leadgate.cli.render import decision_panel
    from leadgate.features.schema import LeadValidationError, parse_lead

    try:
        lead = parse_lead(json.loads(lead_file.read_text()))
    except (OSError, json.JSONDecodeError) as error:
        raise fail(f"{lead_file}: {error}") from None
    except LeadValidationError as error:
        raise fail(f"{lead_file}: invalid lead: {error}") from None
    loaded = loaded_or_fail(settings_for(data_dir, policy), alias)
    pipeline = loaded.pipeline()
    problems = pipeline.custom_problems(lead)
    if problems:
        raise fail(f"{lead_file}: invalid lead: {'; '.join(problems)}")
    record = pipeline.decide_one(lead)
    console.print_json(json.dumps(record.to_json())) if as_json else console.print(decision_panel(record))


@app.command("check-policy")
def check_policy(path: Annotated[Path, typer.Argument(help="policy YAML")]) -> None:
    """Validate a policy file and print its version."""
    policy = policy_or_fail(path)
    console.print(f"{path}: valid, {len(policy.active_gates())} active gates, version {policy.version}")


@app.command()
def demo(
    data_dir: DataDir = None,
    n: Annotated[int, typer.Option("--n", min=1000, help="leads of history")] = 50_000,
    seed: Annotated[int, typer.Option(help="random seed")] = 0,
) -> None:
    """The whole story on embedded defaults: history → train → register → score new leads → explain a few."""
    from leadgate.cli.demo import run_demo

    run_demo(settings_for(data_dir), n=n, seed=seed, console=console, train=_train)


def main() -> None:
    """Entry point for `python -m leadgate`."""
    app()


# Commands kept in their own modules add themselves to the one app.
from leadgate.cli import analysis, lifecycle, report, service  # noqa: E402

lifecycle.register(app)
service.register(app)
analysis.register(app)
report.register(app)
