"""PostgreSQL: the server backend, for many writers and a shared corpus.

Same schema and migrations as SQLite (:mod:`marsad.store.schema`; ``REAL`` is spelled
``DOUBLE PRECISION`` here so coordinates and scores keep SQLite's 8-byte precision), the
same write path, filters and stats (:mod:`marsad.store.sql`), a psycopg connection pool.

Full-text search indexes the SAME normalized, stemmed text as SQLite's FTS5 (``stem_text``
of title and body) in ``documents_fts(search_title, search_body)`` with a generated
``tsvector`` (the ``simple`` configuration: no stop words, no further stemming, lower-case
only; title weighted A, body D) under a GIN index. Queries are built from the parsed
:class:`Query`: every term is ``phraseto_tsquery('simple', ?)`` over its stems as a bound
parameter, combined with ``||`` (OR), ``&&`` (AND) and ``!!`` (NOT) in SQL — user text is
never spliced. The same documents match as on SQLite.

Ranking is FTS5's own ``bm25(documents_fts, 3.0, 1.0)`` recomputed in SQL
(k1 = 1.2, b = 0.75, idf from phrase document counts, document length in
tokens, title hits weigh 3), so scores and order agree with SQLite's. Known differences,
all rare: a phrase can match across the headline/body boundary here (tsvector positions
run on); a document with one word more than 256 times, or longer than 16,383 positions,
has its counts capped by tsvector; a document whose index text passes what one tsvector
holds (1 MB of lexemes and positions) is indexed by its beginning only, cut to fit, where
SQLite indexes all of it (the stored title and body are whole on both); tokens FTS5
splits but PostgreSQL's parser keeps whole ("3.5") are counted once. The cost is a
per-row computation over the matching rows, so a query matching a large share of a very
large corpus is slower than on SQLite; add filters.

Concurrent writers: each ``add`` batch is one transaction that first takes a
transaction-scoped advisory lock, so writers from several processes or machines serialize
their (short) write transactions exactly like SQLite's ``BEGIN IMMEDIATE``: the "already
stored?" checks by id and URL and the near-duplicate grouping see every committed write,
nothing is lost or doubled, and no deadlock can arise between batches that share
entities. Inserts are ``ON CONFLICT DO NOTHING`` besides. Analysis (the expensive part)
runs outside the lock.

A store opened with a ``timeout`` sets ``statement_timeout`` on each of its sessions: a
read that runs longer is cancelled by the server and raises
:class:`marsad.errors.QueryTimeout`.

Migrations take the same lock, for the session, before their transaction begins, and read
the catalog afresh: two processes opening a new, empty database at once both succeed, one
creating the schema, the other finding it done.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any, cast
from urllib.parse import urlsplit, urlunsplit

from marsad.errors import QueryTimeout, StoreError
from marsad.store.query import Query, Term
from marsad.store.rows import Tx
from marsad.store.sql import SQLStore

WRITE_LOCK = 0x6D61727361640001  # pg_advisory_xact_lock key of marsad writers ("marsad\0\1")
MAX_INDEXED_CHARS = 400_000  # tsvector holds at most 1 MB; an article body is far below
TSVECTOR_BYTES = 1_048_575  # the most lexeme and position bytes one tsvector holds

_FTS = [
    """CREATE TABLE IF NOT EXISTS documents_fts (
        seq BIGSERIAL PRIMARY KEY,
        id TEXT NOT NULL UNIQUE REFERENCES documents(id) ON DELETE CASCADE,
        search_title TEXT NOT NULL,
        search_body TEXT NOT NULL,
        ntok INTEGER NOT NULL,
        tsv tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('simple', search_title), 'A') ||
            setweight(to_tsvector('simple', search_body), 'D')) STORED
    )""",
    "CREATE INDEX IF NOT EXISTS documents_fts_tsv ON documents_fts USING GIN (tsv)",
    # corpus totals for BM25 (rows, tokens), kept by the writers under the write lock
    """CREATE TABLE IF NOT EXISTS documents_fts_stats (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        n BIGINT NOT NULL,
        tokens BIGINT NOT NULL
    )""",
    "INSERT INTO documents_fts_stats (id, n, tokens) VALUES (1, 0, 0) ON CONFLICT (id) DO NOTHING",
]

# FTS5's bm25() (k1 = 1.2, b = 0.75, a title hit weighs 3, a body hit 1) over the tsvector
# of each matching row: a phrase's weighted frequency is counted from lexeme positions
# (its first lexeme's positions where the next ones follow). A LATERAL subquery, so the
# executor runs it per matching row without a function call.
_BM25 = """CROSS JOIN LATERAL (
    SELECT coalesce(sum(x.idf * x.fr * 2.2
                        / (x.fr + 1.2 * (0.25 + 0.75 * f.ntok / tq.avgdl))), 0) AS score
      FROM (SELECT ph.i, min(ph.idf) AS idf,
                   sum(CASE WHEN p.w = 'A' THEN 3.0 ELSE 1.0 END) AS fr
              FROM unnest(tq.phrases, tq.idf) WITH ORDINALITY AS ph(phrase, idf, i)
              JOIN unnest(f.tsv) AS u ON u.lexeme = split_part(ph.phrase, ' ', 1)
             CROSS JOIN unnest(u.positions, u.weights) AS p(pos, w)
             WHERE NOT EXISTS (
                   SELECT 1 FROM unnest(string_to_array(ph.phrase, ' ')) WITH ORDINALITY AS l(lex, j)
                    WHERE l.j > 1 AND NOT EXISTS (
                          SELECT 1 FROM unnest(f.tsv) AS v
                           WHERE v.lexeme = l.lex AND p.pos + l.j - 1 = ANY (v.positions)))
             GROUP BY ph.i) AS x
) AS bm"""
_TOKEN = re.compile(r"[^\W_]+")


def translate(sql: str) -> str:
    """Portable SQL (``?`` placeholders) → psycopg (``%s``): ``%`` doubled, ``?`` outside
    quoted strings and identifiers replaced."""
    out: list[str] = []
    quote: str | None = None
    for ch in sql:
        if quote:
            out.append("%%" if ch == "%" else ch)
            if ch == quote:
                quote = None
        elif ch in ("'", '"'):
            quote = ch
            out.append(ch)
        elif ch == "?":
            out.append("%s")
        elif ch == "%":
            out.append("%%")
        else:
            out.append(ch)
    return "".join(out)


_REAL = re.compile(r"\bREAL\b")


def mask(url: str) -> str:
    """The URL without its password, for messages."""
    p = urlsplit(url)
    if p.password:
        netloc = f"{p.username}:***@{p.hostname}" + (f":{p.port}" if p.port else "")
        return urlunsplit(p._replace(netloc=netloc))
    return url


def _clean(v: Any) -> Any:
    return v.replace("\x00", "") if isinstance(v, str) and "\x00" in v else v


class _Tx:
    def __init__(self, conn: Any):
        self.conn = conn

    def execute(self, sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cur = self.conn.execute(translate(sql), [_clean(a) for a in args])
        return cur.fetchall() if cur.description is not None else []

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            with self.conn.cursor() as cur:
                cur.executemany(translate(sql), [[_clean(v) for v in r] for r in rows])


def _tsquery(q: Query) -> tuple[str, list[Any]]:
    """The tsquery of a parsed query: SQL of bound ``phraseto_tsquery`` calls."""
    args: list[Any] = []

    def term(t: Term) -> str:
        args.append(" ".join(t.stems))
        return "phraseto_tsquery('simple', ?)"

    parts = []
    for g in q.groups:
        alts = [term(t) for t in g]
        parts.append(alts[0] if len(alts) == 1 else "(" + " || ".join(alts) + ")")
    expr = " && ".join(parts)
    for t in q.excluded:
        expr = f"({expr}) && !!{term(t)}"
    return expr, args


class PostgresStore(SQLStore):
    def __init__(self, url: str, *, readonly: bool = False, pool_size: int = 4,
                 timeout: float | None = None):
        import psycopg
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool

        self.url = mask(url)
        self.readonly = readonly
        self.timeout = timeout
        self._psycopg = psycopg
        try:  # one direct connection first: its error says why (refused, auth, no database)
            with psycopg.connect(url, connect_timeout=15):
                pass
        except psycopg.Error as exc:
            raise StoreError(f"{self.url}: cannot connect to PostgreSQL ({_first_line(exc)})") from None

        def configure(conn: Any) -> None:
            from psycopg.types.numeric import FloatLoader

            conn.adapters.register_loader("numeric", FloatLoader)  # JSON-friendly floats
            if readonly:
                conn.read_only = True
            if timeout is not None:  # milliseconds, an int: nothing of the caller's is spliced
                conn.execute(f"SET statement_timeout = {max(1, int(timeout * 1000))}")
            conn.commit()

        self.pool = ConnectionPool(
            url, min_size=1, max_size=max(1, pool_size), open=False, timeout=60,
            kwargs={"row_factory": dict_row, "connect_timeout": 15}, configure=configure,
            name="marsad",
        )
        try:
            self.pool.open(wait=True, timeout=30)
            if readonly:
                self._check_version()
            else:
                self._migrate()
        except StoreError:
            self.pool.close()
            raise
        except (psycopg.Error, Exception) as exc:
            self.pool.close()
            if isinstance(exc, psycopg.Error) or type(exc).__module__.startswith("psycopg"):
                raise StoreError(f"{self.url}: not a usable marsad database ({_first_line(exc)})") from None
            raise

    # -- dialect hooks ---------------------------------------------------------------------
    @contextmanager
    def transaction(self, *, touch: bool = True) -> Iterator[_Tx]:
        with self.pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            tx = _Tx(conn)
            yield tx
            if touch:
                self._touch(tx)

    @contextmanager
    def _migration_transaction(self) -> Iterator[_Tx]:
        """Migrations under the writers' lock, taken for the session BEFORE the migrating
        transaction begins. A transaction that waited for the lock keeps the catalog it
        cached before the wait, so a concurrent first open's tables would look absent and
        re-creating them fail; a transaction begun after the wait sees every committed
        migration (and :meth:`_has_meta` reads the catalog table itself besides)."""
        with self.pool.connection() as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (WRITE_LOCK,))
            conn.commit()
            try:
                with conn.transaction():
                    yield _Tx(conn)
            finally:
                try:
                    conn.execute("SELECT pg_advisory_unlock(%s)", (WRITE_LOCK,))
                    conn.commit()
                except self._psycopg.Error:
                    conn.close()  # the server drops a closed session's locks

    @contextmanager
    def _reading(self) -> Iterator[_Tx]:
        with self._time_limit(), self.pool.connection() as conn:
            yield _Tx(conn)

    @contextmanager
    def _time_limit(self) -> Iterator[None]:
        """A statement the server cancelled for running past ``statement_timeout`` becomes
        QueryTimeout."""
        try:
            yield
        except self._psycopg.errors.QueryCanceled:
            if self.timeout is None:
                raise
            raise QueryTimeout(f"the query ran longer than the {self.timeout:g} s limit and was stopped",
                               fix="narrow it: add words, filters or a date range") from None

    def _has_meta(self, tx: Tx) -> bool:
        # pg_class read by a query (this statement's snapshot), not to_regclass(), which
        # answers from the session's catalog cache and may miss a table committed since
        return tx.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
            "ON n.oid = c.relnamespace WHERE c.relname = 'meta' AND n.nspname = current_schema()"
            ") AS x")[0]["x"]

    def _ddl(self, stmt: str) -> str:
        return _REAL.sub("DOUBLE PRECISION", stmt)

    def _backend_ddl(self, version: int) -> list[str]:
        return _FTS if version == 1 else []

    def _index_text(self, tx: Tx, doc_id: str, title: str, body: str) -> None:
        """Index the stems; text too big for one tsvector is cut (its end dropped) until
        PostgreSQL accepts it, so an oversized article is stored, never fatal."""
        title, body = title[:MAX_INDEXED_CHARS], body[:MAX_INDEXED_CHARS]
        insert = ("INSERT INTO documents_fts (id, search_title, search_body, ntok) "
                  "VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING seq")
        while True:
            nt, nb = len(_TOKEN.findall(title)), len(_TOKEN.findall(body))  # as FTS5 counts
            args = (doc_id, title, body, nt + nb)
            if _tsvector_bound(title, nt) + _tsvector_bound(body, nb) <= TSVECTOR_BYTES:
                rows = tx.execute(insert, args)  # surely fits: no savepoint needed
                break
            try:
                # this store's transactions are _Tx (psycopg underneath): a savepoint, so a
                # refused row leaves the batch whole
                with cast(_Tx, tx).conn.transaction():
                    rows = tx.execute(insert, args)
                break
            except self._psycopg.errors.ProgramLimitExceeded:  # string is too long for tsvector
                if not (title or body):
                    raise
                title, body = _shrink(title, body)
        ntok = args[3]
        if rows:
            tx.execute("UPDATE documents_fts_stats SET n = n + 1, tokens = tokens + ? WHERE id = 1",
                       (ntok,))

    def _match_only(self, q: Query) -> tuple[str, str, list[Any]]:
        expr, args = _tsquery(q)
        return (
            f"documents_fts f JOIN documents d ON d.id = f.id CROSS JOIN (SELECT {expr} AS q) AS tq",
            "f.tsv @@ tq.q",
            args,
        )

    def _index_cols(self, cols: str) -> str | None:
        return "f.id AS id" if cols == "d.id AS id" else None

    def _text_match(self, q: Query, *, documents: bool = True) -> tuple[str, str, str, list[Any]]:
        expr, args = _tsquery(q)
        phrases = [" ".join(t.stems).lower() for g in q.groups for t in g]
        with self._reading() as tx:
            st = tx.execute("SELECT n, tokens FROM documents_fts_stats WHERE id = 1")
            n, tokens = (int(st[0]["n"]), int(st[0]["tokens"])) if st else (0, 0)
            idf = []
            for p in phrases:  # FTS5's idf: log((N - hits + 0.5) / (hits + 0.5)), at least 1e-6
                hits = int(tx.execute(
                    "SELECT COUNT(*) AS n FROM documents_fts "
                    "WHERE tsv @@ phraseto_tsquery('simple', ?)", (p,))[0]["n"])
                idf.append(max(math.log((n - hits + 0.5) / (hits + 0.5)), 1e-6))
        avgdl = tokens / n if n else 1.0
        join = " JOIN documents d ON d.id = f.id" if documents else ""
        return (
            f"documents_fts f{join} CROSS JOIN "
            f"(SELECT {expr} AS q, ?::text[] AS phrases, ?::float8[] AS idf, ?::float8 AS avgdl) AS tq "
            + _BM25,
            "f.tsv @@ tq.q",
            "-bm.score",
            [*args, phrases, idf, avgdl],
        )

    def _phrase_hit(self, phrase: Term) -> tuple[str, list[Any]]:
        return "f.tsv @@ phraseto_tsquery('simple', ?)", [" ".join(phrase.stems)]

    def _doc_order(self) -> str:
        return ("SELECT f.seq AS k, d.analysis AS analysis FROM documents_fts f "
                "JOIN documents d ON d.id = f.id WHERE f.seq > ?")

    def _is_db_error(self, exc: Exception) -> bool:
        return isinstance(exc, self._psycopg.Error)

    def _describe_error(self, exc: Exception) -> str:
        return _first_line(exc)

    # -- PostgreSQL specifics ----------------------------------------------------------------
    def iter_rows(self, sql: str, args: Iterable[Any] = (), *, batch: int = 1000) -> Iterator[dict[str, Any]]:
        """Streams through a server-side cursor: no whole-table load on the client."""
        with self._time_limit(), self.pool.connection() as conn, conn.transaction(), \
                conn.cursor(name=f"marsad_{uuid.uuid4().hex}") as cur:
            cur.itersize = batch
            cur.execute(translate(sql), [_clean(a) for a in args])
            while True:
                rows = cur.fetchmany(batch)
                if not rows:
                    return
                yield from rows

    def close(self) -> None:
        with suppress(Exception):  # closing must not raise
            self.pool.close()


def _tsvector_bound(text: str, tokens: int) -> int:
    """At least the bytes ``to_tsvector('simple', text)`` takes: every lexeme's text (a
    compound word or a URL is indexed whole and in parts, lower-casing can lengthen a
    character by half) and, per lexeme, a count, alignment and its 2-byte positions."""
    return 3 * len(text.encode("utf-8", "surrogatepass")) + 10 * tokens


def _shrink(title: str, body: str) -> tuple[str, str]:
    """The longer of the two a quarter shorter, cut at a space where one is near."""
    if len(title) > len(body):
        return _cut(title, len(title) * 3 // 4), body
    return title, _cut(body, len(body) * 3 // 4)


def _cut(text: str, n: int) -> str:
    head = text[:n]
    space = head.rfind(" ", max(0, n - 100))
    return head[:space] if space > 0 else head


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
