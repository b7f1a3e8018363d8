"""The store's read side: reads with a time limit (SQLite's progress handler, PostgreSQL's
statement_timeout) answered by the web as a 503, and the one migration list (the feed
watcher's tables, once created by the watcher itself, are schema version 7), on real
database files and a real PostgreSQL server."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from fastapi import Request
from pg_server import require

import marsad
from marsad.errors import QueryTimeout
from marsad.store import open_store
from marsad.store.schema import MIGRATIONS, SCHEMA_VERSION

LOCAL = "http://127.0.0.1"
# a query that runs for minutes unless stopped: a billion-row recursive count
SLOW = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) "
        "SELECT COUNT(*) AS n FROM c")

# the watcher's own DDL as it created it before schema version 7 (copied, not imported:
# this is the old database a user has on disk)
OLD_WATCH_DDL = [
    """CREATE TABLE IF NOT EXISTS watch_feeds (url TEXT PRIMARY KEY, name TEXT, etag TEXT,
        last_modified TEXT, last_status INTEGER, last_polled TEXT, next_poll TEXT,
        failures INTEGER NOT NULL DEFAULT 0, last_error TEXT)""",
    """CREATE TABLE IF NOT EXISTS watch_items (feed_url TEXT NOT NULL, item_key TEXT NOT NULL,
        seq INTEGER NOT NULL, link TEXT, entry TEXT NOT NULL, state TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0, doc_id TEXT, error TEXT, first_seen TEXT NOT NULL,
        updated TEXT NOT NULL, PRIMARY KEY (feed_url, item_key))""",
    "CREATE INDEX IF NOT EXISTS watch_items_state ON watch_items(state, first_seen)",
    "CREATE INDEX IF NOT EXISTS watch_items_link ON watch_items(link)",
    "INSERT INTO meta(key, value) VALUES ('watch_state_version', '1')",
]


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "m.db"
    open_store(path).close()  # created and migrated
    return path


# -- reads with a time limit -----------------------------------------------------------------
def test_sqlite_reader_stops_a_slow_query_and_stays_usable(db: Path) -> None:
    with open_store(db, readonly=True, timeout=0.2) as s:
        with pytest.raises(QueryTimeout, match="limit"):
            s.fetchall(SLOW)
        with pytest.raises(QueryTimeout):
            list(s.iter_rows(SLOW))
        assert s.fetchall("SELECT COUNT(*) AS n FROM documents")[0]["n"] == 0  # still usable
        assert s.search("سوريا").total == 0


def test_sqlite_limit_is_per_query_not_per_connection(db: Path) -> None:
    """Many quick reads one after another never add up to the limit."""
    with open_store(db, readonly=True, timeout=0.05) as s:
        for _ in range(300):
            s.fetchall("SELECT COUNT(*) AS n FROM documents")


def test_a_store_without_a_limit_is_not_stopped(db: Path) -> None:
    with open_store(db, readonly=True) as s:
        assert s.fetchall("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                          "WHERE x < 20000) SELECT COUNT(*) AS n FROM c")[0]["n"] == 20000


@pytest.mark.postgres
def test_postgres_reader_stops_a_slow_query(request) -> None:
    server = require(request, "pg_server")
    url = server.database()
    try:
        open_store(url).close()
        with open_store(url, readonly=True, timeout=0.2) as s:
            with pytest.raises(QueryTimeout):
                s.fetchall(SLOW)
            with pytest.raises(QueryTimeout):
                list(s.iter_rows(SLOW))
            assert s.fetchall("SELECT COUNT(*) AS n FROM documents")[0]["n"] == 0
    finally:
        server.drop(url)


def test_web_answers_a_stopped_query_with_503(db: Path) -> None:
    from fastapi.testclient import TestClient

    from marsad.web import ServeSettings, create_app

    app = create_app(ServeSettings(db=str(db), read_timeout=0.2))

    @app.get("/api/slow-test")
    def slow(request: Request) -> dict:  # a read through the server's own reader
        return {"n": request.app.state.marsad.reader().fetchall(SLOW)[0]["n"]}

    @app.get("/slow-test")
    def slow_page(request: Request) -> dict:
        return slow(request)

    with TestClient(app, base_url=LOCAL) as c:
        r = c.get("/api/slow-test")
        assert r.status_code == 503
        err = r.json()["error"]
        assert err["code"] == "query_timeout" and "limit" in err["message"] and err["fix"]
        page = c.get("/slow-test")
        assert page.status_code == 503 and "text/html" in page.headers["content-type"]
        assert c.get("/api/health").status_code == 200  # the reader goes on serving


def test_serve_settings_refuse_a_non_positive_limit(db: Path) -> None:
    from marsad.web import ServeSettings

    with pytest.raises(marsad.InputError):
        ServeSettings(db=str(db), read_timeout=0)


# -- all DDL in the migrations -----------------------------------------------------------------
def _v6_sqlite(path: Path, *, watcher: bool) -> None:
    """A database as marsad wrote it at schema version 6 (with the watcher's own tables)."""
    from marsad.store.sqlite import _FTS

    conn = sqlite3.connect(path)
    for v in range(1, 7):
        for stmt in MIGRATIONS[v]:
            conn.execute(stmt)
        if v == 1:
            for stmt in _FTS:
                conn.execute(stmt)
    conn.execute("INSERT INTO meta VALUES ('schema_version', '6')")
    if watcher:
        for stmt in OLD_WATCH_DDL:
            conn.execute(stmt)
        conn.execute("INSERT INTO watch_feeds (url, name, failures) VALUES ('https://x.test/rss', 'x', 2)")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("watcher", [True, False])
def test_a_version_6_database_migrates(tmp_path: Path, watcher: bool) -> None:
    from marsad.store.watch_state import WatchState

    path = tmp_path / "v6.db"
    _v6_sqlite(path, watcher=watcher)
    with pytest.raises(marsad.StoreError, match="schema version 6"):
        open_store(path, readonly=True)  # a reader does not migrate: it says how to
    with open_store(path) as s:
        assert s.schema_version() == SCHEMA_VERSION >= 9
        assert not s.fetchall("SELECT value FROM meta WHERE key = 'watch_state_version'")
        state = WatchState(s)
        feeds = state.feeds()
        assert [(f.url, f.failures) for f in feeds] == ([("https://x.test/rss", 2)] if watcher else [])
        state.add_feeds([("https://y.test/rss", "y")])
        assert {f.url for f in state.feeds()} >= {"https://y.test/rss"}
    with open_store(path, readonly=True) as s:  # and readers open it now
        assert s.schema_version() == SCHEMA_VERSION


def test_no_ddl_outside_the_migrations() -> None:
    """CREATE statements live in marsad.store.schema (and the backends' full-text index,
    which the same migration runs)."""
    import re

    root = Path(marsad.__file__).parent / "store"
    allowed = {"schema.py", "sqlite.py", "postgres.py"}
    offenders = [p.name for p in root.rglob("*.py") if p.name not in allowed
                 and re.search(r"\bCREATE\s+(TABLE|INDEX|VIRTUAL|UNIQUE)", p.read_text())]
    assert offenders == []


@pytest.mark.postgres
def test_a_version_6_postgres_database_migrates(request) -> None:
    import psycopg

    from marsad.store.postgres import _FTS, _REAL
    from marsad.store.watch_state import WatchState

    server = require(request, "pg_server")
    url = server.database()
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            for v in range(1, 7):
                for stmt in MIGRATIONS[v]:
                    conn.execute(_REAL.sub("DOUBLE PRECISION", stmt))
                if v == 1:
                    for stmt in _FTS:
                        conn.execute(stmt)
            conn.execute("INSERT INTO meta VALUES ('schema_version', '6')")
            for stmt in OLD_WATCH_DDL:
                conn.execute(stmt)
            conn.execute("INSERT INTO watch_feeds (url, name, failures) VALUES ('https://x.test/rss', 'x', 2)")
        with open_store(url) as s:
            assert s.schema_version() == SCHEMA_VERSION
            assert [f.url for f in WatchState(s).feeds()] == ["https://x.test/rss"]
            assert not s.fetchall("SELECT value FROM meta WHERE key = 'watch_state_version'")
    finally:
        server.drop(url)
