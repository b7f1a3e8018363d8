"""What one running server holds: its settings, read-only store connections (one per
worker thread), the single writer, and a small cache of expensive read results.

Reads never go through the writer: each worker thread opens its own read-only store, so
a slow page never blocks another and nothing a reader does can change the database; a
read query that runs past ``read_timeout`` is stopped (QueryTimeout, answered 503).
Writes (the ingest page and POST /api/documents) go through one writable store behind a
lock, so there is exactly one writer in the process.

Cached entries expire after ``cache_seconds`` moved by a jitter of up to ±20% that is fixed
per key (:func:`ttl_for`), so what was filled together (the warm-up, a burst of requests)
is not recomputed together: with one TTL for all, every cache and both in-memory tables
expired in the same second, and p95 spiked at minutes 5 and 10 of a load test. The
in-memory tables, once old but of the current generation, are reloaded in the background
while requests go on using the old ones.

Memory stays bounded however long the server runs: each cache bucket holds a number of
entries AND an estimated number of bytes (a map's 5,000 points or a ranked list of every
document weigh what they weigh, not one entry), and a worker thread's connection closes
when the thread ends (the thread pool retires idle threads and starts new ones).
"""

from __future__ import annotations

import logging
import sys
import threading
import time
import weakref
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any, TypeVar

import marsad
from marsad.store import open_store
from marsad.store.base import Store
from marsad.store.reads.events import EventTable, load_event_table
from marsad.store.reads.facets import FacetIndex, MetaTable, generation, load_facet_index, load_meta
from marsad.store.reads.search import SearchTables

T = TypeVar("T")
# above this many documents the metadata table (~150 bytes a document) is not kept in
# memory and search runs in SQL only
MAX_META_DOCS = 1_000_000
LOOPBACK = ("127.0.0.1", "localhost", "::1")
log = logging.getLogger("marsad.web")

# entries kept per cache bucket: ranked match lists can hold every document id
# and the map's points (a few MB each) apart, so they never push out the small entries
CACHE_SIZES = {"default": 256, "ranked": 24, "facets": 128, "pages": 256, "points": 16,
               "events_sel": 64}
# and their estimated size (see approx_bytes): at most 128 MB of cached results in all
# (events_sel: the positions in the event table a filter selects, 4 bytes an event)
CACHE_BYTES = {"default": 32 * 2**20, "ranked": 40 * 2**20, "facets": 12 * 2**20, "pages": 16 * 2**20,
               "points": 24 * 2**20, "events_sel": 4 * 2**20}
_SAMPLE = 8  # items of a container measured; the rest are taken to be like them
CACHE_JITTER = 0.2  # each key's time to live is cache_seconds moved by up to this fraction


def ttl_for(key: Any, ttl: float, spread: float = CACHE_JITTER) -> float:
    """``ttl`` moved by up to ±``spread`` of itself, the same for a key every time and in
    every process (a CRC of its repr; ``hash()`` of a string changes per process), spread
    evenly over keys, so entries filled at the same moment expire at different ones."""
    h = zlib.crc32(repr(key).encode("utf-8", "backslashreplace")) / 0xFFFFFFFF  # in [0, 1]
    return ttl * (1.0 + spread * (2.0 * h - 1.0))


def approx_bytes(value: Any, depth: int = 0) -> int:
    """An estimate of the memory ``value`` holds (containers, dataclasses, strings,
    numbers), measuring the first few items of each container and assuming the rest are
    alike: cheap enough to run on every cache insertion, and shared objects are counted
    again, so it errs high."""
    size = sys.getsizeof(value)
    if depth > 4 or isinstance(value, (str, bytes, int, float, bool)) or value is None:
        return size
    if isinstance(value, dict):
        items = list(value.items())[:_SAMPLE]
        if items:
            each = sum(approx_bytes(k, depth + 1) + approx_bytes(v, depth + 1) for k, v in items)
            size += each * len(value) // len(items)
        return size
    if isinstance(value, (list, tuple, set, frozenset)):
        sample = list(value)[:_SAMPLE] if not isinstance(value, (list, tuple)) else value[:_SAMPLE]
        if sample:
            size += sum(approx_bytes(v, depth + 1) for v in sample) * len(value) // len(sample)
        return size
    fields = getattr(value, "__dataclass_fields__", None)
    if fields is not None:
        return size + sum(approx_bytes(getattr(value, f, None), depth + 1) for f in fields)
    attrs = getattr(value, "__dict__", None)
    if isinstance(attrs, dict):
        return size + approx_bytes(attrs, depth + 1)
    return size


