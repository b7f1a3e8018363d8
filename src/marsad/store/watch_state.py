"""The feed watcher's memory, kept in the marsad database itself (a schema add-on).

Two tables, created through the store's own connection with portable SQL (SQLite and
PostgreSQL alike), versioned under the ``meta`` key ``watch_state_version`` so they can
grow like the main schema:

* ``watch_feeds``: one row per feed URL: name, the validators of its last answer (ETag,
  Last-Modified), when it was polled and is next due, consecutive failures, last error;
* ``watch_items``: one row per (feed, item): its link, the feed's own text of it (the
  fallback when the article page cannot be fetched), and its state: ``pending`` until the
  article is stored, then ``done``; ``failed`` after too many attempts.

An item is registered (``pending``) in the same transaction that saves the feed's new
validators, so a crash between the two cannot lose items behind a 304; an item is marked
``done`` only after its article is committed to the store (and the watcher checks the
store by URL before fetching a pending item), so a crash anywhere costs at most one
idempotent re-write, never a lost or doubled article.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from marsad.errors import StoreError

WATCH_STATE_VERSION = 1
_VERSION_KEY = "watch_state_version"

_V1 = [
    """CREATE TABLE IF NOT EXISTS watch_feeds (
        url TEXT PRIMARY KEY,
        name TEXT,
        etag TEXT,
        last_modified TEXT,
        last_status INTEGER,
        last_polled TEXT,
        next_poll TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS watch_items (
        feed_url TEXT NOT NULL,
        item_key TEXT NOT NULL,
        seq INTEGER NOT NULL,
        link TEXT,
        entry TEXT NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        doc_id TEXT,
        error TEXT,
        first_seen TEXT NOT NULL,
        updated TEXT NOT NULL,
        PRIMARY KEY (feed_url, item_key)
    )""",
    "CREATE INDEX IF NOT EXISTS watch_items_state ON watch_items(state, first_seen)",
    "CREATE INDEX IF NOT EXISTS watch_items_link ON watch_items(link)",
]

MIGRATIONS: dict[int, list[str]] = {1: _V1}

Execute = Callable[..., list[dict[str, Any]]]


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@contextmanager
def transaction(store: Any) -> Iterator[Execute]:
    """A write transaction on the store's connection (:meth:`SQLStore.transaction`):
    yields ``execute(sql, args=())`` (portable SQL, ``?`` placeholders) → rows as dicts."""
    tx = getattr(store, "transaction", None)
    if tx is None:
        raise StoreError(f"{type(store).__name__} cannot hold the watcher's state")
    with tx() as t:
        yield t.execute


def ensure_schema(store: Any) -> None:
    """Create or upgrade the watcher's tables (idempotent; safe for concurrent openers)."""
    rows = store.fetchall("SELECT value FROM meta WHERE key = ?", (_VERSION_KEY,))
    current = int(rows[0]["value"]) if rows else 0
    if current == WATCH_STATE_VERSION:
        return
    if current > WATCH_STATE_VERSION:
        raise StoreError(
            f"{store.url}: watcher state version {current} is newer than this marsad "
            f"({WATCH_STATE_VERSION}); upgrade marsad"
        )
    with transaction(store) as ex:
        rows = ex("SELECT value FROM meta WHERE key = ?", (_VERSION_KEY,))
        current = int(rows[0]["value"]) if rows else 0
        for v in range(current + 1, WATCH_STATE_VERSION + 1):
            for stmt in MIGRATIONS[v]:
                ex(stmt)
        ex(
            "INSERT INTO meta(key, value) VALUES(?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (_VERSION_KEY, str(WATCH_STATE_VERSION)),
        )


@dataclass
class FeedState:
    url: str
    name: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_status: int | None = None
    last_polled: str | None = None
    next_poll: str | None = None
    failures: int = 0
    last_error: str | None = None


@dataclass
class ItemState:
    feed_url: str
    item_key: str
    seq: int
    link: str | None
    entry: dict[str, Any]  # title, text (HTML or plain), published, author: the fallback
    state: str = "pending"
    attempts: int = 0
    doc_id: str | None = None
    error: str | None = None


class WatchState:
    """Reads and writes of the watcher's tables; every write is one transaction."""

    def __init__(self, store: Any):
        self.store = store
        ensure_schema(store)

    # -- feeds ---------------------------------------------------------------------------
    def add_feeds(self, feeds: list[tuple[str, str | None]]) -> None:
        with transaction(self.store) as ex:
            for url, name in feeds:
                ex(
                    "INSERT INTO watch_feeds (url, name, failures) VALUES (?, ?, 0) "
                    "ON CONFLICT(url) DO UPDATE SET name = excluded.name",
                    (url, name),
                )

    def feed(self, url: str) -> FeedState:
        rows = self.store.fetchall("SELECT * FROM watch_feeds WHERE url = ?", (url,))
        return FeedState(**rows[0]) if rows else FeedState(url)

    def feeds(self) -> list[FeedState]:
        return [FeedState(**r) for r in self.store.fetchall("SELECT * FROM watch_feeds ORDER BY url")]

    def record_poll(
        self, url: str, *, status: int, etag: str | None, last_modified: str | None,
        next_poll: str, items: list[ItemState] = (),  # type: ignore[assignment]
    ) -> int:
        """Save a successful poll: new items (as pending) and the validators, together.
        Returns how many items were new."""
        now = now_iso()
        new = 0
        with transaction(self.store) as ex:
            known = set()
            keys = [it.item_key for it in items]
            for i in range(0, len(keys), 500):
                chunk = keys[i : i + 500]
                known.update(r["item_key"] for r in ex(
                    "SELECT item_key FROM watch_items WHERE feed_url = ? AND item_key IN "
                    f"({','.join('?' * len(chunk))})", (url, *chunk)))
            for it in items:
                if it.item_key in known:
                    continue
                ex(
                    "INSERT INTO watch_items (feed_url, item_key, seq, link, entry, state, "
                    "attempts, first_seen, updated) VALUES (?,?,?,?,?,'pending',0,?,?) "
                    "ON CONFLICT(feed_url, item_key) DO NOTHING",
                    (url, it.item_key, it.seq, it.link,
                     json.dumps(it.entry, ensure_ascii=False), now, now),
                )
                known.add(it.item_key)
                new += 1
            ex(
                "UPDATE watch_feeds SET etag = ?, last_modified = ?, last_status = ?, "
                "last_polled = ?, next_poll = ?, failures = 0, last_error = NULL WHERE url = ?",
                (etag, last_modified, status, now, next_poll, url),
            )
        return new

    def record_not_modified(self, url: str, *, next_poll: str) -> None:
        with transaction(self.store) as ex:
            ex(
                "UPDATE watch_feeds SET last_status = 304, last_polled = ?, next_poll = ?, "
                "failures = 0, last_error = NULL WHERE url = ?",
                (now_iso(), next_poll, url),
            )

    def record_feed_failure(self, url: str, *, error: str, status: int | None,
                            next_poll_after: Callable[[int], str]) -> int:
        """Count a failed poll; ``next_poll_after(failures)`` gives the backoff time."""
        with transaction(self.store) as ex:
            rows = ex("SELECT failures FROM watch_feeds WHERE url = ?", (url,))
            failures = (int(rows[0]["failures"]) if rows else 0) + 1
            ex(
                "UPDATE watch_feeds SET failures = ?, last_error = ?, last_status = ?, "
                "last_polled = ?, next_poll = ? WHERE url = ?",
                (failures, error[:1000], status, now_iso(), next_poll_after(failures), url),
            )
        return failures

    # -- items ---------------------------------------------------------------------------
    def pending(self, feed_url: str | None = None, *, limit: int = 1000) -> list[ItemState]:
        sql = "SELECT * FROM watch_items WHERE state = 'pending'"
        args: list[Any] = []
        if feed_url is not None:
            sql += " AND feed_url = ?"
            args.append(feed_url)
        sql += " ORDER BY first_seen, feed_url, seq LIMIT ?"
        args.append(limit)
        out = []
        for r in self.store.fetchall(sql, args):
            r = dict(r)
            r.pop("first_seen", None)
            r.pop("updated", None)
            r["entry"] = json.loads(r["entry"])
            out.append(ItemState(**r))
        return out

    def mark_done(self, item: ItemState, *, doc_id: str | None, note: str | None = None) -> None:
        with transaction(self.store) as ex:
            ex(
                "UPDATE watch_items SET state = 'done', doc_id = ?, error = ?, "
                "attempts = attempts + 1, updated = ? WHERE feed_url = ? AND item_key = ?",
                (doc_id, note, now_iso(), item.feed_url, item.item_key),
            )

    def mark_failed(self, item: ItemState, *, error: str, max_attempts: int) -> bool:
        """Count a failed attempt; returns True when the item is given up (``failed``)."""
        attempts = item.attempts + 1
        state = "failed" if attempts >= max_attempts else "pending"
        with transaction(self.store) as ex:
            ex(
                "UPDATE watch_items SET state = ?, attempts = ?, error = ?, updated = ? "
                "WHERE feed_url = ? AND item_key = ?",
                (state, attempts, error[:1000], now_iso(), item.feed_url, item.item_key),
            )
        return state == "failed"

    def counts(self) -> dict[str, int]:
        return {r["state"]: int(r["n"]) for r in self.store.fetchall(
            "SELECT state, COUNT(*) AS n FROM watch_items GROUP BY state")}
