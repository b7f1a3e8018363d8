"""Errors carry their HTTP status; one handler turns each into JSON (under /api/) or an
HTML page — never a traceback."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from marsad.errors import InputError, MarsadError, QueryTimeout, ResourceMissing, StoreError

log = logging.getLogger("marsad.web")


class HTTPError(Exception):
    def __init__(self, status: int, message: str, *, code: str = "error", fix: str | None = None):
        self.status = status
        self.message = message
        self.code = code
        self.fix = fix
        super().__init__(message)


def not_found(what: str) -> HTTPError:
    return HTTPError(404, f"{what} not found", code="not_found")


_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
          405: "method_not_allowed", 413: "too_large", 414: "uri_too_long", 415: "unsupported_media_type",
          422: "unprocessable", 500: "internal_error", 503: "unavailable"}


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def error_response(request: Request, status: int, message: str, *, code: str | None = None,
                   fix: str | None = None, headers: dict[str, str] | None = None) -> Response:
    code = code or _CODES.get(status, "error")
    if wants_json(request):
        body = {"error": {"status": status, "code": code, "message": message}}
        if fix:
            body["error"]["fix"] = fix
        return JSONResponse(body, status_code=status, headers=headers)
    from marsad.web.render import render_error

    return render_error(request, status, message, fix=fix, headers=headers)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for e in exc.errors()[:5]:
        loc = ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "path", "body"))
        parts.append(f"{loc or 'request'}: {e.get('msg', 'invalid')}")
    return "bad parameter — " + "; ".join(parts)


def install(app: FastAPI) -> None:
    @app.exception_handler(HTTPError)
    async def _http_error(request: Request, exc: HTTPError) -> Response:
        return error_response(request, exc.status, exc.message, code=exc.code, fix=exc.fix)

    @app.exception_handler(QueryTimeout)
    async def _timeout(request: Request, exc: QueryTimeout) -> Response:
        # a read stopped at the readers' time limit: the server's limit, not a bad request
        log.warning("query time limit on %s", request.url.path)
        return error_response(request, 503, str(exc),
                              code="query_timeout", fix=exc.fix)

    @app.exception_handler(InputError)
    async def _input_error(request: Request, exc: InputError) -> Response:
        # QueryError is an InputError: a query or parameter the user can fix
        return error_response(request, 400, str(exc), code="bad_parameter", fix=exc.fix)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        return error_response(request, 400, _validation_message(exc), code="bad_parameter")

    @app.exception_handler(StarletteHTTPException)
    async def _starlette(request: Request, exc: StarletteHTTPException) -> Response:
        msg = exc.detail if isinstance(exc.detail, str) else _CODES.get(exc.status_code, "error")
        return error_response(request, exc.status_code, msg, headers=getattr(exc, "headers", None))

    @app.exception_handler(StoreError)
    async def _store(request: Request, exc: StoreError) -> Response:
        log.warning("store error on %s: %s", request.url.path, exc)
        return error_response(request, 503, "the database is not available right now", code="unavailable")

    @app.exception_handler(ResourceMissing)
    async def _missing(request: Request, exc: ResourceMissing) -> Response:
        return error_response(request, 503, str(exc), code="unavailable", fix=exc.fix)

    @app.exception_handler(MarsadError)
    async def _marsad(request: Request, exc: MarsadError) -> Response:
        log.warning("error on %s: %s", request.url.path, exc)
        return error_response(request, 500, "the request could not be completed", code="internal_error")

    @app.exception_handler(Exception)
    async def _any(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        return error_response(request, 500, "internal error", code="internal_error")


def html_or_json_404(request: Request) -> Response:
    return error_response(request, 404, "not found")


__all__ = ["HTMLResponse", "HTTPError", "error_response", "install", "not_found"]
