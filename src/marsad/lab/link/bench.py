"""``marsad bench link``: load time, memory and linking throughput on one core.

Throughput is measured on documents with real mentions: the gold mentions of ANERcorp
(20 sentences per document) when the corpus is there, else the reference article with the
mentions the spotter finds. The whole stage runs (spotter, context, coreference, local
entities); building the documents is not timed.
"""

from __future__ import annotations

import gc
import os
import resource
import time
from dataclasses import dataclass
from pathlib import Path


def rss_mb() -> float:
    """Current resident memory of this process (MB)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class BenchReport:
    load_seconds: float
    load_memory_mb: float
    documents: int
    mentions: int
    seconds: float
    wall_seconds: float
    source: str
    kb_entities: int
    index_places: int

    @property
    def mentions_per_second(self) -> float:
        return self.mentions / self.seconds if self.seconds else 0.0

    def lines(self) -> list[str]:
        docs_s = self.documents / self.seconds if self.seconds else 0.0
        return [
            (f"load: {self.load_seconds * 1000:.0f} ms, +{self.load_memory_mb:.1f} MB "
             f"(KB {self.kb_entities:,} entities, place index {self.index_places:,} places)"),
            f"data: {self.source}: {self.documents:,} documents, {self.mentions:,} mentions",
            (f"link: {self.seconds:.2f} CPU s → {self.mentions_per_second:,.0f} mentions/s, "
             f"{docs_s:,.0f} documents/s (one core); wall {self.wall_seconds:.2f} s"),
        ]


def _documents(conll: Path | None, limit: int | None):
    from marsad.analyze.base import base_analysis
    from marsad.data import corpus_path, shared_path
    from marsad.errors import ResourceMissing
    from marsad.lab.link.corpus import conll_documents
    from marsad.model import Document

    if conll is None:
        try:
            conll = corpus_path("anercorp", "train.conll")
        except ResourceMissing:
            conll = None
    if conll is not None:
        return conll_documents(conll, limit=limit), str(conll)
    sample = shared_path("samples", "article-ar-001.txt")
    lines = sample.read_text(encoding="utf-8").split("\n")
    doc = Document(title=lines[0].strip(), paragraphs=[x.strip() for x in lines[1:] if x.strip()])
    return [base_analysis(doc) for _ in range(limit or 200)], str(sample)


def run_bench(*, conll: Path | None = None, limit: int | None = None, repeat: int = 1,
              index_path: Path | None = None) -> BenchReport:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    gc.collect()
    m0 = rss_mb()
    t0 = time.perf_counter()
    from marsad.analyze.link import load_linker

    linker = load_linker(index_path=index_path)
    load = time.perf_counter() - t0
    m1 = rss_mb()
    docs, source = _documents(conll, limit)
    # fresh copies per run so the spotter sees the gold mentions each time
    originals = [list(a.mentions) for a in docs]
    n_mentions = 0
    elapsed = wall = 0.0
    for _ in range(max(1, repeat)):
        for a, ms in zip(docs, originals):
            a.mentions = list(ms)
        t = time.process_time()  # CPU time of this process: one core, whatever else runs
        w = time.perf_counter()
        for a in docs:
            linker(a)
        elapsed += time.process_time() - t
        wall += time.perf_counter() - w
        n_mentions += sum(len(a.mentions) for a in docs)
    places = int(linker.resolver.geo.meta().get("places", 0)) if linker.resolver.geo else 0
    return BenchReport(load, m1 - m0, len(docs) * max(1, repeat), n_mentions, elapsed, wall, source,
                       len(linker.kb), places)
