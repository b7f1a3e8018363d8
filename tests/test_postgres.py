"""PostgreSQL specifics: DSN handling and errors, migration of an older database, the
tsquery built from a query, and search results consistent with SQLite's on real news."""

from __future__ import annotations

import pytest
from pg_server import require

import marsad
from marsad.analyze.base import base_analysis
from marsad.data import corpus_or_skip
from marsad.errors import StoreError
from marsad.store.postgres import _tsquery, mask, translate
from marsad.store.query import parse_query
from marsad.store.schema import MIGRATIONS, SCHEMA_VERSION

# a throwaway PostgreSQL server (or $MARSAD_TEST_PG): not in make test-fast
pytestmark = pytest.mark.postgres


@pytest.fixture
def pg(request) -> str:
    """A fresh PostgreSQL database (tests/pg_server.py), or a skip saying why."""
    return require(request, "pg_url")


def test_translate_placeholders() -> None:
    assert translate("SELECT * FROM t WHERE a = ? AND b LIKE '50%?' AND \"c?\" = ?") == (
        "SELECT * FROM t WHERE a = %s AND b LIKE '50%%?' AND \"c?\" = %s")
    assert translate("SELECT 1 % 2") == "SELECT 1 %% 2"
    assert translate("SELECT 'it''s ?' , ?") == "SELECT 'it''s ?' , %s"


def test_tsquery_binds_every_term() -> None:
    q = parse_query('سوريا "الأمم المتحدة" دمشق OR حلب -روسيا \' OR 1=1 --')
    sql, args = _tsquery(q)
    assert "'" + "سوري" not in sql and "--" not in sql and "1=1" not in sql
    assert sql.count("?") == len(args) and sql.count("phraseto_tsquery('simple', ?)") == len(args)
    assert "||" in sql and "!!" in sql


def test_password_is_masked() -> None:
    assert mask("postgresql://u:secret@h:5/db") == "postgresql://u:***@h:5/db"


def test_unreachable_server_is_a_clear_error() -> None:
    with pytest.raises(StoreError, match="cannot connect to PostgreSQL"):
        marsad.open("postgresql://nobody@127.0.0.1:1/nothing")


def test_missing_database_is_a_clear_error(pg) -> None:
    with pytest.raises(StoreError, match="cannot connect"):
        marsad.open(pg.rsplit("/", 1)[0] + "/no_such_db_here")


