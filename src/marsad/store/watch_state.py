"""The feed watcher's memory, kept in the marsad database itself.

Two tables of the main schema (version 7 of :mod:`marsad.store.schema`, where all DDL
lives; before it the watcher created them itself under the ``meta`` key
``watch_state_version``, which that migration retires):

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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from marsad.errors import StoreError
from marsad.store.rows import now_iso

Execute = Callable[..., list[dict[str, Any]]]


@contextmanager
def transaction(store: Any) -> Iterator[Execute]:
    """A write transaction on the store's connection (:meth:`SQLStore.transaction`):
    yields ``execute(sql, args=())`` (portable SQL, ``?`` placeholders) → rows as dicts."""
    tx = getattr(store, "transaction", None)
    if tx is None:
        raise StoreError(f"{type(store).__name__} cannot hold the watcher's state")
    with tx(touch=False) as t:  # the watcher's bookkeeping: no page shows it
        yield t.execute


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
        next_poll: str, items: Sequence[ItemState] = (),
    ) -> int:
        """Save a successful poll: new items (as pending) and the validators, together.
        Returns how many items were new."""
        now = now_iso()
        new = 0
        with transaction(self.store) as ex:
            known: set[str] = set()
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
