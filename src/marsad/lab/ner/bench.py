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
# articles tagged in one call in the batched run: ``Pipeline.pipe``'s default batch size,
# whose NER stage tags the sentences of all the batch's articles at once
BATCH_ARTICLES = 64


@dataclass
class BenchResult:
    tokens: int
    sentences: int
    seconds: float  # wall clock, one article (ARTICLE_SENTENCES sentences) per call
    cpu_seconds: float  # CPU time of this (single-threaded) process
    load_seconds: float
    model_mb: float  # Python heap held by the loaded model (tracemalloc)
    rss_mb: float  # resident set size of the process after loading and tagging
    files_mb: float  # size on disk of the model and its resources
    batched_seconds: float = 0.0  # wall clock, BATCH_ARTICLES articles per call
    batched_cpu_seconds: float = 0.0

    @property
    def tokens_per_second(self) -> float:
        return self.tokens / self.seconds if self.seconds else 0.0

    @property
    def tokens_per_cpu_second(self) -> float:
        return self.tokens / self.cpu_seconds if self.cpu_seconds else 0.0

    @property
    def batched_tokens_per_second(self) -> float:
        return self.tokens / self.batched_seconds if self.batched_seconds else 0.0

    def report(self) -> str:
        batched = ""
        if self.batched_seconds:
            cpu = self.tokens / self.batched_cpu_seconds if self.batched_cpu_seconds else 0.0
            batched = (f"batched ({BATCH_ARTICLES} articles a call, as Pipeline.pipe): "
                       f"{self.batched_tokens_per_second:,.0f} wall clock, {cpu:,.0f} per CPU "
                       f"second ({self.batched_seconds:.2f}s wall, "
                       f"{self.batched_cpu_seconds:.2f}s CPU)\n")
        return (f"tokens/s (one core), one article ({ARTICLE_SENTENCES} sentences) a call: "
                f"{self.tokens_per_second:,.0f} wall clock, "
                f"{self.tokens_per_cpu_second:,.0f} per CPU second "
                f"({self.tokens:,} tokens, {self.sentences:,} sentences, {self.seconds:.2f}s wall, "
                f"{self.cpu_seconds:.2f}s CPU)\n"
                + batched +
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


def _tag_all(model, sentences: Sequence[Sequence[str]], repeat: int, per_call: int
             ) -> tuple[int, float, float]:
    """Tag ``sentences`` in calls of ``per_call`` sentences: (tokens, wall s, CPU s)."""
    n_tok = 0
    c0 = time.process_time()
    t0 = time.perf_counter()
    for _ in range(repeat):
        for i in range(0, len(sentences), per_call):
            group = sentences[i : i + per_call]
            model.tag_sentences(group)
            n_tok += sum(len(s) for s in group)
    return n_tok, time.perf_counter() - t0, time.process_time() - c0


def bench(sentences: Sequence[Sequence[str]], model_dir: str | Path | None = None,
          repeat: int = 1, batched: bool = True) -> BenchResult:
    """Tag ``sentences`` on one core as the pipeline does: one
    article (ARTICLE_SENTENCES sentences) per call, as ``Pipeline.__call__`` tags; with
    ``batched`` also BATCH_ARTICLES articles per call, as ``Pipeline.pipe`` does, with a
    freshly loaded model (its per-word-type caches start empty, as the first run's did)."""
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
    n_tok, secs, cpu = _tag_all(model, sentences, repeat, ARTICLE_SENTENCES)
    b_secs = b_cpu = 0.0
    if batched:
        model = load_model(model_dir)
        gc.collect()
        _, b_secs, b_cpu = _tag_all(model, sentences, repeat, ARTICLE_SENTENCES * BATCH_ARTICLES)
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
    return BenchResult(n_tok, len(sentences) * repeat, secs, cpu, load_s, heap, _rss_mb(), size,
                       b_secs, b_cpu)
