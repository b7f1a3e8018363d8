"""The Dask engine on a real local cluster of 2 worker processes.

The engine's own behaviour (results written in input order, so the database is the in-process
engine's; a killed worker's partition rescheduled by the scheduler; a partition whose worker
died resubmitted by the engine) is tested with a light pipeline: keywords and the near-duplicate
signature, quick to build and to run (no model to load), yet order-dependent through the
duplicate groups. The full NLP pipeline runs once, in a slow test (`make test`, not
`make test-fast`)."""

from __future__ import annotations

import os
import signal
from typing import Any

import pytest

import marsad
from marsad.analyze.pipeline import registered
from marsad.data import corpus_or_skip
from marsad.model import Document
from marsad.run.dask import ingest_dask

N = 96


LIGHT = ("keywords", "signature")  # quick to build, ~15 ms an article: partitions stay in flight


def light() -> tuple[str, ...]:
    """The stages to disable for a light run: every one but LIGHT."""
    return tuple(n for n in registered() if n not in LIGHT)


@pytest.fixture(scope="module")
def docs() -> list[Document]:
    from marsad.lab.commands.core import bench_articles

    path = corpus_or_skip("saudinewsnet", "articles.jsonl.gz")
    out = bench_articles(N, str(path))
    # a repeated article (same URL) and an exact copy under another URL: skipped / grouped
    out.append(Document(out[3].title, list(out[3].paragraphs), url=out[3].url))
    out.append(Document(out[5].title, list(out[5].paragraphs) + ["."], url="https://copy.example/5"))
    return out


def _local_cluster(**scheduler_kwargs: Any) -> Any:
    from distributed import LocalCluster

    return LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                        silence_logs=40, scheduler_kwargs={"dashboard": False, **scheduler_kwargs})


@pytest.fixture(scope="module")
def cluster():
    from distributed import Client

    with _local_cluster() as c, Client(c) as client:
        yield client


def _reference(docs: list[Document], db, disable: tuple[str, ...]) -> tuple[Any, dict, list[str]]:
    """The in-process engine's result on the same input, with the same pipeline."""
    with marsad.open(db) as store:
        rep = marsad.ingest(store, docs, disable=disable, progress=False)
        assert rep.failed == 0
        return rep, _dump(store), _order(store)


@pytest.fixture(scope="module")
def reference(docs, tmp_path_factory):
    return _reference(docs, tmp_path_factory.mktemp("ref") / "light.db", light())


def _dump(store) -> dict[str, tuple[str, str | None]]:
    rows = store.fetchall("SELECT id, dup_group FROM documents")
    return {r["id"]: (store.get(r["id"]).to_json(), r["dup_group"]) for r in rows}


def _order(store) -> list[str]:
    """Document ids in the order they were written (SQLite's rowid)."""
    return [r["id"] for r in store.fetchall("SELECT id FROM documents ORDER BY rowid")]


def _killer(client) -> tuple[list[tuple[str, int, list]], Any]:
    """An ``on_partition`` callback that SIGKILLs, once, a worker process that holds a
    partition in progress (at the first partition written while one does)."""
    killed: list[tuple[str, int, list]] = []

    def kill_a_busy_worker(index: int, written: int) -> None:
        if killed:
            return
        processing = client.processing()
        busy = [addr for addr, keys in processing.items() if keys]
        if not busy:
            return
        pids = client.run(os.getpid)
        addr = busy[0]
        killed.append((addr, pids[addr], list(processing[addr])))
        os.kill(pids[addr], signal.SIGKILL)

    return killed, kill_a_busy_worker


