"""Lifecycle commands: sales outcomes in, champion/challenger promotion (monitoring: cli/monitor.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from leadgate.cli.common import (
    DataDir,
    PolicyOpt,
    champion_or_fail,
    console,
    fail,
    first_line,
    policy_in_force,
    registry_or_fail,
    settings_for,
    store_or_fail,
)
from leadgate.cli.model_policies import policy_change_line, promotion_policies
from leadgate.cli.monitor import monitor
from leadgate.cli.store_changes import who_or_user
from leadgate.cli.tables import print_table
from leadgate.decision.count_words import plural

outcomes_app = typer.Typer(help="Sales outcomes of stored leads: the labels the next model learns from.")
OUTCOME_FORMATS = (".csv", ".jsonl", ".json")


def _read_outcome_rows(path: Path) -> list[tuple[int, dict]]:
    """Rows of a CSV (header: lead_id,sql,won,rejection_reason,feedback,at), JSON lines or a JSON array, each
    with its row number as `score` counts them: the header is row 1 in CSV, the line in JSON lines."""
    import csv

    suffix = path.suffix.lower()
    if suffix not in OUTCOME_FORMATS:
        raise fail(f"{path}: outcomes must be one of {', '.join(OUTCOME_FORMATS)}")
    try:
        text = path.read_text()
    except OSError as error:
        raise fail(f"{path}: {error.strerror}") from None
    if suffix == ".csv":
        rows = csv.DictReader(text.splitlines())
        # Empty CSV cells mean "not given", not an empty string.
        return [
            (number, {k: v for k, v in row.items() if v not in ("", None)})
            for number, row in enumerate(rows, start=2)
        ]
    if suffix == ".json":
        try:
            rows = json.loads(text)
        except json.JSONDecodeError as error:
            raise fail(f"{path}: not valid JSON: {error}") from None
        if not isinstance(rows, list):
            raise fail(f"{path}: expected a JSON array of outcomes")
        return list(enumerate(rows, start=1))
    rows = []
    for number, line in enumerate(text.split("\n"), start=1):  # lines as an editor numbers them
        if not line.strip():
            continue
        try:
            rows.append((number, json.loads(line)))
        except json.JSONDecodeError as error:
            raise fail(f"{path}: row {number} is not valid JSON: {error.msg}") from None
    return rows


@outcomes_app.command("import")
def import_outcomes(
    path: Annotated[Path, typer.Argument(help="outcomes: .csv, .jsonl or .json (lead_id, sql, won, ...)")],
    data_dir: DataDir = None,
) -> None:
    """Record outcomes of stored leads; an invalid row stops the import before anything is written."""
    from leadgate.cli.store_changes import deciding_with
    from leadgate.features.outcome import parse_outcome
    from leadgate.features.schema import LeadValidationError
    from leadgate.serving import outcome_service

    rows = _read_outcome_rows(path)
    outcomes, problems = [], []
    for number, row in rows:
        try:
            outcomes.append(parse_outcome(row))
        except LeadValidationError as error:
            problems.append(f"row {number}: {error}")
    if problems:
        shown = "\n  ".join(problems[:20])
        raise fail(
            f"{path}: {len(problems)} invalid row{'' if len(problems) == 1 else 's'}, nothing written:\n  {shown}"
        )
    settings = settings_for(data_dir)
    deciding = deciding_with(settings, store_or_fail(settings))
    with champion_or_fail():
        recorded = outcome_service.record(outcomes, source=f"import:{path.name}", **deciding)
    result = recorded.imported
    unchanged = (
        f" ({result.unchanged:,} recorded already as sent, left as they were)" if result.unchanged else ""
    )
    console.print(f"recorded {plural(result.written, 'outcome')} from {path}{unchanged}")
    if recorded.decided:
        console.print(f"{rejected_accounts_decided(recorded.decided)} decided again")
    if result.unknown_leads:
        listed = ", ".join(result.unknown_leads[:20]) + (" ..." if len(result.unknown_leads) > 20 else "")
        unknown = plural(len(result.unknown_leads), "lead id is", "lead ids are")
        console.print(f"[yellow]{unknown} not in the store, skipped:[/] {listed}")


def _print_comparison(report, champion: str) -> None:
    """The shadow period's table, the hidden SQLs and won deals by id, and each check; `champion` names the
    champion alias's version when no shadow lead says which version decided live."""
    from rich.table import Table

    table = Table(
        title=f"Shadow period: {report.champion_version or champion} vs {report.challenger_version}",
        title_justify="left",
    )
    for column in ("", "champion", "challenger"):
        table.add_column(column, justify="left" if not column else "right")
    for key, label in (
        ("roc_auc", "ROC-AUC"),
        ("pr_auc", "PR-AUC"),
        ("brier", "Brier"),
        ("calibration_error", "calibration error"),
    ):
        if key in report.champion:
            table.add_row(label, f"{report.champion[key]:.4f}", f"{report.challenger[key]:.4f}")
    sent = report.leads_to_sales_at_equal_recall
    if sent:
        table.add_row(
            f"leads to sales at {report.recall_compared_at:.1%} SQL recall",
            str(sent["champion"]),
            str(sent["challenger"]),
        )
    # No shadow lead with an outcome counts nothing, and no outcome saying whether a deal was won counts no won
    # deal: `—`, not measured, never 0.
    for label, ids, measured in (
        (
            "SQLs kept from sales only by",
            (report.sqls_hidden_by_champion_only, report.sqls_hidden_by_challenger_only),
            report.with_outcome > 0,
        ),
        (
            "won deals kept from sales only by",
            (report.won_hidden_by_champion_only, report.won_hidden_by_challenger_only),
            report.with_outcome > 0 and report.won is not None,
        ),
    ):
        table.add_row(label, *(f"{len(found):,}" if measured else "—" for found in ids))
    print_table(console, table)
    console.print(
        f"{plural(report.shadow_leads, 'shadow lead')}, {report.with_outcome:,} with outcomes "
        f"({plural(report.sqls, 'SQL')}, {'—' if report.won is None else f'{report.won:,}'} won)"
    )
    for label, ids in (
        ("won deals the challenger would hide", report.won_hidden_by_challenger_only),
        ("won deals the champion hid", report.won_hidden_by_champion_only),
        ("SQLs the challenger would hide", report.sqls_hidden_by_challenger_only),
    ):
        if ids:
            console.print(f"{label}: {', '.join(ids[:30])}{' ...' if len(ids) > 30 else ''}")
    for check in report.checks:
        mark = {True: "[green]pass[/]", False: "[red]FAIL[/]"}.get(check["passed"], "[dim]—[/]   ")
        console.print(f"  {mark} {check['criterion']}: {check['detail']}")


