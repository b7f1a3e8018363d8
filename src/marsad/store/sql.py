"""What the SQL backends share: migrations, the write path, search assembly, filters,
stats and reads, written once in portable SQL with ``?`` placeholders. A backend
(:mod:`sqlite`, :mod:`postgres`) supplies connections, transactions and the few
dialect pieces that differ: the full-text index (table, insert, match, rank), document
order for iteration, and DDL spelling.

Every value is a bound parameter. The only SQL text built from a query is the full-text
match, and each backend builds it from the parsed :class:`Query` without splicing user
text (FTS5: double-quoted stems; PostgreSQL: ``phraseto_tsquery`` calls on bound stems).
"""

from __future__ import annotations

import json
from abc import abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any, Protocol

from marsad.errors import QueryError, StoreError
from marsad.model import Analysis, Event
from marsad.store.base import SearchHit, SearchResults, Store, WriteResult
from marsad.store.filters import filter_sql
from marsad.store.names import known_phrases
from marsad.store.query import Query, Term, parse_query
from marsad.store.schema import MIGRATIONS, SCHEMA_VERSION
from marsad.store.snippet import make_snippet
from marsad.text.normalize import normalize_for_match
from marsad.text.stem import stem_text


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _count(v: Any) -> int | None:
    """A casualty count as the events table stores it: a non-negative int that fits a
    32-bit INTEGER column (PostgreSQL's), or None."""
    if v is None or isinstance(v, bool):
        return None
    try:
        n = int(v)
    except (TypeError, ValueError):
        return None
    return n if 0 <= n < 2**31 else None


def event_row(doc_id: str, idx: int, e: Event) -> tuple[Any, ...]:
    """The events-table row of ``e`` (the column order of the INSERT in ``_write_one``):
    spans as text and entity id, the resolved place flattened, the event's own country
    before its place's, then the precision flags, canonical actor names and casualties."""
    place = e.place or {}
    return (
        doc_id, idx, e.type, e.mode, e.status, e.trigger.text,
        e.source.text if e.source else None, e.source.entity_id if e.source else None,
        e.target.text if e.target else None, e.target.entity_id if e.target else None,
        e.location.text if e.location else None,
        place.get("name_en") or place.get("name"),
        e.country or place.get("country"), place.get("lat"), place.get("lon"),
        e.date, e.sentence, e.confidence,
        e.geo_precision, e.date_precision,
        e.source_name, e.source_en, e.target_name, e.target_en,
        _count(e.fatalities), _count(e.injured),
    )


class Tx(Protocol):
    """One connection inside a transaction (or a read): portable SQL, ``?`` placeholders,
    rows as dicts."""

    def execute(self, sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]: ...

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...


