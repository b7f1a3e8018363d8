"""Pure-ASGI middleware: security headers on every response, and a cap on the size of
URLs and request bodies (413/414 before the app reads a byte too many)."""

from __future__ import annotations

import json
from typing import Any

from starlette.exceptions import HTTPException

from marsad.web.safety import SECURITY_HEADERS

_HEADERS = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]


class SecurityHeaders:
    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0] not in {k for k, _ in _HEADERS}]
                message["headers"] = headers + _HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _TooLarge(HTTPException):
    """Raised while the app reads a body that grows past the cap; FastAPI passes HTTP
    exceptions through its body parser, so the error handler answers 413."""

    def __init__(self, limit: int):
        super().__init__(413, f"the request body is over {limit} bytes")


async def _reply(send: Any, status: int, code: str, message: str) -> None:
    body = json.dumps({"error": {"status": status, "code": code, "message": message}}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())] + _HEADERS})
    await send({"type": "http.response.body", "body": body})


class SizeLimits:
    def __init__(self, app: Any, *, max_body: int, max_url: int):
        self.app = app
        self.max_body = max_body
        self.max_url = max_url

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"") > self.max_url:
            await _reply(send, 414, "uri_too_long", f"the URL is longer than {self.max_url} bytes")
            return
        for k, v in scope.get("headers", []):
            if k == b"content-length":
                try:
                    n = int(v)
                except ValueError:
                    await _reply(send, 400, "bad_request", "malformed Content-Length")
                    return
                if n > self.max_body:
                    await _reply(send, 413, "too_large", f"the request body is over {self.max_body} bytes")
                    return
        seen = 0
        started = False

        async def limited_receive() -> dict:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise _TooLarge(self.max_body)
            return message

        async def tracking_send(message: dict) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _reply(send, 413, "too_large", f"the request body is over {self.max_body} bytes")
