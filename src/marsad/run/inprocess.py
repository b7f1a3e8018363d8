"""Batch ingest in this process: read → skip known → analyse → write in transactions.

A batch is written in one transaction, so killing the process loses at most the batch in
flight and never leaves half an article; running again skips what is stored (by id and
by URL) and finishes the rest.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marsad.analyze.pipeline import Pipeline, default_pipeline
from marsad.errors import InputError, MarsadError
from marsad.model import Document
from marsad.progress import Progress, format_rate


@dataclass
class IngestReport:
    new: int = 0
    known: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    stories: dict[str, int] = field(default_factory=dict)  # clustering after the ingest
    incidents: dict[str, int] = field(default_factory=dict)  # fusion of articles stored before incidents

    def count_written(self, results: Iterable[Any]) -> None:
        """Count a written batch's WriteResults as new or already known."""
        for r in results:
            if r.new:
                self.new += 1
            else:
                self.known += 1

    def fail(self, message: str, say: Callable[[str], None]) -> None:
        """Count one failed input and tell the user at once."""
        self.failed += 1
        self.errors.append(message)
        say(message)

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def summary(self) -> str:
        rate = format_rate(self.new + self.known, self.seconds, "docs")
        line = (
            f"{self.new} new, {self.known} already known, {self.failed} failed "
            f"in {self.seconds:.1f}s" + (f" ({rate})" if rate else "")
        )
        if self.stories.get("articles"):
            line += (f"; stories: {self.stories['new_stories']} new, "
                     f"{self.stories['extended_stories']} extended")
            earlier = self.stories["articles"] - self.new
            if earlier > 0:
                line += f" (with {earlier} articles an earlier run left without a story)"
        if self.incidents.get("articles"):
            line += (f"; incidents: {self.incidents['articles']} earlier articles fused "
                     f"({self.incidents['new_incidents']} new incidents)")
        return line


@dataclass
class _Item:
    origin: str
    document: Document | None
    error: MarsadError | None


def store_files(store: Any) -> set[Path]:
    """The files of a SQLite store (and its journal), which a folder being ingested may
    hold: they are the database, not input."""
    path = getattr(store, "path", None)
    if not isinstance(path, Path):
        return set()
    base = path.resolve()
    return {base, *(base.with_name(base.name + s) for s in ("-wal", "-shm", "-journal"))}


def _is_excluded(origin: str, exclude: set[Path] | None) -> bool:
    if not exclude or len(origin) > 4096:
        return False
    try:
        return Path(origin).resolve() in exclude
    except (OSError, ValueError):
        return False


def iter_inputs(inputs: Iterable[Any], *, exclude: set[Path] | None = None) -> Iterator[_Item]:
    """Paths (or "-"), Documents and raw strings, as one stream of documents or errors
    (files in ``exclude`` are passed over silently)."""
    from marsad.ingest import read_paths, read_text

    paths: list[str | Path] = []

    def flush() -> Iterator[_Item]:
        if paths:
            for r in read_paths(list(paths)):
                if _is_excluded(r.origin, exclude):
                    continue
                yield _Item(r.origin, r.document, r.error)
            paths.clear()

    for x in inputs:
        if isinstance(x, Document):
            yield from flush()
            yield _Item(x.origin or x.id, x, None)
        elif isinstance(x, Path) or (isinstance(x, str) and ("\n" not in x and len(x) < 4096)):
            paths.append(x)
        elif isinstance(x, str):
            yield from flush()
            yield _Item("<text>", read_text(x), None)
        else:
            yield from flush()
            yield _Item(repr(x)[:60], None, InputError(f"cannot ingest a {type(x).__name__}"))
    yield from flush()


def drop_known(store: Any, items: list[_Item], seen: set[str], report: IngestReport) -> list[_Item]:
    """The items whose document is neither stored (same id or URL) nor already seen in
    this run; the others are counted as known. ``seen`` is updated."""
    docs = [i.document for i in items if i.document is not None]
    known = store.known([d.id for d in docs], [d.url for d in docs]) | seen
    out = []
    for it in items:
        d = it.document
        assert d is not None
        if d.id in known or (d.url and d.url in known):
            report.known += 1
            continue
        known.add(d.id)
        seen.add(d.id)
        if d.url:
            known.add(d.url)
            seen.add(d.url)
        out.append(it)
    return out


