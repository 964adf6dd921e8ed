"""`leadgate train`: read a history or a CRM export, train, compare with the baselines, log and register."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from leadgate.cli.common import (
    DataDir,
    DelimiterOpt,
    PolicyOpt,
    SplitOpt,
    console,
    fail,
    registry_or_fail,
    settings_for,
    split_or_fail,
    store_or_fail,
    warn_of_policy,
)
from leadgate.cli.data import MappingOpt, SinceOpt, UntilOpt
from leadgate.cli.training_output import print_training
from leadgate.cli.training_registered import (
    say_no_champion,
    say_the_challenger_replaced,
    say_the_champion_decides,
    say_the_policy,
)
from leadgate.serving.file_formats import history_said


def register(app: typer.Typer) -> None:
    """Add the train command to the main CLI."""
    app.command()(train)


def train_and_register(
    data: Path | None,
    policy_path: Path | None,
    settings,
    seed: int,
    from_store: bool = False,
    mapping_name: str | None = None,
    split: str = "auto",
    delimiter: str | None = None,
    allow_leakage: bool = False,
    since: str | None = None,
    until: str | None = None,
    accept_weak: bool = False,
):
    """Read, train, print the comparison, log and register: what `train` and the demo run.

    `since`/`until` keep only the leads created in that window (as `backtest` reads them) before the split.
    Ctrl-C or SIGTERM at any point stops it without a registered version or a moved alias (`stopped`).
    """
    import time

    from leadgate.cli.interrupts import Interrupted, StopSignals, stopped

    started = time.time()
    with StopSignals() as stop:
        try:
            result, registered = _train_and_register(
                data,
                policy_path,
                settings,
                seed,
                stop,
                from_store=from_store,
                mapping_name=mapping_name,
                split=split,
                delimiter=delimiter,
                allow_leakage=allow_leakage,
                since=since,
                until=until,
                accept_weak=accept_weak,
            )
        except Interrupted as interrupted:
            raise stopped(interrupted, started) from None
    if stop.received is not None:  # it came after the alias moved: too late to undo, so said, and obeyed
        late = Interrupted(stop.received)
        aliases = f" (alias: {', '.join(registered.aliases)})" if registered.aliases else ""
        console.print(
            f"[yellow]{late.name} came after {registered.name}/{registered.version} was registered{aliases}: "
            "it stays registered[/]"
        )
        raise typer.Exit(code=late.exit_code)
    return result, registered


def _train_and_register(
    data: Path | None,
    policy_path: Path | None,
    settings,
    seed: int,
    stop,
    from_store: bool,
    mapping_name: str | None,
    split: str,
    delimiter: str | None,
    allow_leakage: bool,
    since: str | None,
    until: str | None,
    accept_weak: bool,
):
    """train_and_register's steps; `stop` (interrupts.StopSignals) is asked between them."""
    from leadgate.cli.data import check_window, history_or_fail, mapping_policy, named_mapping
    from leadgate.settings import ArtifactsElsewhere
    from leadgate.training.data import HistoryError
    from leadgate.training.fit import TrainingError
    from leadgate.training.registry import configure_mlflow, log_training
    from leadgate.training.train import train_model

    check_window(since, until)
    mapping = named_mapping(mapping_name) if mapping_name else None
    policy = mapping_policy(mapping, policy_path)
    if policy_path is not None:  # what check-policy would warn of, before the model learns under it
        warn_of_policy(policy)
    if not from_store and not data.exists():
        raise fail(f"{data}: no such file (generate one with `leadgate synth`, or name one with --data)")
    registry_or_fail(settings)  # before minutes of training, not at the registering after them
    try:
        # Before minutes of training: a copied data folder whose MLflow store points elsewhere is refused
        # first. A folder without a store yet has nothing to check, and nothing is created before training.
        if settings.embedded_store_exists():
            configure_mlflow(settings)
    except ArtifactsElsewhere as error:
        raise fail(str(error)) from None
    with console.status("reading history") as status:
        if from_store:
            try:
                history, sources = store_history(settings)
            except HistoryError as error:
                raise fail(str(error)) from None
            console.print(f"decision store: {sources.describe()}")
            for note in history.notes:
                console.print(f"[yellow]{escape(note)}[/]")
        else:
            history = history_or_fail(data, mapping, delimiter)
        notes, read = history.notes, len(history.leads)  # a window's subset keeps neither
        history = _window(history, "decision store" if from_store else str(data), since, until)
        try:
            result = train_model(
                history,
                policy,
                seed=seed,
                progress=lambda m: (stop.check(), status.update(f"training: {m}")),
                split_kind=split_or_fail(split),
            )
        except (TrainingError, HistoryError) as error:
            # Nothing was logged or registered yet: a failed training leaves no half-made model behind.
            raise fail(
                f"training stopped: {_window_remedy(str(error), since, until, history, read)}"
            ) from None
        stop.check()  # one that came while training, its exception dropped: nothing logged yet
        status.update("logging to MLflow and registering")
        with stop.held():  # a store cut short while MLflow creates its tables breaks every later command here
            configure_mlflow(settings)
        # The absolute path: `report` without --data reads it back from wherever it is run.
        source = {
            "path": "decision store" if from_store else str(Path(data).resolve()),
            "leads": len(history.leads),
        }
        if since or until:  # `report` reads the same window of the same history back
            # The zone its dates were read in: the same text reads differently if the mapping's zone changes.
            source.update(
                {"since": since or "", "until": until or "", "leads_read": read, "window_zone": history.zone}
            )
        if mapping:
            source["mapping"] = mapping.name
            # Where it was read from (a file by its absolute path, a shipped one by name), and the export's
            # delimiter: what `report` needs to read the same export again without being told.
            source["mapping_source"] = (
                str(Path(mapping_name).resolve()) if Path(mapping_name).exists() else mapping_name
            )
            if delimiter:
                source["delimiter"] = delimiter
        if from_store:  # how many labels came from sales feedback rather than recorded outcomes
            source["feedback_labels"] = sources.feedback
        # A model learned from live outcomes is always a challenger: it must earn promotion in shadow.
        registered = log_training(
            result,
            policy,
            settings,
            source,
            first_becomes_champion=not from_store,
            # A model that learned a leak would reject the very leads it should send to sales.
            aliased=allow_leakage or not result.extras.get("leak"),
            # What the test part cannot show, kept with the run as well as printed.
            notes=(*notes, *result.extras.get("warnings", ())),
            go_on=stop.go_on,
            # A first model chance could match on its test part is no champion unless it is accepted.
            weak=None if accept_weak else result.extras.get("weak"),
        )
    print_training(result, registered, result.extras["threshold_notes"])
    say_the_policy(settings, registered, policy, _policy_given(policy_path, mapping))
    if result.extras.get("weak") and not registered.aliases and not result.extras.get("leak"):
        say_no_champion(registered)
    return result, registered


