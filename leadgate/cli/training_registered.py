"""What `train` says of where the model it registered ended up: no champion yet, the challenger it replaced,
the champion that still decides."""

from __future__ import annotations

from rich.markup import escape

from leadgate.cli.common import console
from leadgate.decision.count_words import plural


def say_no_champion(registered) -> None:
    """A first model whose test ROC-AUC chance could give is registered without an alias: say so, and how to
    make it the champion on purpose or to try it first."""
    model = f"{registered.name}/{registered.version}"
    console.print(
        f"[yellow]{model} is registered without the champion alias, so score, decide and the service do not use "
        "it: its test ROC-AUC cannot be told from chance (above). To make it the champion anyway, train again "
        "with --accept-weak (the same history and --seed give the same model); to try it first, "
        f"`--alias {registered.version}` or `leadgate.load(version={registered.version})`[/]"
    )


def say_the_challenger_replaced(settings, registered) -> None:
    """The alias moved off the previous challenger, ending its shadow period: name it and what it had gathered."""
    old = f"{registered.name}/{registered.replaced_challenger}"
    console.print(
        f"[yellow]replaces challenger {old} ({_shadow_evidence(settings, old)}): it is no longer scored in shadow, "
        f"and `promote` now judges {registered.name}/{registered.version}, whose shadow period starts now[/]"
    )
    say_fields_refused(settings, registered)


def say_fields_refused(settings, registered) -> None:
    """Custom fields only the replaced challenger declared: the service accepted them for it, and stops."""
    from mlflow.exceptions import MlflowException

    from leadgate.cli.accepted_fields import no_longer_accepted, refused_line
    from leadgate.serving.registry_errors import RegistryUnreachable
    from leadgate.training.registry import CHAMPION, alias_of

    try:
        champion = alias_of(settings, CHAMPION)
    except (MlflowException, RegistryUnreachable):
        return  # a note after the registering, which worked: no reason to fail the command now
    lost = no_longer_accepted(
        settings, (champion, registered.replaced_challenger), (champion, registered.version)
    )
    if lost:
        instead = f"{registered.name}/{registered.version}" + (
            f" and the champion {registered.name}/{champion} do" if champion else " does"
        )
        once = f"it shadows {registered.name}/{registered.version}"
        line = refused_line(settings, lost, registered.replaced_challenger, instead, once)
        console.print(f"[yellow]{escape(line)}[/]")


def _shadow_evidence(settings, version: str) -> str:
    """'450 shadow decisions, 450 with outcomes' of one version, read without creating or migrating a store."""
    from sqlalchemy.exc import SQLAlchemyError

    from leadgate.serving.lifecycle_store import shadow_pairs
    from leadgate.serving.store import make_engine

    if settings.database_url is None and not (settings.data_dir / "decisions.db").exists():
        return "no shadow decisions: this data folder has no decision store"
    engine = make_engine(settings.decisions_url(), timeout=settings.db_timeout_seconds)
    try:
        pairs = shadow_pairs(engine, version)
    except SQLAlchemyError as error:
        # Training succeeded; only the count is missing, so say why in a few words and carry on.
        return (
            f"its shadow decisions not counted: the decision store could not be read ({type(error).__name__})"
        )
    finally:
        engine.dispose()
    known = sum(pair.sql is not None for pair in pairs)
    return f"{plural(len(pairs), 'shadow decision')}, {known:,} with outcomes"


def say_the_policy(settings, registered, policy, given: str) -> None:
    """The policy the model was trained with (`given`: where it came from), and, when the champion was trained
    with another, that in shadow and in `promote` the two differ by that policy as well as by the models."""
    console.print(f"policy: {policy.version} ({given})")
    if "challenger" not in registered.aliases:
        return
    found = _champion_run(settings)
    if found is None:
        return
    champion, params = found
    theirs = params.get("policy_version")
    if theirs is None or theirs == policy.version:
        return
    console.print(
        f"[yellow]the champion {registered.name}/{champion.version} was trained with policy {theirs}, "
        f"{registered.name}/{registered.version} with {policy.version}: each decides by its own policy in shadow, "
        f"so `promote` compares the policy change as well as the models. To compare the models alone, train "
        f"again with --policy and the champion's file (`leadgate check-policy FILE` prints {theirs})[/]"
    )


def _champion_run(settings):
    """The champion's version and its training run's params, or None (no champion, or a registry that fails)."""
    from mlflow.exceptions import MlflowException

    from leadgate.serving.registry_aliases import version_by_alias
    from leadgate.serving.registry_calls import ask
    from leadgate.serving.registry_errors import RegistryUnreachable

    try:
        champion = version_by_alias(settings, "champion")
        if champion is None:
            return None
        params = ask(settings, "reading the champion's training run", "get_run", champion.run_id).data.params
    except (MlflowException, RegistryUnreachable):
        return None  # a note after the registering, which worked: no reason to fail the command now
    return champion, params


def say_the_champion_decides(settings, registered) -> None:
    """A new challenger decides nothing yet: say which model score, decide and the service still use, and what
    it was trained on (after `make demo`, the synthetic history), so no one scores with it unawares."""
    found = _champion_run(settings)
    if found is None:
        return
    champion, params = found
    source = params.get("data.path", "an unrecorded history")
    if "data.mapping" in params:
        source += f" through the mapping {params['data.mapping']}"
    console.print(
        f"[yellow]the champion {registered.name}/{champion.version} (trained on {source}) still decides for "
        f"score, decide and the service; {registered.name}/{registered.version} is scored in shadow until "
        "`leadgate promote` moves the alias. Use it now with `--alias challenger`, or train in a new --data-dir "
        "for a model of its own[/]"
    )
