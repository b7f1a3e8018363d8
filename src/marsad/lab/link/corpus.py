"""Documents with gold mentions from a CoNLL file (ANERcorp), for the link bench and eval.

ANERcorp has no document boundaries, so every ``per_doc`` sentences make one Document; the
gold B-/I- spans become Mentions with real offsets into the Document text (PERS → PER).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from marsad.analyze.base import base_analysis
from marsad.model import Analysis, Document, Mention

_TYPES = {"PERS": "PER", "PER": "PER", "LOC": "LOC", "ORG": "ORG", "MISC": "MISC"}


def read_sentences(path: Path) -> Iterator[list[tuple[str, str]]]:
    sent: list[tuple[str, str]] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if not parts:
                if sent:
                    yield sent
                sent = []
                continue
            sent.append((parts[0], parts[-1]))
    if sent:
        yield sent


def _document(sents: list[list[tuple[str, str]]]) -> Analysis:
    paragraphs = []
    spans: list[tuple[int, int, str]] = []
    pos = 0
    for sent in sents:
        text_parts = []
        cur: list[int] | None = None  # [start, end, type]
        cur_type = ""
        offset = pos
        for tok, lab in sent:
            start = offset
            end = start + len(tok)
            typ = lab[2:] if lab[:2] in ("B-", "I-") else ""
            if lab.startswith("B-") or (lab.startswith("I-") and (cur is None or typ != cur_type)):
                if cur is not None:
                    spans.append((cur[0], cur[1], cur_type))
                cur, cur_type = [start, end], typ
            elif lab.startswith("I-") and cur is not None:
                cur[1] = end
            else:
                if cur is not None:
                    spans.append((cur[0], cur[1], cur_type))
                cur = None
            text_parts.append(tok)
            offset = end + 1
        if cur is not None:
            spans.append((cur[0], cur[1], cur_type))
        para = " ".join(text_parts)
        paragraphs.append(para)
        pos += len(para) + 2
    doc = Document(title="", paragraphs=paragraphs, language="ar")
    analysis = base_analysis(doc)
    text = analysis.text
    analysis.mentions = [
        Mention(s, e, text[s:e], _TYPES.get(t, "MISC")) for s, e, t in spans if t in _TYPES
    ]
    return analysis


def conll_documents(path: Path, *, per_doc: int = 20, limit: int | None = None) -> list[Analysis]:
    """Analyses (sentences, tokens, gold mentions) of ``per_doc`` sentences each."""
    docs: list[Analysis] = []
    batch: list[list[tuple[str, str]]] = []
    for sent in read_sentences(path):
        batch.append(sent)
        if len(batch) == per_doc:
            docs.append(_document(batch))
            batch = []
            if limit and len(docs) >= limit:
                return docs
    if batch:
        docs.append(_document(batch))
    return docs
