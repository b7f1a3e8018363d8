"""From raw pieces (headline, body text or paragraphs, metadata) to a clean Document.

Every reader ends here, so every document gets the same treatment: ``clean_text``,
paragraph splitting, the Arabic boilerplate pass (agency and dateline become metadata),
an ISO publication date (taken from the URL's path when the input gives none, marked
``meta["published_from"] = "url"``; a value that is not a plausible date is dropped, kept
in ``meta["published_raw"]`` with the reason in ``meta["published_note"]``) and a language.
An article longer than ``MAX_ARTICLE_CHARS`` after extraction (a long report is about
100,000) keeps its first ``MAX_ARTICLE_CHARS`` characters, cut at a word boundary, with
``meta["truncated_note"]`` saying so: every analysis stage then works on a bounded text,
whatever the input held. A headline is cut at ``MAX_TITLE_CHARS`` the same way.
Control characters (NUL and the like: never article text, and a NUL cuts SQLite's
``length()``) are removed from every field, wherever in the input they occur.
"""

from __future__ import annotations

import re
from typing import Any

from marsad.errors import InputError
from marsad.ingest.dates import normalize_published
from marsad.ingest.url_date import date_from_url
from marsad.model import PARAGRAPH_SEP, Document
from marsad.text import clean_text
from marsad.text.furniture import strip_boilerplate
from marsad.text.lang import detect_language

_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_SPACES = re.compile(r"\s+")
# C0 controls but tab and newline (CR is folded to LF by clean_text), and DEL; vertical
# tab and form feed are whitespace and become spaces
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]+")
_BREAKS = re.compile(r"[\x0b\x0c]")
SURROGATE = re.compile(r"[\ud800-\udfff]")

# a headline taken from the body's first line must look like one
HEADLINE_MAX_CHARS = 250
# the longest article analysed: about twice a long report; what is beyond is cut off
MAX_ARTICLE_CHARS = 200_000
MAX_TITLE_CHARS = 2_000
# a cut falls on the last space within this many characters of the limit
_CUT_SLACK = 200


def check_text(value: str, field: str, origin: str) -> str:
    """``value`` itself, or InputError naming ``field`` when it holds a lone UTF-16
    surrogate (a ``\\ud800`` escape without its pair): not text, and no database or
    encoder accepts it."""
    m = SURROGATE.search(value)
    if m:
        raise InputError(
            f"field \"{field}\" holds a lone UTF-16 surrogate (U+{ord(m.group()):04X} at "
            f"character {m.start() + 1}), which is not text", source=origin,
            fix="re-export it as valid UTF-8 (a \\uD800-\\uDBFF escape needs its "
                "\\uDC00-\\uDFFF pair)")
    return value


def strip_controls(text: str) -> str:
    """``text`` without control characters (NUL, escape, ...): they are never article text."""
    return _BREAKS.sub(" ", _CONTROLS.sub("", text))


def split_paragraphs(body: str) -> list[str]:
    """Paragraphs of a body text: split on blank lines, or on single newlines when the text
    has no blank line at all. Each paragraph is stripped; empty ones are dropped."""
    body = strip_controls(clean_text(body))
    parts = _BLANK_LINE.split(body) if _BLANK_LINE.search(body) else body.split("\n")
    out = []
    for p in parts:
        # a paragraph must not contain a blank line (it would split Document.text)
        p = "\n".join(line.strip() for line in p.strip().split("\n") if line.strip())
        if p:
            out.append(p)
    return out


def clean_title(title: str | None) -> str:
    """One line, single-spaced, cleaned."""
    if not title:
        return ""
    return _SPACES.sub(" ", strip_controls(clean_text(str(title)))).strip()


