"""What every command shares: the common options, settings, and one way to fail (consoles: consoles.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from typer.core import TyperGroup

from leadgate.cli.consoles import PIPED_WIDTH, RULE_WIDTH, console, err  # noqa: F401 - every command's
from leadgate.cli.usage import options_before_command

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
    str | None,
    typer.Option(
        "--delimiter",
        help="CSV delimiter of the export: one character, or semicolon, comma, pipe, tab (default: detected)",
    ),
]
# A CRM export given to `score` or `decide`: one option, in the same words, read by the same code.
ExportMappingOpt = Annotated[
    str | None,
    typer.Option(help="the input is a CRM export read through this mapping (file or shipped name)"),
]
# When leads are decided: `score` and `decide` read it alike (serving/as_of.py), as the Python API's `now=`.
AsOfOpt = Annotated[
    str,
    typer.Option(
        "--as-of",
        help="decide each lead as of: now, created (as it stood when created, as back-tests do), or a date",
    ),
]
SPLITS = ("auto", "time", "random")


def split_or_fail(kind: str) -> str:
    """The --split value, checked."""
    if kind not in SPLITS:
        raise fail(f"--split must be one of {', '.join(SPLITS)}, not {kind!r}")
    return kind


def settings_for(data_dir: Path | None, policy: Path | None = None, uses: tuple[str, ...] = ()):
    """Settings from the environment, with the command's --data-dir and --policy on top."""
    overrides = {}
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    if policy is not None:
        overrides["policy_path"] = policy
    from leadgate.settings_env import COMMON_SETTINGS

    return settings_or_fail(overrides, uses=COMMON_SETTINGS | set(uses))


def settings_or_fail(overrides: dict, uses: frozenset[str] | None = None):
    """Settings from the environment with `overrides` on top; a bad value stops the command naming its variable.

    With `uses`, a bad value of a setting outside it is only warned about and its default taken instead.
    """
    from leadgate.settings_env import SettingsError, settings_from_env

    try:
        settings, passed_over = settings_from_env(overrides, uses)
    except SettingsError as error:
        raise fail(str(error)) from None
    for problem in passed_over:
        err.print(
            f"[yellow]{escape(problem)} (not used by this command, so ignored here; `leadgate serve` refuses it)[/]"
        )
    return settings


class CommandGroup(TyperGroup):
    """The CLI's groups: a registry that does not answer, anywhere in a command, stops it in one line (exit 2)."""

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        """Parse as click does, but an option of the command written before it says where it goes."""
        # The program's own name, whatever runs it (`python -m leadgate`, a test runner's "root").
        name = " ".join(["leadgate", *ctx.command_path.split()[1:]])
        misplaced = options_before_command(self, name, args)
        if misplaced:
            ctx.fail(misplaced)  # click's usage error: the usage line, the message, exit 2
        return super().parse_args(ctx, args)

    def invoke(self, ctx):
        """Run the command; RegistryUnreachable becomes its one error line, never a traceback."""
        import logging

        from leadgate.serving.registry_errors import RegistryUnreachable

        # MLflow logs every database error it wraps with its traceback, and every retry of a store it cannot
        # open, on stderr: what failed reaches the user as the error it raises, in the command's own line.
        logging.getLogger("mlflow.store.db.utils").setLevel(logging.CRITICAL)
        try:
            return super().invoke(ctx)
        except RegistryUnreachable as error:
            raise fail(str(error)) from None


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print one red error line; raise what it returns to stop the command (exit code 2: bad usage or input)."""
    # Not wrapped by Rich: a long path broken across lines could not be copied; the terminal wraps instead.
    err.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    return typer.Exit(code=code)


def as_of_or_fail(as_of: str):
    """--as-of read (serving.as_of.AsOf), or the command stopped with what it takes."""
    from leadgate.serving.as_of import AsOf, parse_as_of

    try:
        return AsOf(parse_as_of(as_of))
    except ValueError as error:
        raise fail(str(error)) from None


def policy_or_fail(path: Path | None):
    """The policy file (or the shipped one); an invalid one stops the command with its error."""
    from leadgate.decision.policy import PolicyError, load_policy

    try:
        return load_policy(path)
    except PolicyError as error:
        raise fail(str(error)) from None


def warn_of_policy(policy, which: str = "policy") -> None:
    """Print what check-policy would warn of in a --policy file, on stderr so --json output stays clean;
    `which` names it where a command reads two ('proposed policy')."""
    from leadgate.decision.policy import load_policy
    from leadgate.decision.policy_problems import policy_warnings

    for warning in policy_warnings(policy, load_policy()):
        err.print(f"[yellow]{which} warning: {escape(warning)}[/]")


def first_line(error: BaseException) -> str:
    """An error's first line, or its kind when it says nothing: what one-line messages quote of a library's."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def loaded_or_fail(settings, alias: str, warn: bool = True):
    """The model an alias points to, or a version by its number (`3`: one that lost its alias can still be
    scored and back-tested); none (or a bad policy file) stops the command with its error."""
    from leadgate.decision.policy import PolicyError
    from leadgate.serving.model_loading import ModelNotFound, load_by_alias, load_registered_version

    try:
        loaded = (load_registered_version if alias.isdigit() else load_by_alias)(settings, alias)
    except (ModelNotFound, PolicyError) as error:
        raise fail(str(error)) from None
    if warn and settings.policy_path:
        warn_of_policy(loaded.policy)
    return loaded


