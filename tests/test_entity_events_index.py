"""An entity's events (source or target) are read through the events(source_entity) and
events(target_entity) indexes (migration 8), not by scanning the events table: what SQLite
reports running for the entity page's events query, asked for its plan; the same query
on PostgreSQL planned with both indexes; and an older database gains them when opened for
writing."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

import marsad
from marsad.store.reads.entities import entity_events
from marsad.store.schema import SCHEMA_VERSION

pytest_plugins = ("test_web_data",)  # the shared hand-made database

INDEXES = {"events_source_entity", "events_target_entity"}


def _traced_selects(store: Any, run: Any) -> list[str]:
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    try:
        run()
    finally:
        store.conn.set_trace_callback(None)
    return [s for s in seen if s.lstrip().upper().startswith("SELECT") and "FROM events" in s]


def test_entity_events_are_read_by_index_on_sqlite(web_db) -> None:
    path = web_db["path"]
    with marsad.open(path, readonly=True) as store:
        rows = None

        def run() -> None:
            nonlocal rows
            rows = entity_events(store, "Q41183", limit=20)

        [sql] = _traced_selects(store, run)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        plan = [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql)]
    finally:
        conn.close()
    assert not [p for p in plan if p.startswith("SCAN e")], plan  # no scan of the events table
    used = {name for p in plan for name in INDEXES if name in p}
    assert used == INDEXES, plan
    assert isinstance(rows, list)


def test_an_older_database_gains_the_indexes(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    marsad.open(db).close()
    conn = sqlite3.connect(db)
    with conn:
        for name in INDEXES:
            conn.execute(f"DROP INDEX {name}")
        for table, column in (("incidents", "place_ar"), ("incident_reports", "place_ar"),
                              ("incident_reports", "text_start")):  # what version 9 added
            conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        conn.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    conn.close()
    with marsad.open(db) as store:
        assert store.schema_version() == SCHEMA_VERSION >= 9
    conn = sqlite3.connect(db)
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    finally:
        conn.close()
    assert INDEXES <= names


@pytest.mark.postgres
def test_entity_events_can_use_the_indexes_on_postgres(request) -> None:
    import psycopg
    from pg_server import require

    from marsad.store.postgres import translate

    pg = str(require(request, "pg_url"))
    with marsad.open(pg) as store:
        seen: list[tuple[str, tuple[Any, ...]]] = []
        real = store.fetchall

        def spy(sql: str, args: Any = ()) -> list[dict[str, Any]]:
            seen.append((sql, tuple(args)))
            return real(sql, args)

        store.fetchall = spy  # type: ignore[method-assign]
        entity_events(store, "Q41183", limit=20)
    [(sql, args)] = [(s, a) for s, a in seen if "FROM events" in s]
    with psycopg.connect(pg) as conn:
        names = {r[0] for r in conn.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'events'")}
        assert INDEXES <= names
        conn.execute("SET enable_seqscan = off")  # an empty table: ask whether the indexes serve
        plan = "\n".join(r[0] for r in conn.execute("EXPLAIN " + translate(sql), args))
    assert all(name in plan for name in INDEXES), plan
