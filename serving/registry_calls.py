"""Every MLflow registry call within LEADGATE_REGISTRY_TIMEOUT_SECONDS, and no write after one was given up.

MLflow has no timeout of its own for a database that is locked (SQLite's busy wait, a PostgreSQL lock) or a
tracking server that accepts and never answers: a command hung, and the service's poll sat on it unseen. A
call runs in a worker thread the caller stops waiting for at the bound; the registry is bounded on its side
too (registry_uri.py), so the abandoned call ends soon after.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from leadgate.serving.registry_errors import RegistryUnreachable
from leadgate.settings import Settings

T = TypeVar("T")

# What a registry says when its own bound (registry_uri.py) ended a call: the same give-up, said by the other side.
# The database refused it: its transaction rolled back (or never began), so a write was not made.
DATABASE_GAVE_UP = ("database is locked", "lock timeout", "statement timeout", "timeout expired")
# The client stopped waiting for a server (MLflow's HTTP timeout): a write sent may still be made there.
CLIENT_GAVE_UP = ("timed out",)

_guard = threading.Lock()
# Abandoned calls still running, by registry URI: a write there now could land before (or after) theirs.
_abandoned: dict[str, set[threading.Thread]] = {}


def registry_call(
    settings: Settings, doing: str, call: Callable[..., T], *args, write: bool = False, **kwargs
) -> T:
    """`call(*args, **kwargs)`, given up after the registry's bound with RegistryUnreachable naming the registry
    and `doing` ("reading alias champion"). A `write` is refused while an abandoned call to the same registry
    still runs in this process: whatever it was may yet land, and nothing more is written out of order after it."""
    uri, seconds = settings.tracking_uri(), settings.registry_timeout_seconds
    if write:
        _refuse_after_give_up(settings, doing)
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["value"] = call(*args, **kwargs)
        except BaseException as error:  # noqa: BLE001 - handed to the caller's thread, raised there
            outcome["error"] = error

    worker = threading.Thread(target=work, name=f"registry call: {doing}", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        with _guard:
            _abandoned.setdefault(uri, set()).add(worker)
        raise RegistryUnreachable(unanswered(settings, doing, write=write))
    error = outcome.get("error")
    if error is not None:
        how = gave_up(error) if isinstance(error, Exception) else None
        if how == "client":  # MLflow's own words bury the timeout past a URL and a pool's repr
            said = unanswered(settings, doing, write=write, said="its server sent no answer in time")
            raise RegistryUnreachable(said) from error
        if how == "database":
            said = unanswered(settings, doing, write=write, said=error, made=False)
            raise RegistryUnreachable(said) from error
        raise error
    return outcome["value"]  # type: ignore[return-value]


def gave_up(error: BaseException) -> str | None:
    """Whether the error (or one it came from) is a bound ending the call: "database" when the registry's database
    refused it (a lock or statement timeout, SQLite's busy wait, a connect timeout), "client" when MLflow stopped
    waiting for a server (an HTTP timeout); None for any other error."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        text = str(error).lower()
        if any(words in text for words in DATABASE_GAVE_UP):
            return "database"
        if any(words in text for words in CLIENT_GAVE_UP):
            return "client"
        error = error.__cause__ or error.__context__
    return None


def unanswered(
    settings: Settings,
    doing: str,
    *,
    write: bool = False,
    said: BaseException | str | None = None,
    made: bool | None = None,
) -> str:
    """One line: which registry (password masked), within what bound, doing what; for a write, whether it was
    `made` (False: the database refused it; None: unknown); what to try."""
    from leadgate.serving.db_problems import first_line, masked

    seconds = settings.registry_timeout_seconds
    where = (
        f"the MLflow registry {masked(settings.tracking_uri())} did not answer within {seconds:g} s ({doing}"
    )
    where += f": {_short(first_line(said))})" if said is not None else ")"
    if write and made is False:
        where += "; this write was not made (any before it in this command were)"
    elif write:
        where += (
            "; whether this write was made is unknown: the registry may still make it. Check where the aliases "
            "point (`leadgate promote --dry-run` names the champion and the challenger, or the MLflow UI) "
            "before trying again"
        )
    return (
        f"{where}. Is its database locked by another process, or its server frozen? Try again once it answers, "
        "or raise LEADGATE_REGISTRY_TIMEOUT_SECONDS if it is only slow"
    )


def _short(text: str, limit: int = 160) -> str:
    # MLflow's wrapped SQLAlchemy errors repeat the statement after the first line's reason.
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _refuse_after_give_up(settings: Settings, doing: str) -> None:
    uri = settings.tracking_uri()
    with _guard:
        running = {thread for thread in _abandoned.get(uri, ()) if thread.is_alive()}
        _abandoned[uri] = running
    if running:
        from leadgate.serving.db_problems import masked

        names = ", ".join(sorted(thread.name.removeprefix("registry call: ") for thread in running))
        raise RegistryUnreachable(
            f"not written to the MLflow registry {masked(uri)} ({doing}): an earlier call this process gave up on "
            f"({names}) is still running there and may yet land; nothing more is written until it ends"
        )


def ask(settings: Settings, doing: str, method: str, *args, write: bool = False, **kwargs):
    """`MlflowClient.<method>(*args, **kwargs)` on the settings' registry, within the bound (`registry_call`).

    The client is made inside the call: making one opens MLflow's store, which waits on a locked database too.
    """

    def call():
        from mlflow import MlflowClient

        return getattr(MlflowClient(tracking_uri=settings.mlflow_uri()), method)(*args, **kwargs)

    return registry_call(settings, doing, call, write=write)


def registry_failed(settings: Settings, doing: str, error: BaseException) -> RegistryUnreachable:
    """An MLflow error that says nothing of the model asked for (not "no such alias"): the registry failed, in one
    line naming it (password masked), to raise instead of reading the failure as "none"."""
    from leadgate.serving.db_problems import first_line, masked

    where = masked(settings.tracking_uri())
    return RegistryUnreachable(f"the MLflow registry {where} failed ({doing}): {_short(first_line(error))}")
