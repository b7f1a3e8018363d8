"""The feed watcher: poll RSS/Atom feeds, fetch each new item's article, analyse, store.

A round, per feed: a conditional GET of the feed (through :class:`PoliteClient`: robots,
rate limit, retries, size cap), new items registered as ``pending`` together with the
feed's validators, then each pending item: its article page fetched and extracted (the
feed's own text of the item when the page fails), analysed and written by the ingest
engine (:class:`marsad.run.engine.IngestRun`, one article at a time), then marked ``done``;
at the end of the round the engine folds the new articles into stories, as every ingest does. Every failure is one log line naming the feed or item and the reason;
a failing feed is retried later with a growing delay and never stops the others.

State lives in the database (:mod:`marsad.store.watch_state`), so a restart resumes where
the last run stopped; ``stop`` (set by SIGINT/SIGTERM in the CLI) is honoured between
items, so a stop never leaves an article half-processed, and inside a request: a download
in flight gets ``FetchConfig.stop_grace`` seconds to finish, then is cut and its item left
pending for the next run. Every request has an overall deadline (``FetchConfig.deadline``),
so a server that trickles bytes fails its feed or item like any other fault.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from marsad.analyze.pipeline import Pipeline
from marsad.errors import InputError
from marsad.ingest.fetch import FetchConfig, FetchError, FetchResult, PoliteClient
from marsad.ingest.result import ReadResult
from marsad.model import Document
from marsad.run.engine import IngestOptions, IngestRun
from marsad.store.watch_state import ItemState, WatchState

log = logging.getLogger("marsad.watch")

MAX_ITEMS_PER_FEED = 200  # items read from one feed answer (newest first in most feeds)


@dataclass(frozen=True)
class Feed:
    url: str
    name: str | None = None


@dataclass(frozen=True)
class WatchConfig:
    interval: float = 900.0  # seconds between two polls of a feed
    failure_backoff_max: float = 6 * 3600.0  # a failing feed is retried at most this late
    max_attempts: int = 3  # attempts at an item before it is given up
    fetch: FetchConfig = field(default_factory=FetchConfig)

    def __post_init__(self) -> None:
        if self.interval <= 0:
            raise InputError("the interval must be positive", fix="e.g. --interval 15m")
        if self.max_attempts < 1:
            raise InputError("max attempts must be at least 1")


@dataclass
class RoundReport:
    feeds: int = 0
    polled: int = 0
    not_modified: int = 0
    feed_failures: int = 0
    new_items: int = 0
    stored: int = 0
    already_stored: int = 0
    from_feed_text: int = 0  # stored from the feed's text because the page failed
    item_failures: int = 0
    stopped: bool = False
    stories: dict[str, int] = field(default_factory=dict)  # clustering at the end of the round

    def summary(self) -> str:
        line = (
            f"{self.polled}/{self.feeds} feeds polled ({self.not_modified} not modified, "
            f"{self.feed_failures} failed), {self.new_items} new items, {self.stored} stored "
            f"({self.from_feed_text} from feed text), {self.already_stored} already stored, "
            f"{self.item_failures} item failures"
        )
        if self.stories.get("articles"):
            line += (f"; stories: {self.stories['new_stories']} new, "
                     f"{self.stories['extended_stories']} extended")
        return line + (" — stopped early" if self.stopped else "")


# -- inputs ------------------------------------------------------------------------------

_COMMENT = re.compile(r"(^|\s)#.*$")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.IGNORECASE)


def parse_interval(text: str) -> float:
    """'15m', '1h', '90s', '2d' or plain seconds → seconds."""
    m = _DURATION.match(str(text))
    if not m or float(m.group(1)) <= 0:
        raise InputError(f"{text!r} is not a duration", fix="write e.g. 90s, 15m, 1h or 1d")
    return float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2).lower()]


def read_feed_list(path: str | Path) -> list[Feed]:
    """One feed per line: a URL, optionally with a source name before or after it
    (``https://x/rss okaz`` or ``okaz https://x/rss``); ``#`` starts a comment."""
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the feed list ({exc})", source=str(p),
                         fix="give a UTF-8 text file with one feed URL per line") from None
    feeds: dict[str, Feed] = {}
    for n, line in enumerate(lines, 1):
        line = _COMMENT.sub("", line).strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        urls = [x for x in parts if x.lower().startswith(("http://", "https://"))]
        if len(urls) != 1:
            raise InputError("expected one http(s) URL on the line", source=f"{p}:{n}",
                             fix="write: URL [source name]")
        name = " ".join(x for x in parts if x is not urls[0]).strip() or None
        feeds.setdefault(urls[0], Feed(urls[0], name))
    if not feeds:
        raise InputError("no feed URL in the file", source=str(p), fix="one URL per line")
    return list(feeds.values())


