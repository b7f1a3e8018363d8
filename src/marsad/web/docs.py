"""The API documentation page, offline: Swagger UI from the vendored files, started by a
static script (no inline script, so the Content-Security-Policy holds); and the per-type
colour stylesheet."""

from __future__ import annotations

from functools import lru_cache

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from marsad.web.palette import stylesheet
from marsad.web.render import page


def docs_page(request: Request) -> HTMLResponse:
    return page(request, "docs.html", title="API")


@lru_cache(maxsize=1)
def _css() -> str:
    return stylesheet()


def types_css() -> Response:
    return Response(_css(), media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})
