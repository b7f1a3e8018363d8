"""A polite HTTP client for feeds and article pages (httpx underneath).

Politeness and robustness live here, once, so the feed watcher only decides *what* to
fetch:

* robots.txt is read once per origin (``scheme://host:port``) and honoured for every URL,
  including each redirect target; its ``Crawl-delay`` widens the per-host interval.
  Following RFC 9309: a robots.txt that is absent (4xx) allows everything; one that cannot
  be fetched (5xx, timeout) disallows everything for five minutes, then is asked again;
* a per-host rate limit (minimum seconds between two requests to one host);
* conditional GET: pass the ETag / Last-Modified of the last response, a 304 comes back as
  ``not_modified``;
* timeouts, and retries with exponential backoff (doubling, capped) for timeouts, network
  errors, 429 and 5xx; ``Retry-After`` is honoured up to the cap;
* an overall deadline per request (connect, headers and body together): a server that
  trickles a byte at a time never trips the per-read timeout, so a watchdog thread shuts
  the request's socket down when the deadline passes, or ``stop_grace`` seconds after
  ``stop`` is set (a clean stop lets a transfer about to finish finish). Each request has
  its own connection (no keep-alive), so the watchdog always holds the socket it must cut.
  A request cut at its deadline is not retried;
* a size cap: the body is streamed and the transfer aborted as soon as it passes the cap
  (a ``Content-Length`` above the cap is refused before reading);
* redirects followed by hand, up to a limit, with loop detection.

Every failure is a :class:`FetchError` whose message names the URL and the reason; the
caller logs it and carries on.
"""

from __future__ import annotations

import email.utils
import socket
import threading
import time
import urllib.robotparser
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Self
from urllib.parse import urljoin, urlsplit

import httpx

from marsad.errors import InputError

REDIRECTS = (301, 302, 303, 307, 308)
RETRY_STATUS = (429, 500, 502, 503, 504)
UNREACHABLE_ROBOTS_TTL = 300.0  # an unreachable robots.txt disallows the host this long


@dataclass(frozen=True)
class FetchConfig:
    """How politely and how patiently to fetch."""

    user_agent: str = "marsad-watch/0.1 (+https://github.com/marsad; news monitoring)"
    timeout: float = 20.0  # seconds, for connect and for each read
    max_bytes: int = 10 * 2**20  # a response larger than this is aborted
    max_redirects: int = 5
    retries: int = 3  # extra attempts after the first, for transient failures
    backoff: float = 2.0  # seconds before the first retry; doubles each time
    backoff_max: float = 60.0
    host_interval: float = 1.0  # minimum seconds between two requests to one host
    crawl_delay_max: float = 30.0  # a robots.txt Crawl-delay above this is capped
    robots: bool = True
    robots_ttl: float = 3600.0  # seconds a robots.txt is trusted before it is asked again
    deadline: float | None = None  # seconds for one whole request; None: 6 × timeout
    stop_grace: float = 2.0  # seconds a transfer in flight may still finish after a stop

    def __post_init__(self) -> None:
        if self.timeout <= 0 or self.max_bytes <= 0 or self.max_redirects < 0 or self.retries < 0:
            raise InputError("fetch settings must be positive", fix="check --timeout and limits")
        if (self.deadline is not None and self.deadline <= 0) or self.stop_grace < 0:
            raise InputError("the request deadline must be positive", fix="check --deadline")

    @property
    def request_deadline(self) -> float:
        return self.deadline if self.deadline is not None else 6 * self.timeout


@dataclass
class FetchResult:
    url: str  # the final URL, after redirects
    status: int
    content: bytes = b""
    content_type: str | None = None
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False  # a 304 answer to a conditional GET
    attempts: int = 1
    redirects: list[str] = field(default_factory=list)  # the URLs passed through
    location: str | None = None  # the Location of a redirect answer
    retry_after: float = 0.0  # seconds a 429/503 answer asked us to wait


