"""The one ingest loop: read → skip known → analyse → store → collect.

Every writer calls it — ``marsad ingest`` and ``marsad demo``, the feed watcher, the web
upload and API, the benchmarks, :func:`marsad.ingest` — so every path gives the same
database for the same input:

1. **read**: paths (or ``-``), Documents and raw strings become :class:`ReadResult`\\ s, each
   Document made by the readers' one builder (:mod:`marsad.ingest.document`); files of the
   database itself are passed over.
2. **skip known**: a document stored already (same id or URL), or seen earlier in this run,
   is counted as known, before any analysis is spent on it.
3. **analyse**: a batch goes through ``Pipeline.pipe`` (a stage with a batch path gets the
   whole batch); when the batch fails, each of its documents is analysed alone, so one bad
   article is reported (naming its input) and skipped, and the others are stored.
4. **store**: ``store.add`` writes ``batch_size`` analyses in one transaction (near-duplicate
   groups and incidents are extended in it), so a killed run loses at most the batch in
   flight, and running again skips what is stored.
5. **collect**: the new articles are folded into stories, from the features computed as
   they were written (:mod:`marsad.run.collect`).

Where step 3 runs is the executor's business: here, in this process, or on a Dask cluster
(:mod:`marsad.run.dask`), which ships partitions of read documents to workers and hands
their analyses back in input order. Everything else happens here, on the caller's side.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

from marsad.analyze.pipeline import Pipeline, default_pipeline
from marsad.errors import InputError, MarsadError
from marsad.ingest.result import ReadResult
from marsad.model import Analysis, Document
from marsad.progress import Progress, format_rate
from marsad.run.collect import StoryFeatures, cluster_stories, fuse_incidents

T = TypeVar("T")
_NOTE_KEYS = ("truncated_note", "published_note")  # a cut article or a dropped date: said


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


@dataclass(frozen=True)
class Outcome:
    """What became of one input: ``new`` or ``known`` (with the document's id), or
    ``failed`` (with the message, which names the input)."""

    origin: str
    status: Literal["new", "known", "failed"]
    doc_id: str | None = None
    message: str | None = None


@dataclass
class Analysed:
    """One document after step 3: its analysis, or the error message naming its input."""

    origin: str
    analysis: Analysis | None = None
    error: str | None = None


# runs one write step, ``step(store)``, and returns what it returns
Writer = Callable[[Callable[[Any], Any]], Any]


@dataclass
class IngestOptions:
    """How to ingest. ``pipeline`` None means every registered stage but ``disable``;
    ``analyze=False`` stores the text only (sentences, no stage, no stories).
    ``batch_size`` documents are analysed together and written in one transaction.
    ``on_error`` gets one line per failed input (default: stderr), ``on_note`` one per
    article that was kept with a note (cut, date dropped; default: ``on_error``).
    ``on_partition(index, new_so_far)`` is called after each partition is committed.
    ``writer(step)`` runs each write step (``step(store)``), e.g. under a server's write
    lock; ``analysing()`` is entered around each analysis (a server counts them)."""

    pipeline: Pipeline | None = None
    analyze: bool = True
    disable: Sequence[str] = ()
    batch_size: int = 64
    stories: bool = True
    progress: bool | None = None
    total: int | None = None
    on_error: Callable[[str], None] | None = None
    on_note: Callable[[str], None] | None = None
    on_partition: Callable[[int, int], None] | None = None
    executor: Executor | None = None
    writer: Writer | None = None
    analysing: Callable[[], AbstractContextManager[Any]] | None = None

    def __post_init__(self) -> None:
        if self.batch_size < 1:
            raise InputError(f"batch size {self.batch_size} must be at least 1")

    def build_pipeline(self) -> Pipeline | None:
        """The pipeline these options ask for (unknown stages are an InputError here,
        before any work starts); None when nothing is analysed."""
        if not self.analyze:
            return None
        if self.pipeline is not None:
            if self.disable:
                raise InputError("give a pipeline or stages to disable, not both",
                                 fix="build the pipeline with default_pipeline(disable=...)")
            return self.pipeline
        return default_pipeline(disable=tuple(self.disable))


# -- step 1: read --------------------------------------------------------------------------

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


def read_inputs(inputs: Iterable[Any], *, exclude: set[Path] | None = None) -> Iterator[ReadResult]:
    """Paths (or "-"), Documents and ReadResults, as one stream of ReadResults (files in
    ``exclude`` are passed over silently). A string is always a path: article text is
    given as a Document (``marsad.ingest.read_text(text)`` builds one with the readers'
    builder), so nothing guesses whether a string names a file."""
    from marsad.ingest import read_paths

    paths: list[str | Path] = []

    def flush() -> Iterator[ReadResult]:
        if paths:
            for r in read_paths(list(paths)):
                if not _is_excluded(r.origin, exclude):
                    yield r
            paths.clear()

    for x in inputs:
        if isinstance(x, ReadResult):
            yield from flush()
            yield x
        elif isinstance(x, Document):
            yield from flush()
            yield ReadResult(x.origin or x.id, x)
        elif isinstance(x, Path) or (isinstance(x, str) and "\n" not in x and len(x) < 4096):
            paths.append(x)
        elif isinstance(x, str):
            yield from flush()
            yield ReadResult("<text>", error=InputError(
                "a string given to ingest is a path, and this one is article text",
                fix="pass marsad.ingest.read_text(text) (a Document) instead"))
        else:
            yield from flush()
            origin = repr(x)[:60]
            yield ReadResult(origin, error=InputError(f"cannot ingest a {type(x).__name__}",
                                                      source=origin))
    yield from flush()


# -- step 3: analyse (here or on a worker) -------------------------------------------------

def analyse_batch(pipeline: Pipeline | None, items: Sequence[ReadResult],
                  batch_size: int = 64) -> list[Analysed]:
    """The analyses of ``items`` (read documents), in order: the batch through
    ``pipeline.pipe``; if that fails, each document alone, so a failure is reported for
    the one document that caused it. Without a pipeline, the base analysis only."""
    from marsad.analyze.base import base_analysis

    docs = [r.document for r in items if r.document is not None]
    if len(docs) != len(items):
        raise ValueError("analyse_batch takes read documents only")
    if pipeline is None:
        return [Analysed(r.origin, base_analysis(d, tokens=False)) for r, d in zip(items, docs)]
    if len(docs) > 1:
        try:
            out = list(pipeline.pipe(docs, batch_size=batch_size))
            return [Analysed(r.origin, a) for r, a in zip(items, out, strict=True)]
        except MarsadError:
            pass  # one of them failed: find which, and keep the others
    results = []
    for r, d in zip(items, docs):
        try:
            results.append(Analysed(r.origin, pipeline(d)))
        except MarsadError as exc:
            results.append(Analysed(r.origin, error=f"{r.origin}: {exc}"))
    return results


# -- executors -----------------------------------------------------------------------------

class Executor(Protocol):
    """Where step 3 runs. ``session`` prepares it (e.g. connects to a cluster) for one
    run; within it, ``partition_size`` says how many documents a task takes and
    ``analysed`` yields each partition's analyses, in input order."""

    def session(self) -> AbstractContextManager[Any]: ...

    def partition_size(self, total: int | None, batch_size: int) -> int: ...

    def analysed(self, run: IngestRun, parts: Iterator[list[ReadResult]]
                 ) -> Iterator[tuple[int, list[Analysed]]]: ...


class InProcess:
    """Step 3 in this process, one batch (``batch_size`` documents) at a time."""

    def session(self) -> AbstractContextManager[Any]:
        return nullcontext()

    def partition_size(self, total: int | None, batch_size: int) -> int:
        return batch_size

    def analysed(self, run: IngestRun, parts: Iterator[list[ReadResult]]
                 ) -> Iterator[tuple[int, list[Analysed]]]:
        for i, part in enumerate(parts):
            yield i, run.analyse(part)


# -- one run -------------------------------------------------------------------------------

def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


class IngestRun:
    """One ingest into one store: the steps of the loop, and what they have counted.
    :func:`ingest` drives it over a stream of inputs; the feed watcher feeds it one
    article at a time (:meth:`add`) and collects at the end of each round."""

    def __init__(self, store: Any, options: IngestOptions | None = None):
        self.store = store
        self.options = options or IngestOptions()
        self.pipeline = self.options.build_pipeline()
        self.report = IngestReport()
        self.say = self.options.on_error or _stderr
        self.note = self.options.on_note or self.say
        self.bar: Progress | None = None
        self._seen: set[str] = set()
        self._pending: list[Analysis] = []
        self._t0 = time.perf_counter()
        self._stories = StoryFeatures() if self.collects_stories else None

    @property
    def collects_stories(self) -> bool:
        """Stories are formed when something is analysed (a text-only store has none)."""
        return bool(self.options.stories and self.pipeline is not None and self.pipeline.names)

    def _write(self, step: Callable[[Any], T]) -> T:
        writer = self.options.writer
        return writer(step) if writer is not None else step(self.store)

    def _tick(self, n: int = 1) -> None:
        if self.bar:
            self.bar.update(n)

    # step 2
    def screen(self, items: Sequence[ReadResult]) -> tuple[list[ReadResult], list[Outcome]]:
        """The read documents of ``items`` neither stored (same id or URL) nor seen in
        this run, and the outcome of the others (read errors reported, known counted)."""
        docs = [r.document for r in items if r.document is not None]
        known = self.store.known([d.id for d in docs], [d.url for d in docs]) if docs else set()
        known |= self._seen
        fresh: list[ReadResult] = []
        done: list[Outcome] = []
        for r in items:
            d = r.document
            if d is None:
                message = str(r.error or f"{r.origin}: could not be read")
                self.report.fail(message, self.say)
                done.append(Outcome(r.origin, "failed", message=message))
                self._tick()
                continue
            if d.id in known or (d.url and d.url in known):
                self.report.known += 1
                done.append(Outcome(r.origin, "known", d.id))
                self._tick()
                continue
            for key in (d.id, d.url):
                if key:
                    known.add(key)
                    self._seen.add(key)
            for key in _NOTE_KEYS:
                if d.meta.get(key):
                    self.note(f"{r.origin}: note: {d.meta[key]}")
            fresh.append(r)
        return fresh, done

    def partitions(self, items: Iterable[ReadResult], size: int) -> Iterator[list[ReadResult]]:
        """Partitions of ``size`` fresh documents (step 2 done on chunks of ``size``)."""
        part: list[ReadResult] = []
        chunk: list[ReadResult] = []
        for r in items:
            chunk.append(r)
            if len(chunk) >= size:
                part.extend(self.screen(chunk)[0])
                chunk = []
            while len(part) >= size:
                yield part[:size]
                part = part[size:]
        if chunk:
            part.extend(self.screen(chunk)[0])
        while part:
            yield part[:size]
            part = part[size:]

    # step 3
    def analyse(self, items: Sequence[ReadResult]) -> list[Analysed]:
        hook = self.options.analysing
        with hook() if hook is not None else nullcontext():
            return analyse_batch(self.pipeline, items, self.options.batch_size)

    # step 4
    def take(self, analysed: Iterable[Analysed]) -> None:
        """Report the failures; write the analyses ``batch_size`` at a time."""
        for x in analysed:
            self._tick()
            if x.analysis is None:
                self.report.fail(x.error or f"{x.origin}: failed", self.say)
                continue
            self._pending.append(x.analysis)
            if len(self._pending) >= self.options.batch_size:
                self.flush()

    def flush(self) -> list[Any]:
        """Write what is waiting, in one transaction; its WriteResults."""
        batch, self._pending = self._pending, []
        if not batch:
            return []
        written = self._write(lambda store: store.add(batch))
        self.report.count_written(written)
        if self._stories is not None:
            self._stories.add(a for a, w in zip(batch, written, strict=True) if w.new)
        return written

    def add(self, items: Sequence[ReadResult]) -> list[Outcome]:
        """Steps 2–4 for ``items`` now: the outcome of each (in no particular order)."""
        self.flush()
        fresh, done = self.screen(items)
        for x in self.analyse(fresh) if fresh else []:
            self._tick()
            if x.analysis is None:
                self.report.fail(x.error or f"{x.origin}: failed", self.say)
                done.append(Outcome(x.origin, "failed", message=x.error))
                continue
            self._pending.append(x.analysis)
            (w,) = self.flush()
            done.append(Outcome(x.origin, "new" if w.new else "known", w.doc_id))
        return done

    # step 5
    def finish(self) -> IngestReport:
        """Write what is waiting, fold the new articles into stories (and those an
        interrupted run left without one), fuse the incidents waiting since a migration."""
        self.flush()
        if self.collects_stories:
            if self.bar and self.report.new:
                self.bar.note(f"grouping {self.report.new} new articles into stories …")
            features = self._stories.articles if self._stories is not None else {}
            self.report.stories = self._write(lambda store: cluster_stories(store, features))
        self.report.incidents = self._write(fuse_incidents)
        self.report.seconds = time.perf_counter() - self._t0
        return self.report


# -- the loop ------------------------------------------------------------------------------

def _progress(flag: bool | None, total: int | None, desc: str = "ingest") -> Progress | None:
    """The ingest's progress reporter: a bar on a terminal, a line every few seconds
    otherwise (``flag=None``), or none (``flag=False``, e.g. ``--quiet``)."""
    if flag is False:
        return None
    return Progress(desc, total, "docs")


@contextmanager
def _bar(run: IngestRun, total: int | None) -> Iterator[None]:
    run.bar = _progress(run.options.progress, total)
    try:
        yield
    finally:
        if run.bar:
            run.bar.close()
        run.bar = None


def count_inputs(inputs: Sequence[Any]) -> int | None:
    """How many documents ``inputs`` hold, when that is cheap to know (None otherwise)."""
    if all(isinstance(x, (Document, ReadResult)) for x in inputs):
        return len(inputs)
    if not all(isinstance(x, (str, Path)) for x in inputs) or any(
            isinstance(x, str) and "\n" in x for x in inputs):
        return None
    try:
        from marsad.ingest import count_inputs as count

        return count(list(inputs))
    except (OSError, MarsadError):
        return None


def ingest(store: Any, inputs: Iterable[Any], options: IngestOptions | None = None,
           **kwargs: Any) -> IngestReport:
    """Read, analyse and store ``inputs`` (paths, Documents, ReadResults or raw article
    text) into ``store``, with ``options`` (or the :class:`IngestOptions` fields as
    keywords). Errors in single inputs are reported, counted and skipped."""
    if options is None:
        options = IngestOptions(**kwargs)
    elif kwargs:
        raise TypeError("give either options or keywords, not both")
    run = IngestRun(store, options)  # an unknown stage fails here, before any work
    executor = options.executor or InProcess()
    total = options.total
    wanted = options.progress is not False or not isinstance(executor, InProcess)
    if total is None and wanted and isinstance(inputs, (list, tuple)):
        total = count_inputs(inputs)  # for the bar, and a cluster's partition size
    with executor.session(), _bar(run, total):
        size = executor.partition_size(total, options.batch_size)
        parts = run.partitions(read_inputs(inputs, exclude=store_files(store)), size)
        for i, analysed in executor.analysed(run, parts):
            run.take(analysed)
            if options.on_partition:
                run.flush()  # a partition handed to the callback is committed
                options.on_partition(i, run.report.new)
        run.flush()
        return run.finish()