def policy_in_force(settings, loaded=None):
    """The policy that decides (`policy_for`: the settings' file, else the loaded model's, else shipped)."""
    from leadgate.decision.policy import PolicyError
    from leadgate.serving.model_loading import policy_for

    if loaded is not None:
        return loaded.policy
    try:
        policy = policy_for(settings)
    except PolicyError as error:
        raise fail(str(error)) from None
    if settings.policy_path:
        warn_of_policy(policy)
    return policy


def registry_or_fail(settings) -> None:
    """Stop the command in one line, within seconds, when the MLflow registry's database does not answer."""
    from leadgate.serving.registry_reach import RegistryUnreachable, check_registry

    try:
        check_registry(settings)
    except RegistryUnreachable as error:
        raise fail(str(error)) from None


def store_or_fail(settings):
    """The decision store's engine, at the schema this leadgate needs; a store that cannot be opened, or whose
    schema is absent, behind or newer, stops the command in one line.

    Every command opens the store through here (or `migrated_store_or_fail`), so a wrong DATABASE_URL reads the
    same in all of them. It changes nothing: a read or a dry run never upgrades a live schema under the service.
    """
    from leadgate.serving.store_engine import sqlite_file
    from leadgate.serving.store_schema import check_schema

    # Opening a SQLite file that is not there would create it, and its data folder, before refusing.
    missing = sqlite_file(settings.decisions_url())
    if missing is not None and not missing.exists():
        raise fail(
            f"no decision store at {missing} (run `leadgate migrate` to create it, or check --data-dir, "
            "LEADGATE_DATA_DIR and DATABASE_URL)"
        )
    return _opened_or_fail(settings, check_schema)[0]


def named_store_or_fail(settings) -> None:
    """Stop `serve` in one line when DATABASE_URL names a SQLite file that is not there.

    Only the data folder's own store is created at start: a mistyped path would otherwise serve on a new, empty
    store, without the stored suppressions, lists, idempotency keys and history.
    """
    from sqlalchemy.exc import ArgumentError

    from leadgate.serving.store_engine import sqlite_file

    url = settings.database_url
    try:
        named = sqlite_file(url) if url and url.startswith("sqlite") else None
    except ArgumentError:
        return  # not a URL at all: opening the store says so
    if named is None or named.exists() or named.resolve() == (settings.data_dir / "decisions.db").resolve():
        return
    raise fail(
        f"no decision store at {named.resolve()} (DATABASE_URL): check DATABASE_URL, or run `leadgate migrate` "
        "to create a new, empty store there"
    )


def migrated_store_or_fail(settings):
    """The decision store's engine, created or upgraded to the newest schema, and what was done (`Migrated`):
    only `leadgate migrate`, `serve` and the demo change the schema."""
    from leadgate.serving.store_schema import migrate

    return _opened_or_fail(settings, migrate)


def _opened_or_fail(settings, action):
    from leadgate.serving.db_problems import why_unopened
    from leadgate.serving.store import make_engine
    from leadgate.serving.store_schema import SchemaMismatch

    url = settings.decisions_url()
    try:
        engine = make_engine(url)
        done = action(engine)
    except SchemaMismatch as error:
        raise fail(str(error)) from None
    except Exception as error:
        said = why_unopened(error, url, given=settings.database_url is not None)
        if said is None:
            raise
        raise fail(said) from None
    return engine, done


@contextmanager
def champion_or_fail() -> Iterator[None]:
    """Stop the command in one line when its change was refused because the champion does not load."""
    from leadgate.decision.count_words import plural
    from leadgate.serving.redecide import ChampionUnloaded

    try:
        yield
    except ChampionUnloaded as error:
        leads = plural(error.leads, "stored lead")
        raise fail(
            f"{error}: nothing was changed, as deciding its {leads} again needs it; "
            "try again when the registry is back"
        ) from None
