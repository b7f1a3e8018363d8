"""SaudiNewsNet articles as Documents, for code that still asks for them by this name
(the NER self-training news, a dedup test).

The corpus (``saudinewsnet/articles.jsonl.gz``) is read in place through the one corpus
reader, :func:`marsad.lab.corpora.reader.documents`, so the text is what production
stores (boilerplate removed, dates normalized); new code calls that reader directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from marsad.lab.corpora.reader import CORPORA, documents
from marsad.model import Document

CORPUS = CORPORA["saudinewsnet"]


def iter_documents(path: Path | None = None) -> Iterator[Document]:
    """Every SaudiNewsNet article production would store, in file order."""
    for _, doc in documents(path or "saudinewsnet"):
        yield doc