def test_results_are_written_in_input_order(docs, cluster, reference, db_path) -> None:
    ref_report, ref, ref_order = reference
    with marsad.open(db_path) as store:
        rep = ingest_dask(store, docs, client=cluster, partitions=7, disable=light(), progress=False)
        assert (rep.new, rep.known, rep.failed) == (ref_report.new, ref_report.known, 0)
        got, order = _dump(store), _order(store)
    assert order == ref_order  # partitions complete in any order, are written in input order
    assert got == ref  # every analysis and every near-duplicate group identical
    assert len({g for _, g in got.values()}) < len(got)  # the exact copy joined a group
    with marsad.open(db_path) as store:  # running again changes nothing
        rep = ingest_dask(store, docs, client=cluster, disable=light(), progress=False)
        assert rep.new == 0 and rep.known == len(docs)
        assert _dump(store) == ref


def test_worker_killed_mid_run_loses_nothing(docs, cluster, reference, db_path) -> None:
    """The scheduler reschedules the dead worker's partitions (the default allowed failures)."""
    _, ref, ref_order = reference
    killed, kill = _killer(cluster)
    with marsad.open(db_path) as store:
        rep = ingest_dask(store, docs, client=cluster, partitions=12, disable=light(),
                          progress=False, on_partition=kill)
        got, order = _dump(store), _order(store)
    assert killed and killed[0][2], "a worker with a partition in progress was killed"
    assert rep.failed == 0, rep.errors
    assert got == ref and order == ref_order  # retried elsewhere: nothing lost, nothing doubled
    cluster.wait_for_workers(2, timeout=60)  # the nanny restarted it


def test_partition_of_a_killed_worker_is_resubmitted(docs, reference, db_path) -> None:
    """With no failure allowed, the scheduler gives up on the dead worker's partitions at
    once (KilledWorker): the engine submits them again instead of reporting them failed."""
    from distributed import Client
    from distributed.diagnostics.plugin import SchedulerPlugin

    _, ref, ref_order = reference

    class ErredTasks(SchedulerPlugin):
        def __init__(self) -> None:
            self.keys: list[str] = []

        def transition(self, key, start, finish, *args, **kwargs) -> None:
            if finish == "erred":
                self.keys.append(str(key))

    erred = ErredTasks()
    with _local_cluster(allowed_failures=0) as c, Client(c) as client:
        c.scheduler.add_plugin(erred, name="erred-tasks")
        killed, kill = _killer(client)
        with marsad.open(db_path) as store:
            rep = ingest_dask(store, docs, client=client, partitions=12, disable=light(),
                              progress=False, on_partition=kill)
            got, order = _dump(store), _order(store)
    assert killed and killed[0][2], "a worker with a partition in progress was killed"
    assert erred.keys, "the scheduler gave up on the killed worker's partitions"
    assert rep.failed == 0, rep.errors
    assert got == ref and order == ref_order


@pytest.mark.slow
def test_full_pipeline_same_result_as_inprocess(docs, cluster, tmp_path) -> None:
    """Every NLP stage on the workers: the same database as the in-process engine."""
    ref_report, ref, ref_order = _reference(docs, tmp_path / "full.db", ())
    with marsad.open(tmp_path / "dask.db") as store:
        rep = ingest_dask(store, docs, client=cluster, partitions=7, progress=False)
        assert (rep.new, rep.known, rep.failed) == (ref_report.new, ref_report.known, 0)
        assert _dump(store) == ref and _order(store) == ref_order


def test_cli_dask_engine_local_cluster(tmp_path) -> None:
    """`marsad ingest --engine dask` starts (and stops) its own local cluster."""
    from conftest import run_cli

    src = tmp_path / "in"
    src.mkdir()
    for i in range(6):
        (src / f"{i}.txt").write_text(f"عنوان الخبر {i}\nنص الخبر رقم {i} عن الاقتصاد في الرياض.",
                                      encoding="utf-8")
    db = tmp_path / "cli.db"
    r = run_cli("ingest", str(src), "--db", str(db), "--engine", "dask", "--partitions", "3", "-q",
                "--no-analyze", timeout=240)
    assert r.returncode == 0, r.stderr
    assert "6 new" in r.stdout
    with marsad.open(db) as store:
        assert store.stats()["documents"] == 6
