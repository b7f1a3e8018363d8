"""The web app factory: FastAPI with the routes of :mod:`marsad.web.routes`, static files,
error handlers and the security middleware."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette._utils import parse_host_header
from starlette.datastructures import Headers
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request

import marsad
from marsad.web import errors
from marsad.web.middleware import SecurityHeaders, SizeLimits
from marsad.web.pages import stories
from marsad.web.routes import ROUTES
from marsad.web.searching import search
from marsad.web.state import ServerState, ServeSettings

DESCRIPTION = """The JSON API of marsad (مرصد): search Arabic news, read analysed
articles, entities, coded events (PLOVER) and stories.

Every list takes `limit` and `offset` and answers `{total, limit, offset, next, items}`.
Errors are JSON `{"error": {status, code, message, fix?}}` with a 4xx status. Writing
(`POST /api/documents`) needs `Authorization: Bearer TOKEN` (the server's `--write-token`).
"""


def create_app(settings: ServeSettings | str) -> FastAPI:
    """The app over one database. Opens nothing until the first request, except the
    writer when a write token is set (it creates and migrates the database)."""
    if isinstance(settings, str):
        settings = ServeSettings(db=settings)
    state = ServerState(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state.start_warm(lambda: search(state, "", limit=state.settings.page_size, offset=0,
                                        collapse=True, facets=True),
                         lambda: stories.first_page(state))
        yield
        state.close()

    app = FastAPI(
        lifespan=lifespan, title="marsad API", version=marsad.__version__, description=DESCRIPTION,
        docs_url=None, redoc_url=None, openapi_url="/openapi.json",
    )
    app.state.marsad = state
    for r in ROUTES:
        app.add_api_route(
            r.path, r.endpoint, methods=list(r.methods), name=r.name or r.endpoint.__name__,
            include_in_schema=r.api, tags=[r.tag] if r.tag else None,
            response_model=None,
        )
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    static = files("marsad") / "web" / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    errors.install(app)
    app.add_middleware(SizeLimits, max_body=settings.max_body_bytes, max_url=settings.max_url_bytes)
    app.add_middleware(TrustedHost, allowed_hosts=settings.hosts())
    app.add_middleware(SecurityHeaders)

    return app


class TrustedHost(TrustedHostMiddleware):
    """Starlette's Host check (a page whose name was rebound to 127.0.0.1 sends its own
    Host: refused), answering in marsad's error shape: JSON under /api/, a page elsewhere,
    instead of Starlette's plain text."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self.allow_any or scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        parsed = parse_host_header(Headers(scope=scope).get("host"))
        host = parsed.host.lower() if parsed is not None else None
        if host is not None and any(
                host == p or (p.startswith("*") and host.endswith(p[1:])) for p in self.allowed_hosts):
            await self.app(scope, receive, send)
            return
        response = errors.error_response(
            Request(scope), 400, "this server does not answer to that Host header",
            code="bad_host", fix="ask it by the name it was started on (e.g. 127.0.0.1 or localhost)")
        await response(scope, receive, send)


ENV_DB = "MARSAD_SERVE_DB"


def app_from_env() -> FastAPI:
    """The app for a uvicorn worker process (``marsad serve --workers N``): read-only,
    over the database named in $MARSAD_SERVE_DB."""
    import os

    return create_app(ServeSettings(db=os.environ[ENV_DB]))


_ERROR_SCHEMA = {
    "type": "object",
    "properties": {"error": {"type": "object", "properties": {
        "status": {"type": "integer"}, "code": {"type": "string"},
        "message": {"type": "string"}, "fix": {"type": "string"},
    }, "required": ["status", "code", "message"]}},
}


def _openapi(app: FastAPI) -> dict:
    """FastAPI's schema with our error shape: bad parameters answer 400 (not 422)."""
    if app.openapi_schema:
        return app.openapi_schema
    from fastapi.openapi.utils import get_openapi

    schema = get_openapi(title=app.title, version=app.version, description=app.description,
                         routes=app.routes)
    ref = {"$ref": "#/components/schemas/Error"}
    for ops in schema.get("paths", {}).values():
        for op in ops.values():
            responses = op.setdefault("responses", {})
            responses.pop("422", None)
            responses["400"] = {"description": "bad parameter", "content": {"application/json": {"schema": ref}}}
            if "{" in str(op.get("operationId", "")) or any(p.get("in") == "path" for p in op.get("parameters", [])):
                responses["404"] = {"description": "not found", "content": {"application/json": {"schema": ref}}}
    comps = schema.setdefault("components", {}).setdefault("schemas", {})
    comps.pop("HTTPValidationError", None)
    comps.pop("ValidationError", None)
    comps["Error"] = _ERROR_SCHEMA
    app.openapi_schema = schema
    return schema