class _Bucket:
    """One LRU cache bucket: key -> (time, generation, value, bytes), bounded in entries
    and in estimated bytes."""

    def __init__(self, max_entries: int, max_bytes: int):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.entries: OrderedDict[Any, tuple[float, Any, Any, int]] = OrderedDict()
        self.bytes = 0

    def get(self, key: Any) -> tuple[float, Any, Any, int] | None:
        return self.entries.get(key)

    def touch(self, key: Any) -> None:
        self.entries.move_to_end(key)

    def put(self, key: Any, when: float, gen: Any, value: Any) -> None:
        size = approx_bytes(value)
        old = self.entries.pop(key, None)
        if old is not None:
            self.bytes -= old[3]
        if size > self.max_bytes:
            return  # larger than the whole bucket: computed, answered, not kept
        self.entries[key] = (when, gen, value, size)
        self.bytes += size
        while len(self.entries) > self.max_entries or self.bytes > self.max_bytes:
            _, dropped = self.entries.popitem(last=False)
            self.bytes -= dropped[3]

    def __len__(self) -> int:
        return len(self.entries)


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
    # seconds one read query may run on the readers before it is stopped (a 503 that says
    # to narrow the request), as Datasette limits its queries; None: no limit. The writer
    # has none: a write is never cut off halfway.
    read_timeout: float | None = 10.0

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
        if self.read_timeout is not None and not self.read_timeout > 0:
            raise marsad.InputError(f"read timeout {self.read_timeout} is not positive",
                                    fix="give a number of seconds above 0")


MALLOC_ARENAS = 2  # glibc malloc arenas for the server's threads (glibc's default: 8 a core)


