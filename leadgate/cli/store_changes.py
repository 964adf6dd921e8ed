"""What the commands a person changes things with share: who made the change, why, and what decided the stored
leads again."""

from __future__ import annotations

import getpass
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from leadgate.cli.common import settings_for, store_or_fail
from leadgate.decision.count_words import plural

Why = Annotated[str, typer.Option("--why", help="why the change is made (kept in the audit)")]
Who = Annotated[str | None, typer.Option("--who", help="who makes the change (default: cli:<user>)")]


def who_or_user(who: str | None) -> str:
    """The --who given, else the user running the command."""
    return who or f"cli:{getpass.getuser()}"


def deciding_for(data_dir) -> dict:
    """What the service decides a change's stored leads with (the champion as it loads it, the store's lists
    and suppressions); loading the champion imports mlflow and lightgbm."""
    settings = settings_for(data_dir)
    return deciding_with(settings, store_or_fail(settings))


def deciding_with(settings, engine) -> dict:
    """`deciding_for` with the settings and store already in hand, the model holder's log kept off the terminal."""
    from leadgate.serving import suppression_service

    with _holder_quiet():
        return suppression_service.outside_the_service(settings, engine)


@contextmanager
def _holder_quiet() -> Iterator[None]:
    # The holder's lines are the service's log ("no champion (model load failed: …)"); a command says what
    # matters in its own one line (refused, or decided by the gates alone and why), so they would say it twice.
    logger = logging.getLogger("leadgate.serving.model_holder")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def decided_by(decided: int, deciding: dict) -> str:
    """'2 stored leads decided again, by champion leadgate/3'."""
    # By what only when something was: "0 decided, by the gates alone (model load failed)" reads as a fallback.
    return f"{plural(decided, 'stored lead')} decided again" + (f", by {_by(deciding)}" if decided else "")


def _by(deciding: dict) -> str:
    current = deciding["holder"].current()
    if current.loaded:
        return f"champion {current.model_version}"
    # While the champion does not load, its kept policy gates: say whose, as the service's log does.
    of = f", of {current.kept.describe()}" if current.kept else ""
    return f"the gates alone{of} ({current.problem})"
