"""Throughput and memory of the NER tagger (``marsad bench ner``)."""

from __future__ import annotations

import gc
import os
import time
import tracemalloc
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ARTICLE_SENTENCES = 30


@dataclass
class BenchResult:
    tokens: int
    sentences: int
    seconds: float  # wall clock
    cpu_seconds: float  # CPU time of this (single-threaded) process
    load_seconds: float
    model_mb: float  # Python heap held by the loaded model (tracemalloc)
    rss_mb: float  # resident set size of the process after loading and tagging
    files_mb: float  # size on disk of the model and its resources

    @property
    def tokens_per_second(self) -> float:
        return self.tokens / self.seconds if self.seconds else 0.0

    @property
    def tokens_per_cpu_second(self) -> float:
        return self.tokens / self.cpu_seconds if self.cpu_seconds else 0.0

    def report(self) -> str:
        return (f"tokens/s (one core):  {self.tokens_per_second:,.0f} wall clock, "
                f"{self.tokens_per_cpu_second:,.0f} per CPU second "
                f"({self.tokens:,} tokens, {self.sentences:,} sentences, {self.seconds:.2f}s wall, "
                f"{self.cpu_seconds:.2f}s CPU)\n"
                f"model load time:      {self.load_seconds:.2f}s\n"
                f"model memory:         {self.model_mb:.1f} MB Python heap; "
                f"process RSS {self.rss_mb:.1f} MB\n"
                f"model files on disk:  {self.files_mb:.1f} MB")


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pin_one_core() -> None:
    """Run on one CPU, as the figure claims (no-op where affinity is unsupported)."""
    if hasattr(os, "sched_setaffinity"):
        try:
            cpus = sorted(os.sched_getaffinity(0))
            os.sched_setaffinity(0, {cpus[-1]})
        except OSError:
            pass


def bench(sentences: Sequence[Sequence[str]], model_dir: str | Path | None = None,
          repeat: int = 1) -> BenchResult:
    from marsad.analyze.ner.context import CONTEXT_FILE
    from marsad.analyze.ner.gazetteer import RESOURCES
    from marsad.analyze.ner.tagger import DEFAULT_MODEL_DIR, load_model

    pin_one_core()
    gc.collect()
    t0 = time.perf_counter()
    model = load_model(model_dir)
    load_s = time.perf_counter() - t0
    # memory: a second load under tracemalloc (which slows loading, so it is not timed)
    tracemalloc.start()
    probe = load_model(model_dir)
    heap = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()
    del probe
    gc.collect()
    n_tok = 0
    c0 = time.process_time()
    t0 = time.perf_counter()
    for _ in range(repeat):
        # article-sized groups, as the pipeline stage tags one article at a time
        for i in range(0, len(sentences), ARTICLE_SENTENCES):
            group = sentences[i : i + ARTICLE_SENTENCES]
            model.tag_sentences(group)
            n_tok += sum(len(s) for s in group)
    secs = time.perf_counter() - t0
    cpu = time.process_time() - c0
    mdir = Path(model_dir) if model_dir else DEFAULT_MODEL_DIR
    files = [p for p in mdir.iterdir() if p.is_file()]
    feats = model.meta.get("features", {})
    if feats.get("clusters", True):
        files.append(RESOURCES / feats.get("clusters_file", "clusters.tsv.gz"))
    if feats.get("gazetteer", True):
        files.append(RESOURCES / "places.tsv.gz")
        files += list((RESOURCES / "lists").glob("*.txt"))
    if feats.get("context"):
        files.append(RESOURCES / CONTEXT_FILE)
    size = sum(p.stat().st_size for p in files if p.exists()) / 2**20
    return BenchResult(n_tok, len(sentences) * repeat, secs, cpu, load_s, heap, _rss_mb(), size)