def ingest(
    store: Any,
    inputs: Iterable[Any],
    *,
    pipeline: Pipeline | None = None,
    analyze: bool = True,
    batch_size: int = 64,
    progress: bool | None = None,
    total: int | None = None,
    on_error: Callable[[str], None] | None = None,
    stories: bool = True,
) -> IngestReport:
    """Ingest into ``store``. Errors in single inputs are reported and skipped. With
    ``stories`` (and analysis on), new articles are folded into stories at the end."""
    report = IngestReport()
    t0 = time.perf_counter()
    pipe = pipeline if pipeline is not None else (default_pipeline() if analyze else None)
    say = on_error or (lambda msg: print(msg, file=sys.stderr))
    bar = _progress(progress, total)
    batch: list[Any] = []
    seen: set[str] = set()

    def write() -> None:
        if batch:
            report.count_written(store.add(batch))
            batch.clear()

    pending: list[_Item] = []

    def process(items: list[_Item]) -> None:
        fresh = drop_known(store, items, seen, report)
        if bar:
            bar.update(len(items) - len(fresh))
        for it in fresh:
            d = it.document
            assert d is not None
            for key in _NOTE_KEYS:  # a cut article or a dropped date is kept, and said
                if d.meta.get(key):
                    say(f"{it.origin}: note: {d.meta[key]}")
            try:
                a = pipe(d) if pipe is not None else _bare(d)
            except MarsadError as exc:
                report.fail(f"{it.origin}: {exc}", say)
                continue
            finally:
                if bar:
                    bar.update(1)
            batch.append(a)
        if len(batch) >= batch_size:
            write()

    try:
        for item in iter_inputs(inputs, exclude=store_files(store)):
            if item.error is not None:
                report.fail(str(item.error), say)
                if bar:
                    bar.update(1)
                continue
            pending.append(item)
            if len(pending) >= batch_size:
                process(pending)
                pending = []
        if pending:
            process(pending)
        write()
        if stories and pipe is not None and pipe.names:  # even with 0 new: see cluster_stories
            if bar and report.new:
                bar.note(f"grouping {report.new} new articles into stories …")
            report.stories = cluster_stories(store)
        report.incidents = fuse_incidents(store)
    finally:
        if bar:
            bar.close()
        report.seconds = time.perf_counter() - t0
    return report


_NOTE_KEYS = ("truncated_note", "published_note")


def cluster_stories(store: Any) -> dict[str, int]:
    """Incremental story clustering of what has no story yet (stores without the SQL
    story tables are left alone). Called after every analysing run, not only one that
    stored something: articles an interrupted run committed but never clustered (killed
    between its last batch and this step) are caught up by the next run, which may find
    nothing new to store."""
    if not hasattr(store, "transaction"):
        return {}
    from marsad.store.stories_sql import cluster_unassigned

    return cluster_unassigned(store)


def fuse_incidents(store: Any) -> dict[str, int]:
    """Fuse the articles waiting in ``incident_pending``: those a database held when it was
    migrated to incidents (schema 6). New articles need no call: ``store.add`` fuses them as
    it writes them (:mod:`marsad.store.incidents_sql`). A no-op read when nothing waits."""
    if not hasattr(store, "transaction"):
        return {}
    from marsad.store.incidents_sql import fuse_pending

    return fuse_pending(store).as_dict()


def _bare(d: Document) -> Any:
    from marsad.analyze.base import base_analysis

    return base_analysis(d)


def _progress(flag: bool | None, total: int | None, desc: str = "ingest") -> Progress | None:
    """The ingest's progress reporter: a bar on a terminal, a line every few seconds
    otherwise (``flag=None``), or none (``flag=False``, e.g. ``--quiet``)."""
    if flag is False:
        return None
    return Progress(desc, total, "docs")