def _policy_given(policy_path: Path | None, mapping) -> str:
    """Where the policy a model trains with came from, in the words `train` prints after its version."""
    if policy_path is not None:
        return f"--policy {policy_path}"
    from leadgate.training.crm_mappings import shipped_policy

    if mapping is not None and shipped_policy(mapping) is not None:
        return f"shipped with the mapping {mapping.name}"
    return "the shipped default; --policy FILE for your own"


def _window_remedy(message: str, since: str | None, until: str | None, kept, read: int) -> str:
    """A stop that asks for more history, under a --since/--until window: widening the window comes first."""
    if not (since or until) or len(kept.leads) >= read:
        return message
    wider = f"widen the --since/--until window (it keeps {len(kept.leads):,} of the {read:,} leads read)"
    return message.replace("bring more history", f"{wider}, or bring more history")


def _window(history, where: str, since: str | None, until: str | None):
    """The leads created in the --since/--until window, said in one line; the history itself without one."""
    from leadgate.cli.data import window_said, within

    if not (since or until):
        return history
    kept = within(history, where, since, until)
    sqls = f", {int(kept.sql.sum()):,} SQLs, split and trained on"
    console.print(window_said(since, until, kept, history, label=" (--since/--until)", tail=sqls))
    return kept


def store_history(settings):
    """The store's labelled leads and where their labels come from (outcomes, sales feedback)."""
    from leadgate.serving.feedback_store import label_sources
    from leadgate.training.from_store import history_from_store

    engine = store_or_fail(settings)
    return history_from_store(engine), label_sources(engine)


def train(
    data: Annotated[
        Path | None,
        typer.Option(help=f"{history_said()} (default: history.jsonl.gz in the data folder)"),
    ] = None,
    policy: PolicyOpt = None,
    seed: Annotated[int, typer.Option(help="random seed")] = 0,
    from_store: Annotated[
        bool, typer.Option("--from-store", help="learn from the decision store's leads and recorded outcomes")
    ] = False,
    mapping: MappingOpt = None,
    split: SplitOpt = "auto",
    since: SinceOpt = None,
    until: UntilOpt = None,
    delimiter: DelimiterOpt = None,
    allow_leakage: Annotated[
        bool,
        typer.Option(
            "--allow-leakage", help="alias the model even when a column seems to give the outcome away"
        ),
    ] = False,
    accept_weak: Annotated[
        bool,
        typer.Option(
            "--accept-weak",
            help="make a first model the champion even when its test ROC-AUC cannot be told from chance",
        ),
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Train, compare with plain baselines on every export column, log and register (first: champion, later: challenger)."""
    settings = settings_for(data_dir)
    _, registered = train_and_register(
        data or settings.data_dir / "history.jsonl.gz",  # beside the model it registers, as `report` reads it
        policy,
        settings,
        seed,
        from_store=from_store,
        mapping_name=mapping,
        split=split,
        delimiter=delimiter,
        allow_leakage=allow_leakage,
        since=since,
        until=until,
        accept_weak=accept_weak,
    )
    if registered.replaced_challenger is not None:
        say_the_challenger_replaced(settings, registered)
    if "challenger" in registered.aliases:
        say_the_champion_decides(settings, registered)