def test_migrates_an_older_database(pg) -> None:
    import psycopg

    from marsad.store.postgres import _FTS, _REAL

    with psycopg.connect(pg, autocommit=True) as conn:
        for stmt in MIGRATIONS[1]:
            conn.execute(_REAL.sub("DOUBLE PRECISION", stmt))
        for stmt in _FTS:
            conn.execute(stmt)
        conn.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    from test_store import DOCS

    with pytest.raises(StoreError, match="schema version 1"):
        marsad.open(pg, readonly=True)
    with marsad.open(pg) as s:
        assert s.schema_version() == SCHEMA_VERSION
        s.add([base_analysis(DOCS[0])])
        assert s.search("سوريا").total == 1
    with psycopg.connect(pg) as conn:
        cols = {r[0] for r in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'documents'")}
        assert {"dup_group", "story_id"} <= cols


def test_readonly_refuses_writes(pg) -> None:
    from test_store import DOCS

    with marsad.open(pg) as s:
        s.add([base_analysis(DOCS[0])])
    with marsad.open(pg, readonly=True) as s, pytest.raises(StoreError, match="read-only"):
        s.add([base_analysis(DOCS[1])])


def test_floats_keep_double_precision(pg) -> None:
    from marsad.model import Document, Entity

    a = base_analysis(Document("خبر", ["نص."]))
    a.entities.append(Entity("geo:1", "LOC", "دمشق", lat=33.51380212, lon=36.29128372))
    with marsad.open(pg) as s:
        s.add([a])
        row = s.fetchall("SELECT lat, lon FROM entities WHERE id = ?", ["geo:1"])[0]
    assert row == {"lat": 33.51380212, "lon": 36.29128372}


QUERIES = [
    "السعودية", "الرياض", "وزير الخارجية", '"ولي العهد"', "النفط OR الطاقة", "الملك -الرياض",
    "كرة القدم", "الهلال", "مكة المكرمة", "الأمطار", "التعليم", "الصحة وزارة",
    "source:okaz", "from:2015-07-20 to:2015-07-25", "السعودية lang:ar",
]


@pytest.fixture(scope="module")
def pair(request, tmp_path_factory):
    """The same 250 SaudiNewsNet articles in a SQLite file and a PostgreSQL database."""
    from marsad.lab.commands.core import bench_articles

    path = corpus_or_skip("saudinewsnet", "articles.jsonl.gz")
    docs = [base_analysis(d) for d in bench_articles(250, str(path))]
    for a in docs:
        a.tokens = []  # not stored; spares serializing them twice
    pg_server = require(request, "pg_server")
    url = pg_server.database()
    lite = marsad.open(tmp_path_factory.mktemp("pair") / "ref.db")
    pg = marsad.open(url)
    lite.add(docs)
    pg.add(docs)
    yield lite, pg
    lite.close()
    pg.close()
    pg_server.drop(url)


def test_search_consistent_with_sqlite(pair) -> None:
    lite, pg = pair
    assert lite.stats() | {"database": ""} == pg.stats() | {"database": ""}
    for q in QUERIES:
        a = lite.search(q, limit=100)
        b = pg.search(q, limit=100)
        assert a.total == b.total, q  # the same documents match
        assert {h.id for h in a.hits} == {h.id for h in b.hits}, q
        snippets = {h.id: (h.snippet, h.highlights) for h in a.hits}
        assert all(snippets[h.id] == (h.snippet, h.highlights) for h in b.hits), q
    assert sum(1 for q in QUERIES if lite.search(q).total) >= 10  # the queries do match
    # browsing order (no words) is identical: published date, then id
    assert [h.id for h in lite.search("from:2015-01-01", limit=50).hits] == \
           [h.id for h in pg.search("from:2015-01-01", limit=50).hits]
    assert [a.document.id for a in lite.iter_documents(batch=64)] == \
           [a.document.id for a in pg.iter_documents(batch=64)]


def test_scores_equal_sqlite_bm25(pair) -> None:
    """PostgreSQL recomputes FTS5's bm25 (title 3, body 1): same order, same scores."""
    lite, pg = pair
    for q in QUERIES:
        a = lite.search(q, limit=20).hits
        b = pg.search(q, limit=20).hits
        assert [h.id for h in a] == [h.id for h in b], q
        assert [h.score for h in a] == pytest.approx([h.score for h in b], rel=1e-6), q


def test_concurrent_first_opens_both_succeed(pg) -> None:
    """Two processes opening the same new, empty database at once: both migrate-or-wait
    and both open it. The test holds the writers' lock until both have looked at the
    empty database and queued for the lock, so the race happens every time."""
    import subprocess
    import sys
    import time

    import psycopg

    from marsad.store.postgres import WRITE_LOCK

    code = "import sys, marsad\nwith marsad.open(sys.argv[1]) as s:\n    print(s.schema_version())"
    waiting = ("SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
               "WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = current_database()")
    with psycopg.connect(pg, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (WRITE_LOCK,))
        procs = [subprocess.Popen([sys.executable, "-c", code, pg], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
        try:
            for _ in range(1200):  # both queued behind the lock (or one already failed)
                if holder.execute(waiting).fetchone()[0] >= 2 or any(
                        p.poll() is not None for p in procs):
                    break
                time.sleep(0.05)
        finally:
            holder.execute("SELECT pg_advisory_unlock(%s)", (WRITE_LOCK,))
        outs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        assert out.strip() == str(SCHEMA_VERSION)
    with marsad.open(pg) as s:
        assert s.schema_version() == SCHEMA_VERSION


def _unique_words(n_chars: int, letters: str, seed: int) -> str:
    import random

    rnd = random.Random(seed)
    words: list[str] = []
    size = 0
    while size < n_chars:
        w = "".join(rnd.choice(letters) for _ in range(rnd.randint(5, 9)))
        words.append(w)
        size += len(w) + 1
    return " ".join(words)[:n_chars]


def test_oversized_text_is_cut_to_what_tsvector_holds(pg) -> None:
    """A 360k-character headline of distinct words and a long body pass the 1 MB a
    tsvector holds: the article is stored whole, its index text cut to fit, and the
    rest of the batch is written."""
    from test_store import DOCS

    from marsad.model import Document

    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    title = _unique_words(360_000, letters, 1)
    body = _unique_words(300_000, letters, 2)
    big = base_analysis(Document(title, [body], url="https://example.org/huge"))
    with marsad.open(pg) as s:
        results = s.add([base_analysis(DOCS[0]), big, base_analysis(DOCS[1])])
        assert [r.new for r in results] == [True, True, True]
        stored = s.get(big.document.id)
        assert stored is not None and stored.document.title == title  # stored whole
        row = s.fetchall("SELECT length(search_title) + length(search_body) AS n, ntok "
                         "FROM documents_fts WHERE id = ?", [big.document.id])[0]
        assert 0 < row["n"] < len(title) + len(body)  # the index text was cut
        assert s.search(title.split()[2]).total == 1  # and its beginning is searchable
        assert s.search("سوريا").total >= 1