# -- feeds -------------------------------------------------------------------------------

_ENTRY_KEYS = ("id", "link", "title", "title_detail", "summary", "summary_detail", "content",
               "published", "updated", "created", "author")


@dataclass
class FeedItem:
    key: str
    link: str | None
    entry: dict[str, Any]  # the item as plain JSON (feedparser's keys): the fallback text


def _plain(value: Any) -> Any:
    """feedparser's dict subclasses and lists as plain JSON values."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items() if isinstance(v, (str, int, float, list, dict))}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def parse_feed(content: bytes, *, url: str, content_type: str | None = None
               ) -> tuple[list[FeedItem], str | None]:
    """Items of an RSS/Atom document and a warning when its XML was broken but still
    readable; raises InputError when nothing can be read from it."""
    import feedparser

    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(content, response_headers=headers)
    items: list[FeedItem] = []
    for e in parsed.entries[:MAX_ITEMS_PER_FEED]:
        raw = dict.items(e)  # not e.get(): feedparser maps missing keys with warnings
        entry = {k: _plain(v) for k, v in raw if k in _ENTRY_KEYS and v}
        link = entry.get("link")
        link = urljoin(url, link.strip()) if isinstance(link, str) and link.strip() else None
        if link and urlsplit(link).scheme not in ("http", "https"):
            link = None
        entry["link"] = link
        if not (link or entry.get("title") or entry.get("summary") or entry.get("content")):
            continue  # an empty item (what a lenient parse of broken XML leaves)
        key = entry.get("id") or link or hashlib.sha1(
            json.dumps(entry, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        items.append(FeedItem(key=str(key)[:1000], link=link, entry=entry))
    warning = None
    exc = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if exc is not None and not isinstance(
        exc, (feedparser.NonXMLContentType, feedparser.CharacterEncodingOverride)
    ):
        reason = f"{type(exc).__name__}: {exc}"
        if not items:
            raise InputError(f"malformed feed, no items readable ({reason})", source=url,
                             fix="check the feed URL; the server may be returning an error page")
        warning = f"feed XML is broken ({reason}); read {len(items)} items leniently"
    if not items and not parsed.get("version"):
        raise InputError("not an RSS or Atom feed", source=url, fix="check the feed URL")
    return items, warning


# -- documents ---------------------------------------------------------------------------

def page_document(res: FetchResult, *, link: str) -> Document:
    """The article in a fetched page; raises InputError when it holds none."""
    from marsad.ingest import document_from_html

    ctype = (res.content_type or "").split(";")[0].strip().lower()
    if ctype and "html" not in ctype and "xml" not in ctype and not ctype.startswith("text/"):
        raise InputError(f"not an HTML page ({ctype})", source=res.url)
    return document_from_html(res.content, url=link, origin=res.url,
                              declared_encoding=res.charset)


def entry_document(entry: dict[str, Any], *, feed_name: str | None, origin: str) -> Document:
    """The feed's own text of an item (its content, else its summary) as a Document."""
    from marsad.ingest.feeds import entry_document as from_entry

    return from_entry(entry, feed_title=feed_name, origin=origin)


