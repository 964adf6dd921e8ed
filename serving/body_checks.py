"""What the service checks of a request body before a route reads it: its size, its media type, and that no
key is written twice (plain JSON parsing would keep the last value without a word)."""

from __future__ import annotations

from fastapi import HTTPException
from fastapi.responses import JSONResponse

from leadgate.features.json_text import repeated_keys, repeated_words


class BodyChecks:
    """Pure ASGI middleware: 413 for a body over the limit, whether or not Content-Length is sent; 415 for a
    body sent as another media type than JSON (the API's only one), before anything reads it; 422 naming each
    key written twice in one object, as the route reads the body."""

    def __init__(self, app, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers", []))
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            return await _answer(send, 413, f"request body over {self.max_bytes} bytes")
        media = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        sent = declared not in (None, b"0") or b"transfer-encoding" in headers
        if sent and not _json(media):
            # FastAPI reads a body as JSON only when it says so: text/plain, a form or no Content-Type at all got
            # "Input should be a valid dictionary", no word on the cause.
            shown = f"sent as {media.decode('latin-1')}" if media else "sent without a Content-Type"
            return await _answer(
                send, 415, f"the body is {shown}: send JSON with Content-Type: application/json"
            )
        seen = 0
        parts: list[bytes] = []

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    # FastAPI turns other errors raised while reading the body into 400; this one it keeps.
                    raise HTTPException(413, f"request body over {self.max_bytes} bytes")
                parts.append(message.get("body", b""))
                if not message.get("more_body", False):
                    _refuse_repeated_keys(b"".join(parts))
            return message

        await self.app(scope, counted, send)


def _refuse_repeated_keys(body: bytes) -> None:
    # The unknown fields of a typo are refused, so a key written twice (a merge, a template) is too: the last
    # value would win silently. Read as the route reads the body, so only a route that reads one answers this.
    repeated = repeated_keys(body) if body else []
    if repeated:
        detail = [
            {
                "field": path,
                "problem": repeated_words(path.rpartition(".")[2], times),
                "type": "json_repeated_key",
            }
            for path, times in repeated
        ]
        raise HTTPException(422, detail)


async def _answer(send, status: int, detail: str) -> None:
    response = JSONResponse({"detail": detail}, status_code=status)
    await send({"type": "http.response.start", "status": status, "headers": response.raw_headers})
    await send({"type": "http.response.body", "body": response.body})


def _json(media: bytes) -> bool:
    """application/json, or a JSON-based type (application/problem+json)."""
    return media == b"application/json" or (media.startswith(b"application/") and media.endswith(b"+json"))
