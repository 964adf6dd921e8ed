"""`leadgate backtest`, `evidence` and `channels`: policy, model and channel questions answered on history."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import typer

from leadgate.cli.analysis_data import analysis_history
from leadgate.cli.analysis_models import asked, current_model_of, model_of, say_gates_only
from leadgate.cli.common import DelimiterOpt
from leadgate.cli.data import MappingOpt, SinceOpt, UntilOpt
from leadgate.serving.file_formats import history_said

DataOpt = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help=f"{history_said()} (default: the one the model asked about, else the champion, was trained on, "
        "through its mapping; else history.jsonl.gz in the data dir)",
    ),
]
DataDirOpt = Annotated[
    Path | None, typer.Option("--data-dir", help="data folder (default .leadgate or LEADGATE_DATA_DIR)")
]
OutOpt = Annotated[
    Path | None,
    typer.Option("--out", help="also write for machines: .json (everything) or .csv (one file per table)"),
]
PolicyOpt = Annotated[
    Path | None,
    typer.Option("--policy", help="current policy YAML (default: the model's, else the shipped one)"),
]


def register(app: typer.Typer) -> None:
    """Add the analysis commands to the main CLI."""
    app.command()(backtest)
    app.command()(evidence)
    app.command()(channels)


def _policy(settings, loaded, mapping):
    """The policy in force; with no model and no policy file, the one shipped beside the mapping (as `train`)."""
    from leadgate.cli.common import policy_in_force
    from leadgate.cli.data import mapping_policy

    if loaded is None and mapping is not None and settings.policy_path is None:
        return mapping_policy(mapping, None)
    return policy_in_force(settings, loaded)


def _check_out(out: Path | None) -> None:
    from leadgate.cli.common import fail

    # Checked before the work, not after minutes of it.
    if out is not None and out.suffix not in (".json", ".csv"):
        raise fail(f"{out}: --out must end in .json or .csv")


def _finite(value):
    """NaN and infinity become null: JSON has no spelling for them."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _write(out: Path, payload: dict, tables: dict) -> list[Path]:
    """JSON: the whole payload; CSV: one file per table, named after --out."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix == ".json":
        out.write_text(json.dumps(_finite(payload), indent=2, default=str, allow_nan=False))
        return [out]
    written = []
    for name, frame in tables.items():
        path = out if len(tables) == 1 else out.with_name(f"{out.stem}.{name}.csv")
        frame.to_csv(path, index=False)
        written.append(path)
    return written


def backtest(
    data: DataOpt = None,
    policy: PolicyOpt = None,
    proposed_policy: Annotated[
        Path | None, typer.Option(help="proposed policy YAML (default: the current one)")
    ] = None,
    model_alias: Annotated[
        str | None,
        typer.Option(
            help="current registered model alias, e.g. challenger, or a version number; none: gates only "
            "(default: the champion, else gates only when no model is registered)"
        ),
    ] = None,
    proposed_model_alias: Annotated[
        str | None,
        typer.Option(
            help="proposed model alias, e.g. challenger, or a version number (default: the current model)"
        ),
    ] = None,
    minutes_per_call: Annotated[float, typer.Option(min=0, help="sales minutes a call costs")] = 20.0,
    most_leads_share: Annotated[
        float, typer.Option(min=0, max=1, help="flag gates firing on more than this share")
    ] = 0.5,
    show: Annotated[int, typer.Option(min=0, help="hidden SQLs listed on screen (all go to --out)")] = 20,
    since: SinceOpt = None,
    until: UntilOpt = None,
    out: OutOpt = None,
    mapping: MappingOpt = None,
    delimiter: DelimiterOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Back-test a proposed policy and/or model against the current one on historical leads."""
    from leadgate.cli.common import console, policy_or_fail, settings_for, warn_of_policy
    from leadgate.cli.render_analysis import print_backtest
    from leadgate.decision.pipeline import DecisionPipeline
    from leadgate.training.backtest import BacktestParams, run_backtest

    _check_out(out)
    settings = settings_for(data_dir, policy)
    history, mapped = analysis_history(
        data, settings, since, until, mapping=mapping, delimiter=delimiter, alias=asked(model_alias)
    )
    current_model = current_model_of(settings, model_alias)
    # Under one --policy file: its warnings were printed with the current model's.
    proposed_model = (
        model_of(settings, proposed_model_alias, warn=False) if proposed_model_alias else current_model
    )
    # Without a policy file the current setup keeps the policy its model was trained under.
    current_policy = _policy(settings, current_model, mapped)
    new_policy = policy_or_fail(proposed_policy) if proposed_policy else current_policy
    if proposed_policy and new_policy.version != current_policy.version:  # the same file: said once above
        warn_of_policy(new_policy, "proposed policy")
    if current_model is None:  # of the current setup, and of the proposed one unless it names a model
        say_gates_only(
            settings, model_alias, current_policy, "" if proposed_model is None else "current setup"
        )
    current = DecisionPipeline(current_policy, current_model.model if current_model else None)
    proposed = DecisionPipeline(new_policy, proposed_model.model if proposed_model else None)
    params = BacktestParams(minutes_per_call=minutes_per_call, most_leads_share=most_leads_share)
    with console.status(f"deciding {len(history.leads):,} leads with both setups"):
        result = run_backtest(history, current, proposed, params)
    print_backtest(console, result, show)
    if out:
        tables = {name: getattr(result, name) for name in ("gates", "routes", "hidden", "prevented")}
        for path in _write(out, result.to_dict(), tables):
            console.print(f"wrote {path}")