def rejected_accounts_decided(count: int) -> str:
    """'1 stored lead of an account rejected as a bad fit', '3 stored leads of accounts …'."""
    if count == 1:
        return "1 stored lead of an account rejected as a bad fit"
    return f"{count:,} stored leads of accounts rejected as a bad fit"


def promote(
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="print the report and verdict, move and tag nothing (same exit code)"),
    ] = False,
    out: Annotated[Path | None, typer.Option(help="write the full report as JSON")] = None,
    who: Annotated[
        str | None, typer.Option("--who", help="who promotes (kept as a tag; default: cli:<user>)")
    ] = None,
    policy: PolicyOpt = None,
    data_dir: DataDir = None,
) -> None:
    """Promote the challenger to champion only if its shadow period meets the policy's criteria; exit 1 if not."""
    from leadgate.serving.db_problems import masked
    from leadgate.serving.lifecycle_store import shadow_pairs
    from leadgate.training.promote import compare
    from leadgate.training.registry import CHALLENGER, CHAMPION, alias_version

    if who is not None and not who.strip():
        raise fail("--who is empty: say who promotes, or leave it out for cli:<user>")
    who = who_or_user(who and who.strip())
    settings = settings_for(data_dir, policy)
    if settings.policy_path:
        policy_in_force(settings)  # a bad --policy file stops the command before the registry is asked
    registry_or_fail(settings)
    challenger = alias_version(settings, CHALLENGER)
    if challenger is None:
        raise fail(
            f"no model '{settings.model_name}' in {masked(settings.tracking_uri())} has the alias '{CHALLENGER}': a "
            "`leadgate train` after the first registers one (check --data-dir and MLFLOW_TRACKING_URI)"
        )
    champion = alias_version(settings, CHAMPION)
    with console.status("reading the policies champion and challenger were trained with"):
        policies = promotion_policies(settings, champion, challenger)
    criteria_policy = policies.criteria
    pairs = shadow_pairs(store_or_fail(settings), f"{settings.model_name}/{challenger}")
    with console.status("comparing champion and challenger on the shadow period"):
        report = compare(pairs, f"{settings.model_name}/{challenger}", criteria_policy.promotion)
    report.policy_version = criteria_policy.version
    report.champion_policy_version, report.challenger_policy_version = policies.champion, policies.challenger
    _print_comparison(report, f"{settings.model_name}/{champion}" if champion else "no champion")
    if policies.differ():
        name = settings.model_name
        change = policy_change_line(policies, f"{name}/{champion}", f"{name}/{challenger}")
        console.print(f"[yellow]{escape(change)}[/]")
    data = report.to_dict()
    if out is not None:
        out.write_text(json.dumps(data, indent=2, default=str, allow_nan=False))
    if not dry_run:
        _record_or_fail(settings, challenger, champion, data, who)
    prefix = "dry run: " if dry_run else ""
    unchanged = " Nothing changed." if dry_run else ""
    challenger_policy = f"; challenger trained with {policies.challenger}" if policies.differ() else ""
    criteria = f" (criteria of policy {report.policy_version}, {policies.source}{challenger_policy})"
    if report.promote:
        _say_fields_refused(settings, champion, challenger, dry_run)
        verb = "would promote" if dry_run else "[bold green]promoted[/]"
        by = "" if dry_run else f" by {escape(who)}"
        console.print(
            f"{prefix}{verb} {settings.model_name}/{challenger} to {CHAMPION}{by} (was {champion}; "
            f"{criteria.strip(' ()')})."
            f"{unchanged}"
        )
        return
    verdict = "would be refused" if dry_run else "[bold red]refused[/]"
    console.print(
        f"{prefix}{verdict}{criteria}: {'; '.join(report.failed())}. {CHAMPION} stays {champion}.{unchanged}"
    )
    # The same exit code as the real run, so a pipeline can gate on the dry run.
    raise typer.Exit(code=1)


