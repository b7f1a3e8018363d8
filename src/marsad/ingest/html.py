"""Web pages to articles: main text and metadata, without the page around them.

trafilatura (a maintained extractor that reads meta tags and JSON-LD) does the main work;
when it finds nothing, jusText (with its Arabic stop list), then a plain lxml pass over
block elements, are tried, and ``Document.meta["extractor"]`` says which one answered.
Feed items carry HTML fragments, not pages: :func:`fragment_paragraphs` reads those
directly, since page extractors discard short fragments as boilerplate.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from marsad.errors import InputError
from marsad.ingest.encoding import decode_bytes
from marsad.text import normalize_for_match

# the extractors log every page they cannot parse; marsad reports those pages itself, so
# keep their messages off the console unless the application configures logging
for _name in ("trafilatura", "htmldate", "courlan", "justext"):
    logging.getLogger(_name).addHandler(logging.NullHandler())

BLOCK_TAGS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "tr",
    "section", "article", "header", "footer", "dd", "dt", "figcaption", "td", "th", "ul", "ol",
    "table", "main", "aside", "nav", "br", "hr",
}
DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "svg", "form", "button",
             "select", "head", "nav", "header", "footer", "aside", "object", "embed")

_META_TIME = re.compile(
    r"""<meta[^>]+(?:property|name|itemprop)\s*=\s*["'](?:article:published_time|datePublished|"""
    r"""og:published_time|pubdate|publishdate|date)["'][^>]*>""",
    re.IGNORECASE,
)
_CONTENT = re.compile(r"""content\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_JSONLD = re.compile(r"""<script[^>]+application/ld\+json[^>]*>(.*?)</script>""", re.IGNORECASE | re.DOTALL)


# the page's own metadata (meta tags, JSON-LD, <time>, the URL) dates it; htmldate's
# extensive search also reads dates out of any link on the page, so a navigation menu's
# /archive/1995/01/ became an article's publication date
_DATE_PARAMS = {"extensive_search": False, "original_date": True}


@dataclass
class HtmlArticle:
    title: str
    paragraphs: list[str]
    url: str | None = None
    published: str | None = None
    author: str | None = None
    site_name: str | None = None
    extractor: str = "trafilatura"
    meta: dict[str, Any] = field(default_factory=dict)


def _lines(text: str | None) -> list[str]:
    return [ln.strip() for ln in (text or "").split("\n") if ln.strip()]


def _published_datetime(html: str) -> str | None:
    """The full publication timestamp from meta tags or JSON-LD (trafilatura keeps only
    the date)."""
    head = html[:200_000]
    for m in _META_TIME.finditer(head):
        c = _CONTENT.search(m.group(0))
        if c:
            return c.group(1).strip()
    for m in _JSONLD.finditer(head):
        try:
            data = json.loads(m.group(1))
        except (ValueError, TypeError):
            continue
        items = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
        for item in items:
            if isinstance(item, dict) and item.get("datePublished"):
                return str(item["datePublished"])
    return None


def _parse(html: str) -> Any:
    import lxml.html
    from lxml import etree

    try:
        return lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return None


def block_text(root: Any) -> list[str]:
    """Text of an lxml tree as lines, a new line at each block element and <br>."""
    parts: list[str] = []

    def walk(el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        block = tag.lower() in BLOCK_TAGS
        if block:
            parts.append("\n")
        if el.text and tag:
            parts.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n")

    walk(root)
    return _lines(re.sub(r"[ \t\r\f\v]+", " ", "".join(parts)))


def fragment_paragraphs(html: str) -> list[str]:
    """Paragraphs of an HTML fragment (a feed item's content): block text, scripts out."""
    if "<" not in html:
        return _lines(html)
    root = _parse(f"<div>{html}</div>")
    if root is None:
        return []
    for bad in root.xpath("//script|//style|//noscript|//iframe"):
        bad.drop_tree()
    return block_text(root)


def _lxml_pass(html: str) -> tuple[str | None, list[str]]:
    root = _parse(html)
    if root is None:
        return None, []
    title_el = root.find(".//title")
    title = title_el.text_content().strip() if title_el is not None else None
    for bad in root.xpath("|".join(f"//{t}" for t in DROP_TAGS)):
        bad.drop_tree()
    return title, block_text(root)


def _justext_pass(html: str) -> list[str]:
    import justext

    try:
        paras = justext.justext(html.encode("utf-8"), justext.get_stoplist("Arabic"),
                                encoding="utf-8")
    except Exception:  # noqa: BLE001 - jusText raises many kinds on bad markup
        return []
    return [p.text for p in paras if not p.is_boilerplate]


def _same(a: str, b: str) -> bool:
    return " ".join(normalize_for_match(a).split()) == " ".join(normalize_for_match(b).split())


def extract_article(html: str, *, url: str | None = None) -> HtmlArticle | None:
    """Main text and metadata of a page, or None when no extractor finds any text."""
    import trafilatura

    doc = None
    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=True,
            include_images=False, include_links=False, deduplicate=False,
            date_extraction_params=_DATE_PARAMS,
        )
    except Exception:  # noqa: BLE001 - a crash in the extractor must not stop the batch
        doc = None
    paras = _lines(getattr(doc, "text", None)) if doc is not None else []
    title = (getattr(doc, "title", None) or "").strip() if doc is not None else ""
    extractor = "trafilatura"
    meta: dict[str, Any] = {}
    if not paras:
        extractor = "justext"
        paras = _justext_pass(html)
        if not paras:
            extractor = "lxml"
            page_title, paras = _lxml_pass(html)
            title = title or (page_title or "")
        meta["extraction_note"] = f"trafilatura found no main text; used {extractor}"
    if not paras:
        return None
    if title and paras and _same(title, paras[0]):
        paras = paras[1:]  # the page's <h1> repeats the headline
    published = _published_datetime(html) or (getattr(doc, "date", None) if doc is not None else None)
    return HtmlArticle(
        title=title,
        paragraphs=paras,
        url=(getattr(doc, "url", None) if doc is not None else None) or url,
        published=published,
        author=getattr(doc, "author", None) if doc is not None else None,
        site_name=getattr(doc, "sitename", None) if doc is not None else None,
        extractor=extractor,
        meta=meta,
    )


def html_text(data: str | bytes, *, source: str, declared: str | None = None) -> tuple[str, str | None]:
    """A page as text: bytes decoded honouring a declared charset (header or meta tag)."""
    if isinstance(data, str):
        return data, None
    dec = decode_bytes(data, source=source, declared=declared)
    return dec.text, dec.encoding


def no_text_error(origin: str) -> InputError:
    return InputError(
        "no article text found in the HTML (broken or empty markup, or a page built by "
        "JavaScript)", source=origin, fix="save the rendered page, or give its text as .txt",
    )
