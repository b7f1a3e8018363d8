"""What keeps a long-running server's memory flat: cache buckets bounded in entries and in
estimated bytes, per-thread read connections closed when their thread ends; and what
`marsad bench serve` reports about it (route groups, errors, memory over time)."""

from __future__ import annotations

import gc
import os
import threading

import pytest

from marsad.lab.serve import loadstats
from marsad.web.state import (
    CACHE_BYTES,
    CACHE_SIZES,
    ServerState,
    ServeSettings,
    _Bucket,
    approx_bytes,
)

pytest_plugins = ("test_web_data",)  # the shared database


def _rows(n: int) -> list[dict]:
    return [{"doc_id": f"doc-{i:06d}", "idx": i, "type": "ASSAULT", "lat": 33.5, "lon": 36.3,
             "title": "عنوان خبر طويل نسبيا عن حدث ما في مكان ما " * 2} for i in range(n)]


def test_estimated_size_grows_with_what_a_value_holds() -> None:
    small, big = approx_bytes(_rows(10)), approx_bytes(_rows(5000))
    assert big > 400 * small  # linear in the rows, though only a few are measured
    assert big > 5000 * 300  # a row of seven fields and a long title is hundreds of bytes
    assert approx_bytes(tuple(f"id-{i}" for i in range(1000))) > 1000 * 40
    assert approx_bytes({"a": [1, 2, 3]}) < 2000


def test_a_bucket_keeps_its_entry_and_byte_bounds() -> None:
    b = _Bucket(max_entries=50, max_bytes=3 * 2**20)
    for i in range(200):
        b.put(("points", i), 0.0, (1,), _rows(500 if i % 3 else 5))
        assert len(b) <= 50 and b.bytes <= 3 * 2**20
    assert b.bytes == sum(e[3] for e in b.entries.values())
    assert ("points", 199) in b.entries  # the newest stays
    b.put("huge", 0.0, (1,), _rows(50_000))  # bigger than the whole bucket: not kept
    assert "huge" not in b.entries and b.bytes <= 3 * 2**20


def test_every_bucket_has_a_byte_bound() -> None:
    assert set(CACHE_SIZES) <= set(CACHE_BYTES)
    assert sum(CACHE_BYTES.values()) <= 128 * 2**20


def test_server_cache_stays_within_its_budget(web_db) -> None:
    st = ServerState(ServeSettings(db=str(web_db["path"])))
    try:
        for i in range(120):
            st.cached(("points", i), lambda: _rows(3000))
            st.cached(("n", i), lambda i=i: i)
        usage = st.cache_usage()
        entries, used = usage["default"]
        assert used <= CACHE_BYTES["default"] and entries <= CACHE_SIZES["default"]
        assert st.cached(("n", 119), lambda: -1) == 119  # the newest small entry is still there
    finally:
        st.close()


def test_reader_connections_close_when_their_threads_end(web_db) -> None:
    st = ServerState(ServeSettings(db=str(web_db["path"])))
    try:
        def read() -> None:
            assert st.reader().stats()["documents"] == 6

        for _ in range(12):  # a thread pool retiring idle threads and starting new ones
            t = threading.Thread(target=read)
            t.start()
            t.join()
        gc.collect()
        assert st.open_readers() == 0
        read()  # this thread's own reader stays open while the thread lives
        assert st.open_readers() == 1
    finally:
        st.close()
    assert st.open_readers() == 0


def test_report_groups_routes_and_counts_errors() -> None:
    res = {"elapsed": 10.0, "concurrency": 2,
           "latencies": {"page:search": [0.1] * 9 + [0.5], "api:search": [0.2] * 10,
                         "page:article": [0.05] * 20, "api:events": [0.3] * 5, "page:sources": [0.01] * 5},
           "status": {"200": 49, "500": 1},
           "status_by_kind": {"page:search": {"200": 10}, "api:search": {"200": 10}, "page:article": {"200": 20},
                              "api:events": {"200": 4, "500": 1}, "page:sources": {"200": 5}},
           "series": [[t * 0.2, 0.1] for t in range(50)]}
    every, groups, kinds = loadstats.latency_rows(res)
    by = {g.name: g for g in groups}
    assert [g.name for g in groups] == ["search", "article", "events", "other"]
    assert by["search"].n == 20 and by["search"].p95_ms == pytest.approx(200.0)
    assert by["events"].errors == 1 and by["search"].errors == 0 and every.errors == 1
    assert by["article"].per_s == pytest.approx(2.0)
    assert len(kinds) == 5
    text = "\n".join(loadstats.report_lines(res, None))
    assert "search" in text and "errors 1" in text


def test_memory_summary_tells_growth_from_a_plateau() -> None:
    rising = [(t * 5.0, 100.0 + t * 5) for t in range(121)]  # +5 MB every 5 s for 10 minutes
    flat = [(t * 5.0, 200.0 if t > 6 else 100.0 + t * 15) for t in range(121)]
    r, f = loadstats.rss_summary(rising), loadstats.rss_summary(flat)
    assert r is not None and f is not None
    assert r.start == 100.0 and r.end == 700.0 and r.max == 700.0 and r.late_growth > 0.5
    assert f.end_over_start == pytest.approx(2.0) and f.late_growth == pytest.approx(0.0)
    assert [m for m, _ in f.by_minute] == list(range(11))


def test_sampler_reads_a_live_process_tree() -> None:
    s = loadstats.RssSampler(os.getpid(), every=0.05)
    s.start()
    threading.Event().wait(0.2)
    s.stop()
    assert len(s.samples) >= 3 and all(mb > 10 for _, mb in s.samples)
    assert loadstats.tree_rss_mb(2**22 + 12345) is None  # no such process
