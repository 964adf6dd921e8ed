"""Query strings as the API reads them: only the parameters a route declares, each once; anything else is refused."""

from __future__ import annotations

import difflib

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from leadgate.serving.problems import WRITES
from leadgate.serving.server import METRICS_PATH

# Probes and the scraper read no parameter, so none can be misread; a load balancer's cache-buster or a Prometheus
# job's `params:` must not turn a healthy process into a failed probe (a restart loop) or a scrape gap.
UNCHECKED_PATHS = frozenset({"/healthz", "/readyz", METRICS_PATH})


def declared_query(route: APIRoute) -> tuple[str, ...]:
    """The query parameter names a route reads, its dependencies' included, in declaration order."""
    return tuple(dict.fromkeys(_query_names(route.dependant)))


def _query_names(dependant: Dependant) -> list[str]:
    # Dependant's own fields, not FastAPI's flattening helpers, which are private and renamed between versions.
    names = [field.alias for field in dependant.query_params]
    for dependency in dependant.dependencies:
        names += _query_names(dependency)
    return names


async def checked_query(request: Request) -> None:
    """App-wide dependency: a parameter the route does not declare, or one given twice, is a 422 naming it."""
    # Async, though it awaits nothing: a plain def would cost every request a hop to the thread pool.
    query = request.query_params
    route = request.scope.get("route")
    if not query or not isinstance(route, APIRoute) or route.path in UNCHECKED_PATHS:
        return
    declared = declared_query(route)
    operation = f"{request.method} {route.path}"
    # An unknown name given twice is told once, as unknown: sending it once would not make it a parameter.
    problems = [
        _unknown(name, declared, operation, request.method)
        if name not in declared
        else _repeated(name, query.getlist(name))
        for name in query
        if name not in declared or len(query.getlist(name)) > 1
    ]
    if problems:
        raise RequestValidationError(problems)


def _unknown(name: str, declared: tuple[str, ...], operation: str, method: str) -> dict:
    # A typo in a filter would otherwise answer the unfiltered list, and one on a write would store as if unsaid.
    takes = f"it takes {', '.join(declared)}" if declared else "it takes no query parameter"
    close = difflib.get_close_matches(name.lower(), declared, n=1)
    hint = f": did you mean {close[0]}?" if close else ""
    unstored = "; nothing was changed" if method in WRITES else ""
    return {
        "type": "unknown_parameter",
        "loc": ("query", name),
        "msg": f"{name[:60]!r} is not a parameter of {operation} ({takes}){hint}{unstored}",
        "input": name,
    }


def _repeated(name: str, values: list[str]) -> dict:
    return {
        "type": "repeated_parameter",
        "loc": ("query", name),
        "msg": f"given {len(values)} times ({', '.join(repr(value[:60]) for value in values[:5])}): {name} takes "
        "one value, and none is picked for you; send it once",
        "input": values,
    }
