"""The web's in-memory search (:func:`marsad.store.reads.search.rank_matches`) orders and
folds near-duplicate copies exactly as the plain rule says and as the SQL search does, on
a real database of SaudiNewsNet articles (many wire copies, so folding is exercised):
result ids, their order, ranks, copy counts and totals, for a set of queries (common and
rare words, phrases, OR, negation, filters, date ranges, no words at all)."""

from __future__ import annotations

import gc
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import marsad
from marsad.analyze.pipeline import Pipeline
from marsad.data import corpus_or_skip
from marsad.store.query import parse_query
from marsad.store.reads import search as reads_search
from marsad.store.reads.facets import MetaTable, load_facet_index, load_meta
from marsad.text.segment import words

N_ARTICLES = 1200


@pytest.fixture(scope="module")
def snn_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first articles of SaudiNewsNet with their near-duplicate signatures (the only
    stage folding needs), in a real SQLite file."""
    corpus_or_skip("saudinewsnet", "articles.jsonl.gz")
    from marsad.lab.corpora import documents

    docs = [d for _, d in documents("saudinewsnet", limit=N_ARTICLES)]
    db = tmp_path_factory.mktemp("snn") / "snn.db"
    with marsad.open(db) as store:
        marsad.ingest(store, docs, pipeline=Pipeline(["signature"]), progress=False, batch_size=256)
    return db


def _queries(store: Any) -> list[str]:
    """Words of the titles (the most common and a spread of rarer ones, as the web bench
    sends them), phrases, OR, negation, filters and date ranges, and no words."""
    titles = [r["title"] for r in store.fetchall("SELECT title FROM documents ORDER BY id")]
    counts = Counter(w for t in titles for w in words(t) if len(w) >= 4 and w.isalpha())
    ranked = [w for w, _ in counts.most_common()]
    common, rare = ranked[:25], ranked[25::max(1, len(ranked) // 40)][:40]
    sources = [r["source"] for r in store.fetchall(
        "SELECT source, COUNT(*) AS n FROM documents GROUP BY source ORDER BY n DESC LIMIT 3")]
    day = store.fetchall("SELECT substr(MAX(published), 1, 10) AS d FROM documents")[0]["d"]
    a, b = common[0], common[1]
    return [
        *common, *rare, f'"{a} {b}"', f"{a} OR {b}", f"{a} -{b}", f"{a} {b}",
        *(f'{w} source:"{s}"' for w in common[:4] for s in sources),
        f"{a} from:2015-01-01", f"{b} to:{day}", f"from:{day} to:{day}", "",
        f'source:"{sources[0]}"', f"{a} undated:yes from:2015-01-01",
    ]


def _plain(store: Any, q: Any, meta: MetaTable, *, collapse: bool) -> tuple[tuple[Any, ...], ...]:
    """The rule written plainly: sort the matches by (tier, rank, newest, id) (without
    words: newest, id), keep each group's first copy and count its copies."""
    if not q.has_text and not q.filters:
        rows = [(i, 0.0, 0) for i in meta]
    else:
        sql, args = reads_search.ranked_match_sql(store, q)
        rows = [(r["id"], float(r["rank"]), int(r["tier"])) for r in store.fetchall(sql, args)]
    last = len(meta.order)
    if q.has_text:
        rows.sort(key=lambda r: (r[2], r[1], meta.order.get(r[0], last)))
    else:
        rows.sort(key=lambda r: meta.order.get(r[0], last))
    matched = tuple(r[0] for r in rows)
    if not collapse:
        return matched, tuple(r[1] for r in rows), (1,) * len(rows), matched
    out: dict[str, list[Any]] = {}
    for i, rank, _ in rows:
        m = meta.get(i)
        g = (m.dup_group if m is not None else None) or i
        if g in out:
            out[g][2] += 1
        else:
            out[g] = [i, rank, 1]
    firsts = list(out.values())
    return (tuple(f[0] for f in firsts), tuple(f[1] for f in firsts), tuple(f[2] for f in firsts), matched)


def test_the_fixture_has_folded_copies(snn_db: Path) -> None:
    with marsad.open(snn_db, readonly=True) as store:
        n = store.fetchall("SELECT COUNT(*) AS n FROM documents")[0]["n"]
        groups = store.fetchall("SELECT COUNT(DISTINCT COALESCE(dup_group, id)) AS n FROM documents")[0]["n"]
    assert n > 1000 and groups < n - 20, (n, groups)  # copies to fold


