"""`marsad bench scale` runs end to end (tiny: a few articles, one worker, SQLite)."""

from __future__ import annotations

import pytest
from conftest import run_cli

from marsad.analyze.pipeline import registered
from marsad.data import corpus_or_skip

# `marsad bench scale`: both engines, a Dask cluster, the NER model loaded twice
pytestmark = pytest.mark.slow


def test_bench_scale_smoke() -> None:
    corpus_or_skip("saudinewsnet", "articles.jsonl.gz")
    off = ",".join(n for n in registered() if n != "ner")  # one stage keeps it quick
    r = run_cli("bench", "scale", "--n", "8", "--workers", "1", "--backends", "sqlite",
                *(["--disable", off] if off else []), timeout=300)
    assert r.returncode == 0, r.stderr
    assert "in-process   sqlite" in r.stdout and "dask ×1      sqlite" in r.stdout
    assert r.stdout.count(" new, 0 failed)") == 2, r.stdout
    assert "articles/s CPU-bound" in r.stdout