class FetchError(InputError):
    """A URL could not be fetched; ``kind`` says why in one word (timeout, deadline,
    status, too_large, redirect_loop, too_many_redirects, robots, network, stopped)."""

    def __init__(self, url: str, kind: str, message: str, *, status: int | None = None,
                 attempts: int = 1):
        self.url = url
        self.kind = kind
        self.status = status
        self.attempts = attempts
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        super().__init__(f"{message}{tries}", source=url)


class _TooLarge(Exception):
    """Over the cap: ``size`` bytes read so far, or announced by ``Content-Length``."""

    def __init__(self, size: int, *, announced: bool = False):
        super().__init__(size)
        self.size = size
        self.announced = announced


class _Cut(Exception):
    """The watchdog ended the request (its ``reason`` says why)."""


class _Watchdog:
    """Ends one request that runs past its deadline, or past ``grace`` seconds after
    ``stop`` is set, by shutting its socket down from another thread: that wakes the read
    the request is blocked in at once, whatever the server trickles."""

    def __init__(self, stop: threading.Event, seconds: float, grace: float):
        self.stop = stop
        self.seconds = seconds
        self.grace = grace
        self.reason: str | None = None  # "deadline" or "stopped", once fired
        self._end = time.monotonic() + seconds
        self._socks: list[Any] = []
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="marsad-fetch-deadline", daemon=True)
        self._thread.start()

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's ``trace`` extension: note each socket the request opens."""
        if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            stream = info.get("return_value")
            sock = stream.get_extra_info("socket") if stream is not None else None
            if sock is not None:
                with self._lock:
                    self._socks.append(sock)
                    fired = self.reason is not None
                if fired:
                    _shut(sock)

    def _run(self) -> None:
        stopped_at: float | None = None
        while not self._done.wait(0.1):
            now = time.monotonic()
            if now >= self._end:
                self._fire("deadline")
                return
            if self.stop.is_set():
                stopped_at = stopped_at if stopped_at is not None else now
                if now - stopped_at >= self.grace:
                    self._fire("stopped")
                    return

    def _fire(self, reason: str) -> None:
        with self._lock:
            self.reason = reason
            socks = list(self._socks)
        for sock in socks:
            _shut(sock)

    def check(self) -> None:
        if self.reason is not None:
            raise _Cut(self.reason)

    def close(self) -> None:
        self._done.set()

    def error(self, url: str) -> FetchError:
        if self.reason == "stopped":
            return FetchError(url, "stopped", "stopped during the transfer")
        return FetchError(url, "deadline",
                          f"no complete answer within the {self.seconds:g} s deadline per request")


def _shut(sock: Any) -> None:
    """Shut a (possibly TLS) socket down for both directions; the plain socket's method,
    so an SSL socket keeps its state for the reader that is about to fail."""
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except (OSError, TypeError):
        pass


def origin_of(url: str) -> str:
    p = urlsplit(url)
    return f"{p.scheme}://{p.netloc}".lower()


@dataclass
class _Robots:
    parser: urllib.robotparser.RobotFileParser | None  # None: allow all
    disallow_all: bool
    fetched: float
    ttl: float | None = None  # seconds this answer is trusted (None: the configured TTL)

    def allows(self, agent: str, url: str) -> bool:
        if self.disallow_all:
            return False
        return True if self.parser is None else self.parser.can_fetch(agent, url)

    def delay(self, agent: str) -> float:
        if self.parser is None:
            return 0.0
        d = self.parser.crawl_delay(agent)
        return float(d) if d else 0.0


