"""The demo corpus that `make run` ingests (src/marsad/resources/demo): every file reads
cleanly, and it has the shape the demo needs (topics, dates, sources, copies, stories)."""

from __future__ import annotations

import re
from collections import Counter
from importlib.resources import files
from pathlib import Path

from marsad.ingest import read_paths
from marsad.text.furniture import is_marker, is_utility_line

DEMO = Path(str(files("marsad") / "resources" / "demo"))


def _docs():
    results = list(read_paths([DEMO]))
    assert all(r.error is None for r in results), [str(r.error) for r in results if r.error]
    return [r.document for r in results]


def test_demo_corpus_reads_cleanly() -> None:
    docs = _docs()
    assert len(docs) >= 24
    assert len({d.id for d in docs}) == len(docs)
    assert Counter(d.language for d in docs) == {"ar": len(docs)}
    kinds = Counter(Path(d.origin.split("#")[0].split(":")[0]).suffix for d in docs)
    assert kinds[".jsonl"] >= 20 and kinds[".txt"] >= 3 and kinds[".html"] == 2 and kinds[".xml"] >= 3
    for d in docs:
        n = len(re.findall(r"[\u0621-\u064a0-9]+", d.body))
        assert 70 <= n <= 250, (d.origin, n)
        assert not any(is_marker(p) or is_utility_line(p) for p in d.paragraphs), d.origin
    # a real paragraph that opens with a marker word stays ("شارك آلاف الفلسطينيين ...")
    assert any(p.startswith("شارك آلاف") for d in docs for p in d.paragraphs)


def test_demo_metadata_spread() -> None:
    docs = _docs()
    dated = sorted(d.published[:10] for d in docs if d.published)
    assert len(dated) >= len(docs) - 3 and dated[0] >= "2026-02-01" and dated[-1] <= "2026-03-31"
    assert len({d.source for d in docs if d.source}) >= 5
    assert sum(1 for d in docs if d.agency) >= 3 and sum(1 for d in docs if d.dateline) >= 20


def test_demo_syndicated_copies_lose_their_boilerplate() -> None:
    docs = {d.external_id: d for d in _docs() if d.external_id}
    for original, copy in (("ye-prisoners", "ye-prisoners-syndicated"), ("ps-gaza-aid", "ps-gaza-aid-copy")):
        assert docs[copy].meta["boilerplate_removed"] >= 5
        assert len(docs[copy].paragraphs) == len(docs[original].paragraphs)
        assert docs[copy].id != docs[original].id  # lightly edited: near, not exact, copies
