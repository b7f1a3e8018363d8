"""Speed work leaves the pipeline's output unchanged (issue 19): the full Analysis JSON of
the demo corpus, and per-field digests of SaudiNewsNet articles, equal the golden files
written by tests/data/pipeline/make_golden.py before the speed changes. A change meant to
change the output (accuracy work) regenerates them with that script and says so."""

from __future__ import annotations

import gzip
import importlib.util
import json
from pathlib import Path

import pytest

from marsad.data import corpus_or_skip

GOLDEN = Path(__file__).resolve().parent / "data" / "pipeline"
# the generator itself: the same documents, the same batching
_spec = importlib.util.spec_from_file_location("make_golden", GOLDEN / "make_golden.py")
assert _spec is not None and _spec.loader is not None
make_golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_golden)


def _diff(want: dict, got: dict) -> list[str]:
    """The fields that differ, each with its first differing item (for a readable failure)."""
    out = []
    for f in sorted(set(want) | set(got)):
        a, b = want.get(f), got.get(f)
        if a == b:
            continue
        if isinstance(a, list) and isinstance(b, list):
            i = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
            out.append(f"{f}[{i}] (lengths {len(a)}/{len(b)}): "
                       f"{a[i] if i < len(a) else None!r} != {b[i] if i < len(b) else None!r}")
        else:
            out.append(f"{f}: {str(a)[:200]!r} != {str(b)[:200]!r}")
    return out


def test_demo_corpus_analyses_equal_golden() -> None:
    with gzip.open(GOLDEN / "demo.jsonl.gz", "rt", encoding="utf-8") as f:
        want = [json.loads(line) for line in f]
    got = list(make_golden.analysed(make_golden.demo_documents()))
    assert len(got) == len(want) > 20
    assert sum(len(d["mentions"]) for d in want) > 100  # the golden file holds real output
    assert sum(len(d["events"]) for d in want) > 50
    bad = {w["document"]["id"]: _diff(w, g) for w, g in zip(want, got) if w != g}
    assert not bad, f"{len(bad)} of {len(want)} analyses changed: {bad}"


def test_saudinewsnet_analyses_equal_golden_digests() -> None:
    corpus_or_skip("saudinewsnet", "articles.jsonl.gz")
    rows = (GOLDEN / "snn_digests.tsv").read_text(encoding="utf-8").splitlines()
    header = rows[0].split("\t")[1:]
    assert tuple(header) == make_golden.FIELDS
    want = {r.split("\t")[0]: dict(zip(header, r.split("\t")[1:])) for r in rows[1:]}
    docs = make_golden.snn_documents(len(want))
    assert [d.id for d in docs] == list(want)
    changed = []
    for doc, d in zip(docs, make_golden.analysed(docs)):
        g = make_golden.digests(d)
        changed += [f"{doc.id}:{f}" for f in header if g[f] != want[doc.id][f]]
    assert not changed, f"{len(changed)} fields changed: {changed[:20]}"


@pytest.mark.parametrize("batch_size", [1, 7])
def test_batching_does_not_change_analyses(batch_size: int) -> None:
    """The golden files are written in batches of 64; smaller batches (one article alone,
    odd batch edges) give the same analyses, so caches shared across a batch leak nothing."""
    docs = make_golden.demo_documents()[:12]
    want = list(make_golden.analysed(docs))
    got = list(make_golden.analysed(docs, batch_size=batch_size))
    assert len(got) == 12
    assert got == want
