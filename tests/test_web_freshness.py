"""The web read caches turn over on writes that add no document (schema version 10's write
counter): every write transaction of the store bumps it, so the database generation the
caches are keyed by changes when incidents are rebuilt, stories updated or articles removed,
not only when an article arrives. The store's counter on SQLite and PostgreSQL, an older
database migrating, and a live server on 127.0.0.1 showing such changes without a restart."""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_incidents_store import article, db  # noqa: F401  (db: the sqlite/postgres fixture)
from test_web_data import LiveServer

import marsad
from marsad.store.incidents_sql import clear, fuse_pending
from marsad.store.reads.facets import generation
from marsad.store.schema import SCHEMA_VERSION
from marsad.store.watch_state import WatchState
from marsad.web import ServeSettings, create_app

TOTAL = re.compile(r'id="incidents-total">(\d+)<')
STORIES = re.compile(r'id="stories-total"><strong>(\d+)<')


def _articles() -> list[Any]:
    """Two incidents: a strike on Najran told by two papers, a protest in Aleppo."""
    return [article("okaz", "2015-07-25", "نجران", date="2015-07-24", fatalities=3),
            article("sabq", "2015-07-25", "نجران", date="2015-07-24", fatalities=4),
            article("alhayat", "2015-09-01", "حلب", date="2015-08-31", type_="PROTEST", trigger="تظاهر")]


def _counter(store: Any) -> int:
    return int(store.fetchall("SELECT n FROM write_counter WHERE id = 1")[0]["n"])


# -- the store ------------------------------------------------------------------------------------
def test_every_write_transaction_moves_the_generation(db) -> None:  # noqa: F811
    with marsad.open(db) as store:
        g0 = generation(store)
        store.add(_articles())
        g1 = generation(store)
        assert g1[0] == g0[0] + 3 and g1[1] > g0[1]
        # an incidents rebuild's first step: no document added or removed, the generation moves
        with store.transaction() as tx:
            clear(tx)
        g2 = generation(store)
        assert g2[0] == g1[0] and g2 != g1
        assert fuse_pending(store).articles == 3
        g3 = generation(store)
        assert g3[0] == g1[0] and g3 not in (g1, g2)
        # a transaction that fails changes nothing, its bump included
        with pytest.raises(RuntimeError), store.transaction() as tx:
            tx.execute("DELETE FROM incidents")
            raise RuntimeError("stop")
        assert generation(store) == g3 and store.count_incidents() == 2
        # the feed watcher's bookkeeping is shown by no page: it leaves the caches alone
        WatchState(store).add_feeds([("https://x.test/rss", "x")])
        assert generation(store) == g3
        # a reader sees what the writer committed
        with marsad.open(db, readonly=True) as ro:
            assert generation(ro) == g3


def _make_version_9(url: str) -> None:
    """Drop what version 10 added, as a database written by the previous marsad."""
    drops = ["DROP TABLE write_counter", "UPDATE meta SET value = '9' WHERE key = 'schema_version'"]
    if url.startswith("postgresql"):
        import psycopg

        with psycopg.connect(url, autocommit=True) as pg:
            for stmt in drops:
                pg.execute(stmt)
    else:
        conn = sqlite3.connect(url)
        with conn:
            for stmt in drops:
                conn.execute(stmt)
        conn.close()


def test_a_version_9_database_migrates(db) -> None:  # noqa: F811
    with marsad.open(db) as store:
        store.add(_articles()[:1])
    _make_version_9(db)
    with pytest.raises(marsad.StoreError, match="schema version 9"):
        marsad.open(db, readonly=True)  # a reader does not migrate: it says how to
    with marsad.open(db) as store:
        assert store.schema_version() == SCHEMA_VERSION == 10
        assert _counter(store) == 0 and generation(store) == (1, 0)
        store.add(_articles()[1:2])
        assert generation(store) == (2, 1)
    with marsad.open(db) as store:  # opening again migrates nothing and keeps the count
        assert generation(store) == (2, 1)


# -- a live server ---------------------------------------------------------------------------------
def _until(fetch: Callable[[], str], pattern: re.Pattern[str], want: str) -> str:
    """The page once ``pattern`` reads ``want`` on it. The server re-reads the generation at
    most once a second; the patience here is far beyond that and far below the caches' time
    to live (300 s), so only a generation that moved can end the wait."""
    deadline = time.monotonic() + 30
    while True:
        page = fetch()
        m = pattern.search(page)
        if m and m.group(1) == want:
            return page
        if time.monotonic() > deadline:
            raise AssertionError(f"the page still reads {m.group(1) if m else None!r}, not {want!r}")
        time.sleep(0.2)


@pytest.fixture
def site(tmp_path: Path):
    path = tmp_path / "fresh.db"
    with marsad.open(path) as store:
        store.add(_articles())
    with LiveServer(create_app(ServeSettings(db=str(path), cache_seconds=300))) as srv, \
            httpx.Client(base_url=srv.url, timeout=30) as http:
        yield path, http


def test_the_pages_show_writes_that_add_no_document(site) -> None:
    path, http = site

    def get(url: str) -> Callable[[], str]:
        def fetch() -> str:
            r = http.get(url)
            assert r.status_code == 200, (url, r.status_code, r.text[:300])
            return r.text
        return fetch

    docs = http.get("/api/health").json()["documents"]
    assert TOTAL.search(get("/incidents")())[1] == "2"
    assert STORIES.search(get("/stories?singles=1")())[1] == "0"
    # `marsad incidents --rebuild` from another process: first the incidents are forgotten ...
    with marsad.open(path) as store:
        with store.transaction() as tx:
            clear(tx)
        assert _until(get("/incidents"), TOTAL, "0")
        # ... then every article is fused again
        assert fuse_pending(store).articles == 3
    assert _until(get("/incidents"), TOTAL, "2")
    # a story update (the story stage, `marsad stories`) through the store
    with marsad.open(path) as store, store.transaction() as tx:
        tx.execute("UPDATE documents SET story_id = 'story-najran' WHERE source IN ('okaz', 'sabq')")
    page = _until(get("/stories"), STORIES, "1")
    assert 'href="/story/story-najran"' in page
    assert http.get("/api/health").json()["documents"] == docs  # no document came or went
