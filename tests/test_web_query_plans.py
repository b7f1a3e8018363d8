"""The queries behind one article, one entity, a filtered event list and a page of search
results reach their rows through an index, never by scanning a whole table: on a
30,000-article database a scan is what turns a 5 ms page into a 100 ms one. The SQL is
what SQLite itself reports running (its trace callback), asked for its query plan."""

from __future__ import annotations

import re
import sqlite3

import pytest

import marsad
from marsad.store import event_filters
from marsad.store.query import parse_query
from marsad.store.reads.entities import entity_documents, entity_timeline, get_entity
from marsad.store.reads.events import count_events, list_events
from marsad.store.reads.facets import load_meta
from marsad.store.reads.search import page_hits, rank_matches
from marsad.web.pages.article import article_data

pytest_plugins = ("test_web_data",)  # the shared hand-made database

# a plan step reading a whole table (or a whole index) of the database: not the full-text
# index, not a subquery's own result, not a constant row
_FULL_SCAN = re.compile(r"^SCAN (?!CONSTANT ROW)(?!\w+ VIRTUAL TABLE)(?!\(subquery)(?!k\b)(\w+)")


def _scans(path, run, setup=lambda s: None) -> list[tuple[str, str]]:
    """(statement, plan step) of every full scan in the statements ``run(store, setup(store))``
    makes (``setup``'s own are not traced)."""
    with marsad.open(path, readonly=True) as store:
        seen: list[str] = []
        before = setup(store)
        store.conn.set_trace_callback(seen.append)
        run(store, before)
        store.conn.set_trace_callback(None)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    out = []
    try:
        for sql in seen:
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")) or "'main'." in sql:
                continue  # not a read, or FTS5 reading its own shadow tables
            for row in conn.execute("EXPLAIN QUERY PLAN " + sql):
                if _FULL_SCAN.match(row[3]):
                    out.append((sql[:160], row[3]))
    finally:
        conn.close()
    assert seen, "no statement was traced"
    return out


def test_article_page_reads_by_index(web_db) -> None:
    doc = web_db["ids"]["aleppo"]
    assert _scans(web_db["path"], lambda s, _: article_data(s, doc)) == []


def test_entity_page_reads_by_index(web_db) -> None:
    def run(s, _) -> None:
        get_entity(s, "Q41183")
        entity_documents(s, "Q41183", limit=20)
        entity_timeline(s, "Q41183")

    assert _scans(web_db["path"], run) == []


@pytest.mark.parametrize("params", [{"type": "ASSAULT"}, {"country": "SY"}, {"doc": "x"}])
def test_filtered_event_lists_read_by_index(web_db, params) -> None:
    f = event_filters.event_filter(**params)

    def run(s, _) -> None:
        count_events(s, f)
        list_events(s, f, limit=50)

    assert _scans(web_db["path"], run) == []


def test_a_search_page_reads_by_index(web_db) -> None:
    q = parse_query("حلب")

    def run(s, meta) -> None:
        ranked = rank_matches(s, q, meta)
        page_hits(s, q, ranked.ids[:20], ranked.ranks[:20], ranked.copies[:20])

    def tables(s):  # read whole, once per database generation, not per request: the
        meta = load_meta(s)  # metadata table and the search's arrays (places by rowid)
        rank_matches(s, q, meta)
        return meta

    assert _scans(web_db["path"], run, setup=tables) == []