@pytest.mark.parametrize("collapse", [True, False])
def test_memory_order_is_the_plain_rule(snn_db: Path, collapse: bool) -> None:
    with marsad.open(snn_db, readonly=True) as store:
        meta = load_meta(store)
        queries = _queries(store)
        folded = 0
        for text in queries:
            q = parse_query(text)
            got = reads_search.rank_matches(store, q, meta, collapse=collapse)
            want = _plain(store, q, meta, collapse=collapse)
            assert (got.ids, got.ranks, got.copies, got.matched) == want, text
            folded += sum(c > 1 for c in got.copies)
    assert not collapse or folded > 10  # the queries meet groups of copies


@pytest.mark.parametrize("collapse", [True, False])
def test_memory_pages_equal_the_sql_pages(snn_db: Path, collapse: bool) -> None:
    """The whole search (ids and order of each page, scores, copies, totals, the undated
    left out) in memory and in SQL, for the first pages of every query."""
    with marsad.open(snn_db, readonly=True) as store:
        meta = load_meta(store)
        tables = reads_search.SearchTables(meta, lambda: load_facet_index(store))
        for text in _queries(store):
            for offset in (0, 20, 40):
                mem = reads_search.search(store, text, limit=20, offset=offset, collapse=collapse,
                                          tables=tables).results
                sql = reads_search.search(store, text, limit=20, offset=offset, collapse=collapse).results
                assert [(h.id, h.score, h.copies, h.snippet) for h in mem.hits] == \
                    [(h.id, h.score, h.copies, h.snippet) for h in sql.hits], (text, offset)
                assert (mem.total, mem.undated) == (sql.total, sql.undated), (text, offset)


def test_ids_the_table_does_not_hold_yet_order_alike(snn_db: Path) -> None:
    """Documents added since the table was loaded (not in it) rank after the known ones
    of equal rank, each its own group, as the plain rule says."""
    with marsad.open(snn_db, readonly=True) as store:
        full = load_meta(store)
        queries = _queries(store)
        gone = set(sorted(full)[::7])  # every 7th document "added later"
        meta = MetaTable({i: m for i, m in full.items() if i not in gone})
        meta.order = {i: k for k, i in enumerate(i for i in sorted(full, key=full.order.get) if i not in gone)}
        for text in queries:
            q = parse_query(text)
            for collapse in (True, False):
                got = reads_search.rank_matches(store, q, meta, collapse=collapse)
                assert (got.ids, got.ranks, got.copies, got.matched) == _plain(store, q, meta, collapse=collapse), text


def test_tables_are_kept_per_table_and_dropped_with_it(snn_db: Path) -> None:
    """A new metadata table (a new database generation) gets its own arrays (places by
    rowid, groups by place), and the old table's are let go with it: the server's memory
    stays flat over generations."""
    with marsad.open(snn_db, readonly=True) as store:
        q = parse_query(_queries(store)[0])
        first = load_meta(store)
        reads_search.rank_matches(store, q, first)
        kept = len(reads_search._TABLES), len(reads_search._ROWIDS)
        second = load_meta(store)
        a = reads_search.rank_matches(store, q, second)
        assert (len(reads_search._TABLES), len(reads_search._ROWIDS)) == (kept[0] + 1, kept[1] + 1)
        del first
        gc.collect()
        assert (len(reads_search._TABLES), len(reads_search._ROWIDS)) == (kept[0], kept[1])
        assert a == reads_search.rank_matches(store, q, second)


def test_rowid_and_id_ranking_agree(snn_db: Path) -> None:
    """From a SQLite file the matches are placed by rowid; by id (what other stores do,
    and the fallback) gives the same answer, and so do the arrays' places."""
    with marsad.open(snn_db, readonly=True) as store:
        meta = load_meta(store)
        for text in _queries(store):
            q = parse_query(text)
            if not q.has_text and not q.filters:
                continue
            by_rowid = reads_search._rank_by_rowid(store, q, meta, collapse=True)
            assert by_rowid is not None, text
            sql, args = reads_search.ranked_match_sql(store, q)
            by_id = reads_search.order_and_collapse(store.fetch_tuples(sql, args), meta,
                                                    has_text=q.has_text, collapse=True)
            assert by_rowid == by_id, text
            assert [meta.order[i] for i in by_rowid.matched] == by_rowid.places.tolist()
