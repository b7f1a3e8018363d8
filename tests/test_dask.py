"""The Dask engine on a real local cluster of 2 worker processes: same result as the
in-process engine, and nothing lost when a worker process is killed mid-run."""

from __future__ import annotations

import os
import signal

import pytest

import marsad
from marsad.analyze.pipeline import default_pipeline
from marsad.data import corpus_or_skip
from marsad.model import Document
from marsad.run.dask import ingest_dask

N = 96


@pytest.fixture(scope="module")
def docs() -> list[Document]:
    from marsad.cli.core import bench_articles

    path = corpus_or_skip("saudinewsnet", "articles.jsonl.gz")
    out = bench_articles(N, str(path))
    # a repeated article (same URL) and an exact copy under another URL: skipped / grouped
    out.append(Document(out[3].title, list(out[3].paragraphs), url=out[3].url))
    out.append(Document(out[5].title, list(out[5].paragraphs) + ["."], url="https://copy.example/5"))
    return out


@pytest.fixture(scope="module")
def cluster():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as c, Client(c) as client:
        yield client


@pytest.fixture(scope="module")
def reference(docs, tmp_path_factory):
    """The in-process engine's result on the same input."""
    db = tmp_path_factory.mktemp("ref") / "ref.db"
    with marsad.open(db) as store:
        rep = store.ingest(docs, pipeline=default_pipeline(), progress=False)
        assert rep.failed == 0
        return rep, _dump(store)


def _dump(store) -> dict[str, tuple[str, str | None]]:
    rows = store.fetchall("SELECT id, dup_group FROM documents")
    return {r["id"]: (store.get(r["id"]).to_json(), r["dup_group"]) for r in rows}


def test_same_result_as_inprocess(docs, cluster, reference, db_path) -> None:
    ref_report, ref = reference
    with marsad.open(db_path) as store:
        rep = ingest_dask(store, docs, client=cluster, partitions=7, progress=False)
        assert (rep.new, rep.known, rep.failed) == (ref_report.new, ref_report.known, 0)
        got = _dump(store)
    assert set(got) == set(ref)
    assert got == ref  # every analysis and every near-duplicate group identical
    with marsad.open(db_path) as store:  # running again changes nothing
        rep = ingest_dask(store, docs, client=cluster, progress=False)
        assert rep.new == 0 and rep.known == len(docs)
        assert _dump(store) == ref


def test_worker_killed_mid_run_loses_nothing(docs, cluster, reference, db_path) -> None:
    _, ref = reference
    killed: list[tuple[str, int, list]] = []

    def kill_a_busy_worker(index: int, written: int) -> None:
        if killed:
            return
        processing = cluster.processing()
        busy = [addr for addr, keys in processing.items() if keys] or list(processing)
        pids = cluster.run(os.getpid)
        addr = busy[0]
        killed.append((addr, pids[addr], list(processing.get(addr, []))))
        os.kill(pids[addr], signal.SIGKILL)

    with marsad.open(db_path) as store:
        rep = ingest_dask(store, docs, client=cluster, partitions=12, progress=False,
                          on_partition=kill_a_busy_worker)
        got = _dump(store)
    assert killed and killed[0][2], "the killed worker had a partition in progress"
    assert rep.failed == 0, rep.errors
    assert got == ref  # its partition was retried elsewhere: nothing lost, nothing doubled
    cluster.wait_for_workers(2, timeout=60)  # the nanny restarted it


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
