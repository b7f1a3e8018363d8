"""Extractive summary: the one to three most central sentences of the article body.

News puts the gist first (the lead), so a sentence's score mixes three things: how
central it is (mean tf-idf cosine to the other body sentences), how close it is to the
headline, and how early it comes. The headline itself is never a candidate, and neither
is web furniture: "اقرأ أيضا:" / "قد يهمك أيضا:" markers, the teaser headlines of other
stories listed after them, and site notices. Near-repeats of a chosen sentence are
skipped. The result is sentence indexes into ``analysis.sentences``, in text order.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence

from marsad.model import Analysis
from marsad.text.furniture import furniture_paragraphs

W_CENTRAL, W_TITLE, W_LEAD = 0.45, 0.25, 0.30
MIN_WORDS = 5  # shorter sentences (bylines, captions) are not summary material
REDUNDANT = 0.6  # cosine above which a candidate repeats a chosen sentence


def _vector(terms: Sequence[str], idf: Callable[[str], float]) -> dict[str, float]:
    c = Counter(terms)
    v = {t: (1.0 + math.log(n)) * idf(t) for t, n in c.items()}
    norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
    return {t: x / norm for t, x in v.items()}


def _cos(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(t, 0.0) for t, x in a.items())


def _others(v: dict[str, float], total: dict[str, float]) -> float:
    """Σ_j≠i cos(v, v_j) given ``total`` = Σ_j v_j (v among them)."""
    return sum(x * (total[t] - x) for t, x in v.items())


def summary_sentences(analysis: Analysis, *, max_sentences: int = 3) -> list[int]:
    """Indexes (into ``analysis.sentences``) of the summary, in text order; [] when the
    article has no body sentence to offer (the headline alone is never a summary)."""
    from marsad.analyze.base import tokens_in
    from marsad.analyze.keywords import load_df, token_occurrences

    doc = analysis.document
    skip = furniture_paragraphs(doc.paragraphs)
    body = [
        i for i, s in enumerate(analysis.sentences)
        if 0 <= s.paragraph < len(doc.paragraphs) and s.paragraph not in skip
        and s.start >= doc.body_offset  # (a headline-only document must not lend its title)
    ]
    if not body:
        return []
    df = load_df()
    sents = analysis.sentences
    # the sentences' tokens (and the headline's), with the forms the base analysis set
    spans = [(sents[i].start, sents[i].end) for i in body]
    if doc.title:
        spans.append((0, len(doc.title)))
    toks = tokens_in(analysis, spans)
    terms = {i: [o.stem for o in token_occurrences(t)] for i, t in zip(body, toks)}
    cands = [i for i in body if len(terms[i]) >= MIN_WORDS] or body
    vecs = {i: _vector(terms[i], df.idf) for i in cands}
    title = _vector([o.stem for o in token_occurrences(toks[-1])], df.idf) if doc.title else {}
    n = len(cands)
    # the mean cosine to the other sentences, through their sum: v_i·(Σv − v_i), so the
    # cost is linear in the article's length (pairwise cosines were quadratic)
    total: dict[str, float] = {}
    for i in cands:
        for t, x in vecs[i].items():
            total[t] = total.get(t, 0.0) + x
    central = {i: (_others(vecs[i], total) / (n - 1) if n > 1 else 1.0) for i in cands}
    top = max(central.values()) or 1.0
    score = {
        i: W_CENTRAL * central[i] / top + W_TITLE * _cos(vecs[i], title) + W_LEAD / (1 + rank)
        for rank, i in enumerate(cands)
    }
    want = 1 if n <= 2 else 2 if n <= 6 else 3
    want = min(want, max_sentences)
    chosen: list[int] = []
    for i in sorted(cands, key=lambda i: (-score[i], i)):
        if len(chosen) >= want:
            break
        if any(_cos(vecs[i], vecs[j]) > REDUNDANT for j in chosen):
            continue
        chosen.append(i)
    return sorted(chosen)


def make_summary_stage(max_sentences: int = 3) -> Callable[[Analysis], Analysis]:
    from marsad.analyze.keywords import load_df

    load_df()

    def summary_stage(analysis: Analysis) -> Analysis:
        summary = summary_sentences(analysis, max_sentences=max_sentences)
        analysis.summary = summary
        return analysis

    return summary_stage
