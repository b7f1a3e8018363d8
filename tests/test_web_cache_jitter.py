"""Cached entries do not all expire together: each key's time to live is moved by a jitter
fixed per key (within ±20%, spread over keys, the same in every process), and an in-memory
table that is only old is answered while a thread reloads it. No clock is asserted."""

from __future__ import annotations

import subprocess
import sys
import threading
from statistics import mean

from marsad.web.state import CACHE_JITTER, ServerState, ServeSettings, ttl_for

pytest_plugins = ("test_web_data",)  # the shared hand-made database


def test_jitter_is_fixed_per_key_bounded_and_spread() -> None:
    keys = [("default", ("entity", f"Q{i}")) for i in range(2000)] + ["_meta", "_facets", ("net", "x", 30)]
    ttls = [ttl_for(k, 300.0) for k in keys]
    assert ttls == [ttl_for(k, 300.0) for k in keys]  # the same key, the same time to live
    assert all(300.0 * (1 - CACHE_JITTER) <= t <= 300.0 * (1 + CACHE_JITTER) for t in ttls)
    # spread over the whole range, centred on the TTL: no two-minute window holds them all
    assert min(ttls) < 245.0 and max(ttls) > 355.0 and abs(mean(ttls) - 300.0) < 5.0
    assert len({round(t, 3) for t in ttls}) > 1900
    assert ttl_for("_meta", 300.0) != ttl_for("_facets", 300.0)
    assert ttl_for("x", 300.0, spread=0.0) == 300.0
    assert ttl_for("مفتاح\ud800", 10.0) > 0  # any key, even one a string cannot encode


def test_jitter_is_the_same_in_another_process() -> None:
    code = "from marsad.web.state import ttl_for; print(repr(ttl_for(('default', ('entity', 'Q1')), 300.0)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert float(out.stdout) == ttl_for(("default", ("entity", "Q1")), 300.0)


def test_an_old_table_is_answered_while_it_reloads(web_db) -> None:
    st = ServerState(ServeSettings(db=str(web_db["path"]), cache_seconds=0.0))  # always old
    try:
        first = st.facet_index()
        again = st.facet_index()  # old, same generation: the old one now, a reload started
        assert again is first
        for t in threading.enumerate():
            if t.name == "marsad-reload_facets":
                t.join(timeout=60)
        assert st._facets is not None
        reloaded = st._facets[2]
        assert reloaded is not first and reloaded.entities == first.entities
    finally:
        st.close()
