"""The core commands: synth, train, score, decide, check-policy and demo; the rest register from their modules."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from leadgate.cli import training
from leadgate.cli.batch_checks import (
    MAX_ERROR_RATE,
    checked_batch,
    refuse_error_rate,
    refuse_unknown_custom_fields,
    warn_changed_dates,
)
from leadgate.cli.common import (
    AsOfOpt,
    CommandGroup,
    DataDir,
    DelimiterOpt,
    ExportMappingOpt,
    PolicyOpt,
    as_of_or_fail,
    console,
    err,
    fail,
    loaded_or_fail,
    policy_or_fail,
    settings_for,
    settings_or_fail,
)
from leadgate.decision.count_words import plural
from leadgate.serving.file_formats import EXPORT_FORMATS, INPUT_FORMATS, OUTPUT_FORMATS, said

app = typer.Typer(
    cls=CommandGroup,
    help="Keep bad-fit B2B leads away from sales: gates, a calibrated score, reasons, a route.",
)


@app.command()
def synth(
    out: Annotated[
        Path | None,
        typer.Option(help="output JSONL (.gz to compress; default: history.jsonl.gz in the data folder)"),
    ] = None,
    n: Annotated[int, typer.Option("--n", min=100, help="number of leads")] = 50_000,
    months: Annotated[int, typer.Option(min=1, help="months of history")] = 24,
    seed: Annotated[int, typer.Option(help="random seed")] = 0,
    end: Annotated[
        str | None, typer.Option(help="last day of the history, YYYY-MM-DD (default 2026-10-31)")
    ] = None,
    policy: Annotated[
        Path | None,
        typer.Option(
            "--policy",
            help="policy YAML whose lists the leads are drawn against: own, competitor and do-not-engage "
            "domains, industries, countries, CRMs, the bot form time (default: the shipped one)",
        ),
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Generate a seeded synthetic CRM history with outcomes and ground-truth negative factors."""
    from leadgate.training.synth import check_history_path, generate_history, write_history

    if out is None:  # where `train`, `backtest` and `report` look without --data
        out = _data_folder(data_dir) / "history.jsonl.gz"
    try:
        check_history_path(out)  # before the minutes of generating, not after
    except ValueError as error:
        raise fail(str(error)) from None
    end_at = _end_or_fail(end)
    with console.status(f"generating {n:,} leads over {months} months"):
        records = generate_history(
            n_leads=n, months=months, seed=seed, end=end_at, policy=policy_or_fail(policy)
        )
        write_history(records, out)
    rate = sum(r["outcome"]["sql"] for r in records) / len(records)
    console.print(f"wrote {len(records):,} leads to {out} (SQL rate {rate:.1%})")


def _end_or_fail(end: str | None) -> datetime:
    """The history's end (UTC), at most today: `train` refuses leads more than a day after now."""
    if end is None:
        return datetime(2026, 10, 31, tzinfo=UTC)
    try:
        end_at = datetime.fromisoformat(end).replace(tzinfo=UTC)
    except ValueError:
        raise fail(f"--end {end!r}: not a date; write it YYYY-MM-DD") from None
    today = datetime.now(UTC).date()
    if end_at.date() > today:
        raise fail(
            f"--end {end} is after today ({today.isoformat()}): a history holds leads that already came "
            "(`leadgate train` refuses leads more than a day after now)"
        )
    return end_at


def _data_folder(data_dir: Path | None) -> Path:
    """The data folder (--data-dir, else LEADGATE_DATA_DIR, else .leadgate); only it is read of the settings."""
    return settings_or_fail({"data_dir": data_dir} if data_dir else {}, uses=frozenset({"data_dir"})).data_dir


training.register(app)  # listed right after synth, as a user runs them


