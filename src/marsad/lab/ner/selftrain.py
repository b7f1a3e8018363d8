"""Self-training data for the network: unlabelled news sentences tagged by the ensemble.

ANERcorp has 4,000 sentences; the news corpus has a million. The trained ensemble (CRF +
network) tags a random sample of news sentences, the ones it is confident about and that
hold a name are kept, and a new network learns from ANERcorp plus those. The student sees
many more names in many more contexts than the gold data has, and it learns the teacher's
pooled judgement, which neither tagger alone had. Only the network is retrained this way:
the CRF keeps learning from gold data (self-training the CRF gave nothing measurable).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass

from marsad.analyze.ner.conll import ConllSentence
from marsad.model import Document
from marsad.text.segment import split_sentences, tokenize


@dataclass(frozen=True)
class SelfTrainSettings:
    articles: int = 5_000  # news articles sampled (seeded) from the unlabelled corpus
    sentences: int = 6_000  # pseudo-labelled sentences added to the network's training data
    min_score: float = 0.7  # keep a sentence only if every token's label has this probability
    min_tokens: int = 6
    max_tokens: int = 50
    seed: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def news_sentences(docs: Iterable[Document], s: SelfTrainSettings) -> list[list[str]]:
    """Token lists of the sentences of ``s.articles`` articles drawn at random (seed
    ``s.seed``) from ``docs``; sentences outside the length bounds are skipped."""
    pool = list(docs)
    random.Random(s.seed).shuffle(pool)
    out: list[list[str]] = []
    for doc in pool[: s.articles]:
        for para in doc.paragraphs:
            for sent in split_sentences(para):
                toks = [t.text for t in tokenize(para[sent.start:sent.end])]
                if s.min_tokens <= len(toks) <= s.max_tokens:
                    out.append(toks)
    return out


def pseudo_label(tag_with_scores: Callable[[Sequence[Sequence[str]]], list[tuple[list[str], list[float]]]],
                 sents: Sequence[list[str]], s: SelfTrainSettings,
                 ) -> tuple[list[ConllSentence], dict]:
    """Tag ``sents`` with the teacher (a model's ``tag_with_scores_many``, which batches
    them by length itself) and keep up to ``s.sentences`` of those holding a name whose
    every token scored ``s.min_score`` or more (a seeded random choice among them); with
    counts for the training record."""
    kept: list[ConllSentence] = []
    with_names = 0
    for toks, (labels, scores) in zip(sents, tag_with_scores(sents)):
        if all(lab == "O" for lab in labels):
            continue
        with_names += 1
        if min(scores, default=1.0) >= s.min_score:
            kept.append(ConllSentence(list(toks), list(labels)))
    random.Random(s.seed).shuffle(kept)
    chosen = kept[: s.sentences]
    stats = {"news_sentences": len(sents), "with_names": with_names, "confident": len(kept),
             "used": len(chosen), "used_tokens": sum(len(x.tokens) for x in chosen)}
    return chosen, stats
