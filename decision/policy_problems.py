"""A policy file's validation errors in the file's own words: one place per problem, gates by number and code."""

from __future__ import annotations

import re
import string

from pydantic import ValidationError

from leadgate.features.schema import describe_validation_error

# A union's branch as pydantic names it in an error's path ("literal['auto']", "function-after[...]"): no
# key an author wrote has brackets.
_BRANCH = re.compile(r"^[a-z-]+\[.*\]$")


def policy_problems(error: ValidationError, data: dict) -> list[str]:
    """'place: problem' lines in the file's words: a gate by its number and code, one union branch only."""
    lines = []
    for item in error.errors():
        loc = list(item["loc"])
        branch = next(
            (i for i, part in enumerate(loc) if isinstance(part, str) and _BRANCH.match(part)), None
        )
        # "a valid dictionary or instance of GateSpec": the class is a name of ours, not the file's.
        message = re.sub(r" or instance of \w+", "", item["msg"].removeprefix("Value error, "))
        if branch is not None:
            # `thresholds: auto` or numbers: report the branch the author meant, by what they wrote there.
            written = _at(data, loc[:branch])
            literal = loc[branch].startswith("literal[")
            if isinstance(written, dict) == literal:
                continue
            if literal:
                message = f"'auto' or numbers for sales_ready, verify and nurture, not {written!r}"
            loc = loc[:branch] + loc[branch + 1 :]
        if len(loc) >= 2 and loc[0] == "gates" and isinstance(loc[1], int):
            code = _at(data, ["gates", loc[1], "code"])
            if isinstance(code, str):
                loc[1] = f"{loc[1]} ({code})"
        lines.append(f"{'.'.join(str(part) for part in loc) or 'policy'}: {message}")
    return lines or describe_validation_error(error, "policy")


def _at(data, path: list):
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def policy_warnings(policy, shipped) -> list[str]:
    """What loads but is likely a mistake: two gates running one check, a floor inside the target, a copy of
    the shipped policy still named like it."""
    warnings = []
    by_check: dict[str, list[str]] = {}
    for gate in policy.active_gates():
        by_check.setdefault(gate.check, []).append(gate.code)
    for check, codes in by_check.items():
        if len(codes) > 1:
            warnings.append(
                f"gates {' and '.join(codes)} both run the check {check}: a lead one fires on meets both"
            )
    firmographics, active = policy.firmographics, {gate.check for gate in policy.active_gates()}
    low = firmographics.employees_target[0]
    if "below_size_floor" in active and firmographics.employees_floor >= low:
        warnings.append(
            f"employees_floor {firmographics.employees_floor} is not below employees_target's low end {low}: "
            "companies inside the target range are gated as too small"
        )
    from leadgate.decision.gate_recovery import FILLED, recovery_fields

    for gate in policy.active_gates():
        # A placeholder the gate's check does not fill is shown to sales as written ("{floor}").
        names = {name for _, name, _, _ in string.Formatter().parse(gate.recovery or "") if name}
        unfilled = sorted((names & FILLED) - set(recovery_fields(gate.check)))
        if unfilled:
            warnings.append(
                f"gate {gate.code}: its recovery names {', '.join(f'{{{n}}}' for n in unfilled)}, which its "
                f"check {gate.check} does not fill: sales would read it as written"
            )
    if policy.name == shipped.name and policy.version != shipped.version:
        warnings.append(
            f"named {shipped.name!r} like the shipped policy but not the same: give it a name of its own, so "
            "decisions and reports tell the two apart"
        )
    return warnings
