"""Search for the web: the one search (:func:`marsad.store.reads.search.search`) with the
server's in-memory tables and caches, so pages and the JSON API answer what the CLI and
``Store.search`` answer, faster."""

from __future__ import annotations

from typing import Any

from marsad.store.base import SearchResults
from marsad.store.reads import search as reads_search
from marsad.web.state import ServerState


def search(state: ServerState, query_text: str, *, limit: int, offset: int, collapse: bool = True,
           facets: bool = False) -> tuple[SearchResults, dict[str, Any] | None]:
    found = reads_search.search(state.reader(), query_text, limit=limit, offset=offset, collapse=collapse,
                                facets=facets, tables=state.search_tables(), cache=state.cached)
    return found.results, found.facets
