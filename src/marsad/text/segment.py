"""Sentences and tokens with character offsets into the original text.

Offsets always index the string given; nothing is normalized here, so
``text[t.start:t.end] == t.text`` for every token and sentence.
"""

from __future__ import annotations

import re

from marsad.model import Sentence, Token

ARABIC_LETTERS = "\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u06fa-\u06fc"
_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
# a word: letters (Arabic or other scripts) with diacritics/tatweel inside; a number with
# decimal/thousands separators; or any single other non-space character. The word is
# written as runs of letters and runs of marks (``(?:L+|M+)+``, not ``(?:L|M)+``): the same
# longest run, matched a run at a time instead of a character at a time.
_TOKEN = re.compile(
    rf"[0-9\u0660-\u0669\u06f0-\u06f9]+(?:[.,\u066b\u066c][0-9\u0660-\u0669\u06f0-\u06f9]+)*"
    rf"|(?:[^\W\d_]+|[{_MARKS}]+)+(?:['’][^\W\d_]+)?"
    rf"|\S",
    re.UNICODE,
)

_END = set(".!?؟…")
_CLOSERS = set("\"'»”’)]}")
# single Arabic letters used as abbreviations before a period: د. (doctor), أ. م. ص.
_ABBREV = re.compile(rf"(?:^|[\s(«\"])[{ARABIC_LETTERS}A-Za-z]$")
_LATIN_ABBREV = {"mr", "mrs", "dr", "prof", "st", "no", "vs", "etc", "inc", "ltd", "jr", "sr"}


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """Word, number and punctuation tokens of ``text`` (offsets shifted by ``offset``)."""
    if not offset:
        return [Token(*m.span(), m.group()) for m in _TOKEN.finditer(text)]
    return [Token(m.start() + offset, m.end() + offset, m.group()) for m in _TOKEN.finditer(text)]


def words(text: str) -> list[str]:
    """Just the word and number strings (no punctuation)."""
    return [m.group() for m in _TOKEN.finditer(text) if m.group()[0].isalnum()]


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
    return spans


def _is_boundary(text: str, i: int, quote_depth: int) -> bool:
    """Is the end-punctuation char at ``i`` the end of a sentence?"""
    ch = text[i]
    nxt = text[i + 1] if i + 1 < len(text) else ""
    if ch == ".":
        prev = text[max(0, i - 12) : i]
        if nxt.isdigit() and i > 0 and text[i - 1].isdigit():
            return False  # 3.5
        if _ABBREV.search(prev):
            return False  # د. محمد
        m = re.search(r"([A-Za-z]+)$", prev)
        if m and m.group(1).lower() in _LATIN_ABBREV:
            return False
        if nxt == ".":
            return False  # part of an ellipsis "..": decide at its last dot
    if ch in "!?؟" and nxt in "!?؟":
        return False
    # inside «…» a full stop ends a sentence only when the quote runs on for long
    return not (quote_depth > 0 and ch != "…")


def split_sentences(text: str, *, paragraph_offsets: list[tuple[int, int]] | None = None) -> list[Sentence]:
    """Sentences of ``text``: paragraphs (blank-line separated) never share a sentence;
    inside one, split after . ! ? ؟ … (and ؛ when the clause is long), keeping closing
    quotes with their sentence, not after decimals or one-letter abbreviations.

    ``paragraph`` is the index of the paragraph among ``paragraph_offsets`` (or among the
    blank-line separated blocks when not given)."""
    paras = paragraph_offsets if paragraph_offsets is not None else _paragraph_spans(text)
    out: list[Sentence] = []
    for pi, (ps, pe) in enumerate(paras):
        start = ps
        depth = 0
        i = ps
        while i < pe:
            ch = text[i]
            if ch == "«":
                depth += 1
            elif ch == "»":
                depth = max(0, depth - 1)
            boundary = False
            if ch in _END:
                boundary = _is_boundary(text, i, depth)
            elif (ch == "؛" and i - start > 120) or ch == "\n":
                boundary = True
            if boundary:
                j = i + 1 if ch != "\n" else i
                while j < pe and text[j] in _CLOSERS:
                    j += 1
                end = j
                while end > start and text[end - 1].isspace():
                    end -= 1
                if end > start and any(c.isalnum() for c in text[start:end]):
                    out.append(Sentence(start, end, pi))
                elif out and out[-1].paragraph == pi and end > start:
                    out[-1] = Sentence(out[-1].start, end, pi)  # lone punctuation: glue back
                start = j
                while start < pe and text[start].isspace():
                    start += 1
                i = start
                continue
            i += 1
        end = pe
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            if any(c.isalnum() for c in text[start:end]) or not out or out[-1].paragraph != pi:
                out.append(Sentence(start, end, pi))
            else:
                out[-1] = Sentence(out[-1].start, end, pi)
    return out


def document_sentences(title: str, paragraphs: list[str]) -> list[Sentence]:
    """Sentences of a Document's ``text`` (headline + paragraphs); the headline is one
    sentence with paragraph -1 however it is punctuated."""
    sents: list[Sentence] = []
    pos = 0
    spans: list[tuple[int, int]] = []
    if title:
        sents.append(Sentence(0, len(title), -1))
        pos = len(title) + 2
    for p in paragraphs:
        spans.append((pos, pos + len(p)))
        pos += len(p) + 2
    text = (title + "\n\n" if title else "") + "\n\n".join(paragraphs)
    sents.extend(split_sentences(text, paragraph_offsets=spans))
    return sents
