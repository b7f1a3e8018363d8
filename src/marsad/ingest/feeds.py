"""RSS and Atom feed files: one document per item (its full content, else its summary)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from marsad.errors import InputError
from marsad.ingest.document import build_document
from marsad.ingest.html import fragment_paragraphs
from marsad.ingest.result import ReadResult
from marsad.model import Document

_HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")


def _is_html(detail: Any, value: str) -> bool:
    kind = (detail or {}).get("type", "") if isinstance(detail, dict) else ""
    return kind in _HTML_TYPES or ("<" in value and ">" in value)


def _paragraphs(value: str, detail: Any) -> list[str]:
    if _is_html(detail, value):
        return fragment_paragraphs(value)
    return [value]


def entry_document(entry: Any, *, feed_title: str | None, origin: str) -> Document:
    """One feed item to a Document: content:encoded / content, else summary/description."""
    contents = [c for c in entry.get("content", []) if c.get("value")]
    meta: dict[str, Any] = {}
    if contents:
        best = max(contents, key=lambda c: len(c["value"]))
        paras = _paragraphs(best["value"], best)
        meta["text_from"] = "content"
    elif entry.get("summary"):
        paras = _paragraphs(entry["summary"], entry.get("summary_detail"))
        meta["text_from"] = "summary"
    else:
        paras = []
    title = entry.get("title") or ""
    if title and _is_html(entry.get("title_detail"), title):
        title = " ".join(fragment_paragraphs(title))
    if not title and not paras:
        raise InputError("feed item has neither a title nor content", source=origin,
                         fix="nothing to read in this item")
    author = entry.get("author")
    published = entry.get("published") or entry.get("updated") or entry.get("created")
    return build_document(
        title or None,
        paras,
        origin=origin,
        url=entry.get("link"),
        source=feed_title,
        site_name=feed_title,
        published=published,
        author=author,
        external_id=entry.get("id"),
        meta=meta,
    )


def read_feed(data: bytes, *, origin: str) -> Iterator[ReadResult]:
    """Parse a feed from bytes (never a URL: feedparser would fetch it)."""
    import feedparser

    parsed = feedparser.parse(data)
    if not parsed.get("version") and not parsed.entries:
        why = parsed.get("bozo_exception")
        raise InputError(
            f"not an RSS/Atom feed ({why or 'no <rss>, <feed> or <rdf> root element'})",
            source=origin, fix="check the file is a feed, or rename it if it is a web page (.html)",
        )
    feed_title = parsed.feed.get("title") or None
    note = f"feed is not well-formed: {parsed.get('bozo_exception')}" if parsed.get("bozo") else None
    for i, entry in enumerate(parsed.entries, 1):
        where = f"{origin}#item{i}"
        try:
            doc = entry_document(entry, feed_title=feed_title, origin=where)
        except InputError as err:
            yield ReadResult(where, error=err)
            continue
        if note:
            doc.meta["feed_note"] = note
        yield ReadResult(where, doc)
