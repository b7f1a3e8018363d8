"""One Store interface, backends chosen by the database address:
a file path → SQLite (the default, ``marsad.db``), ``postgresql://…`` → PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from marsad.errors import StoreError
from marsad.store.base import SearchHit, SearchResults, Store, WriteResult
from marsad.store.query import Query, parse_query

DEFAULT_DB = "marsad.db"

__all__ = [
    "DEFAULT_DB",
    "Query",
    "SearchHit",
    "SearchResults",
    "Store",
    "WriteResult",
    "open_store",
    "parse_query",
]


def open_store(db: str | Path | None = None, *, readonly: bool = False,
               timeout: float | None = None) -> Store:
    """``timeout``: seconds a read query may run before it is stopped with QueryTimeout
    (None: no limit)."""
    target = str(db) if db else DEFAULT_DB
    if target.startswith(("postgresql://", "postgres://")):
        try:
            from marsad.store.postgres import PostgresStore
        except ImportError as exc:
            raise StoreError(f"PostgreSQL backend unavailable: {exc}") from None
        return PostgresStore(target, readonly=readonly, timeout=timeout)
    from marsad.store.sqlite import SQLiteStore

    return SQLiteStore(target, readonly=readonly, timeout=timeout)
