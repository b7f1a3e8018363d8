"""Ingest: files, folders, archives, feeds, web archives and stdin to clean Documents.

    read_paths(paths)   every input named -> ReadResult (document or error), in order
    read_text(text)     a raw string -> Document
    document_from_html  a web page -> Document (also used by the feed watcher)
    count_inputs(paths) how many results read_paths will yield (None if unknown)

Readers: ``.txt`` (first non-empty line is the headline), ``.html``/``.htm`` (trafilatura
main text and metadata, then marsad's Arabic boilerplate pass), ``.jsonl`` and ``.json``,
RSS/Atom (``.xml``/``.rss``/``.atom`` or sniffed), ``.warc``/``.warc.gz``, ``.zip``,
``.tar(.gz)``/``.tgz``, ``.gz``; folders recursively. Encodings: UTF-8 with or without
BOM, UTF-16, Windows-1256, ISO-8859-6 (see :mod:`marsad.ingest.encoding`).

``max_bytes`` bounds what is held in memory for one document: a text, HTML, feed or JSON
file over it is rejected from its size without being read; JSON Lines, WARC and archives
are streamed, and the cap applies to each line, record or member.
"""

from __future__ import annotations

from marsad.ingest.document import build_document, split_paragraphs
from marsad.ingest.document import document_from_text as _document_from_text
from marsad.ingest.paths import DEFAULT_MAX_BYTES, count_inputs, read_paths, read_stream
from marsad.ingest.readers import document_from_html
from marsad.ingest.result import ReadResult
from marsad.model import Document


def read_text(text: str, *, title: str | None = None, origin: str = "<text>") -> Document:
    """A raw string to a clean Document: the first non-empty line is the headline when
    ``title`` is None, the rest the body (boilerplate removed, language identified)."""
    return _document_from_text(text, title=title, origin=origin)


__all__ = [
    "DEFAULT_MAX_BYTES", "ReadResult", "build_document", "count_inputs", "document_from_html",
    "read_paths", "read_stream", "read_text", "split_paragraphs",
]
