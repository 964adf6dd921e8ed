"""Query strings as the API reads them: every parameter takes one value, so a repeated one is refused."""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError


def one_value_each(request: Request) -> None:
    """App-wide dependency: `?route=a&route=b` is a 422 naming `route`, never silently read as its last value."""
    query = request.query_params
    repeated = sorted({name for name in query if len(query.getlist(name)) > 1})
    if repeated:
        raise RequestValidationError(
            [
                {
                    "type": "repeated_parameter",
                    "loc": ("query", name),
                    "msg": f"given {len(query.getlist(name))} times "
                    f"({', '.join(repr(value[:60]) for value in query.getlist(name)[:5])}): {name} takes one "
                    "value, and none is picked for you; send it once",
                    "input": query.getlist(name),
                }
                for name in repeated
            ]
        )
