"""The ``ner`` pipeline stage: tags ``analysis.tokens`` sentence by sentence and writes
``analysis.mentions`` (types PER, ORG, LOC, MISC; offsets into ``analysis.text``), without
the words that are never entities (God in formulae, currencies: nonentities.py)."""

from __future__ import annotations

from collections.abc import Sequence
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
    return find_mentions_many(model, [analysis])[0]


def find_mentions_many(model: NerModel, analyses: Sequence[Analysis]) -> list[list[Mention]]:
    """The mentions of each analysis, its sentences tagged in one batch with the other
    analyses' (the network sorts sentences by length and runs each length batch as one
    set of matrix products: more sentences, fuller batches, less padding). The per-token
    inputs are the same as tagging each analysis alone, and so are the labels."""
    per_doc = [bounded_groups(sentence_groups(a)) for a in analyses]
    flat = [[t.text for t in g] for groups in per_doc for g in groups]
    tagged = iter(model.tag_with_scores_many(flat))
    out: list[list[Mention]] = []
    for a, groups in zip(analyses, per_doc):
        text = a.text
        found: list[Mention] = []
        for group, (labels, scores) in zip(groups, tagged):
            found.extend(mentions_from_labels(text, group, labels, model.rank, scores))
        out.append(filter_non_entities(text, found))
    return out


class NerStage:
    """The stage: ``stage(analysis)`` tags one article, ``stage.pipe(analyses)`` a batch
    of them at once (what ``Pipeline.pipe`` calls)."""

    def __init__(self, model: NerModel):
        self.model = model

    def __call__(self, analysis: Analysis) -> Analysis:
        return self.pipe([analysis])[0]

    def pipe(self, analyses: Sequence[Analysis]) -> list[Analysis]:
        from marsad.text.segment import tokenize

        for a in analyses:
            if not a.tokens and a.text:
                a.tokens = tokenize(a.text)
        for a, mentions in zip(analyses, find_mentions_many(self.model, analyses)):
            a.mentions = mentions
        return list(analyses)


def make_ner_stage(model_dir: str | Path | None = None, *,
                   model: NerModel | None = None) -> NerStage:
    """Load the model once (or use ``model``, loaded already: pipelines share one); the
    returned stage writes ``analysis.mentions``."""
    if model is None:
        model = load_model(model_dir)
    return NerStage(model)
