"""What ``marsad bench serve`` reports: latency percentiles per kind of request and per
route group (search, article, events, other), errors, requests/s, and the server's
resident memory sampled over the run (the whole process tree, so ``--workers N`` counts
every worker).

Pure functions over the load generator's answer (:mod:`marsad.lab.serve.loadgen`), plus one
small sampling thread; nothing here times anything it asserts.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any

# route groups of the target: the pages and API calls a reader of search results,
# articles and events makes; everything else (entities, stories, sources, stats) is "other"
ROUTE_GROUPS: dict[str, tuple[str, ...]] = {
    "search": ("page:home", "page:search", "page:search-filter", "api:search"),
    "article": ("page:article", "api:document"),
    "events": ("page:events", "api:events", "api:events-geojson"),
}


def group_of(kind: str) -> str:
    for name, kinds in ROUTE_GROUPS.items():
        if kind in kinds:
            return name
    return "other"


def percentile(xs: list[float], p: float) -> float:
    """The nearest-rank ``p``-th percentile (0 for no values)."""
    s = sorted(xs)
    if not s:
        return 0.0
    k = max(0, min(len(s) - 1, math.ceil(p / 100 * len(s)) - 1))
    return s[k]


@dataclass(frozen=True)
class LatencyRow:
    name: str
    n: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    errors: int  # answers other than 200, and requests without an answer
    per_s: float


def _row(name: str, xs: list[float], errors: int, elapsed: float) -> LatencyRow:
    return LatencyRow(name, len(xs), percentile(xs, 50) * 1000, percentile(xs, 95) * 1000,
                      max(xs, default=0.0) * 1000, errors, len(xs) / elapsed if elapsed > 0 else 0.0)


def _errors(codes: dict[Any, int]) -> int:
    return sum(n for code, n in codes.items() if str(code) != "200")


def latency_rows(res: dict[str, Any]) -> tuple[LatencyRow, list[LatencyRow], list[LatencyRow]]:
    """(all requests, one row per route group that was sent, one row per kind)."""
    lat: dict[str, list[float]] = res["latencies"]
    by_kind: dict[str, dict[Any, int]] = res.get("status_by_kind", {})
    elapsed = float(res["elapsed"])
    kinds = [_row(k, lat[k], _errors(by_kind.get(k, {})), elapsed) for k in sorted(lat)]
    groups = []
    for name in (*ROUTE_GROUPS, "other"):
        members = [k for k in sorted(lat) if group_of(k) == name]
        if members:
            xs = [x for k in members for x in lat[k]]
            groups.append(_row(name, xs, sum(_errors(by_kind.get(k, {})) for k in members), elapsed))
    every = [x for xs in lat.values() for x in xs]
    return _row("all", every, _errors(res.get("status", {})), elapsed), groups, kinds


def latency_by_minute(series: list[list[float]] | list[tuple[float, float]], *,
                      period: float = 60.0) -> list[tuple[int, int, float]]:
    """(period index, requests, p95 ms) per ``period`` seconds of the run: does latency
    creep up as the run goes on?"""
    buckets: dict[int, list[float]] = {}
    for t, dt in series:
        buckets.setdefault(int(t // period), []).append(dt)
    return [(k, len(v), percentile(v, 95) * 1000) for k, v in sorted(buckets.items())]


# -- server memory ---------------------------------------------------------------------------
def tree_rss_mb(pid: int) -> float | None:
    """Resident memory (MB) of a process and all its live descendants; None once gone."""
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return None
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total / 2**20


def wait_until_settled(pid: int, *, timeout: float = 90.0, window: float = 3.0, tol_mb: float = 2.0,
                       every: float = 0.5) -> float | None:
    """Wait until the process tree's memory has changed by less than ``tol_mb`` over
    ``window`` seconds (the server's start-up warm-up has finished), at most ``timeout``
    seconds; the last reading."""
    seen: list[tuple[float, float]] = []
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        mb = tree_rss_mb(pid)
        if mb is None:
            return None
        now = time.monotonic()
        seen.append((now, mb))
        recent = [m for t, m in seen if now - t <= window]
        if now - seen[0][0] >= window and max(recent) - min(recent) < tol_mb:
            return mb
        time.sleep(every)
    return seen[-1][1] if seen else None


@dataclass
class RssSampler:
    """Samples the RSS of a process tree every ``every`` seconds in a daemon thread."""

    pid: int
    every: float = 5.0
    samples: list[tuple[float, float]] = field(default_factory=list)  # (seconds, MB)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _t0: float = 0.0

    def start(self) -> None:
        self._t0 = time.monotonic()
        self.sample()
        self._thread = threading.Thread(target=self._loop, name="rss-sampler", daemon=True)
        self._thread.start()

    def sample(self) -> None:
        mb = tree_rss_mb(self.pid)
        if mb is not None:
            self.samples.append((time.monotonic() - self._t0, mb))

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            self.sample()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.every + 5)
        self.sample()


@dataclass(frozen=True)
class RssSummary:
    start: float
    max: float
    end: float
    first_half_max: float
    second_half_max: float
    by_minute: list[tuple[int, float]]  # (minute, the last sample of that minute)

    @property
    def end_over_start(self) -> float:
        return self.end / self.start if self.start else 0.0

    @property
    def late_growth(self) -> float:
        """How much the second half's peak exceeds the first half's (0.05 = 5%): near 0 once
        memory has levelled off, however much it grew while caches filled."""
        return self.second_half_max / self.first_half_max - 1 if self.first_half_max else 0.0


def rss_summary(samples: list[tuple[float, float]]) -> RssSummary | None:
    if not samples:
        return None
    span = samples[-1][0]
    first = [mb for t, mb in samples if t <= span / 2] or [samples[0][1]]
    second = [mb for t, mb in samples if t > span / 2] or [samples[-1][1]]
    minutes: dict[int, float] = {}
    for t, mb in samples:
        minutes[int(t // 60)] = mb
    return RssSummary(samples[0][1], max(mb for _, mb in samples), samples[-1][1], max(first),
                      max(second), sorted(minutes.items()))


def report_lines(res: dict[str, Any], rss: RssSummary | None) -> list[str]:
    """The printed report: overall, per route group, per kind, latency and memory over time."""
    every, groups, kinds = latency_rows(res)
    out = [(f"  all: p50 {every.p50_ms:.1f} ms · p95 {every.p95_ms:.1f} ms · max {every.max_ms:.0f} ms · "
            f"{every.per_s:.1f} requests/s · {every.errors} errors")]
    out.append("  by route group:")
    for r in groups:
        out.append(f"    {r.name:8s} n={r.n:6d}  p50 {r.p50_ms:7.1f} ms  p95 {r.p95_ms:7.1f} ms  "
                   f"max {r.max_ms:6.0f} ms  {r.per_s:6.1f} requests/s  errors {r.errors}")
    out.append("  by kind of request:")
    for r in kinds:
        out.append(f"    {r.name:22s} n={r.n:6d}  p50 {r.p50_ms:7.1f} ms  p95 {r.p95_ms:7.1f} ms  "
                   f"errors {r.errors}")
    mins = latency_by_minute(res.get("series", []))
    if len(mins) > 1:
        out.append("  p95 by minute: " + " · ".join(f"{k}: {p95:.0f} ms" for k, _, p95 in mins))
    if rss is not None:
        out.append(f"  server RSS: start {rss.start:.0f} MB · max {rss.max:.0f} MB · end {rss.end:.0f} MB "
                   f"(end/start {rss.end_over_start:.2f}; peak of 2nd half vs 1st half "
                   f"{rss.late_growth * 100:+.1f}%)")
        out.append("  server RSS by minute: " + " · ".join(f"{m}: {mb:.0f}" for m, mb in rss.by_minute))
    return out
