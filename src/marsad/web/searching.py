"""Search for the web: the store's syntax and results, computed for speed.

Matches come from the full-text index as (id, rank) only; ordering, duplicate folding and
the facets use in-memory tables (document metadata for topic/source/month, each
document's entities and events for the others); full rows are read for the page shown. The ordered match list is cached per query, so the next page is
nearly free. Results are the same as ``store.search`` (a test compares them), including
the count of undated articles a from:/to: left out.
"""

from __future__ import annotations

from typing import Any

from marsad.store import views
from marsad.store.base import SearchResults
from marsad.store.query import parse_query
from marsad.web.state import ServerState

# above this many documents the metadata table (~150 bytes a document) is not kept in
# memory and search runs in SQL only
MAX_META_DOCS = 1_000_000


def search(state: ServerState, query_text: str, *, limit: int, offset: int, collapse: bool = True,
           facets: bool = False) -> tuple[SearchResults, dict[str, Any] | None]:
    q = parse_query(query_text)
    views.check_page(limit, offset, max_limit=1000)
    store = state.reader()
    if state.generation()[0] > MAX_META_DOCS:  # too many for the in-memory table: SQL only
        res = store.search(q, limit=limit, offset=offset, collapse=collapse)
        f = state.cached(("facets", query_text), lambda: views.search_facets(store, q),
                         bucket="facets") if facets else None
        return res, f
    meta = state.meta()
    ranked = state.cached(("ranked", query_text, collapse),
                          lambda: views.rank_matches(store, q, meta, collapse=collapse), bucket="ranked")
    hits = state.cached(("page", query_text, collapse, limit, offset),
                        lambda: views.page_hits(store, q, ranked, limit=limit, offset=offset), bucket="pages")
    undated = state.cached(("undated", query_text, collapse),
                           lambda: views.undated_left_out(store, q, ranked, meta, collapse=collapse),
                           bucket="ranked")
    res = SearchResults(q.raw, len(ranked.ids), hits, offset=offset, limit=limit, undated=undated)
    f = None
    if facets:
        def compute() -> dict[str, Any]:
            out = views.meta_facets(ranked.matched, meta)
            everything = not q.has_text and not q.filters
            counts = views.index_facets(None if everything else ranked.matched, state.facet_index(), q=q)
            out.update(views.name_entity_facet(store, counts))
            return out

        f = state.cached(("facets", query_text), compute, bucket="facets")
    return res, f
