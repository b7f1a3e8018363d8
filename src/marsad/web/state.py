"""What one running server holds: its settings, read-only store connections (one per
worker thread), the single writer, and a small cache of expensive read results.

Reads never go through the writer: each worker thread opens its own read-only store, so
a slow page never blocks another and nothing a reader does can change the database.
Writes (the ingest page and POST /api/documents) go through one writable store behind a
lock, so there is exactly one writer in the process.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import marsad
from marsad.store.base import Store
from marsad.store.views import MetaTable, generation, load_meta

T = TypeVar("T")
LOOPBACK = ("127.0.0.1", "localhost", "::1")
log = logging.getLogger("marsad.web")

# entries kept per cache bucket: ranked match lists can hold every document id
CACHE_SIZES = {"default": 256, "ranked": 24, "facets": 128, "pages": 256}


@dataclass(frozen=True)
class ServeSettings:
    """How ``marsad serve`` runs; built from the command line or by tests."""

    db: str
    host: str = "127.0.0.1"
    port: int = 8000
    write_token: str | None = None
    # uploads and JSON bodies: the longest article (ingest.document.MAX_ARTICLE_CHARS,
    # 200,000 characters) is 0.4 MB of UTF-8 and 1.2 MB as \u-escaped JSON; a request
    # holds a few such, not the 20 MB (a hundred of them) it once accepted
    max_body_bytes: int = 4 * 2**20
    max_url_bytes: int = 8192
    cache_seconds: float = 300.0
    page_size: int = 20
    # Host headers answered: a page on another site that rebinds its name to 127.0.0.1
    # ("DNS rebinding") sends its own name and is refused. None: the loopback names when
    # bound to loopback, any host otherwise.
    allowed_hosts: tuple[str, ...] | None = None

    def hosts(self) -> list[str]:
        if self.allowed_hosts is not None:
            return list(self.allowed_hosts)
        if self.host in LOOPBACK:
            return ["127.0.0.1", "localhost", "[::1]", "::1"]
        return ["*"]

    def __post_init__(self) -> None:
        if self.write_token is not None and len(self.write_token) < 8:
            raise marsad.InputError(
                "the write token is shorter than 8 characters", fix="use a longer random token"
            )


class ServerState:
    def __init__(self, settings: ServeSettings):
        self.settings = settings
        self._local = threading.local()
        self._opened: list[Store] = []
        self._opened_lock = threading.Lock()
        self._writer: Store | None = None
        self.write_lock = threading.Lock()
        self._analysing = 0  # write requests analysing now (outside the write lock)
        self._analysing_lock = threading.Lock()
        self._caches: dict[str, OrderedDict[Any, tuple[float, Any, Any]]] = {}
        self._cache_lock = threading.Lock()
        self._gen: tuple[float, Any] = (0.0, None)
        self._meta: tuple[Any, float, MetaTable] | None = None
        self._meta_lock = threading.Lock()
        self._closing = threading.Event()
        self._warm_thread: threading.Thread | None = None
        if settings.write_token:
            # the writer creates (and migrates) the database before any reader opens it
            self.writer()

    @property
    def writable(self) -> bool:
        return bool(self.settings.write_token)

    def reader(self) -> Store:
        """This thread's read-only store (opened on first use)."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = marsad.open(self.settings.db, readonly=True)
            self._local.store = store
            with self._opened_lock:
                self._opened.append(store)
        return store

    def writer(self) -> Store:
        if self._writer is None:
            self._writer = marsad.open(self.settings.db)
        return self._writer

    @contextmanager
    def analysis(self) -> Iterator[None]:
        """Counts a write request's analysis, which runs outside the write lock."""
        with self._analysing_lock:
            self._analysing += 1
        try:
            yield
        finally:
            with self._analysing_lock:
                self._analysing -= 1

    def analysing(self) -> int:
        """How many write requests are analysing articles now."""
        return self._analysing

    def write(self, fn: Callable[[Store], T]) -> T:
        """Run ``fn(writer)`` as the only writer."""
        with self.write_lock:
            result = fn(self.writer())
        with self._cache_lock:
            self._caches.clear()
            self._gen = (0.0, None)
        return result

    # -- cache --------------------------------------------------------------------------
    def generation(self) -> Any:
        """The database's generation, re-read at most once a second."""
        now = time.monotonic()
        if now - self._gen[0] > 1.0:
            self._gen = (now, generation(self.reader()))
        return self._gen[1]

    def cached(self, key: Any, compute: Callable[[], T], *, bucket: str = "default") -> T:
        """``compute()`` cached under ``key`` while the database generation is unchanged
        and for at most ``cache_seconds``; each bucket keeps its newest entries only."""
        gen = self.generation()
        now = time.monotonic()
        with self._cache_lock:
            cache = self._caches.setdefault(bucket, OrderedDict())
            hit = cache.get(key)
            if hit and hit[1] == gen and now - hit[0] < self.settings.cache_seconds:
                cache.move_to_end(key)
                return hit[2]
        value = compute()
        with self._cache_lock:
            cache = self._caches.setdefault(bucket, OrderedDict())
            cache[key] = (now, gen, value)
            cache.move_to_end(key)
            while len(cache) > CACHE_SIZES.get(bucket, 256):
                cache.popitem(last=False)
        return value

    def meta(self) -> MetaTable:
        """The small metadata of every document (see views.load_meta), per generation and
        for at most ``cache_seconds`` (story clustering changes it without adding documents)."""
        def fresh(current: tuple[Any, float, MetaTable] | None) -> bool:
            return (current is not None and current[0] == gen
                    and time.monotonic() - current[1] < self.settings.cache_seconds)

        gen = self.generation()
        current = self._meta
        if fresh(current):
            return current[2]  # type: ignore[index]
        with self._meta_lock:
            current = self._meta
            if fresh(current):
                return current[2]  # type: ignore[index]
            meta = load_meta(self.reader())
            self._meta = (gen, time.monotonic(), meta)
            return meta

    def start_warm(self) -> None:
        """Fill the caches the first pages need, in a thread (start-up stays instant)."""
        self._warm_thread = threading.Thread(target=self.warm, name="marsad-warm", daemon=True)
        self._warm_thread.start()

    def warm(self) -> None:
        from marsad.store import views
        from marsad.text.stem import stem
        from marsad.web.searching import search

        steps = [
            lambda: stem("والمقاتلين"),  # loads the stemmer's tables
            self.meta,
            lambda: search(self, "", limit=self.settings.page_size, offset=0, collapse=True, facets=True),
            lambda: self.cached("stats", lambda: self.reader().stats()),
            lambda: self.cached("sources", lambda: views.list_sources(self.reader())),
            lambda: self.cached("source_topics", lambda: views.source_topics(self.reader())),
            lambda: self.cached("stories_n", lambda: views.count_stories(self.reader())),
            lambda: self.cached(("stories", 0), lambda: views.list_stories(self.reader(), limit=50, offset=0)),
        ]
        for step in steps:
            if self._closing.is_set():
                return
            try:
                step()
            except Exception as exc:  # noqa: BLE001  (a warm-up never stops the server)
                log.warning("cache warm-up failed: %s", exc)
                return

    def close(self) -> None:
        """Close every connection, after the warm-up thread (which uses one) has stopped."""
        self._closing.set()
        if self._warm_thread is not None:
            self._warm_thread.join(timeout=120)
        with self._opened_lock:
            for s in self._opened:
                s.close()
            self._opened.clear()
        if self._writer is not None:
            self._writer.close()
            self._writer = None
