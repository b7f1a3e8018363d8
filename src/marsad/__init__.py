"""marsad (مرصد): Arabic news to a structured, searchable record of who did what to whom,
where and when.

    >>> import marsad
    >>> a = marsad.analyze("article.html")          # Analysis, nothing stored
    >>> db = marsad.open("marsad.db")                # SQLite file (or postgresql://…)
    >>> db.ingest(["articles/"])                     # IngestReport
    >>> db.search('"الأمم المتحدة" from:2026-01-01')  # SearchResults
    >>> db.get(doc_id)                               # Analysis
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

# Load the ``marsad.analyze`` subpackage first, so that the ``analyze()`` function defined
# below is what ``marsad.analyze`` means (a later first import of the subpackage would
# otherwise rebind the name to the package).
import marsad.analyze as _analyze_package  # noqa: F401
from marsad.errors import (
    InputError,
    MarsadError,
    QueryError,
    ResourceMissing,
    StageError,
    StoreError,
)
from marsad.model import (
    Analysis,
    Document,
    Entity,
    Event,
    Mention,
    Sentence,
    Span,
    Token,
    Topic,
)

__version__ = "0.1.0"

__all__ = [
    "Analysis",
    "Document",
    "Entity",
    "Event",
    "InputError",
    "MarsadError",
    "Mention",
    "QueryError",
    "ResourceMissing",
    "Sentence",
    "Span",
    "StageError",
    "StoreError",
    "Token",
    "Topic",
    "__version__",
    "analyze",
    "analyze_document",
    "open",
    "read",
]


def read(source: str | Path) -> list[Document]:
    """Documents from a path (file, folder, archive, feed, WARC) or raw article text.
    Raises InputError if any input could not be read."""
    from marsad.ingest import read_paths, read_text

    if isinstance(source, str) and not _looks_like_path(source):
        return [read_text(source)]
    docs = []
    for r in read_paths([source]):
        if r.error:
            raise r.error
        if r.document:
            docs.append(r.document)
    return docs


def _looks_like_path(s: str) -> bool:
    """A short one-line string that exists, is "-", or ends like a file we read."""
    if "\n" in s or len(s) > 1024:
        return False
    if s == "-" or Path(s).exists():
        return True
    return s.lower().endswith(
        (".txt", ".html", ".htm", ".jsonl", ".xml", ".rss", ".atom", ".warc", ".gz", ".zip", ".tgz")
    )


def analyze_document(doc: Document, *, disable: Iterable[str] = ()) -> Analysis:
    """Run the analysis pipeline over one Document."""
    from marsad.analyze.pipeline import default_pipeline

    return default_pipeline(disable=disable)(doc)


def analyze(text_or_path: str | Path | Document, *, disable: Iterable[str] = ()) -> Analysis:
    """Analyse one article: raw Arabic text, a path to a file, or a Document. For a path
    holding several documents (a feed, a folder), the first is analysed: use
    :func:`read` and :func:`analyze_document` for all of them."""
    if isinstance(text_or_path, Document):
        return analyze_document(text_or_path, disable=disable)
    docs = read(text_or_path)
    if not docs:
        raise InputError("no article found", source=str(text_or_path))
    return analyze_document(docs[0], disable=disable)


def open(db: str | Path | None = None, *, readonly: bool = False):
    """Open (or create) a marsad database: a SQLite file path (default ``marsad.db``) or a
    ``postgresql://`` URL. Returns a :class:`marsad.store.Store`."""
    from marsad.store import open_store

    return open_store(db, readonly=readonly)