def _cut(text: str, limit: int) -> str:
    """``text[:limit]``, ending at the last space near the limit so no word is split."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    sp = max(head.rfind(" ", limit - _CUT_SLACK), head.rfind("\n", limit - _CUT_SLACK))
    return (head[:sp] if sp > 0 else head).rstrip()


def truncate_paragraphs(paragraphs: list[str], limit: int = MAX_ARTICLE_CHARS
                        ) -> tuple[list[str], int]:
    """The paragraphs whose body (joined by blank lines) holds at most ``limit``
    characters, the last one cut at a word boundary; and the length of the whole body."""
    sep = len(PARAGRAPH_SEP)
    total = sum(len(p) for p in paragraphs) + sep * max(0, len(paragraphs) - 1)
    if total <= limit:
        return paragraphs, total
    out: list[str] = []
    used = 0
    for p in paragraphs:
        room = limit - used - (sep if out else 0)
        if room <= 0:
            break
        if len(p) > room:
            cut = _cut(p, room)
            if cut:
                out.append(cut)
            break
        used += len(p) + (sep if out else 0)
        out.append(p)
    return out, total


def truncation_note(kept: int, total: int, what: str = "characters") -> str:
    return f"truncated: kept the first {kept} of {total} {what}"


def _opt(value: Any) -> str | None:
    if value is None:
        return None
    s = clean_title(str(value))
    return s or None


def build_document(
    title: str | None,
    paragraphs: list[str],
    *,
    origin: str,
    url: str | None = None,
    source: str | None = None,
    published: Any = None,
    author: str | None = None,
    site_name: str | None = None,
    external_id: Any = None,
    language: str | None = None,
    meta: dict[str, Any] | None = None,
    title_from_body: bool = False,
    guess_title: bool = True,
    boilerplate: bool = True,
) -> Document:
    """Clean and assemble a Document; raise InputError when there is no text at all.

    ``title_from_body``: when the title is empty, promote the first paragraph to headline
    (inputs whose first line is the headline by convention). Otherwise ``guess_title``
    promotes it only when it is short and more paragraphs follow (records that give no
    title); pass False when an empty title is what the caller means."""
    meta = dict(meta or {})
    for name, value in (("title", title), ("url", url), ("source", source),
                        ("author", author), ("site_name", site_name)):
        if isinstance(value, str):
            check_text(value, name, origin)
    for raw in paragraphs or ():
        check_text(raw, "text", origin)
    paras = [p for raw in paragraphs for p in split_paragraphs(raw)] if paragraphs else []
    notes: list[str] = []
    paras, total = truncate_paragraphs(paras, MAX_ARTICLE_CHARS)
    if total > MAX_ARTICLE_CHARS:
        notes.append(truncation_note(len(PARAGRAPH_SEP.join(paras)), total))
    head = clean_title(title)
    promote = title_from_body or (
        guess_title and len(paras) > 1 and len(paras[0]) <= HEADLINE_MAX_CHARS)
    if not head and paras and promote:
        head = _SPACES.sub(" ", paras.pop(0))
    if len(head) > MAX_TITLE_CHARS:
        cut = _cut(head, MAX_TITLE_CHARS)
        notes.append(truncation_note(len(cut), len(head), "characters of the headline"))
        head = cut
    if notes:
        meta["truncated_note"] = "; ".join(notes)
    if not head and not paras:
        raise InputError("no text to read (no headline and no body)", source=origin,
                         fix="check that the input holds an article")
    agency = dateline = None
    if boilerplate and paras:
        cleaned = strip_boilerplate(paras)
        if cleaned.removed:
            meta["boilerplate_removed"] = len(cleaned.removed)
        if cleaned.byline:
            meta["byline"] = cleaned.byline
        paras, agency, dateline = cleaned.paragraphs, cleaned.agency, cleaned.dateline
    norm = normalize_published(published)
    iso = norm.iso
    if norm.note:
        raw = strip_controls(str(published))[:200]
        meta["published_raw"] = raw.encode("utf-8", "replace").decode("utf-8")
        meta["published_note"] = norm.note
    if iso is None:
        # no (readable) date given: the day the URL's path carries becomes `published`, so
        # search date filters, the timeline and relative dates (أمس) all use it; meta says so
        iso = date_from_url(url)
        if iso is not None:
            meta["published_from"] = "url"
    sample = head + "\n" + "\n".join(paras)[:1500]
    return Document(
        title=head,
        paragraphs=paras,
        url=_opt(url),
        source=_opt(source),
        published=iso,
        language=language or detect_language(sample),
        author=_opt(author),
        site_name=_opt(site_name),
        agency=agency,
        dateline=dateline,
        # a file name that is not UTF-8 (os gives its bytes as surrogates) is stored with
        # U+FFFD in their place: no database takes a surrogate
        origin=SURROGATE.sub("\ufffd", origin),
        external_id=None if external_id in (None, "") else str(external_id),
        meta=meta,
    )


def document_from_text(
    text: str, *, title: str | None = None, origin: str = "<text>", **fields: Any
) -> Document:
    """A raw string to a Document: the first non-empty line is the headline unless
    ``title`` is given; the rest is the body."""
    text = clean_text(text)
    if title is None:
        lines = text.lstrip().split("\n", 1)
        title = lines[0].strip()
        text = lines[1] if len(lines) > 1 else ""
    return build_document(title, [text], origin=origin, guess_title=False, **fields)
