"""What the commands a person changes things with share: who made the change, why, and what decided the stored
leads again."""

from __future__ import annotations

import getpass
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
    from leadgate.serving import suppression_service

    settings = settings_for(data_dir)
    return suppression_service.outside_the_service(settings, store_or_fail(settings))


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