class PoliteClient:
    """One HTTP client for a whole watch run. Thread-safe for the rate limit; ``stop`` is
    an Event that, once set, interrupts backoff sleeps and rate-limit waits."""

    def __init__(self, config: FetchConfig | None = None, *, stop: threading.Event | None = None,
                 transport: httpx.BaseTransport | None = None):
        self.config = config or FetchConfig()
        self.stop = stop or threading.Event()
        self._http = httpx.Client(
            headers={"User-Agent": self.config.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(self.config.timeout),
            limits=httpx.Limits(max_keepalive_connections=0),  # a socket per request: see above
            follow_redirects=False,
            transport=transport,
        )
        self._robots: dict[str, _Robots] = {}
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- politeness --------------------------------------------------------------------
    def _robots_for(self, url: str) -> _Robots:
        origin = origin_of(url)
        r = self._robots.get(origin)
        if r is not None and time.monotonic() - r.fetched < (r.ttl or self.config.robots_ttl):
            return r
        robots_url = origin + "/robots.txt"
        try:
            res = self._get_once(robots_url, {}, cap=512 * 1024)
        except FetchError as exc:  # unreachable: disallow for now, ask again after the TTL
            if exc.kind == "stopped":
                raise
            r = _Robots(None, True, time.monotonic(), ttl=UNREACHABLE_ROBOTS_TTL)
        else:
            if res.status >= 500 or res.status == 429:
                r = _Robots(None, True, time.monotonic(), ttl=UNREACHABLE_ROBOTS_TTL)
            elif res.status >= 300:  # absent (4xx) or redirected away: allow all
                r = _Robots(None, False, time.monotonic())
            else:
                p = urllib.robotparser.RobotFileParser(robots_url)
                p.parse(res.content.decode("utf-8", "replace").splitlines())
                r = _Robots(p, False, time.monotonic())
        self._robots[origin] = r
        return r

    def allowed(self, url: str) -> bool:
        if not self.config.robots:
            return True
        return self._robots_for(url).allows(self.config.user_agent, url)

    def _wait_turn(self, url: str) -> None:
        """Sleep until this host may be asked again (the per-host rate limit)."""
        host = origin_of(url)
        interval = self.config.host_interval
        if self.config.robots and host in self._robots:
            interval = max(interval, min(self._robots[host].delay(self.config.user_agent),
                                         self.config.crawl_delay_max))
        while True:
            with self._lock:
                now = time.monotonic()
                due = self._last.get(host, -1e9) + interval
                if now >= due:
                    self._last[host] = now
                    return
            if self.stop.wait(due - now):
                raise FetchError(url, "stopped", "stopped before the request")

    # -- fetching ----------------------------------------------------------------------
    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """GET ``url`` politely: robots, rate limit, retries, redirects, size cap.
        Raises FetchError."""
        conditional = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        seen = [url]
        current = url
        attempts_total = 0
        while True:
            if urlsplit(current).scheme not in ("http", "https"):
                raise FetchError(current, "status", "not an http(s) URL")
            if not self.allowed(current):
                raise FetchError(current, "robots", "disallowed by robots.txt")
            res = self._get_retrying(current, conditional)
            attempts_total += res.attempts
            if res.status in REDIRECTS:
                nxt = urljoin(current, res.location or "")
                if nxt in seen:
                    raise FetchError(url, "redirect_loop",
                                     f"redirect loop ({' → '.join([*seen, nxt])})")
                if len(seen) > self.config.max_redirects:
                    raise FetchError(url, "too_many_redirects",
                                     f"more than {self.config.max_redirects} redirects")
                seen.append(nxt)
                current = nxt
                continue
            res.redirects = seen[1:]
            res.attempts = attempts_total
            if res.not_modified:
                return res
            if res.status >= 400:
                raise FetchError(current, "status", f"HTTP {res.status}", status=res.status,
                                 attempts=res.attempts)
            return res

    def _get_retrying(self, url: str, headers: dict[str, str]) -> FetchResult:
        """One URL (no redirect following), retried with exponential backoff on timeouts,
        network errors, 429 and 5xx."""
        cfg = self.config
        last: FetchError | None = None
        wait_hint = 0.0
        for attempt in range(cfg.retries + 1):
            if attempt:
                delay = min(max(cfg.backoff * 2 ** (attempt - 1), wait_hint), cfg.backoff_max)
                if self.stop.wait(delay):
                    raise FetchError(url, "stopped", "stopped while backing off", attempts=attempt)
            try:
                res = self._get_once(url, headers, cap=cfg.max_bytes)
            except FetchError as exc:
                if exc.kind in ("timeout", "network"):
                    last, wait_hint = exc, 0.0
                    continue
                raise
            if res.status in RETRY_STATUS:
                last = FetchError(url, "status", f"HTTP {res.status}", status=res.status)
                wait_hint = res.retry_after
                continue
            res.attempts = attempt + 1
            return res
        assert last is not None
        raise FetchError(url, last.kind, str(last).removeprefix(f"{url}: "), status=last.status,
                         attempts=cfg.retries + 1)

    def _get_once(self, url: str, headers: dict[str, str], *, cap: int) -> FetchResult:
        self._wait_turn(url)
        dog = _Watchdog(self.stop, self.config.request_deadline, self.config.stop_grace)
        try:
            return self._transfer(url, headers, cap, dog)
        except _TooLarge as exc:
            if exc.announced:
                what = (f"the server announced {exc.size} bytes ({exc.size / 2**20:.1f} MB), "
                        f"over the {cap / 2**20:.1f} MB cap; not downloaded")
            else:
                what = (f"response larger than the {cap / 2**20:.1f} MB cap "
                        f"(aborted after {exc.size / 2**20:.1f} MB)")
            raise FetchError(url, "too_large", what) from None
        except (_Cut, httpx.HTTPError, OSError) as exc:
            if dog.reason is not None:  # whatever the cut socket raised
                raise dog.error(url) from None
            if isinstance(exc, httpx.TimeoutException):
                raise FetchError(url, "timeout", f"timed out ({type(exc).__name__})") from None
            if isinstance(exc, httpx.TooManyRedirects):  # not used (redirects are manual)
                raise FetchError(url, "too_many_redirects", str(exc)) from None
            raise FetchError(url, "network", f"{type(exc).__name__}: {exc}") from None
        finally:
            dog.close()

    def _transfer(self, url: str, headers: dict[str, str], cap: int, dog: _Watchdog) -> FetchResult:
        with self._http.stream("GET", url, headers=headers, extensions={"trace": dog.trace}) as r:
            dog.check()
            if r.status_code in REDIRECTS:
                loc = r.headers.get("location")
                if not loc:
                    raise FetchError(url, "status", f"HTTP {r.status_code} without Location")
                return FetchResult(url, r.status_code, location=loc)
            if r.status_code == 304:
                return FetchResult(url, 304, etag=r.headers.get("etag"),
                                   last_modified=r.headers.get("last-modified"),
                                   not_modified=True)
            if r.status_code in RETRY_STATUS:
                return FetchResult(url, r.status_code,
                                   retry_after=_retry_after(r.headers.get("retry-after")))
            declared = r.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > cap:
                raise _TooLarge(int(declared), announced=True)
            chunks: list[bytes] = []
            size = 0
            for chunk in r.iter_bytes():
                dog.check()
                size += len(chunk)
                if size > cap:
                    raise _TooLarge(size)
                chunks.append(chunk)
            dog.check()
            ctype = r.headers.get("content-type")
            return FetchResult(
                url, r.status_code, b"".join(chunks), content_type=ctype,
                charset=r.charset_encoding, etag=r.headers.get("etag"),
                last_modified=r.headers.get("last-modified"),
            )


def _retry_after(value: str | None) -> float:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return 0.0
    value = value.strip()
    if value.isdigit():
        try:
            return float(value)
        except ValueError:  # digits float() does not read («²»)
            return 0.0
    # a date with an absurd zone (+99999999999999999999) overflows: no usable Retry-After
    try:
        when = email.utils.parsedate_to_datetime(value)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError, OverflowError):
        return 0.0


