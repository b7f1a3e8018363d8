"""Readers for inputs that are one document (or one small JSON file) read whole:
plain text and HTML pages, and ``.json`` files (an object or an array of objects)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from marsad.errors import InputError
from marsad.ingest.document import build_document, document_from_text
from marsad.ingest.encoding import decode_bytes, looks_like_control_garbage
from marsad.ingest.html import extract_article, html_text, no_text_error
from marsad.ingest.jsonl import parse_json, record_result
from marsad.ingest.result import ReadResult
from marsad.model import Document

# a web page is parsed into a tree of ~20 bytes of memory per byte of markup (a 95 MB page
# peaked at 1.9 GB), so pages have a lower cap than other inputs, wherever they come from
# (a file, an archive member, a WARC record): no news page comes near it
MAX_HTML_BYTES = 32 * 2**20


def html_limit(max_bytes: int) -> int:
    """The byte cap of one web page under an input cap of ``max_bytes``."""
    return min(max_bytes, MAX_HTML_BYTES)


def decode_text(data: bytes, *, origin: str, declared: str | None = None) -> tuple[str, str]:
    dec = decode_bytes(data, source=origin, declared=declared)
    if looks_like_control_garbage(dec.text):
        raise InputError("binary file (mostly control characters), not text", source=origin,
                         fix="give marsad text, HTML, JSON Lines, feeds or archives of them")
    return dec.text, dec.encoding


def read_txt(data: bytes, *, origin: str) -> Iterator[ReadResult]:
    """A text file: first non-empty line is the headline, the rest the body."""
    text, encoding = decode_text(data, origin=origin)
    if not text.strip():
        raise InputError("no text (the file holds only whitespace)", source=origin,
                         fix="check the file")
    doc = document_from_text(text, origin=origin)
    doc.meta["encoding"] = encoding
    yield ReadResult(origin, doc)


def document_from_html(
    html: str | bytes,
    *,
    url: str | None = None,
    origin: str = "<html>",
    declared_encoding: str | None = None,
) -> Document:
    """A web page (text or bytes; a declared charset is honoured) to a clean Document:
    main text and metadata, then the Arabic boilerplate pass. Raises InputError when the
    page has no article text."""
    text, encoding = html_text(html, source=origin, declared=declared_encoding)
    art = extract_article(text, url=url)
    if art is None:
        raise no_text_error(origin)
    meta = dict(art.meta)
    meta["extractor"] = art.extractor
    if encoding:
        meta["encoding"] = encoding
    return build_document(
        art.title or None,
        art.paragraphs,
        origin=origin,
        url=art.url or url,
        published=art.published,
        author=art.author,
        site_name=art.site_name,
        source=art.site_name,
        meta=meta,
        title_from_body=not art.title,
    )


def read_html(data: bytes, *, origin: str, url: str | None = None) -> Iterator[ReadResult]:
    yield ReadResult(origin, document_from_html(data, url=url, origin=origin))


def read_json(data: bytes, *, origin: str) -> Iterator[ReadResult]:
    """A ``.json`` file: one article object, an array of them, or (misnamed) JSON Lines."""
    text, _ = decode_text(data, origin=origin)
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # several objects: JSON Lines under a .json name
            from marsad.ingest.jsonl import read_jsonl_text

            yield from read_jsonl_text(text, origin=origin)
            return
        obj = parse_json(text, origin, what="file")  # raises the InputError
    except RecursionError:
        obj = parse_json(text, origin, what="file")
    if isinstance(obj, dict) and isinstance(obj.get("articles"), list):
        obj = obj["articles"]
    if isinstance(obj, list):
        for i, item in enumerate(obj, 1):
            sub = f"{origin}#item{i}"
            yield record_result(item, sub)
        return
    yield record_result(obj, origin)
