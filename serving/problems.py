"""What a refused request is told: each problem with the field it is in, in words the sender can act on."""

from __future__ import annotations

import math
import re

from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from leadgate.decision.count_words import plural
from leadgate.features.schema_errors import readable_problem
from leadgate.serving.redecide import ChampionUnloaded

# What pydantic calls "unable to parse raw data as a unicode string" ("\\ud800" sent alone in JSON).
UNPAIRED_SURROGATE = "text holds an unpaired surrogate (\\ud800-\\udfff), not Unicode text"
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# The path a lead's problem line starts with: `custom.segment`, `events.0.type`, `lead`.
_FIELD_PATH = re.compile(r"^[A-Za-z_]\w*(?:\.\w+)*$")


def _json_problem(error: dict, document) -> str:
    # FastAPI puts the character offset where the field goes; the sender needs a line and a column.
    offset = error["loc"][-1] if isinstance(error["loc"][-1], int) else 0
    text = document if isinstance(document, str) else ""
    line = text.count("\n", 0, offset) + 1
    column = offset - text.rfind("\n", 0, offset)
    # Python's own words may end in "at" ("Invalid control character at"): the place follows once.
    reason = str(error.get("ctx", {}).get("error", "cannot be decoded")).removesuffix(" at")
    return f"body is not valid JSON: {reason} at line {line} column {column}"


def _problem(error: dict) -> str:
    if error["type"] == "string_unicode":
        return UNPAIRED_SURROGATE
    return readable_problem(error) or error["msg"].removeprefix("Value error, ")


def field_problems(errors, document=None) -> list[dict]:
    """FastAPI's validation errors as [{field, problem, type}]; `document` is the body text a JSON error is in."""
    problems = []
    for error in errors:
        if error["type"] == "json_invalid":
            problems.append(
                {"field": "body", "problem": _json_problem(error, document), "type": "json_invalid"}
            )
            continue
        location = [str(part) for part in error["loc"] if part != "body"]
        problems.append(
            {"field": ".".join(location) or "body", "problem": _problem(error), "type": error["type"]}
        )
    return problems


def lead_problems(problems: list[str]) -> list[dict]:
    """A lead's 'field.path: problem' lines (LeadValidationError's) as [{field, problem}], like FastAPI's."""
    found = []
    for line in problems:
        path, _, words = line.partition(": ")
        if words and _FIELD_PATH.match(path):
            found.append({"field": path, "problem": words})
        else:
            found.append({"field": "lead", "problem": line})
    return found


def unparsable(error: HTTPException) -> str | None:
    """What to say of a body that could not even be read as JSON text; None for any other HTTP error."""
    # FastAPI answers a body json.loads cannot even read with a bare "error parsing the body".
    cause = error.__cause__
    if error.status_code != 400:
        return None
    if isinstance(cause, UnicodeDecodeError):
        return f"body is not valid JSON: not UTF-8 text ({cause.reason} at byte {cause.start})"
    if isinstance(cause, RecursionError):
        return "body is not valid JSON: nested too deeply"
    return None


def problem(status_code: int, detail: str) -> JSONResponse:
    """An error answer in the service's one shape: {"detail": words}."""
    return JSONResponse({"detail": detail}, status_code=status_code)


def champion_unloaded(error: ChampionUnloaded, poll_seconds: float) -> JSONResponse:
    """503 for a change refused while the champion fails to load; retried after the holder's next try."""
    detail = (
        f"the champion model does not load, and this change would decide {plural(error.leads, 'stored lead')} "
        "again without it: nothing was stored; retry once the model registry answers (GET /readyz says why "
        "the model does not load)"
    )
    headers = {"Retry-After": str(max(1, math.ceil(poll_seconds)))}  # the model is loaded again no sooner
    return JSONResponse({"detail": detail}, status_code=503, headers=headers)