def limit_malloc_arenas(n: int = MALLOC_ARENAS) -> bool:
    """Cap glibc's malloc arenas (as MALLOC_ARENA_MAX=n would) before the worker threads
    start: each thread otherwise gets an arena of its own that keeps its peak, which with 8
    busy threads held ~45 MB more for the same requests. False where it cannot (not glibc)."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if not name or not sys.platform.startswith("linux"):
        return False
    try:
        return bool(ctypes.CDLL(name).mallopt(-8, n))  # -8: M_ARENA_MAX
    except (OSError, AttributeError):
        return False


class ServerState:
    def __init__(self, settings: ServeSettings):
        self.settings = settings
        limit_malloc_arenas()
        self._local = threading.local()
        # every reader still open; a thread's local holds the only strong reference, so its
        # connection is closed (and dropped from here) when the thread ends
        self._opened: weakref.WeakSet[Store] = weakref.WeakSet()
        self._opened_lock = threading.Lock()
        self._writer: Store | None = None
        self.write_lock = threading.Lock()
        self._analysing = 0  # write requests analysing now (outside the write lock)
        self._analysing_lock = threading.Lock()
        self._caches: dict[str, _Bucket] = {}
        self._cache_lock = threading.Lock()
        self._gen: tuple[float, Any] = (0.0, None)
        self._meta: tuple[Any, float, MetaTable] | None = None
        self._meta_lock = threading.Lock()
        self._facets: tuple[Any, float, FacetIndex] | None = None
        self._facets_lock = threading.Lock()
        self._events: tuple[Any, float, EventTable] | None = None
        self._events_lock = threading.Lock()
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
        holder = getattr(self._local, "reader", None)
        if holder is None:
            holder = _Reader(open_store(self.settings.db, readonly=True, timeout=self.settings.read_timeout))
            self._local.reader = holder
            with self._opened_lock:
                self._opened.add(holder.store)
        return holder.store

    def open_readers(self) -> int:
        """How many per-thread read connections are open now."""
        with self._opened_lock:
            return len(self._opened)

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
        """The database's generation (documents, writes: :func:`generation`), re-read at
        most once a second, so another process's write shows within about a second."""
        now = time.monotonic()
        if now - self._gen[0] > 1.0:
            self._gen = (now, generation(self.reader()))
        return self._gen[1]

    def cached(self, key: Any, compute: Callable[[], T], *, bucket: str = "default") -> T:
        """``compute()`` cached under ``key`` while the database generation is unchanged
        and for at most ``cache_seconds`` (± the key's jitter, :func:`ttl_for`); each bucket
        keeps its newest entries only."""
        gen = self.generation()
        now = time.monotonic()
        with self._cache_lock:
            cache = self._bucket(bucket)
            hit = cache.get(key)
            if hit and hit[1] == gen and now - hit[0] < ttl_for((bucket, key), self.settings.cache_seconds):
                cache.touch(key)
                return hit[2]
        value = compute()
        with self._cache_lock:
            self._bucket(bucket).put(key, now, gen, value)
        return value

    def _bucket(self, name: str) -> _Bucket:
        b = self._caches.get(name)
        if b is None:
            b = self._caches[name] = _Bucket(CACHE_SIZES.get(name, 256),
                                             CACHE_BYTES.get(name, CACHE_BYTES["default"]))
        return b

    def cache_usage(self) -> dict[str, tuple[int, int]]:
        """(entries, estimated bytes) per cache bucket."""
        with self._cache_lock:
            return {k: (len(b), b.bytes) for k, b in self._caches.items()}

    def meta(self) -> MetaTable:
        """The small metadata of every document (see load_meta), per generation (which
        every write transaction moves, story clustering included) and for at most
        ``cache_seconds``."""
        return self._per_generation("_meta", self._meta_lock, load_meta)

    def search_tables(self) -> SearchTables | None:
        """The tables the one search runs on in memory, or None above ``MAX_META_DOCS``
        documents (the search then runs in SQL)."""
        if self.generation()[0] > MAX_META_DOCS:
            return None
        return SearchTables(self.meta(), self.facet_index)

    def facet_index(self) -> FacetIndex:
        """What the entity, country and event-type facets count, per document (see
        load_facet_index), per generation and for at most ``cache_seconds``."""
        return self._per_generation("_facets", self._facets_lock, load_facet_index)

    def events_table(self) -> EventTable | None:
        """Every event's filter fields in the list's order (see load_event_table), per
        generation and for at most ``cache_seconds``; None above ``MAX_META_DOCS``
        documents (the events pages then run in SQL)."""
        if self.generation()[0] > MAX_META_DOCS:
            return None
        return self._per_generation("_events", self._events_lock, load_event_table)

    def _per_generation(self, attr: str, lock: threading.Lock, load: Callable[[Store], T]) -> T:
        """The table ``attr`` of the current generation, loaded if it has none; one only
        old (past its jittered ``cache_seconds``) is answered while a thread reloads it."""
        ttl = ttl_for(attr, self.settings.cache_seconds)

        def fresh(current: tuple[Any, float, Any] | None) -> bool:
            return (current is not None and current[0] == gen
                    and time.monotonic() - current[1] < ttl)

        gen = self.generation()
        current = getattr(self, attr)
        if fresh(current):
            return current[2]
        if current is not None and current[0] == gen and lock.acquire(blocking=False):
            threading.Thread(target=self._reload, args=(attr, lock, load, gen),
                             name=f"marsad-reload{attr}", daemon=True).start()
            return current[2]
        with lock:
            current = getattr(self, attr)
            if fresh(current):
                return current[2]
            value = load(self.reader())
            setattr(self, attr, (gen, time.monotonic(), value))
            return value

    def _reload(self, attr: str, lock: threading.Lock, load: Callable[[Store], Any], gen: Any) -> None:
        """Reload a table in the background (``lock`` held by the caller, released here)."""
        try:
            if not self._closing.is_set():
                setattr(self, attr, (gen, time.monotonic(), load(self.reader())))
        except Exception as exc:  # noqa: BLE001  (the old table stays; the next request retries)
            log.warning("reloading %s failed: %s", attr.strip("_"), exc)
        finally:
            lock.release()

    def start_warm(self, *first_pages: Callable[[], Any]) -> None:
        """Fill the caches the first pages need, in a thread (start-up stays instant);
        ``first_pages`` compute the pages' own first views (the app passes them: the pages
        are a layer above this state)."""
        self._warm_thread = threading.Thread(target=self.warm, args=first_pages,
                                             name="marsad-warm", daemon=True)
        self._warm_thread.start()

    def warm(self, *first_pages: Callable[[], Any]) -> None:
        from marsad.store.reads.sources import list_sources, source_topics
        from marsad.text.stem import stem

        steps = [
            lambda: stem("والمقاتلين"),  # loads the stemmer's tables
            self.meta,
            self.facet_index,
            self.events_table,
            *first_pages[:1],  # the home page's search first
            lambda: self.cached("stats", lambda: self.reader().stats()),
            lambda: self.cached("sources", lambda: list_sources(self.reader())),
            lambda: self.cached("source_topics", lambda: source_topics(self.reader())),
            *first_pages[1:],
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
            for s in list(self._opened):
                s.close()
            self._opened.clear()
        if self._writer is not None:
            self._writer.close()
            self._writer = None


class _Reader:
    """A thread's read-only store, closed when the thread (and so this holder) goes."""

    def __init__(self, store: Store):
        self.store = store

    def __del__(self) -> None:
        with suppress(Exception):  # at interpreter shutdown there is nothing left to do
            self.store.close()
