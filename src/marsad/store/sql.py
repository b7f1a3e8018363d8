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
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any

from marsad.errors import StoreError
from marsad.model import Analysis
from marsad.store.base import SearchResults, Store, WriteResult
from marsad.store.filters import filter_sql
from marsad.store.names import known_phrases
from marsad.store.query import Query, Term
from marsad.store.rows import Tx, event_row, now_iso
from marsad.store.schema import MIGRATIONS, SCHEMA_VERSION
from marsad.text.normalize import normalize_for_match
from marsad.text.stem import stem_text


class SQLStore(Store):
    """The shared implementation of :class:`Store` over a SQL connection."""

    url: str
    readonly: bool

    # -- dialect hooks (and :meth:`Store.transaction`) -------------------------------------
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
    def _text_match(self, q: Query, *, documents: bool = True) -> tuple[str, str, str, list[Any]]:
        """(FROM clause joining the index to ``documents d``, WHERE condition, rank
        expression where lower ranks first, the bound arguments of the FROM clause then of
        the WHERE condition; the rank expression takes none). ``documents=False``: the
        index alone, without ``d`` (for :meth:`_index_cols`)."""

    def _index_cols(self, cols: str) -> str | None:
        """``cols`` read from the full-text index alone, when the index holds them (the
        document's key), else None. Every indexed row is a stored document's, so a match
        without a document filter needs no join: a common word matches thousands of
        articles, and joining ``documents`` for each took as long as matching them."""
        return None

    @abstractmethod
    def _doc_order(self) -> str:
        """For :meth:`iter_documents`: ``SELECT <insertion-order key> AS k, analysis FROM …
        WHERE <key> > ?`` (insertion order, so both backends iterate alike)."""

    def _ddl(self, stmt: str) -> str:
        return stmt

    def _migration_transaction(self) -> AbstractContextManager[Tx]:
        """The transaction migrations run in: the write transaction, unless a backend must
        refresh what it knows of the schema after waiting for the lock (PostgreSQL). (No
        write-counter bump: before version 10 there is no counter to bump.)"""
        return self.transaction(touch=False)

    def _touch(self, tx: Tx) -> None:
        """Count one more write (run by :meth:`transaction` as its body ends, under the
        write lock): :func:`marsad.store.reads.facets.generation` reads the counter."""
        tx.execute("UPDATE write_counter SET n = n + 1 WHERE id = 1")

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
        """A condition (within ``_text_match``'s FROM clause, with or without ``d``) true
        when the document holds ``phrase``, with its bound arguments."""

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
        search query, which :mod:`marsad.store.reads.search` orders and folds."""
        where, args = self._filter_sql(q)
        if q.has_text:
            bare = None if where else self._index_cols(cols)
            from_, match, rank, base_args = self._text_match(q, documents=bare is None)
            tier, tier_args = self._tier_sql(q)
            sql = f"SELECT {bare or cols}, {rank} AS rank, {tier} AS tier FROM {from_} WHERE {match}"
            base_args = [*tier_args, *base_args]
        else:
            sql, base_args = f"SELECT {cols}, 0.0 AS rank, 0 AS tier FROM documents d WHERE 1=1", []
        if where:
            sql += " AND " + " AND ".join(where)
        return sql, [*base_args, *args]

    def search(
        self, query: str | Query, *, limit: int = 20, offset: int = 0, collapse: bool = True
    ) -> SearchResults:
        """The one search (:func:`marsad.store.reads.search.search`), in SQL."""
        from marsad.store.reads.search import search

        return search(self, query, limit=limit, offset=offset, collapse=collapse).results

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
