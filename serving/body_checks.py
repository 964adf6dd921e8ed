"""What the service checks of a request body before a route reads it: its size, its coding and media type, and
that no key is written twice (plain JSON parsing would keep the last value without a word)."""

from __future__ import annotations

from fastapi import HTTPException
from fastapi.responses import JSONResponse

from leadgate.features.json_text import repeated_keys, repeated_words


class BodyChecks:
    """Pure ASGI middleware: 413 for a body over the limit, whether or not Content-Length is sent; 415 for a
    body sent compressed (Content-Encoding) or as another media type than JSON (the API's only one), before
    anything reads it; 422 naming each key written twice in one object, as the route reads the body."""

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
        coded = _codings(scope["headers"])
        if sent and coded:
            # Nothing inflates a body here: a gzip body was read as JSON text ("not UTF-8 text") and a plain
            # one labelled gzip taken as it was. RFC 9110 15.5.16: 415, and Accept-Encoding says what is.
            return await _answer(
                send,
                415,
                f"the body is sent with Content-Encoding: {coded}: compressed bodies are not accepted; "
                "send the JSON uncompressed, without a Content-Encoding header",
                headers={"Accept-Encoding": "identity"},
            )
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


def _codings(raw_headers) -> str:
    """The body's content codings but identity, as sent ('gzip', 'deflate, br'); '' for none."""
    given = b",".join(value for name, value in raw_headers if name.lower() == b"content-encoding")
    codings = [part.strip() for part in given.decode("latin-1").split(",")]
    return ", ".join(coding for coding in codings if coding and coding.lower() != "identity")[:100]


async def _answer(send, status: int, detail: str, headers: dict | None = None) -> None:
    response = JSONResponse({"detail": detail}, status_code=status, headers=headers)
    await send({"type": "http.response.start", "status": status, "headers": response.raw_headers})
    await send({"type": "http.response.body", "body": response.body})


def _json(media: bytes) -> bool:
    """application/json, or a JSON-based type (application/problem+json)."""
    return media == b"application/json" or (media.startswith(b"application/") and media.endswith(b"+json"))
