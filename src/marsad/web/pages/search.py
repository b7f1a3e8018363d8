"""The search page: query box (the search syntax), facets with counts, highlighted
snippets, duplicate copies collapsed, pagination."""

from __future__ import annotations

import re
from typing import Any

from fastapi import Query, Request
from fastapi.responses import HTMLResponse

from marsad.errors import QueryError
from marsad.store.event_filters import check_date
from marsad.web.highlight import snippet_pieces
from marsad.web.pages.common import pager, state
from marsad.web.render import page, url_with
from marsad.web.searching import search

PAGE_SIZE = 20


def effective_query(q: str, date_from: str | None, date_to: str | None) -> str:
    """The box's query plus the date fields as from:/to: filters."""
    parts = [q.strip()] if q and q.strip() else []
    if date_from:
        parts.append(f"from:{check_date('from', date_from)}")
    if date_to:
        parts.append(f"to:{check_date('to', date_to, end=True)}")
    return " ".join(parts)


def _token(field: str, value: str) -> str:
    return f'{field}:"{value}"' if re.search(r"\s", value) else f"{field}:{value}"


def toggle(q: str, field: str, value: str) -> tuple[str, bool]:
    """``q`` with the filter ``field:value`` added, or removed when already there."""
    tokens = {_token(field, value), f'{field}:"{value}"', f"{field}:{value}"}
    words = q.split()
    present = any(w in tokens for w in words) or _token(field, value) in q
    if present:
        out = q
        for t in sorted(tokens, key=len, reverse=True):
            out = out.replace(t, " ")
        return " ".join(out.split()), True
    return (q.strip() + " " + _token(field, value)).strip(), False


def facet_links(request: Request, q: str,
                facets: dict[str, list[dict[str, Any]]] | None) -> dict[str, list[dict[str, Any]]]:
    """The facet rows as links (none when the search gave no facets)."""
    facets = facets or {}
    out: dict[str, list[dict[str, Any]]] = {}
    for name, rows in facets.items():
        if name == "month":
            continue
        items = []
        for r in rows:
            value = str(r["value"])
            if '"' in value:
                continue  # cannot be written as a filter value
            new_q, active = toggle(q, name, value)
            items.append({
                "value": value, "n": int(r["n"]), "active": active,
                "href": url_with(request, "/", q=new_q, all=request.query_params.get("all"),
                                 **{"from": request.query_params.get("from"), "to": request.query_params.get("to")}),
                "name_ar": r.get("name_ar"), "name_en": r.get("name_en"), "etype": r.get("type"),
            })
        out[name] = items
    months = []
    for r in facets.get("month", []):
        v = str(r["value"] or "")
        if re.fullmatch(r"\d{4}-\d{2}", v):
            months.append({
                "value": v, "n": int(r["n"]),
                "href": url_with(request, "/", q=q, all=request.query_params.get("all"),
                                 **{"from": v, "to": v}),
            })
    out["month"] = months
    return out


def undated_links(request: Request, q: str) -> dict[str, str]:
    """Links that ask for the undated articles a date range left out: beside the dated
    ones (undated:yes) or alone (undated:only)."""
    p = request.query_params
    base = " ".join(w for w in q.split() if not w.lower().startswith("undated:"))
    return {
        mode: url_with(request, "/", q=f"{base} undated:{mode}".strip(), all=p.get("all"),
                       **{"from": p.get("from"), "to": p.get("to")})
        for mode in ("yes", "only")
    }


def search_page(
    request: Request,
    q: str = Query("", max_length=2000),
    page_: int = Query(1, alias="page", ge=1, le=10000),
    all_: int = Query(0, alias="all", ge=0, le=1),
) -> HTMLResponse:
    st = state(request)
    date_from = request.query_params.get("from") or None
    date_to = request.query_params.get("to") or None
    collapse = not all_
    ctx: dict[str, Any] = {
        "q": q, "date_from": date_from or "", "date_to": date_to or "", "collapse": collapse,
        "results": None, "hits": [], "facets": {}, "error": None, "fix": None, "pg": None,
        "title": "",
    }
    try:
        query_text = effective_query(q, date_from, date_to)
        size = st.settings.page_size
        res, facets = search(st, query_text, limit=size, offset=(page_ - 1) * size,
                             collapse=collapse, facets=True)
        pg = pager(res.total, page_, size)
        if pg["offset"] != res.offset:  # past the last page: show the last one
            res, facets = search(st, query_text, limit=size, offset=pg["offset"], collapse=collapse,
                                 facets=True)
    except QueryError as exc:
        ctx.update(error=str(exc), fix=exc.fix)
        return page(request, "search.html", status=400, **ctx)
    hits = [{"hit": h, "pieces": snippet_pieces(h.snippet, h.highlights)} for h in res.hits]
    ctx.update(
        results=res, hits=hits, pg=pg, facets=facet_links(request, q, facets),
        title=q or "", undated_links=undated_links(request, q),
    )
    return page(request, "search.html", **ctx)
