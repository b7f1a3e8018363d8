"""Progress of long jobs, wherever they run: a tqdm bar on a terminal, otherwise a plain line
every few seconds (``ingest: 1200/3001 docs, 14.2 docs/s, ETA 2m05s``) so a job whose stderr
goes to a log file or a pipe still says how far it is.

The rate is that of the work done: it is measured from the moment the first unit was
finished, so set-up before it (loading models, opening a database) does not drag it down,
and the ETA follows from it. It lives at the top of the package, beside ``errors``, so every
layer's long loops (ingest, evaluation, benchmarks) can use it.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self, TextIO

EVERY_ENV = "MARSAD_PROGRESS_EVERY"  # seconds between plain lines (default 5)
DEFAULT_EVERY = 5.0


def format_duration(seconds: float) -> str:
    """``42s``, ``2m05s``, ``1h07m``: short enough for a progress line."""
    s = max(0, round(seconds))
    if s < 60:
        return f"{s}s"
    m, s = divmod(s, 60)
    if m < 60:
        return f"{m}m{s:02d}s"
    h, m = divmod(m, 60)
    return f"{h}h{m:02d}m"


def format_rate(count: float, seconds: float, unit: str) -> str | None:
    """``14.2 docs/s`` with the digits the size needs (``0.42 docs/s`` for a slow job, never
    a rounded ``0``); None when nothing was done or no time was measured."""
    if count <= 0 or seconds <= 0:
        return None
    r = count / seconds
    digits = 0 if r >= 100 else 1 if r >= 1 else 2
    return f"{r:.{digits}f} {unit}/s"


def _every() -> float:
    try:
        return max(0.0, float(os.environ.get(EVERY_ENV, DEFAULT_EVERY)))
    except ValueError:
        return DEFAULT_EVERY


class Progress:
    """Counts units of work and shows how far a job is. ``update(n)`` after each unit (or
    batch) is done; ``close()`` at the end (or use it as a context manager). ``tty=None``
    asks the stream whether it is a terminal."""

    def __init__(
        self,
        desc: str,
        total: int | None = None,
        unit: str = "docs",
        *,
        stream: TextIO | None = None,
        tty: bool | None = None,
        every: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.desc = desc
        self.total = total if total and total > 0 else None
        self.unit = unit
        self.n = 0
        self.stream = stream if stream is not None else sys.stderr
        self.every = _every() if every is None else every
        self.clock = clock
        self._first: tuple[float, int] | None = None  # (time, count) when the first unit ended
        self._last_line = clock()
        self._lines = 0  # plain lines printed so far
        is_tty = _isatty(self.stream) if tty is None else tty
        self._bar: Any = None
        if is_tty:
            from tqdm import tqdm

            self._bar = tqdm(total=self.total, unit=unit.rstrip("s") or unit, desc=desc,
                             file=self.stream, dynamic_ncols=True)

    def update(self, n: int = 1) -> None:
        if n <= 0:
            return
        self.n += n
        now = self.clock()
        if self._bar is not None:
            if self._bar.total is not None and self.n > self._bar.total:
                self._bar.total = None  # an estimate passed: count on without a percentage
            self._bar.update(n)
        if self._first is None:
            self._first = (now, self.n)
        elif self._bar is None and now - self._last_line >= self.every:
            self._last_line = now
            self._lines += 1
            print(self.line(now), file=self.stream, flush=True)

    def rate(self, now: float | None = None) -> float | None:
        """Units per second since the first unit ended (None before there are two)."""
        if self._first is None:
            return None
        t0, n0 = self._first
        dt = (self.clock() if now is None else now) - t0
        return (self.n - n0) / dt if dt > 0 and self.n > n0 else None

    def line(self, now: float | None = None) -> str:
        """The plain progress line: count (of total), rate, ETA when they are known."""
        now = self.clock() if now is None else now
        known = self.total is not None and self.n <= self.total  # an estimate passed: a count only
        parts = [f"{self.desc}: {self.n}/{self.total} {self.unit}" if known
                 else f"{self.desc}: {self.n} {self.unit}"]
        if self._first is not None:
            t0, n0 = self._first
            shown = format_rate(self.n - n0, now - t0, self.unit)
            rate = self.rate(now)
            if shown and rate:
                parts.append(shown)
                if self.total and self.total > self.n:
                    parts.append(f"ETA {format_duration((self.total - self.n) / rate)}")
        return ", ".join(parts)

    def note(self, message: str) -> None:
        """A one-off line (e.g. the next phase) that does not garble the bar; in a log, only
        for a job long enough to have reported progress already."""
        if self._bar is not None:
            self._bar.write(f"{self.desc}: {message}", file=self.stream)
        elif self._lines:
            print(f"{self.desc}: {message}", file=self.stream, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            # an estimated total (feeds, archives) ends at the true count, not stuck short of it
            if self.n and self._bar.total != self.n:
                self._bar.total = self.n
                self._bar.refresh()
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def progress(desc: str, total: int | None = None, unit: str = "docs", *,
             enabled: bool | None = True, stream: TextIO | None = None) -> Progress | None:
    """A :class:`Progress`, or None when ``enabled`` is False (``--quiet``)."""
    if enabled is False:
        return None
    return Progress(desc, total, unit, stream=stream)


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
