"""Write the pipeline's golden outputs (issue 19: speed changes must not change outputs).
Run from the repository root: ``.venv/bin/python tests/data/pipeline/make_golden.py``.

* ``demo.jsonl.gz``: the full Analysis JSON (tokens included) of every document of the
  demo corpus shipped in the package, through ``default_pipeline().pipe`` in batches of
  64 as ``marsad ingest`` runs it.
* ``snn_digests.tsv``: for the first ``SNN_ARTICLES`` SaudiNewsNet articles (read through
  the lab corpus reader, when ``MARSAD_DATA`` has the corpus), one SHA-256 per Analysis
  field: digests only, so no corpus text is copied into the repository.

Regenerate both ONLY when a change is meant to change the pipeline's output (accuracy
work), and say so in the change; a speed change must leave them as they are
(tests/test_pipeline_golden.py).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEMO_FILE = HERE / "demo.jsonl.gz"
SNN_FILE = HERE / "snn_digests.tsv"
SNN_ARTICLES = 120
# the Analysis fields compared one by one (a digest per field says which one changed)
FIELDS = ("sentences", "tokens", "mentions", "entities", "events", "topic", "keywords",
          "summary", "signature", "notes", "extras")


def demo_documents() -> list:
    from marsad.cli.demo import demo_corpus
    from marsad.ingest import read_paths

    return [r.document for r in read_paths([demo_corpus()]) if r.document is not None]


def snn_documents(n: int = SNN_ARTICLES) -> list:
    from marsad.lab.corpora import documents

    return [d for _, d in documents("saudinewsnet", limit=n)]


def analysed(docs: Iterable, batch_size: int = 64) -> Iterator[dict]:
    """Each document's Analysis as a plain dict (tokens included; ``document.origin``
    reduced to the file's name), in batches of 64 as ingest runs them."""
    from marsad.analyze.pipeline import default_pipeline

    for a in default_pipeline().pipe(docs, batch_size=batch_size):
        d = json.loads(a.to_json(tokens=True))
        origin = d["document"].get("origin")
        if origin:  # the file's name only: the checkout's path is not output
            d["document"]["origin"] = Path(origin.split(":")[0]).name
        yield d


def digests(d: dict) -> dict[str, str]:
    """One SHA-256 (16 hex digits) per field of :data:`FIELDS`."""
    out = {}
    for f in FIELDS:
        blob = json.dumps(d.get(f), ensure_ascii=False, sort_keys=True).encode("utf-8")
        out[f] = hashlib.sha256(blob).hexdigest()[:16]
    return out


def main() -> int:
    from marsad.errors import ResourceMissing

    with gzip.open(DEMO_FILE, "wt", encoding="utf-8") as f:
        for d in analysed(demo_documents()):
            f.write(json.dumps(d, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"wrote {DEMO_FILE}")
    try:
        docs = snn_documents()
    except ResourceMissing as exc:  # the corpus is not here: keep the digests as they are
        print(f"SaudiNewsNet not read ({exc}); {SNN_FILE} left as it is", file=sys.stderr)
        return 0
    with SNN_FILE.open("w", encoding="utf-8") as f:
        f.write("id\t" + "\t".join(FIELDS) + "\n")
        for doc, d in zip(docs, analysed(docs)):
            g = digests(d)
            f.write(doc.id + "\t" + "\t".join(g[k] for k in FIELDS) + "\n")
    print(f"wrote {SNN_FILE} ({len(docs)} articles)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
