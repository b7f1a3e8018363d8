"""Server-side pages: one Jinja environment (autoescape on for every template), the
context every page gets (language, direction, labels, helpers), and the response."""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from marsad.web import i18n
from marsad.web.palette import ENTITY_COLORS, TYPE_COLORS, type_color
from marsad.web.safety import safe_url, wikidata_url

NAV = (("search", "/"), ("events", "/events"), ("incidents", "/incidents"), ("entities", "/entities"),
       ("stories", "/stories"), ("sources", "/sources"), ("ingest", "/ingest"), ("api", "/docs"))


def templates_dir() -> str:
    return str(files("marsad") / "web" / "templates")


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates_dir()),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters["safe_url"] = safe_url
    env.filters["day"] = lambda v: (v or "")[:10]
    env.filters["num"] = lambda v: f"{int(v or 0):,}"
    env.globals["type_color"] = type_color
    env.globals["wikidata_url"] = wikidata_url
    env.globals["TYPE_COLORS"] = TYPE_COLORS
    env.globals["ENTITY_COLORS"] = ENTITY_COLORS
    env.globals["NAV"] = NAV
    return env


def lang_of(request: Request) -> str:
    return i18n.pick_lang(request.query_params.get("lang"), request.cookies.get(i18n.COOKIE))


def url_with(request: Request, path: str | None = None, **changes: Any) -> str:
    """The current URL (or ``path``) with query parameters changed; None/'' removes one."""
    params = dict(request.query_params) if path is None else {}
    params.pop("lang", None)
    for k, v in changes.items():
        k = k.rstrip("_")
        if v is None or v == "":
            params.pop(k, None)
        else:
            params[k] = str(v)
    base = request.url.path if path is None else path
    return base + ("?" + urlencode(params) if params else "")


def context(request: Request, **extra: Any) -> dict[str, Any]:
    lang = lang_of(request)
    ctx: dict[str, Any] = {
        "request_path": request.url.path,
        "lang": lang,
        "dir": "rtl" if lang == "ar" else "ltr",
        "other_lang": "en" if lang == "ar" else "ar",
        "t": lambda key: i18n.label(key, lang),
        "type_name": lambda c: i18n.type_name(c, lang),
        "status_name": lambda c: i18n.status_name(c, lang),
        "etype_name": lambda c: i18n.entity_type_name(c, lang),
        "precision_name": lambda c: i18n.precision_name(c, lang),
        "mode_name": lambda c: i18n.mode_name(c, lang),
        "topic_name": lambda c: i18n.topic_name(c, lang),
        "country_name": lambda c: i18n.country_name(c, lang),
        "url_with": lambda path=None, **kw: url_with(request, path, **kw),
        "lang_url": url_with(request) + ("&" if "?" in url_with(request) else "?") + "lang="
        + ("en" if lang == "ar" else "ar"),
        "writable": request.app.state.marsad.writable,
    }
    ctx.update(extra)
    return ctx


def page(request: Request, template: str, *, status: int = 200, headers: dict[str, str] | None = None,
         **extra: Any) -> HTMLResponse:
    html = environment().get_template(template).render(context(request, **extra))
    resp = HTMLResponse(html, status_code=status, headers=headers)
    chosen = request.query_params.get("lang")
    if chosen in i18n.LANGS and chosen != request.cookies.get(i18n.COOKIE):
        resp.set_cookie(i18n.COOKIE, chosen, max_age=365 * 86400, samesite="lax", httponly=True)
    return resp


def render_error(request: Request, status: int, message: str, *, fix: str | None = None,
                 headers: dict[str, str] | None = None) -> HTMLResponse:
    return page(request, "error.html", status=status, headers=headers, status_code=status,
                message=message, fix=fix, title=f"{status}")