def _say_fields_refused(settings, champion: str | None, challenger: str, dry_run: bool) -> None:
    """The custom fields only the champion declared: promoted, the challenger alias goes with it."""
    from leadgate.cli.accepted_fields import no_longer_accepted, refused_line

    lost = no_longer_accepted(settings, (champion, challenger), (challenger,))
    if lost and champion is not None:
        once = f"it {'would serve' if dry_run else 'serves'} {settings.model_name}/{challenger}"
        line = refused_line(settings, lost, champion, f"{settings.model_name}/{challenger} does", once)
        console.print(f"[yellow]{escape(line)}[/]")


def _record_or_fail(settings, challenger: str, champion: str | None, data: dict, who: str) -> None:
    """Tag (and, if promoted, move the aliases of) the versions; a registry that cannot be written is exit 2,
    never 1, which says the evidence refused the challenger."""
    from mlflow.exceptions import MlflowException

    from leadgate.serving.db_problems import masked
    from leadgate.training.registry import record_promotion

    try:
        record_promotion(settings, challenger, champion, data, who=who)
    except MlflowException as error:
        first = first_line(error)
        raise fail(
            f"could not record the verdict in the MLflow registry at {masked(settings.tracking_uri())}: {first}"
            " (tags written before it stay; `leadgate promote --dry-run` says where the aliases point)"
        ) from None


def register(app: typer.Typer) -> None:
    """Add the lifecycle commands to the main CLI."""
    app.add_typer(outcomes_app, name="outcomes")
    app.command()(promote)
    app.command()(monitor)  # leadgate/cli/monitor.py