class SQLStore(Store):
    """The shared implementation of :class:`Store` over a SQL connection."""

    url: str
    readonly: bool

    # -- dialect hooks ---------------------------------------------------------------------
    @abstractmethod
    def transaction(self) -> AbstractContextManager[Tx]:
        """A write transaction, serialized against other writers of the same database."""

    @abstractmethod
    def _reading(self) -> AbstractContextManager[Tx]:
        """A connection for reads (no write lock)."""

    @abstractmethod
    def _backend_ddl(self, version: int) -> list[str]:
        """This backend's own statements for schema ``version`` (run after the portable
        ones of that version): the full-text index comes with version 1."""

    @abstractmethod
    def _index_text(self, tx: Tx, doc_id: str, title: str, body: str) -> None:
        """Add a stored document's stemmed title and body to the full-text index."""

    @abstractmethod
    def _match_only(self, q: Query) -> tuple[str, str, list[Any]]:
        """(FROM clause joining the index to ``documents d``, WHERE condition, bound
        arguments): which documents match ``q``'s words, without ranking them."""

    @abstractmethod
    def _text_match(self, q: Query) -> tuple[str, str, str, list[Any]]:
        """(FROM clause joining the index to ``documents d``, WHERE condition, rank
        expression where lower ranks first, the bound arguments of the FROM clause then of
        the WHERE condition; the rank expression takes none)."""

    @abstractmethod
    def _doc_order(self) -> str:
        """For :meth:`iter_documents`: ``SELECT <insertion-order key> AS k, analysis FROM …
        WHERE <key> > ?`` (insertion order, so both backends iterate alike)."""

    def _ddl(self, stmt: str) -> str:
        return stmt

    def _migration_transaction(self) -> AbstractContextManager[Tx]:
        """The transaction migrations run in: the write transaction, unless a backend must
        refresh what it knows of the schema after waiting for the lock (PostgreSQL)."""
        return self.transaction()

    @abstractmethod
    def _has_meta(self, tx: Tx) -> bool: ...

    def _describe_error(self, exc: Exception) -> str:
        return str(exc)

    # -- schema ----------------------------------------------------------------------------
    def schema_version(self) -> int:
        with self._reading() as tx:
            return self._version(tx)

    def _version(self, tx: Tx) -> int:
        if not self._has_meta(tx):
            return 0
        rows = tx.execute("SELECT value FROM meta WHERE key = 'schema_version'")
        return int(rows[0]["value"]) if rows else 0

    def _check_version(self) -> None:
        v = self.schema_version()
        if v != SCHEMA_VERSION:
            raise StoreError(
                f"{self.url}: schema version {v}, this marsad needs {SCHEMA_VERSION} "
                "(open it once for writing, e.g. `marsad stats`, to migrate)"
            )

    def _migrate(self) -> None:
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"{self.url}: schema version {current} is newer than this marsad "
                f"({SCHEMA_VERSION}); upgrade marsad"
            )
        if current == SCHEMA_VERSION:
            return
        with self._migration_transaction() as tx:
            current = self._version(tx)  # another process may have migrated meanwhile
            for v in range(current + 1, SCHEMA_VERSION + 1):
                for stmt in MIGRATIONS[v]:
                    tx.execute(self._ddl(stmt))
                for stmt in self._backend_ddl(v):
                    tx.execute(stmt)
            tx.execute(
                "INSERT INTO meta(key, value) VALUES('schema_version', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (str(SCHEMA_VERSION),),
            )

    # -- writing ---------------------------------------------------------------------------
    def known(self, doc_ids: Iterable[str], urls: Iterable[str | None] = ()) -> set[str]:
        ids = list(dict.fromkeys(doc_ids))
        us = [u for u in dict.fromkeys(urls) if u]
        found: set[str] = set()
        with self._reading() as tx:
            for col, values in (("id", ids), ("url", us)):
                for i in range(0, len(values), 500):
                    chunk = values[i : i + 500]
                    q = f"SELECT {col} AS v FROM documents WHERE {col} IN ({','.join('?' * len(chunk))})"
                    found.update(r["v"] for r in tx.execute(q, chunk))
        return found

    def add(self, analyses: Iterable[Analysis]) -> list[WriteResult]:
        batch = list(analyses)
        try:
            with self.transaction() as tx:
                results = [self._write_one(tx, a) for a in batch]
                self._fuse_incidents(tx, [a for a, r in zip(batch, results, strict=True) if r.new])
                return results
        except StoreError:
            raise
        except Exception as exc:
            if not self._is_db_error(exc):
                raise
            raise StoreError(f"{self.url}: could not write batch ({self._describe_error(exc)})") from None

    @abstractmethod
    def _is_db_error(self, exc: Exception) -> bool: ...

    def _fuse_incidents(self, tx: Tx, written: list[Analysis]) -> None:
        """Fuse the events of the documents just written into the stored incidents, in
        their transaction (:mod:`marsad.store.incidents_sql` says why here)."""
        if written:
            from marsad.store.incidents_sql import fuse_analyses

            fuse_analyses(tx, written, db=self.url)

    def _write_one(self, tx: Tx, a: Analysis) -> WriteResult:
        d = a.document
        if tx.execute("SELECT 1 AS x FROM documents WHERE id = ?", (d.id,)) or (
            d.url and tx.execute("SELECT 1 AS x FROM documents WHERE url = ?", (d.url,))
        ):
            return WriteResult(d.id, False)
        tx.execute(
            """INSERT INTO documents (id, url, source, published, title, body, language, author,
                 site_name, agency, dateline, origin, external_id, topic, topic_score, analysis,
                 ingested_at, dup_group, story_id)
               VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
            (
                d.id, d.url, d.source, d.published, d.title, d.body, d.language, d.author,
                d.site_name, d.agency, d.dateline, d.origin, d.external_id,
                a.topic.label if a.topic else None, a.topic.score if a.topic else None,
                a.to_json(), now_iso(), None, a.story_id,
            ),
        )
        self._index_text(tx, d.id, stem_text(d.title), stem_text(d.body))
        tx.executemany(
            'INSERT INTO mentions (doc_id, start, "end", text, norm, type, entity_id) '
            "VALUES (?,?,?,?,?,?,?)",
            [(d.id, m.start, m.end, m.text, normalize_for_match(m.text), m.type, m.entity_id)
             for m in a.mentions],
        )
        tx.executemany(
            """INSERT INTO entities (id, type, name_ar, name_en, aliases, wikidata, country, lat,
                 lon, geonames_id, kind, local) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
               ON CONFLICT(id) DO NOTHING""",
            [(e.id, e.type, e.name_ar, e.name_en, json.dumps(e.aliases, ensure_ascii=False),
              e.wikidata, e.country, e.lat, e.lon, e.geonames_id, e.kind, int(e.local))
             for e in a.entities],
        )
        tx.executemany(
            """INSERT INTO events (doc_id, idx, type, mode, status, trigger_text, source_text,
                 source_entity, target_text, target_entity, location_text, place_name, country,
                 lat, lon, date, sentence, confidence, geo_precision, date_precision,
                 source_name, source_en, target_name, target_en, fatalities, injured)
               VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
            [event_row(d.id, i, e) for i, e in enumerate(a.events)],
        )
        tx.executemany(
            "INSERT INTO keywords (doc_id, rank, keyword) VALUES (?,?,?)",
            [(d.id, i, k) for i, k in enumerate(a.keywords)],
        )
        group = self._assign_dup_group(tx, a)
        return WriteResult(d.id, True, group)

    def _assign_dup_group(self, tx: Tx, a: Analysis) -> str:
        """Near-duplicate grouping through the LSH bands of the MinHash signature (see
        :mod:`marsad.store.dedup_sql`): the new document joins the group of its most
        similar stored copy, or starts its own."""
        from marsad.store.dedup_sql import assign_dup_group

        return assign_dup_group(tx, a).group_id

    # -- reading ---------------------------------------------------------------------------
    def get(self, doc_id: str) -> Analysis | None:
        with self._reading() as tx:
            rows = tx.execute(
                "SELECT analysis, dup_group, story_id FROM documents WHERE id = ?", (doc_id,)
            )
        if not rows:
            return None
        row = rows[0]
        a = Analysis.from_json(row["analysis"])
        a.story_id = row["story_id"] or a.story_id
        a.extras["dup_group"] = row["dup_group"]
        return a

    def iter_documents(self, *, batch: int = 500) -> Iterator[Analysis]:
        prefix = self._doc_order()
        last: Any = 0
        while True:
            with self._reading() as tx:
                rows = tx.execute(f"{prefix} ORDER BY k LIMIT ?", (last, batch))
            if not rows:
                return
            for r in rows:
                yield Analysis.from_json(r["analysis"])
            last = rows[-1]["k"]

    def _filter_sql(self, q: Query) -> tuple[list[str], list[Any]]:
        return filter_sql(q)

    @abstractmethod
    def _phrase_hit(self, phrase: Term) -> tuple[str, list[Any]]:
        """A condition (within ``_text_match``'s FROM clause) true when the document holds
        ``phrase``, with its bound arguments."""

    def _tier_sql(self, q: Query) -> tuple[str, list[Any]]:
        """How many of the query's known multi-word names (:mod:`marsad.store.names`) a
        document lacks: results rank by this first, then by BM25."""
        parts: list[str] = []
        args: list[Any] = []
        for t in known_phrases(q):
            cond, a = self._phrase_hit(t)
            parts.append(f"CASE WHEN {cond} THEN 0 ELSE 1 END")
            args += a
        return ("(" + " + ".join(parts) + ")" if parts else "0"), args

    def ranked_match_sql(self, q: Query, *, cols: str = "d.id AS id") -> tuple[str, list[Any]]:
        """SQL selecting ``cols``, ``rank`` (lower is better) and ``tier`` (lower first) of
        every document ``q`` matches, words and filters, with its arguments: the one
        search query, which :meth:`search` and the web's fast path both order and fold."""
        where, args = self._filter_sql(q)
        if q.has_text:
            from_, match, rank, base_args = self._text_match(q)
            tier, tier_args = self._tier_sql(q)
            sql = f"SELECT {cols}, {rank} AS rank, {tier} AS tier FROM {from_} WHERE {match}"
            base_args = [*tier_args, *base_args]
        else:
            sql, base_args = f"SELECT {cols}, 0.0 AS rank, 0 AS tier FROM documents d WHERE 1=1", []
        if where:
            sql += " AND " + " AND ".join(where)
        return sql, [*base_args, *args]

    def search(
        self, query: str | Query, *, limit: int = 20, offset: int = 0, collapse: bool = True
    ) -> SearchResults:
        q = query if isinstance(query, Query) else parse_query(query)
        if not (1 <= limit <= 1000):
            raise QueryError(f"limit {limit} is out of range", fix="use 1 to 1000")
        if offset < 0:
            raise QueryError(f"offset {offset} is negative")
        # rank and fold duplicates on narrow rows (the covering index, not the bodies that
        # share the documents row), then read the full rows of the page alone
        cols = "d.id AS id, d.published AS published, d.dup_group AS dup_group"
        base, base_args = self.ranked_match_sql(q, cols=cols)
        if q.has_text:
            order = "tier, rank, published DESC NULLS LAST, id"
        else:
            order = "published DESC NULLS LAST, id"
        if collapse:
            inner = (
                f"SELECT b.*, ROW_NUMBER() OVER (PARTITION BY COALESCE(dup_group, id) ORDER BY {order}) "
                f"AS rn, COUNT(*) OVER (PARTITION BY COALESCE(dup_group, id)) AS copies "
                f"FROM ({base}) AS b"
            )
            sql = f"SELECT * FROM ({inner}) AS c WHERE rn = 1"
        else:
            sql = f"SELECT b.*, 1 AS copies FROM ({base}) AS b"
        try:
            with self._reading() as tx:  # the page and the total in one pass
                rows = tx.execute(
                    f"SELECT p.*, COUNT(*) OVER () AS total_n FROM ({sql}) AS p "
                    f"ORDER BY {order} LIMIT ? OFFSET ?", (*base_args, limit, offset))
                if rows:
                    total = rows[0]["total_n"]
                else:
                    total = tx.execute(f"SELECT COUNT(*) AS n FROM ({sql}) AS t", base_args)[0]["n"]
                undated = self._undated_left_out(tx, q, base, base_args, cols, collapse)
                ids = [r["id"] for r in rows]
                full = {
                    r["id"]: r for r in tx.execute(
                        "SELECT id, title, source, url, topic, body FROM documents "
                        f"WHERE id IN ({','.join('?' * len(ids))})", ids)
                } if ids else {}
        except Exception as exc:  # should not happen: terms are bound or quoted
            if not self._is_db_error(exc):
                raise
            raise QueryError(f"could not run query {q.raw!r} ({self._describe_error(exc)})",
                             fix="simplify the query") from None
        wanted = q.all_stems()
        hits = []
        for r in rows:
            f = full[r["id"]]
            snip = make_snippet(f["body"] or f["title"], wanted)
            hits.append(
                SearchHit(
                    id=r["id"], title=f["title"], source=f["source"], published=r["published"],
                    score=round(-float(r["rank"]), 4) + 0.0, snippet=snip.text,
                    highlights=snip.highlights, url=f["url"], topic=f["topic"],
                    dup_group=r["dup_group"], copies=int(r["copies"]),
                )
            )
        return SearchResults(q.raw, int(total), hits, offset=offset, limit=limit, undated=undated)

    def _undated_left_out(self, tx: Tx, q: Query, base: str, base_args: list[Any], cols: str,
                          collapse: bool) -> int | None:
        """How many undated articles (duplicate groups when ``collapse``) match the rest of
        ``q`` but were left out by its from:/to: — None when it has no dates to leave them
        out by. A group already shown through a dated copy is not counted."""
        if not q.has_dates or q.undated != "no":
            return None
        ub, ua = self.ranked_match_sql(q.undated_only(), cols=cols)
        if not collapse:
            return int(tx.execute(f"SELECT COUNT(*) AS n FROM ({ub}) AS u", ua)[0]["n"])
        return int(tx.execute(
            f"SELECT COUNT(DISTINCT COALESCE(u.dup_group, u.id)) AS n FROM ({ub}) AS u "
            f"WHERE COALESCE(u.dup_group, u.id) NOT IN (SELECT COALESCE(b.dup_group, b.id) FROM ({base}) AS b)",
            [*ua, *base_args])[0]["n"])

    def match_sql(self, q: Query) -> tuple[str, list[Any]]:
        """SQL selecting ``d.id`` of every document ``q`` matches (words and filters), with
        its arguments: for queries built on top of search (facets, exports)."""
        where, args = self._filter_sql(q)
        if q.has_text:
            from_, cond, base = self._match_only(q)
            sql = f"SELECT d.id FROM {from_} WHERE {cond}"
        else:
            sql, base = "SELECT d.id FROM documents d WHERE 1=1", []
        if where:
            sql += " AND " + " AND ".join(where)
        return sql, [*base, *args]

    def stats(self) -> dict[str, Any]:
        with self._reading() as tx:

            def count(sql: str) -> int:
                return int(tx.execute(sql)[0]["n"])

            def grouped(sql: str) -> dict[str, int]:
                return {str(r["k"]): int(r["n"]) for r in tx.execute(sql)}

            span = tx.execute("SELECT MIN(published) AS lo, MAX(published) AS hi FROM documents")[0]
            return {
                "database": self.url,
                "schema_version": self._version(tx),
                "documents": count("SELECT COUNT(*) AS n FROM documents"),
                "duplicate_groups": count(
                    "SELECT COUNT(DISTINCT COALESCE(dup_group, id)) AS n FROM documents"),
                "entities": count("SELECT COUNT(*) AS n FROM entities"),
                "mentions": count("SELECT COUNT(*) AS n FROM mentions"),
                "events": count("SELECT COUNT(*) AS n FROM events"),
                "stories": count("SELECT COUNT(*) AS n FROM stories"),
                "incidents": count("SELECT COUNT(*) AS n FROM incidents"),
                "incidents_pending": count("SELECT COUNT(*) AS n FROM incident_pending"),
                "published_from": span["lo"],
                "published_to": span["hi"],
                "by_language": grouped(
                    "SELECT COALESCE(language,'?') AS k, COUNT(*) AS n FROM documents "
                    "GROUP BY 1 ORDER BY 2 DESC, 1"
                ),
                "by_source": grouped(
                    "SELECT COALESCE(source,'?') AS k, COUNT(*) AS n FROM documents "
                    "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 50"
                ),
                "by_topic": grouped(
                    "SELECT topic AS k, COUNT(*) AS n FROM documents WHERE topic IS NOT NULL "
                    "GROUP BY 1 ORDER BY 2 DESC, 1"
                ),
                "events_by_type": grouped(
                    "SELECT type AS k, COUNT(*) AS n FROM events GROUP BY 1 ORDER BY 2 DESC, 1"),
            }

    def fetchall(self, sql: str, args: Iterable[Any] = ()) -> list[dict[str, Any]]:
        with self._reading() as tx:
            return tx.execute(sql, tuple(args))
