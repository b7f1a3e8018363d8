"""The ``ner`` pipeline stage: tags ``analysis.tokens`` sentence by sentence and writes
``analysis.mentions`` (types PER, ORG, LOC, MISC; offsets into ``analysis.text``), without
the words that are never entities (God in formulae, currencies: nonentities.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from marsad.analyze.ner.mentions import mentions_from_labels
from marsad.analyze.ner.nonentities import filter_non_entities
from marsad.analyze.ner.tagger import NerModel, load_model
from marsad.model import Analysis, Mention, Token


def sentence_groups(analysis: Analysis) -> list[list[Token]]:
    """Tokens grouped by sentence; tokens outside every sentence form their own groups."""
    groups: list[list[Token]] = []
    sents = sorted(analysis.sentences, key=lambda s: s.start)
    si = 0
    cur: list[Token] = []
    cur_sent = -1
    for tok in analysis.tokens:
        while si < len(sents) and sents[si].end <= tok.start:
            si += 1
        inside = si < len(sents) and sents[si].start <= tok.start < sents[si].end
        key = si if inside else -1 - si
        if cur and key != cur_sent:
            groups.append(cur)
            cur = []
        cur.append(tok)
        cur_sent = key
    if cur:
        groups.append(cur)
    return groups


# a "sentence" longer than this (a text with no punctuation at all) is tagged in pieces:
# the network's arrays grow with the longest sentence of a batch (6M tokens: 1.3 GiB
# each), and no real sentence comes near it
MAX_GROUP_TOKENS = 1000


def bounded_groups(groups: list[list[Token]], limit: int = MAX_GROUP_TOKENS) -> list[list[Token]]:
    """``groups`` with every group longer than ``limit`` tokens cut into pieces of ``limit``."""
    if all(len(g) <= limit for g in groups):
        return groups
    return [g[i:i + limit] for g in groups for i in range(0, len(g), limit)]


def find_mentions(model: NerModel, analysis: Analysis) -> list[Mention]:
    text = analysis.text
    out: list[Mention] = []
    groups = bounded_groups(sentence_groups(analysis))
    tagged = model.tag_with_scores_many([[t.text for t in g] for g in groups])
    for group, (labels, scores) in zip(groups, tagged):
        out.extend(mentions_from_labels(text, group, labels, model.rank, scores))
    return filter_non_entities(text, out)


def make_ner_stage(model_dir: str | Path | None = None) -> Callable[[Analysis], Analysis]:
    """Load the model once; the returned stage writes ``analysis.mentions``."""
    model = load_model(model_dir)

    def ner(analysis: Analysis) -> Analysis:
        if not analysis.tokens and analysis.text:
            from marsad.text.segment import tokenize

            analysis.tokens = tokenize(analysis.text)
        mentions = find_mentions(model, analysis)
        analysis.mentions = mentions
        return analysis

    return ner