def evidence(
    data: DataOpt = None,
    policy: Annotated[Path | None, typer.Option("--policy", help="policy YAML (default: shipped)")] = None,
    min_n: Annotated[int, typer.Option(min=1, help="fewer leads with a signal: 'too few'")] = 50,
    gate_max_conversion: Annotated[
        float, typer.Option(min=0, max=1, help="'gate' when the SQL rate's upper bound is at most this")
    ] = 0.01,
    penalty_max_ratio: Annotated[
        float, typer.Option(min=0, help="'penalty' when the ratio's upper bound is below this")
    ] = 0.67,
    fit_reasons: Annotated[
        str | None, typer.Option(help="regex of rejection reasons that mean 'not a fit'")
    ] = None,
    stale_days: Annotated[float, typer.Option(min=0, help="days without meaningful activity: stale")] = 30.0,
    since: SinceOpt = None,
    until: UntilOpt = None,
    out: OutOpt = None,
    mapping: MappingOpt = None,
    delimiter: DelimiterOpt = None,
    from_store: Annotated[
        bool,
        typer.Option(
            "--from-store", help="the decision store's leads, labelled by outcomes and sales feedback"
        ),
    ] = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Evidence for turning candidate signals into a gate, a penalty or nothing."""
    from leadgate.cli.common import console, settings_for
    from leadgate.cli.data import mapping_policy
    from leadgate.cli.render_analysis import print_evidence
    from leadgate.training.evidence import EvidenceRule, FeatureThresholds, evidence_table
    from leadgate.training.mining import MiningParams

    _check_out(out)
    history, mapped = analysis_history(
        data,
        settings_for(data_dir),
        since,
        until,
        from_store=from_store,
        mapping=mapping,
        delimiter=delimiter,
    )
    rule = EvidenceRule(
        min_n=min_n, gate_max_conversion=gate_max_conversion, penalty_max_ratio=penalty_max_ratio
    )
    mining = MiningParams(fit_reason_pattern=fit_reasons) if fit_reasons else MiningParams()
    with console.status(f"measuring signals on {len(history.leads):,} leads"):
        result = evidence_table(
            history, mapping_policy(mapped, policy), rule, mining, FeatureThresholds(stale_days=stale_days)
        )
    print_evidence(console, result)
    if out:
        for path in _write(out, result.to_dict(), {"signals": result.table}):
            console.print(f"wrote {path}")


def channels(
    data: DataOpt = None,
    policy: PolicyOpt = None,
    model_alias: Annotated[
        str | None,
        typer.Option(
            help="registered model alias or version number, adding leads routed to sales; none: gates only "
            "(default: the champion, else gates only when no model is registered)"
        ),
    ] = None,
    campaigns: Annotated[int, typer.Option(min=0, help="campaigns listed on screen, most leads first")] = 15,
    since: SinceOpt = None,
    until: UntilOpt = None,
    out: OutOpt = None,
    mapping: MappingOpt = None,
    delimiter: DelimiterOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Channel quality: per source and campaign, leads, leads passing the gates, SQLs, won, cost."""
    from leadgate.cli.common import console, settings_for
    from leadgate.cli.render_analysis import print_channels
    from leadgate.decision.pipeline import DecisionPipeline
    from leadgate.training.channels import channel_quality

    _check_out(out)
    settings = settings_for(data_dir, policy)
    history, mapped = analysis_history(
        data, settings, since, until, mapping=mapping, delimiter=delimiter, alias=asked(model_alias)
    )
    loaded = current_model_of(settings, model_alias)
    chosen = _policy(settings, loaded, mapped)
    if loaded is None:
        say_gates_only(settings, model_alias, chosen)
    pipeline = DecisionPipeline(chosen, loaded.model if loaded else None)
    with console.status(f"deciding {len(history.leads):,} leads"):
        result = channel_quality(history, pipeline)
    print_channels(console, result, campaigns)
    if out:
        tables = {"channels": result.channels, "campaigns": result.campaigns}
        for path in _write(out, result.to_dict(), tables):
            console.print(f"wrote {path}")