# -- the watcher -------------------------------------------------------------------------

def _iso_in(seconds: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat(timespec="seconds")


class Watcher:
    """Polls ``feeds`` into ``store``; ``analyze`` is the pipeline (None: store the text
    only, and form no stories)."""

    def __init__(
        self, store: Any, feeds: list[Feed], *, config: WatchConfig | None = None,
        analyze: Pipeline | None = None, stories: bool = True,
        stop: threading.Event | None = None, client: PoliteClient | None = None,
    ):
        self.store = store
        self.feeds = feeds
        self.config = config or WatchConfig()
        self.stop = stop or threading.Event()
        self.client = client or PoliteClient(self.config.fetch, stop=self.stop)
        # failures are logged with the item's attempt count (_item_failed), notes here
        self.options = IngestOptions(
            pipeline=analyze, analyze=analyze is not None, stories=stories, progress=False,
            on_error=lambda msg: log.debug("%s", msg), on_note=lambda msg: log.info("%s", msg))
        self.state = WatchState(store)
        self.state.add_feeds([(f.url, f.name) for f in feeds])

    def close(self) -> None:
        self.client.close()

    # -- rounds --------------------------------------------------------------------------
    def run_round(self, *, force: bool = False) -> RoundReport:
        """Poll every feed that is due (every feed when ``force``) and process its
        pending items. Returns early, cleanly, when ``stop`` is set."""
        rep = RoundReport(feeds=len(self.feeds))
        now = datetime.now(UTC).isoformat(timespec="seconds")
        run = IngestRun(self.store, self.options)
        for feed in self.feeds:
            if self.stop.is_set():
                rep.stopped = True
                break
            try:
                st = self.state.feed(feed.url)
                if force or not st.next_poll or st.next_poll <= now:
                    self._poll(feed, rep)
                self._process_pending(feed, rep, run)
            except Exception as exc:
                rep.feed_failures += 1
                log.error("feed %s: unexpected %s: %s", feed.url, type(exc).__name__, exc,
                          exc_info=log.isEnabledFor(logging.DEBUG))
        try:  # also after a stop: what is stored joins its stories (or the next round's)
            rep.stories = run.finish().stories
        except Exception as exc:  # the next round catches up
            log.error("stories: unexpected %s: %s", type(exc).__name__, exc,
                      exc_info=log.isEnabledFor(logging.DEBUG))
        rep.stopped = rep.stopped or self.stop.is_set()
        log.info("round: %s", rep.summary())
        return rep

    def run_forever(self) -> None:
        """Rounds until ``stop`` is set, sleeping until the next feed is due."""
        while not self.stop.is_set():
            self.run_round()
            if self.stop.is_set():
                break
            self.stop.wait(self.seconds_to_next_poll())
        log.info("stopped")

    def seconds_to_next_poll(self) -> float:
        dues = [f.next_poll for f in self.state.feeds()
                if f.next_poll and f.url in {x.url for x in self.feeds}]
        if not dues:
            return self.config.interval
        nxt = datetime.fromisoformat(min(dues))
        wait = (nxt - datetime.now(UTC)).total_seconds()
        return max(1.0, min(wait, self.config.interval))

    # -- one feed ------------------------------------------------------------------------
    def _poll(self, feed: Feed, rep: RoundReport) -> None:
        st = self.state.feed(feed.url)
        try:
            res = self.client.get(feed.url, etag=st.etag, last_modified=st.last_modified)
            if res.not_modified:
                self.state.record_not_modified(feed.url, next_poll=_iso_in(self.config.interval))
                rep.polled += 1
                rep.not_modified += 1
                log.info("feed %s: not modified", feed.url)
                return
            items, warning = parse_feed(res.content, url=feed.url, content_type=res.content_type)
        except FetchError as exc:
            if exc.kind == "stopped":
                return
            self._feed_failed(feed, str(exc), exc.status, rep)
            return
        except InputError as exc:
            self._feed_failed(feed, str(exc), None, rep)
            return
        if warning:
            log.warning("feed %s: %s", feed.url, warning)
        rows = [
            ItemState(feed.url, it.key, i, it.link, it.entry) for i, it in enumerate(items)
        ]
        new = self.state.record_poll(
            feed.url, status=res.status, etag=res.etag, last_modified=res.last_modified,
            next_poll=_iso_in(self.config.interval), items=rows,
        )
        rep.polled += 1
        rep.new_items += new
        log.info("feed %s: %d items, %d new", feed.url, len(items), new)

    def _feed_failed(self, feed: Feed, error: str, status: int | None, rep: RoundReport) -> None:
        rep.feed_failures += 1
        cfg = self.config

        def after(failures: int) -> str:
            return _iso_in(min(cfg.interval * 2 ** (failures - 1), cfg.failure_backoff_max))

        n = self.state.record_feed_failure(feed.url, error=error, status=status, next_poll_after=after)
        log.warning("feed %s failed (%d in a row, next try %s): %s", feed.url, n,
                    self.state.feed(feed.url).next_poll, error)

    # -- items ---------------------------------------------------------------------------
    def _process_pending(self, feed: Feed, rep: RoundReport, run: IngestRun) -> None:
        for item in self.state.pending(feed.url):
            if self.stop.is_set():
                rep.stopped = True
                return
            try:
                self._process_item(feed, item, rep, run)
            except Exception as exc:  # noqa: BLE001 - one bad item never stops the rest
                label = item.link or item.item_key
                self._item_failed(item, label, f"unexpected {type(exc).__name__}: {exc}", rep)

    def _process_item(self, feed: Feed, item: ItemState, rep: RoundReport, run: IngestRun) -> None:
        label = item.link or f"{feed.url} item {item.item_key}"
        if item.link and self.store.known((), [item.link]):
            self.state.mark_done(item, doc_id=None, note="already stored")
            rep.already_stored += 1
            return
        doc: Document | None = None
        page_error = None
        if item.link:
            try:
                res = self.client.get(item.link)
                doc = page_document(res, link=item.link)
            except FetchError as exc:
                if exc.kind == "stopped":
                    return  # not an attempt: the item stays pending for the next run
                page_error = str(exc)
            except InputError as exc:
                page_error = str(exc)
        if doc is None:
            try:
                doc = entry_document(item.entry, feed_name=feed.name, origin=label)
            except InputError as exc:
                reason = f"page: {page_error}; feed text: {exc}" if page_error else str(exc)
                self._item_failed(item, label, reason, rep)
                return
            rep.from_feed_text += 1
            if page_error:
                log.warning("item %s: page failed (%s); stored the feed's text instead",
                            label, page_error)
            doc.meta["from_feed_text"] = True
        doc.url = item.link or doc.url
        doc.source = feed.name or doc.source or urlsplit(feed.url).netloc
        if not doc.published:
            from marsad.ingest.dates import to_iso

            doc.published = to_iso(item.entry.get("published") or item.entry.get("updated"))
        doc.meta.setdefault("feed", feed.url)
        (result,) = run.add([ReadResult(label, doc)])
        if result.status == "failed":
            self._item_failed(item, label, (result.message or "").removeprefix(f"{label}: "), rep)
            return
        new = result.status == "new"
        self.state.mark_done(item, doc_id=result.doc_id,
                             note=None if new else "duplicate of a stored article")
        if new:
            rep.stored += 1
            log.info("stored %s %s", result.doc_id, label)
        else:
            rep.already_stored += 1
            log.info("item %s: already stored as %s", label, result.doc_id)

    def _item_failed(self, item: ItemState, label: str, reason: str, rep: RoundReport) -> None:
        rep.item_failures += 1
        gave_up = self.state.mark_failed(item, error=reason, max_attempts=self.config.max_attempts)
        log.warning("item %s failed (attempt %d/%d%s): %s", label, item.attempts + 1,
                    self.config.max_attempts, ", giving up" if gave_up else "", reason)
