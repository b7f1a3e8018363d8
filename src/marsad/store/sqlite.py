"""The embedded default: one SQLite file, FTS5 over normalized stems.

The write path, search assembly, filters and stats are shared with PostgreSQL in
:mod:`marsad.store.sql`; this module holds the connection and the SQLite pieces: the FTS5
table (BM25, title weighted 3:1 over body) and ``BEGIN IMMEDIATE`` transactions, which
serialize writers across processes. A store opened with a ``timeout`` stops any read that
runs longer (a progress handler checks the deadline every few thousand VM steps, as
Datasette does) with :class:`marsad.errors.QueryTimeout`; the connection stays usable. Every value is a bound parameter; the only text built
from user input is the FTS5 MATCH expression, whose terms are stems double-quoted by
:mod:`marsad.store.query`.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from marsad.errors import QueryTimeout, StoreError
from marsad.store.query import Query, Term, fts_term
from marsad.store.rows import Tx
from marsad.store.sql import SQLStore

PROGRESS_STEPS = 1000  # SQLite VM steps between two looks at the deadline (Datasette's figure)

_FTS = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5(
        title, body, tokenize = "unicode61 remove_diacritics 0")""",
]


class _Tx:
    """The SQLite connection seen through the shared :class:`marsad.store.sql.Tx`."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def execute(self, sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cur = self.conn.execute(sql, tuple(args))
        if cur.description is None:
            return []
        return [dict(r) for r in cur.fetchall()]

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self.conn.executemany(sql, rows)


class SQLiteStore(SQLStore):
    def __init__(self, path: str | Path, *, readonly: bool = False, timeout: float | None = None):
        self.path = Path(path)
        self.timeout = timeout
        self._deadline: float | None = None
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
            if timeout is not None:
                self.conn.set_progress_handler(self._past_deadline, PROGRESS_STEPS)
            if not readonly:
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = NORMAL")
                self._migrate()
            else:
                self._check_version()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable marsad database ({exc})") from None

    # -- dialect hooks ---------------------------------------------------------------------
    @contextmanager
    def transaction(self, *, touch: bool = True) -> Iterator[_Tx]:
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            tx = _Tx(self.conn)
            yield tx
            if touch:
                self._touch(tx)

    @contextmanager
    def _reading(self) -> Iterator[_Tx]:
        with self._time_limit():
            yield _Tx(self.conn)

    def _past_deadline(self) -> int:
        """The progress handler: non-zero stops the statement running."""
        return 1 if self._deadline is not None and time.monotonic() > self._deadline else 0

    @contextmanager
    def _time_limit(self) -> Iterator[None]:
        """Reads inside run under the time limit (the outermost sets the deadline)."""
        if self.timeout is None or self._deadline is not None:
            yield
            return
        self._deadline = time.monotonic() + self.timeout
        try:
            yield
        except sqlite3.OperationalError as exc:
            if "interrupted" not in str(exc) or time.monotonic() <= self._deadline:
                raise
            raise QueryTimeout(f"the query ran longer than the {self.timeout:g} s limit and was stopped",
                               fix="narrow it: add words, filters or a date range") from None
        finally:
            self._deadline = None

    def _has_meta(self, tx: Tx) -> bool:
        return bool(tx.execute(
            "SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = 'meta'"))

    def _backend_ddl(self, version: int) -> list[str]:
        return _FTS if version == 1 else []

    def _index_text(self, tx: Tx, doc_id: str, title: str, body: str) -> None:
        tx.execute(
            "INSERT INTO documents_fts(rowid, title, body) "
            "SELECT rowid, ?, ? FROM documents WHERE id = ?",
            (title, body, doc_id),
        )

    def _match_only(self, q: Query) -> tuple[str, str, list[Any]]:
        return (
            "documents_fts JOIN documents d ON d.rowid = documents_fts.rowid",
            "documents_fts MATCH ?",
            [q.fts_match()],
        )

    def _text_match(self, q: Query, *, documents: bool = True) -> tuple[str, str, str, list[Any]]:
        from_, cond, args = self._match_only(q)
        return from_ if documents else "documents_fts", cond, "bm25(documents_fts, 3.0, 1.0)", args

    def _index_cols(self, cols: str) -> str | None:
        return "documents_fts.rowid AS id" if cols == "d.rowid AS id" else None

    def _phrase_hit(self, phrase: Term) -> tuple[str, list[Any]]:
        return ("documents_fts.rowid IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)",
                [fts_term(phrase)])

    def _doc_order(self) -> str:
        return "SELECT rowid AS k, analysis FROM documents WHERE rowid > ?"

    def _is_db_error(self, exc: Exception) -> bool:
        return isinstance(exc, sqlite3.Error)

    # -- SQLite specifics --------------------------------------------------------------------
    def iter_rows(self, sql: str, args: Iterable[Any] = (), *, batch: int = 1000) -> Iterator[dict[str, Any]]:
        """Streams; under a time limit, each batch has the whole limit (a long export
        streams on, a batch that takes too long is stopped)."""
        with self._time_limit():
            cur = self.conn.execute(sql, tuple(args))
        while True:
            with self._time_limit():
                rows = cur.fetchmany(batch)
            if not rows:
                return
            for r in rows:
                yield dict(r)

    def fetch_tuples(self, sql: str, args: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows as plain tuples in SELECT order, for the search's ranking: a common word
        matches thousands of articles, and a dict a row was a third of its time."""
        with self._time_limit():
            cur = self.conn.cursor()
            cur.row_factory = None
            return cur.execute(sql, tuple(args)).fetchall()

    def close(self) -> None:
        try:
            self.conn.close()
        except sqlite3.Error:
            pass
