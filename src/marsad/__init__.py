"""marsad (مرصد): Arabic news to a structured, searchable record of who did what to whom,
where and when.

    >>> import marsad
    >>> a = marsad.analyze_file("article.html")     # Analysis, nothing stored
    >>> a = marsad.analyze("عنوان الخبر\nنص الخبر …")  # the same from article text
    >>> db = marsad.open("marsad.db")                # SQLite file (or postgresql://…)
    >>> report = marsad.ingest(db, ["articles/"])     # IngestReport (also a path or URL)
    >>> db.search('"الأمم المتحدة" from:2026-01-01')  # SearchResults
    >>> db.get(doc_id)                               # Analysis
"""

from __future__ import annotations

import typing
from collections.abc import Iterable
from pathlib import Path

# Load the ``marsad.analyze`` and ``marsad.ingest`` subpackages first, so that the
# ``analyze()`` and ``ingest()`` functions defined below are what ``marsad.analyze`` and
# ``marsad.ingest`` mean (a later first import of the subpackage would
# otherwise rebind the name to the package).
import marsad.analyze as _analyze_package  # noqa: F401
import marsad.ingest as _ingest_package  # noqa: F401  (likewise for ``ingest()``)
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
    Place,
    Sentence,
    Span,
    Token,
    Topic,
)

if typing.TYPE_CHECKING:
    from marsad.analyze.pipeline import Pipeline
    from marsad.run.engine import IngestReport
    from marsad.store.base import SearchResults, Store

# the main classes, imported on first use (``import marsad`` stays light)
_LAZY = {
    "Store": ("marsad.store.base", "Store"),
    "SearchResults": ("marsad.store.base", "SearchResults"),
    "Pipeline": ("marsad.analyze.pipeline", "Pipeline"),
    "IngestReport": ("marsad.run.engine", "IngestReport"),
}


def __getattr__(name: str) -> typing.Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'marsad' has no attribute {name!r}")

__version__ = "0.1.0"

__all__ = [
    "Analysis",
    "Document",
    "Entity",
    "Event",
    "IngestReport",
    "InputError",
    "MarsadError",
    "Mention",
    "Pipeline",
    "Place",
    "QueryError",
    "ResourceMissing",
    "SearchResults",
    "Sentence",
    "Span",
    "StageError",
    "Store",
    "StoreError",
    "Token",
    "Topic",
    "__version__",
    "analyze",
    "analyze_document",
    "analyze_file",
    "ingest",
    "open",
    "read",
]


def read(path: str | Path) -> list[Document]:
    """The Documents of a path: a file, folder, archive, feed, WARC, or ``-`` (standard
    input). Raises InputError if any of them could not be read. Article text is not a
    path: :func:`marsad.ingest.read_text` makes a Document of it."""
    from marsad.ingest import read_paths

    docs = []
    for r in read_paths([path]):
        if r.error:
            raise r.error
        if r.document:
            docs.append(r.document)
    return docs


def analyze_document(doc: Document, *, disable: Iterable[str] = ()) -> Analysis:
    """Run the analysis pipeline over one Document."""
    from marsad.analyze.pipeline import default_pipeline

    return default_pipeline(disable=disable)(doc)


def analyze(text: str | Document, *, disable: Iterable[str] = ()) -> Analysis:
    """Analyse one article given as its text (the first line is the headline) or as a
    Document; nothing is stored. A file is read by :func:`analyze_file`: a string here is
    always article text, never taken for a path."""
    if isinstance(text, Document):
        return analyze_document(text, disable=disable)
    if isinstance(text, Path):
        raise InputError("analyze() takes article text, and this is a path",
                         source=str(text), fix="use marsad.analyze_file(path)")
    if not isinstance(text, str):
        raise InputError(f"analyze() takes article text or a Document, not a {type(text).__name__}")
    from marsad.ingest import read_text

    return analyze_document(read_text(text), disable=disable)


def analyze_file(path: str | Path, *, disable: Iterable[str] = ()) -> Analysis:
    """Analyse the article of a file (txt, html, jsonl …). For a path holding several
    documents (a feed, a folder, a JSON Lines file) the first is analysed: use :func:`read`
    and :func:`analyze_document` for all of them."""
    docs = read(path)
    if not docs:
        raise InputError("no article found", source=str(path))
    return analyze_document(docs[0], disable=disable)


def open(db: str | Path | None = None, *, readonly: bool = False) -> Store:
    """Open (or create) a marsad database: a SQLite file path (default ``marsad.db``) or a
    ``postgresql://`` URL. Returns a :class:`marsad.store.Store`."""
    from marsad.store import open_store

    return open_store(db, readonly=readonly)


def ingest(db: Store | str | Path, inputs: Iterable[typing.Any], **options: typing.Any) -> IngestReport:
    """Read, analyse and store ``inputs`` (paths, folders, archives, feeds, ``-``, Documents
    or raw article text) into ``db``: a Store from :func:`open`, or a database path or URL
    (opened and closed here). ``options`` are the fields of
    :class:`marsad.run.engine.IngestOptions` (``batch_size``, ``analyze``, ``pipeline``,
    ``disable``, ``stories``, ``progress``, ``on_error`` …). Errors in single inputs are
    reported and skipped; the report counts them."""
    from marsad.run.engine import ingest as run_ingest

    if isinstance(db, (str, Path)):
        with open(db) as store:
            return run_ingest(store, inputs, **options)
    return run_ingest(db, inputs, **options)
