"""The embedded default: one SQLite file, FTS5 over normalized stems.

Every value is a bound parameter; the only text built from user input is the FTS5 MATCH
expression, whose terms are stems double-quoted by :mod:`marsad.store.query`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from marsad.errors import QueryError, StoreError
from marsad.model import Analysis
from marsad.store.base import SearchHit, SearchResults, Store, WriteResult
from marsad.store.query import Query, parse_query
from marsad.store.schema import MIGRATIONS, SCHEMA_VERSION
from marsad.store.snippet import make_snippet
from marsad.text.normalize import normalize_for_match
from marsad.text.stem import stem_text

_FTS = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5(
        title, body, tokenize = "unicode61 remove_diacritics 0")""",
]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class SQLiteStore(Store):
    def __init__(self, path: str | Path, *, readonly: bool = False):
        self.path = Path(path)
        self.url = str(self.path)
        self.readonly = readonly
        try:
            if readonly:
                if not self.path.exists():
                    raise StoreError(f"{self.path}: no such database (run `marsad ingest` first)")
                uri = f"file:{self.path.resolve()}?mode=ro"
                self.conn = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=30)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.conn = sqlite3.connect(str(self.path), check_same_thread=False, timeout=60)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("PRAGMA busy_timeout = 60000")
            if not readonly:
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = NORMAL")
                self._migrate()
            else:
                v = self.schema_version()
                if v != SCHEMA_VERSION:
                    raise StoreError(
                        f"{self.path}: schema version {v}, this marsad needs {SCHEMA_VERSION} "
                        "(open it once for writing, e.g. `marsad stats`, to migrate)"
                    )
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable marsad database ({exc})") from None

    # -- schema ---------------------------------------------------------------------------
    def schema_version(self) -> int:
        try:
            row = self.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        except sqlite3.OperationalError:
            return 0
        return int(row[0]) if row else 0

    def _migrate(self) -> None:
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: schema version {current} is newer than this marsad "
                f"({SCHEMA_VERSION}); upgrade marsad"
            )
        if current == SCHEMA_VERSION:
            return
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            current = self.schema_version()  # another process may have migrated meanwhile
            for v in range(current + 1, SCHEMA_VERSION + 1):
                for stmt in MIGRATIONS[v]:
                    self.conn.execute(stmt)
                if v == 1:
                    for stmt in _FTS:
                        self.conn.execute(stmt)
            self.conn.execute(
                "INSERT INTO meta(key, value) VALUES('schema_version', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (str(SCHEMA_VERSION),),
            )

    # -- writing --------------------------------------------------------------------------
    def known(self, doc_ids: Iterable[str], urls: Iterable[str | None] = ()) -> set[str]:
        ids = list(dict.fromkeys(doc_ids))
        found: set[str] = set()
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            q = f"SELECT id FROM documents WHERE id IN ({','.join('?' * len(chunk))})"
            found.update(r[0] for r in self.conn.execute(q, chunk))
        us = [u for u in dict.fromkeys(urls) if u]
        for i in range(0, len(us), 500):
            chunk = us[i : i + 500]
            q = f"SELECT url FROM documents WHERE url IN ({','.join('?' * len(chunk))})"
            found.update(r[0] for r in self.conn.execute(q, chunk))
        return found

    def add(self, analyses: Iterable[Analysis]) -> list[WriteResult]:
        batch = list(analyses)
        results: list[WriteResult] = []
        try:
            with self.conn:
                self.conn.execute("BEGIN IMMEDIATE")
                for a in batch:
                    results.append(self._write_one(a))
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: could not write batch ({exc})") from None
        return results

    def _write_one(self, a: Analysis) -> WriteResult:
        d = a.document
        c = self.conn
        if c.execute("SELECT 1 FROM documents WHERE id = ?", (d.id,)).fetchone() or (
            d.url and c.execute("SELECT 1 FROM documents WHERE url = ?", (d.url,)).fetchone()
        ):
            return WriteResult(d.id, False)
        cur = c.execute(
            """INSERT INTO documents (id, url, source, published, title, body, language, author,
                 site_name, agency, dateline, origin, external_id, topic, topic_score, analysis,
                 ingested_at, dup_group, story_id)
               VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
            (
                d.id, d.url, d.source, d.published, d.title, d.body, d.language, d.author,
                d.site_name, d.agency, d.dateline, d.origin, d.external_id,
                a.topic.label if a.topic else None, a.topic.score if a.topic else None,
                a.to_json(), _now(), None, a.story_id,
            ),
        )
        rowid = cur.lastrowid
        c.execute(
            "INSERT INTO documents_fts(rowid, title, body) VALUES (?, ?, ?)",
            (rowid, stem_text(d.title), stem_text(d.body)),
        )
        c.executemany(
            'INSERT INTO mentions (doc_id, start, "end", text, norm, type, entity_id) '
            "VALUES (?,?,?,?,?,?,?)",
            [(d.id, m.start, m.end, m.text, normalize_for_match(m.text), m.type, m.entity_id)
             for m in a.mentions],
        )
        c.executemany(
            """INSERT INTO entities (id, type, name_ar, name_en, aliases, wikidata, country, lat,
                 lon, geonames_id, kind, local) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
               ON CONFLICT(id) DO NOTHING""",
            [(e.id, e.type, e.name_ar, e.name_en, json.dumps(e.aliases, ensure_ascii=False),
              e.wikidata, e.country, e.lat, e.lon, e.geonames_id, e.kind, int(e.local))
             for e in a.entities],
        )
        c.executemany(
            """INSERT INTO events (doc_id, idx, type, mode, status, trigger_text, source_text,
                 source_entity, target_text, target_entity, location_text, place_name, country,
                 lat, lon, date, sentence, confidence) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
            [
                (
                    d.id, i, e.type, e.mode, e.status, e.trigger.text,
                    e.source.text if e.source else None, e.source.entity_id if e.source else None,
                    e.target.text if e.target else None, e.target.entity_id if e.target else None,
                    e.location.text if e.location else None,
                    (e.place or {}).get("name_en") or (e.place or {}).get("name"),
                    (e.place or {}).get("country"), (e.place or {}).get("lat"),
                    (e.place or {}).get("lon"), e.date, e.sentence, e.confidence,
                )
                for i, e in enumerate(a.events)
            ],
        )
        c.executemany(
            "INSERT INTO keywords (doc_id, rank, keyword) VALUES (?,?,?)",
            [(d.id, i, k) for i, k in enumerate(a.keywords)],
        )
        group = self._assign_dup_group(a)
        return WriteResult(d.id, True, group)

    def _assign_dup_group(self, a: Analysis) -> str:
        """Near-duplicate grouping through LSH band keys of the MinHash signature: a new
        document joins the group of the first stored document sharing a band with it."""
        d = a.document
        group = d.id
        keys = _band_keys(a)
        if keys:
            q = (
                "SELECT d.dup_group, d.id FROM dedup_bands b JOIN documents d ON d.id = b.doc_id "
                f"WHERE b.band IN ({','.join('?' * len(keys))}) AND d.id != ? LIMIT 50"
            )
            candidates = self.conn.execute(q, (*keys, d.id)).fetchall()
            best = _best_duplicate(a, candidates, self)
            if best:
                group = best
            self.conn.executemany(
                "INSERT OR IGNORE INTO dedup_bands (band, doc_id) VALUES (?, ?)",
                [(k, d.id) for k in keys],
            )
        self.conn.execute("UPDATE documents SET dup_group = ? WHERE id = ?", (group, d.id))
        return group

    def signature_of(self, doc_id: str) -> list[int] | None:
        row = self.conn.execute("SELECT analysis FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if not row:
            return None
        return json.loads(row[0]).get("signature")

    # -- reading --------------------------------------------------------------------------
    def get(self, doc_id: str) -> Analysis | None:
        row = self.conn.execute(
            "SELECT analysis, dup_group, story_id FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        if not row:
            return None
        a = Analysis.from_json(row["analysis"])
        a.story_id = row["story_id"] or a.story_id
        a.extras["dup_group"] = row["dup_group"]
        return a

    def iter_documents(self, *, batch: int = 500) -> Iterator[Analysis]:
        last = 0
        while True:
            rows = self.conn.execute(
                "SELECT rowid, analysis FROM documents WHERE rowid > ? ORDER BY rowid LIMIT ?",
                (last, batch),
            ).fetchall()
            if not rows:
                return
            for r in rows:
                yield Analysis.from_json(r["analysis"])
            last = rows[-1]["rowid"]

    def _filter_sql(self, q: Query) -> tuple[list[str], list[Any]]:
        where: list[str] = []
        args: list[Any] = []
        for key, values in q.filters.items():
            neg = key.startswith("-")
            name = key.lstrip("-")
            for v in values:
                clause, a = _FILTER_SQL[name](v)
                where.append(f"NOT ({clause})" if neg else clause)
                args.extend(a)
        return where, args

    def search(
        self, query: str | Query, *, limit: int = 20, offset: int = 0, collapse: bool = True
    ) -> SearchResults:
        q = query if isinstance(query, Query) else parse_query(query)
        if not (1 <= limit <= 1000):
            raise QueryError(f"limit {limit} is out of range", fix="use 1 to 1000")
        if offset < 0:
            raise QueryError(f"offset {offset} is negative")
        where, args = self._filter_sql(q)
        if q.has_text:
            base = (
                "SELECT d.id, d.title, d.source, d.published, d.url, d.topic, d.body, d.dup_group, "
                "bm25(documents_fts, 3.0, 1.0) AS rank FROM documents_fts "
                "JOIN documents d ON d.rowid = documents_fts.rowid WHERE documents_fts MATCH ?"
            )
            base_args: list[Any] = [q.fts_match()]
            order = "rank, published DESC"
        else:
            base = (
                "SELECT d.id, d.title, d.source, d.published, d.url, d.topic, d.body, d.dup_group, "
                "0.0 AS rank FROM documents d WHERE 1=1"
            )
            base_args = []
            order = "published DESC, id"
        if where:
            base += " AND " + " AND ".join(where)
        base_args += args
        if collapse:
            inner = (
                f"SELECT *, ROW_NUMBER() OVER (PARTITION BY COALESCE(dup_group, id) ORDER BY {order}) "
                f"AS rn, COUNT(*) OVER (PARTITION BY COALESCE(dup_group, id)) AS copies FROM ({base})"
            )
            sql = f"SELECT * FROM ({inner}) WHERE rn = 1"
        else:
            sql = f"SELECT *, 1 AS copies FROM ({base})"
        try:
            total = self.conn.execute(f"SELECT COUNT(*) FROM ({sql})", base_args).fetchone()[0]
            rows = self.conn.execute(
                f"{sql} ORDER BY {order} LIMIT ? OFFSET ?", (*base_args, limit, offset)
            ).fetchall()
        except sqlite3.OperationalError as exc:  # should not happen: terms are quoted
            raise QueryError(f"could not run query {q.raw!r} ({exc})", fix="simplify the query") from None
        wanted = q.all_stems()
        hits = []
        for r in rows:
            snip = make_snippet(r["body"] or r["title"], wanted)
            hits.append(
                SearchHit(
                    id=r["id"], title=r["title"], source=r["source"], published=r["published"],
                    score=round(-float(r["rank"]), 4), snippet=snip.text,
                    highlights=snip.highlights, url=r["url"], topic=r["topic"],
                    dup_group=r["dup_group"], copies=int(r["copies"]),
                )
            )
        return SearchResults(q.raw, int(total), hits, offset=offset, limit=limit)

    def stats(self) -> dict[str, Any]:
        c = self.conn

        def count(sql: str) -> int:
            return int(c.execute(sql).fetchone()[0])

        def grouped(sql: str) -> dict[str, int]:
            return {str(k): int(v) for k, v in c.execute(sql).fetchall()}

        span = c.execute("SELECT MIN(published), MAX(published) FROM documents").fetchone()
        return {
            "database": self.url,
            "schema_version": self.schema_version(),
            "documents": count("SELECT COUNT(*) FROM documents"),
            "duplicate_groups": count("SELECT COUNT(DISTINCT COALESCE(dup_group, id)) FROM documents"),
            "entities": count("SELECT COUNT(*) FROM entities"),
            "mentions": count("SELECT COUNT(*) FROM mentions"),
            "events": count("SELECT COUNT(*) FROM events"),
            "stories": count("SELECT COUNT(*) FROM stories"),
            "published_from": span[0],
            "published_to": span[1],
            "by_language": grouped(
                "SELECT COALESCE(language,'?'), COUNT(*) FROM documents GROUP BY 1 ORDER BY 2 DESC"
            ),
            "by_source": grouped(
                "SELECT COALESCE(source,'?'), COUNT(*) FROM documents GROUP BY 1 ORDER BY 2 DESC LIMIT 50"
            ),
            "by_topic": grouped(
                "SELECT topic, COUNT(*) FROM documents WHERE topic IS NOT NULL GROUP BY 1 ORDER BY 2 DESC"
            ),
            "events_by_type": grouped("SELECT type, COUNT(*) FROM events GROUP BY 1 ORDER BY 2 DESC"),
        }

    def fetchall(self, sql: str, args: Iterable[Any] = ()) -> list[dict[str, Any]]:
        return [dict(r) for r in self.conn.execute(sql, tuple(args)).fetchall()]

    def iter_rows(self, sql: str, args: Iterable[Any] = (), *, batch: int = 1000) -> Iterator[dict[str, Any]]:
        cur = self.conn.execute(sql, tuple(args))
        while True:
            rows = cur.fetchmany(batch)
            if not rows:
                return
            for r in rows:
                yield dict(r)

    def close(self) -> None:
        try:
            self.conn.close()
        except sqlite3.Error:
            pass


def _entity_clause(v: str) -> tuple[str, list[Any]]:
    n = normalize_for_match(v)
    return (
        "d.id IN (SELECT m.doc_id FROM mentions m LEFT JOIN entities e ON e.id = m.entity_id "
        "WHERE m.entity_id = ? OR m.norm = ? OR lower(e.name_en) = lower(?) OR e.name_ar = ?)",
        [v, n, v, v],
    )


_FILTER_SQL = {
    "source": lambda v: (
        "(lower(COALESCE(d.source, '')) = lower(?) OR lower(COALESCE(d.site_name, '')) = lower(?))",
        [v, v],
    ),
    "from": lambda v: ("substr(d.published, 1, 10) >= ?", [v]),
    "to": lambda v: ("substr(d.published, 1, 10) <= ?", [v]),
    "topic": lambda v: ("COALESCE(d.topic, '') = ?", [v.lower()]),
    "lang": lambda v: ("COALESCE(d.language, '') = ?", [v]),
    "entity": _entity_clause,
    "country": lambda v: (
        "(d.id IN (SELECT m.doc_id FROM mentions m JOIN entities e ON e.id = m.entity_id "
        "WHERE e.country = ?) OR d.id IN (SELECT doc_id FROM events WHERE country = ?))",
        [v, v],
    ),
    "type": lambda v: ("d.id IN (SELECT doc_id FROM events WHERE type = ?)", [v]),
}


def _band_keys(a: Analysis) -> list[str]:
    if not a.signature:
        return []
    try:
        from marsad.analyze.dedup import band_keys
    except ImportError:
        return []
    return list(band_keys(a.signature))


def _best_duplicate(a: Analysis, candidates: list[Any], store: SQLiteStore) -> str | None:
    """The group of the most similar stored candidate, if similar enough."""
    if not candidates:
        return None
    try:
        from marsad.analyze.dedup import is_duplicate
    except ImportError:
        return None
    best = None
    for group, cid in candidates:
        sig = store.signature_of(cid)
        if sig and is_duplicate(a.signature, sig):
            best = group or cid
            break
    return best
