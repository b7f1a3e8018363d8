"""JSON records (a JSON Lines line, an item of a JSON array) to Documents.

Dumps name their fields differently; the usual alternates are accepted so that a user
rarely has to rewrite a file (SaudiNewsNet, for one, has ``content`` and
``date_extracted``; NewsAPI has ``source: {"name": ...}`` and ``publishedAt``).
"""

from __future__ import annotations

from typing import Any

from marsad.errors import InputError
from marsad.ingest.document import build_document
from marsad.ingest.html import extract_article, fragment_paragraphs
from marsad.model import Document

TITLE_KEYS = ("title", "headline", "heading", "subject")
TEXT_KEYS = ("text", "content", "body", "article", "article_body", "articleBody",
             "maintext", "full_text", "fulltext")
SUMMARY_KEYS = ("description", "summary", "abstract", "lead")
HTML_KEYS = ("html", "raw_html", "content_html", "body_html")
URL_KEYS = ("url", "link", "href", "canonical_url", "source_url", "uri")
DATE_KEYS = ("published", "date", "pubDate", "pub_date", "published_at", "publishedAt",
             "date_published", "datePublished", "publish_date", "published_date",
             "time", "timestamp", "created_at")
CRAWL_DATE_KEYS = ("date_extracted", "date_crawled", "crawled", "date_download", "scraped_at")
SOURCE_KEYS = ("source", "site", "publisher", "outlet", "newspaper", "source_name", "domain")
SITE_KEYS = ("site_name", "sitename")
ID_KEYS = ("id", "_id", "guid", "doc_id", "uuid", "article_id", "docid")
AUTHOR_KEYS = ("author", "authors", "byline", "writer")
LANG_KEYS = ("language", "lang")


def _first(obj: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for k in keys:
        v = obj.get(k)
        if v not in (None, "", [], {}):
            return v
    return None


def _name(value: Any) -> str | None:
    """A source/author given as a string, a list, or an object with a name."""
    if value is None:
        return None
    if isinstance(value, dict):
        return _name(value.get("name") or value.get("title") or value.get("id"))
    if isinstance(value, list):
        names = [n for n in (_name(v) for v in value) if n]
        return "، ".join(names) or None
    return str(value)


def _looks_like_html(text: str) -> bool:
    head = text[:2000].lower()
    return "<p" in head or "<div" in head or "<br" in head or "<html" in head


def document_from_record(obj: Any, *, origin: str) -> Document:
    """One JSON object to a Document; raise InputError saying what is missing."""
    if not isinstance(obj, dict):
        raise InputError(f"expected a JSON object, got {type(obj).__name__}", source=origin,
                         fix="write one object per line: {\"title\": ..., \"text\": ...}")
    meta: dict[str, Any] = {}
    title = _first(obj, TITLE_KEYS)
    text = _first(obj, TEXT_KEYS)
    if text is None:
        html = _first(obj, HTML_KEYS)
        if isinstance(html, str):
            art = extract_article(html, url=_first(obj, URL_KEYS))
            if art:
                text = art.paragraphs
                title = title or art.title
                meta["extractor"] = art.extractor
    if text is None:
        text = _first(obj, SUMMARY_KEYS)
        if text is not None:
            meta["text_from"] = "summary"
    if isinstance(text, list):
        paragraphs = [str(t) for t in text if t]
    elif isinstance(text, str) and _looks_like_html(text):
        paragraphs = fragment_paragraphs(text)
        meta["extractor"] = "html-fragment"
    else:
        paragraphs = [str(text)] if text is not None else []
    if title is None and not paragraphs:
        raise InputError("no title and no text field", source=origin,
                         fix="give at least \"title\" or \"text\" (also read: "
                         + ", ".join(TEXT_KEYS[1:4]) + ")")
    published = _first(obj, DATE_KEYS)
    if published is None:
        published = _first(obj, CRAWL_DATE_KEYS)
        if published is not None:
            meta["published_from"] = "crawl date"
    lang = _first(obj, LANG_KEYS)
    lang = str(lang).lower() if isinstance(lang, str) and len(lang) == 2 else None
    return build_document(
        None if title is None else str(title),
        paragraphs,
        origin=origin,
        url=_first(obj, URL_KEYS),
        source=_name(_first(obj, SOURCE_KEYS)),
        site_name=_name(_first(obj, SITE_KEYS)),
        published=published,
        author=_name(_first(obj, AUTHOR_KEYS)),
        external_id=_first(obj, ID_KEYS),
        language=lang,
        meta=meta,
        title_from_body=False,
    )
