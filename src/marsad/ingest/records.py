"""JSON records (a JSON Lines line, an item of a JSON array) to Documents.

Dumps name their fields differently; the usual alternates are accepted so that a user
rarely has to rewrite a file (SaudiNewsNet, for one, has ``content`` and
``date_extracted``; NewsAPI has ``source: {"name": ...}`` and ``publishedAt``).

A field of the wrong type is an error naming the field, not text: a title given as a list
would otherwise be stored as ``['عنوان', 'قائمة']`` and a number as body text. Texts are
strings (a body may be a list of paragraph strings); ids may be numbers; a date that is
not a date is dropped with a note (see :mod:`marsad.text.published`). A lone UTF-16
surrogate (a ``\ud800`` escape without its pair) is not text and is refused.
"""

from __future__ import annotations

from typing import Any

from marsad.errors import InputError
from marsad.ingest.document import SURROGATE, build_document, check_text
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
    return _pick(obj, keys)[1]


def _pick(obj: dict[str, Any], keys: tuple[str, ...]) -> tuple[str, Any]:
    """The first of ``keys`` with a value, and that value (``("", None)`` when none has)."""
    for k in keys:
        v = obj.get(k)
        if v not in (None, "", [], {}):
            return k, v
    return "", None


def _type_error(key: str, value: Any, expected: str, origin: str) -> InputError:
    return InputError(f"field \"{key}\" is a {_json_type(value)}, expected {expected}",
                      source=origin, fix=f"write \"{key}\" as {expected}")


def _json_type(value: Any) -> str:
    names = {dict: "object", list: "list", bool: "boolean", int: "number", float: "number"}
    return names.get(type(value), type(value).__name__)


def _string(obj: dict[str, Any], keys: tuple[str, ...], origin: str, *,
            numbers: bool = False) -> str | None:
    """The first of ``keys`` as a string; a number only when ``numbers`` (ids)."""
    key, v = _pick(obj, keys)
    if v is None:
        return None
    if isinstance(v, str):
        return check_text(v, key, origin)
    if numbers and isinstance(v, int) and not isinstance(v, bool):
        return str(v)
    raise _type_error(key, v, "a string", origin)


def _texts(obj: dict[str, Any], keys: tuple[str, ...], origin: str) -> tuple[str, Any]:
    """The first of ``keys`` as a string or a list of strings (paragraphs)."""
    key, v = _pick(obj, keys)
    if v is None or isinstance(v, str):
        return key, None if v is None else check_text(v, key, origin)
    if isinstance(v, list) and all(t is None or isinstance(t, str) for t in v):
        return key, [check_text(t, key, origin) for t in v if t]
    raise _type_error(key, v, "a string or a list of strings", origin)


def _name(value: Any, depth: int = 0) -> str | None:
    """A source/author given as a string, a list, or an object with a name (numbers and
    booleans are no names)."""
    if value is None or depth > 3 or isinstance(value, (bool, int, float)):
        return None
    if isinstance(value, dict):
        return _name(value.get("name") or value.get("title") or value.get("id"), depth + 1)
    if isinstance(value, list):
        names = [n for n in (_name(v, depth + 1) for v in value) if n]
        return "، ".join(names) or None
    s = str(value)
    return None if SURROGATE.search(s) else s


def _looks_like_html(text: str) -> bool:
    head = text[:2000].lower()
    return "<p" in head or "<div" in head or "<br" in head or "<html" in head


def document_from_record(obj: Any, *, origin: str) -> Document:
    """One JSON object to a Document; raise InputError saying what is missing."""
    if not isinstance(obj, dict):
        raise InputError(f"expected a JSON object, got {type(obj).__name__}", source=origin,
                         fix="write one object per line: {\"title\": ..., \"text\": ...}")
    meta: dict[str, Any] = {}
    title = _string(obj, TITLE_KEYS, origin)
    url = _string(obj, URL_KEYS, origin)
    _, text = _texts(obj, TEXT_KEYS, origin)
    if text is None:
        _, html = _texts(obj, HTML_KEYS, origin)
        if isinstance(html, str):
            art = extract_article(html, url=url)
            if art:
                text = art.paragraphs
                title = title or art.title
                meta["extractor"] = art.extractor
    if text is None:
        _, text = _texts(obj, SUMMARY_KEYS, origin)
        if text is not None:
            meta["text_from"] = "summary"
    if isinstance(text, list):
        paragraphs = text
    elif isinstance(text, str) and _looks_like_html(text):
        paragraphs = fragment_paragraphs(text)
        meta["extractor"] = "html-fragment"
    else:
        paragraphs = [text] if text is not None else []
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
        title,
        paragraphs,
        origin=origin,
        url=url,
        source=_name(_first(obj, SOURCE_KEYS)),
        site_name=_name(_first(obj, SITE_KEYS)),
        published=published,
        author=_name(_first(obj, AUTHOR_KEYS)),
        external_id=_string(obj, ID_KEYS, origin, numbers=True),
        language=lang,
        meta=meta,
        title_from_body=False,
    )
