"""What every command shares: consoles, the common options, settings, and one way to fail."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console()
err = Console(stderr=True)

DataDir = Annotated[
    Path | None, typer.Option("--data-dir", help="data folder (default .leadgate or LEADGATE_DATA_DIR)")
]
PolicyOpt = Annotated[
    Path | None,
    typer.Option(
        "--policy", help="policy YAML (default: the model's own to decide; the shipped one to train)"
    ),
]
SplitOpt = Annotated[
    str,
    typer.Option(
        "--split",
        help="auto (by time when the leads have dates or a sequence, else random), time, or random "
        "(stratified by outcome)",
    ),
]
DelimiterOpt = Annotated[
    str | None, typer.Option("--delimiter", help="CSV delimiter of the export (default: detected)")
]
SPLITS = ("auto", "time", "random")


def split_or_fail(kind: str) -> str:
    """The --split value, checked."""
    if kind not in SPLITS:
        raise fail(f"--split must be one of {', '.join(SPLITS)}, not {kind!r}")
    return kind


def settings_for(data_dir: Path | None, policy: Path | None = None):
    """Settings from the environment, with the command's --data-dir and --policy on top."""
    from leadgate.settings import Settings

    overrides = {}
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    if policy is not None:
        overrides["policy_path"] = policy
    return Settings(**overrides)


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print one red error line; raise what it returns to stop the command (exit code 2: bad usage or input)."""
    from rich.markup import escape

    err.print(f"[bold red]error:[/] {escape(message)}")
    return typer.Exit(code=code)


def policy_or_fail(path: Path | None):
    """The policy file (or the shipped one); an invalid one stops the command with its error."""
    from leadgate.decision.policy import PolicyError, load_policy

    try:
        return load_policy(path)
    except PolicyError as error:
        raise fail(str(error)) from None


def loaded_or_fail(settings, alias: str):
    """The model version an alias points to; none (or a bad policy file) stops the command with its error."""
    from leadgate.decision.policy import PolicyError
    from leadgate.serving.model_loading import ModelNotFound, load_by_alias

    try:
        return load_by_alias(settings, alias)
    except (ModelNotFound, PolicyError) as error:
        raise fail(str(error)) from None


def policy_in_force(settings, loaded=None):
    """The policy that decides (`policy_for`: the settings' file, else the loaded model's, else shipped)."""
    from leadgate.decision.policy import PolicyError
    from leadgate.serving.model_loading import policy_for

    if loaded is not None:
        return loaded.policy
    try:
        return policy_for(settings)
    except PolicyError as error:
        raise fail(str(error)) from None
