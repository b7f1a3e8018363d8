"""Ingest on a Dask cluster: the engine's analysis step mapped over partitions of the input.

Where each step runs, and why:

* **reading, on the client.** The client reads the inputs (files, folders, archives, or
  Documents handed in), drops what the store already holds (by id and URL: the engine's
  own steps, :mod:`marsad.run.engine`) and ships partitions of Documents to the workers. Workers then
  need no access to the client's files (no shared file system on Kubernetes), the "already
  stored?" check happens before any work is shipped, and reading costs a few milliseconds
  per article against tens to hundreds for the analysis, so the client is not the
  bottleneck. At most ``4 × threads + 2`` partitions are in flight or waiting to be
  written, so memory stays bounded however large the input.
* **analysis, on the workers.** Each task runs the engine's ``analyse_batch`` over one
  partition with the pipeline the client was given (rebuilt from its stage names and
  configs); models load once per worker process (the loader cache,
  marsad.analyze.loaders), not once per task: a task only builds the light pipeline
  around them.
* **writing, on the client**, as partitions complete but in input order (a small reorder
  buffer), in batches through ``store.add`` (one transaction per batch, idempotent). Writing in input order makes the result identical to
  the in-process engine's, including near-duplicate groups (a new document joins the
  group of the first *earlier* document it resembles).

A worker that dies mid-run loses nothing: the scheduler reschedules its tasks on the
remaining (or restarted) workers, because a task's input is in its definition, not on the
dead worker; a partition whose task keeps killing workers is resubmitted, then reported as
failed. Nothing is written until a partition's result reaches the client, and every write
is an idempotent upsert, so a crash of the client itself is recovered by running the same
command again.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

from marsad.analyze.pipeline import Pipeline
from marsad.errors import InputError
from marsad.ingest.result import ReadResult
from marsad.run.engine import (
    Analysed,
    IngestOptions,
    IngestReport,
    IngestRun,
    analyse_batch,
    ingest,
)

DEFAULT_PARTITION = 32  # documents per task when neither --partitions nor a count is known
RESUBMITS = 2  # extra submissions of a partition whose task failed with its worker


# -- on the workers ------------------------------------------------------------------------

@dataclass(frozen=True)
class PipelineSpec:
    """What a worker needs to rebuild the client's pipeline: stage names and configs
    (None: no analysis, the base analysis only). Small and picklable, unlike a built
    pipeline, which holds its models."""

    names: tuple[str, ...] | None
    config: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, pipeline: Pipeline | None) -> PipelineSpec:
        if pipeline is None:
            return cls(None)
        return cls(tuple(pipeline.names), dict(pipeline.config))

    def build(self) -> Pipeline | None:
        """The pipeline (some ms: its models are loaded once per worker process and shared,
        marsad.analyze.loaders)."""
        return None if self.names is None else Pipeline(list(self.names), config=self.config)


def analyze_partition(items: list[ReadResult], spec: PipelineSpec, batch_size: int) -> list[Analysed]:
    """Analyse one partition on a worker: the engine's own analysis step."""
    out = analyse_batch(spec.build(), items, batch_size)
    for x in out:
        if x.analysis is not None:
            x.analysis.tokens = []  # never stored (Analysis.to_json leaves them out): don't ship them
    return out


# -- on the client -------------------------------------------------------------------------

def _partition_size(total: int | None, partitions: int | None, threads: int) -> int:
    if partitions is not None:
        if partitions < 1:
            raise InputError(f"--partitions {partitions} must be at least 1")
        if total:
            return max(1, math.ceil(total / partitions))
        return DEFAULT_PARTITION
    if total:  # about 16 tasks per worker thread: balance without per-task overhead
        return max(4, min(128, math.ceil(total / (16 * max(1, threads)))))
    return DEFAULT_PARTITION


# Worker settings for analysis-heavy tasks (also advised in the README for real clusters):
# Dask's default MALLOC_TRIM_THRESHOLD_=65536 costs the pipeline about a third more CPU
# (measured: 6.0 vs 4.5 CPU-s for 120 articles), and the 10 ms statistical profiler ~7%.
WORKER_CONFIG = {
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    "distributed.worker.profile.enabled": False,
}


def local_cluster(n_workers: int) -> Any:
    """A LocalCluster of ``n_workers`` single-threaded processes, no dashboard."""
    import dask
    from distributed import LocalCluster

    with dask.config.set(WORKER_CONFIG):
        return LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                            dashboard_address=":0", scheduler_kwargs={"dashboard": False},
                            silence_logs=40)