@app.command()
def score(
    input: Annotated[
        Path,
        typer.Option(
            "--input",
            help=f"leads: {said(INPUT_FORMATS)}; with --mapping, a CRM export: {said(EXPORT_FORMATS)}",
        ),
    ],
    output: Annotated[Path, typer.Option("--output", help=f"decisions: {said(OUTPUT_FORMATS)}")],
    alias: Annotated[str, typer.Option(help="model alias to load, or a version number")] = "champion",
    policy: PolicyOpt = None,
    mapping: ExportMappingOpt = None,
    delimiter: DelimiterOpt = None,
    max_error_rate: Annotated[
        float,
        typer.Option(
            "--max-error-rate",
            min=0.0,
            max=1.0,
            help="exit 1 when more than this share of rows failed (their error rows are written all the same)",
        ),
    ] = MAX_ERROR_RATE,
    as_of: AsOfOpt = "now",
    data_dir: DataDir = None,
) -> None:
    """Score a file of leads through the decision pipeline as it is read; bad rows get an error, not a stop."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from leadgate.features.mapping import MappingError
    from leadgate.features.pooled_columns import pooled_note
    from leadgate.serving.absent_inputs import absent_message
    from leadgate.serving.as_of import old_leads_message
    from leadgate.serving.batch import (
        BatchInputError,
        all_rejected_message,
        repeats_message,
        score_file,
        unlearned_message,
    )
    from leadgate.serving.batch_drift import drift_message
    from leadgate.serving.lead_files import row_count
    from leadgate.serving.new_levels import new_levels_message

    decision_time = as_of_or_fail(as_of)
    mapped = checked_batch(input, output, policy, mapping, delimiter)  # before the model's slow load
    settings = settings_for(data_dir, policy)
    loaded = loaded_or_fail(settings, alias)
    pipeline = loaded.pipeline()
    refuse_unknown_custom_fields(mapped, pipeline, f"{loaded.name}/{loaded.version} ({alias})")
    warn_changed_dates(mapped, loaded, settings)
    columns = (TextColumn("scoring"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    total = row_count(input)  # counted, not parsed: a plain file's rows give the bar its end and a time left
    if total is not None:
        columns += (TimeRemainingColumn(), TextColumn("left"))
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("score", total=total)
        try:
            summary = score_file(
                pipeline,
                input,
                output,
                on_progress=lambda k: progress.advance(task, k),
                mapping=mapped,
                delimiter=delimiter,
                as_of=decision_time,
            )
        except (BatchInputError, MappingError) as error:
            raise fail(str(error)) from None
        if total is not None:  # the rows read: a blank line counted was none
            progress.update(task, total=summary.rows, completed=summary.rows)
    routes = ", ".join(f"{route} {count:,}" for route, count in sorted(summary.routes.items()))
    console.print(
        f"{plural(summary.scored, 'decision')}, {plural(summary.errors, 'row')} with errors → {output}\n{routes}"
    )
    if summary.unlearned_gaps:
        console.print(f"[yellow]{unlearned_message(summary.unlearned_gaps)}[/]")
    if summary.absent_inputs:
        err.print(f"[yellow]{escape(absent_message(summary.absent_inputs, summary.scored))}[/]")
    if summary.pooled:  # the column totals first: the values next are their largest parts
        err.print(f"[yellow]{escape(pooled_note(summary.pooled, 'leads the model read'))}[/]")
    if summary.new_levels:
        err.print(f"[yellow]{escape(new_levels_message(summary.new_levels, summary.read))}[/]")
    drifted = drift_message(
        summary.drift, old=decision_time.old, new_levels=summary.new_levels, pooled=summary.pooled
    )
    if drifted:  # export column names are the sender's text
        err.print(f"[yellow]{escape(drifted)}[/]")
    rejected = all_rejected_message(summary.routes, f"{loaded.name}/{loaded.version}")
    if rejected:
        err.print(f"[yellow]{escape(rejected)}[/]")
    if summary.repeats:
        err.print(f"[yellow]{escape(repeats_message(summary.repeats))}[/]")  # ids are the sender's text
    if decision_time.old:
        console.print(old_leads_message(decision_time.old))
    refuse_error_rate(summary, max_error_rate, input, mapped, delimiter)


@app.command("check-policy")
def check_policy(path: Annotated[Path, typer.Argument(help="policy YAML")]) -> None:
    """Validate a policy file and print its version."""
    from leadgate.decision.policy import load_policy
    from leadgate.decision.policy_problems import policy_warnings

    policy = policy_or_fail(path)
    console.print(
        escape(f"{path}: valid, {len(policy.active_gates())} active gates, version {policy.version}")
    )
    for warning in policy_warnings(policy, load_policy()):
        console.print(f"[yellow]warning: {escape(warning)}[/]")


@app.command("default-policy")
def default_policy() -> None:
    """Print the shipped policy, comments and all: the place to start your own (> my_policy.yaml)."""
    from leadgate.decision.policy import default_policy_text

    sys.stdout.write(default_policy_text())


@app.command()
def demo(
    data_dir: DataDir = None,
    n: Annotated[int, typer.Option("--n", min=1000, help="leads of history")] = 50_000,
    seed: Annotated[int, typer.Option(help="random seed")] = 0,
) -> None:
    """The whole lifecycle on embedded defaults: history → champion → scored and explained leads →
    challenger → a live month in the store and in shadow → promotion verdict → monitoring."""
    from leadgate.cli.demo import run_demo
    from leadgate.cli.training import train_and_register

    run_demo(settings_for(data_dir), n=n, seed=seed, console=console, train=train_and_register)


def main() -> None:
    """Entry point for `python -m leadgate`."""
    app()


# Commands kept in their own modules add themselves to the one app.
from leadgate.cli import (  # noqa: E402
    analysis,
    deciding,
    drafting,
    erase,
    lifecycle,
    lists,
    redecide,
    report,
    rollback,
    service,
    suppressions,
)

deciding.register(app)
drafting.register(app)
lifecycle.register(app)
service.register(app)
analysis.register(app)
report.register(app)
erase.register(app)
lists.register(app)
suppressions.register(app)
rollback.register(app)
redecide.register(app)
