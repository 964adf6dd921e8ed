"""How the command line is misused, in words that say where an option goes."""

from __future__ import annotations


def options_before_command(group, name: str, args: list[str]) -> str | None:
    """Why options written before the command are refused, naming where they go; None when none are."""
    at = next((i for i, arg in enumerate(args) if arg in group.commands), None)
    if at is None:
        return None
    accepted = {name for param in group.commands[args[at]].params for name in param.opts}
    root = {name for param in group.params for name in param.opts}
    # click reads them as the group's own options: "No such option: --data-dir" named no way out.
    early = [arg.split("=")[0] for arg in args[:at] if arg.startswith("-")]
    known = [name for name in early if name in accepted and name not in root]
    if not known:
        return None
    command = f"{name} {args[at]}"
    return (
        f"{', '.join(known)} is an option of `{command}`, not of `{name}`: write it after the command "
        f"({command} {' '.join(args[:at])} …)"
    )
