"""A histogram of counts by day, week or month over the range the data really covers.

One bad date (a year misread as 1970, a typo giving 2099) must not stretch the axis until
every real bar is a hairline: dates far outside the bulk are counted apart, as are items with
no usable date, and the page says how many. "Far" is Tukey's far-out fence — three
interquartile ranges beyond the quartiles — widened to at least :data:`MIN_FENCE_DAYS`, so a
short, dense collection does not lose its real edges. Pure functions over (day, n) pairs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

BUCKETS = ("day", "week", "month")
MIN_FENCE_DAYS = 92  # a quarter beyond the quartiles is never "far"
AUTO_DAYS = 92  # spans up to this many days are shown by day, longer ones by week
MAX_BARS = 400  # a finer bucket that would draw more bars gives way to the next coarser
EARLIEST = date(1900, 1, 1)  # before this a news date is a misreading
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Bar:
    start: str  # first day of the period (ISO)
    end: str  # last day of the period (ISO)
    n: int


@dataclass(frozen=True)
class Histogram:
    bucket: str  # "day" | "week" | "month"
    bars: tuple[Bar, ...]
    undated: int  # items with no date, or one that is not a date
    outside: int  # dated items far from the rest (see the module docstring), not drawn
    first: str | None  # the first and last day drawn
    last: str | None

    @property
    def dated(self) -> int:
        return sum(b.n for b in self.bars)

    def series(self) -> dict[str, object]:
        """The bars as :func:`marsad.web.svg.stacked_bars` draws them (one series)."""
        cut = 7 if self.bucket == "month" else 10
        return {"periods": [b.start[:cut] for b in self.bars], "series": {"n": [b.n for b in self.bars]}}


def parse_day(value: str | None, *, latest: date) -> date | None:
    """The ISO day ``value`` starts with, when it is a real day between 1900 and ``latest``."""
    if not value or not _ISO_DAY.match(value):
        return None
    try:
        d = date.fromisoformat(value[:10])
    except ValueError:
        return None
    return d if EARLIEST <= d <= latest else None


def _quantile(days: list[tuple[date, int]], q: float) -> date:
    """The day below which a share ``q`` of the (sorted, weighted) items fall."""
    total = sum(n for _, n in days)
    target = q * total
    seen = 0
    for d, n in days:
        seen += n
        if seen >= target:
            return d
    return days[-1][0]


def period_start(d: date, bucket: str) -> date:
    if bucket == "week":
        return d - timedelta(days=d.weekday())  # ISO weeks start on Monday
    if bucket == "month":
        return d.replace(day=1)
    return d


def period_end(start: date, bucket: str) -> date:
    if bucket == "week":
        return start + timedelta(days=6)
    if bucket == "month":
        nxt = start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)
        return nxt - timedelta(days=1)
    return start


def _next(start: date, bucket: str) -> date:
    return period_end(start, bucket) + timedelta(days=1)


def _bars_between(lo: date, hi: date, bucket: str) -> int:
    if bucket == "day":
        return (hi - lo).days + 1
    if bucket == "week":
        return (period_start(hi, "week") - period_start(lo, "week")).days // 7 + 1
    return (hi.year - lo.year) * 12 + hi.month - lo.month + 1


def choose_bucket(lo: date, hi: date, asked: str | None = None, *, max_bars: int = MAX_BARS) -> str:
    """The bucket asked for (else day for short spans, week for longer), made coarser while
    it would draw more than ``max_bars`` bars."""
    bucket = asked if asked in BUCKETS else ("day" if (hi - lo).days < AUTO_DAYS else "week")
    while bucket != "month" and _bars_between(lo, hi, bucket) > max_bars:
        bucket = BUCKETS[BUCKETS.index(bucket) + 1]
    return bucket


def histogram(days: Iterable[tuple[str | None, int]], *, latest: date, bucket: str | None = None,
              max_bars: int = MAX_BARS) -> Histogram:
    """Bars over the real range of ``days`` ((ISO day or None, count) pairs), every period
    between the first and the last drawn (gaps show as gaps). ``latest`` is the last day a
    date may name (tomorrow, for news); later or unreadable dates count as undated."""
    undated = 0
    good: dict[date, int] = {}
    for value, n in days:
        d = parse_day(value, latest=latest)
        if d is None:
            undated += n
        else:
            good[d] = good.get(d, 0) + n
    if not good:
        return Histogram(bucket if bucket in BUCKETS else "day", (), undated, 0, None, None)
    ordered = sorted(good.items())
    q1, q3 = _quantile(ordered, 0.25), _quantile(ordered, 0.75)
    fence = timedelta(days=max(MIN_FENCE_DAYS, 3 * (q3 - q1).days))
    kept = [(d, n) for d, n in ordered if q1 - fence <= d <= q3 + fence]
    outside = sum(n for d, n in ordered) - sum(n for _, n in kept)
    lo, hi = kept[0][0], kept[-1][0]
    chosen = choose_bucket(lo, hi, bucket, max_bars=max_bars)
    counts: dict[date, int] = {}
    for d, n in kept:
        p = period_start(d, chosen)
        counts[p] = counts.get(p, 0) + n
    bars = []
    p = period_start(lo, chosen)
    while p <= hi:
        bars.append(Bar(p.isoformat(), period_end(p, chosen).isoformat(), counts.get(p, 0)))
        p = _next(p, chosen)
    return Histogram(chosen, tuple(bars), undated, outside, lo.isoformat(), hi.isoformat())
