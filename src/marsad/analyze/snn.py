"""SaudiNewsNet rows as Documents, for the dedup and story evaluations.

The corpus (``saudinewsnet/articles.jsonl.gz``: source, url, date_extracted, title, author,
content) is read in place through :mod:`marsad.data`; nothing is copied. Paragraphs are
the content's non-blank lines; ``published`` is the crawl date (the corpus has no other).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

from marsad.data import corpus_path
from marsad.errors import InputError
from marsad.model import Document
from marsad.text.normalize import clean_text

CORPUS = ("saudinewsnet", "articles.jsonl.gz")


def row_document(row: dict) -> Document:
    paras = [p.strip() for p in clean_text(row.get("content") or "").split("\n")]
    return Document(
        title=clean_text(row.get("title") or "").strip(),
        paragraphs=[p for p in paras if p],
        url=row.get("url"),
        source=row.get("source"),
        published=(row.get("date_extracted") or "")[:10] or None,
        language="ar",
        author=row.get("author") or None,
        external_id=row.get("url"),
    )


def iter_documents(path: Path | None = None) -> Iterator[Document]:
    """Every SaudiNewsNet article, in file order."""
    p = path or corpus_path(*CORPUS)
    with gzip.open(p, "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"line {n} is not JSON ({exc})", source=str(p)) from None
            yield row_document(row)


def documents_by_url(urls: set[str], path: Path | None = None) -> dict[str, Document]:
    """The articles whose url is in ``urls`` (one pass over the file)."""
    return {d.url: d for d in iter_documents(path) if d.url in urls}