def _connect(stack: ExitStack, scheduler: str | None, workers: int | None) -> Any:
    from distributed import Client

    try:
        if scheduler:
            return stack.enter_context(Client(scheduler, timeout="30s"))
        cluster = stack.enter_context(local_cluster(workers or os.cpu_count() or 1))
        return stack.enter_context(Client(cluster))
    except OSError as exc:
        raise InputError(f"cannot reach the Dask scheduler {scheduler or '(local)'} ({exc})",
                         fix="check --scheduler tcp://HOST:PORT and that dask-scheduler runs") from None


class DaskExecutor:
    """The engine's analysis step on a Dask cluster: ``client``, or one connected to
    ``scheduler`` (``tcp://HOST:PORT``), or a local cluster of ``workers`` processes
    (default: one per core) started and stopped with the run. ``partitions`` fixes how
    many tasks the input is cut into."""

    def __init__(self, *, scheduler: str | None = None, workers: int | None = None,
                 client: Any = None, partitions: int | None = None):
        self.scheduler = scheduler
        self.workers = workers
        self.partitions = partitions
        self.client = client
        self._given = client is not None

    @contextmanager
    def _session(self) -> Iterator[None]:
        with ExitStack() as stack:
            if not self._given:
                self.client = _connect(stack, self.scheduler, self.workers)
            try:
                yield
            finally:
                if not self._given:
                    self.client = None

    def session(self) -> AbstractContextManager[Any]:
        return self._session()

    def _threads(self) -> int:
        return max(1, sum(self.client.nthreads().values()))

    def partition_size(self, total: int | None, batch_size: int) -> int:
        return _partition_size(total, self.partitions, self._threads())

    def analysed(self, run: IngestRun, parts: Iterator[list[ReadResult]]
                 ) -> Iterator[tuple[int, list[Analysed]]]:
        """Keep ``4 × threads + 2`` partitions submitted or waiting to be handed back; take
        results as they complete (so no worker waits for a slow partition) and hand them
        back in input order from a reorder buffer. A partition whose workers died is
        submitted again (``RESUBMITS`` times), then reported as failed."""
        from distributed import KilledWorker, as_completed

        client = self.client
        window = 4 * self._threads() + 2
        spec = PipelineSpec.of(run.pipeline)
        batch_size = run.options.batch_size
        running: dict[str, tuple[int, list[ReadResult], int]] = {}  # key → index, docs, tries
        finished: dict[int, list[Analysed]] = {}
        queue = as_completed()
        counter = {"next_index": 0, "next_out": 0}

        def submit(docs: list[ReadResult], i: int, tries: int) -> None:
            fut = client.submit(analyze_partition, docs, spec, batch_size,
                                key=f"marsad-analyze-{os.getpid()}-{id(running)}-{i}-{tries}",
                                pure=False)
            running[fut.key] = (i, docs, tries)
            queue.add(fut)

        def fill() -> None:
            while len(running) + len(finished) < window:
                docs = next(parts, None)
                if docs is None:
                    return
                submit(docs, counter["next_index"], 0)
                counter["next_index"] += 1

        def ready() -> Iterator[tuple[int, list[Analysed]]]:
            while counter["next_out"] in finished:
                i = counter["next_out"]
                counter["next_out"] += 1
                yield i, finished.pop(i)

        fill()
        for fut in queue:
            i, docs, tries = running.pop(fut.key)
            try:
                results = fut.result()
            except (KilledWorker, OSError) as exc:  # its workers died, again and again
                fut.release()
                if tries < RESUBMITS:
                    submit(docs, i, tries + 1)
                    continue
                why = f"failed on the cluster ({type(exc).__name__}: {exc})"
                results = [Analysed(r.origin, error=f"{r.origin}: partition {i} {why}") for r in docs]
            except Exception as exc:  # noqa: BLE001 - a task error must not lose the others
                results = [Analysed(r.origin, error=f"{r.origin}: partition {i} failed "
                                                    f"({type(exc).__name__}: {exc})") for r in docs]
            fut.release()
            finished[i] = results
            yield from ready()
            fill()
        yield from ready()


def ingest_dask(
    store: Any,
    inputs: Iterable[Any],
    *,
    scheduler: str | None = None,
    partitions: int | None = None,
    workers: int | None = None,
    client: Any = None,
    options: IngestOptions | None = None,
    **kwargs: Any,
) -> IngestReport:
    """:func:`marsad.run.engine.ingest` with the analysis on a Dask cluster (see
    :class:`DaskExecutor` for ``scheduler``, ``partitions``, ``workers``, ``client``);
    the other keywords are :class:`IngestOptions` fields. An unknown stage fails before
    a cluster is started."""
    executor = DaskExecutor(scheduler=scheduler, workers=workers, client=client,
                            partitions=partitions)
    if options is None:
        options = IngestOptions(executor=executor, **kwargs)
    else:
        options.executor = executor
    return ingest(store, list(inputs), options)
