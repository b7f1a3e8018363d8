"""The ``topic`` pipeline stage: the article's label and calibrated score."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from marsad.analyze.topic.features import article_features_of_words, topic_words
from marsad.analyze.topic.model import TopicModel, load_model
from marsad.model import Analysis, Topic


class TopicStage:
    """``stage(analysis)`` classifies one article, ``stage.pipe(analyses)`` a batch (one
    sparse matrix product for all of them). Each article's words are read once: the
    same list decides whether there is anything to classify and makes the features."""

    def __init__(self, model: TopicModel):
        self.model = model

    def __call__(self, analysis: Analysis) -> Analysis:
        return self.pipe([analysis])[0]

    def pipe(self, analyses: Sequence[Analysis]) -> list[Analysis]:
        todo: list[Analysis] = []
        feats: list[list[str]] = []
        for a in analyses:
            doc = a.document
            tw = topic_words(doc.title) if doc.title else []
            bw = topic_words(doc.body)
            # headline and body are cleaned apart (as in training); whether there is a word
            # at all is asked of them together (a dateline may run from one into the other)
            if not tw and not bw and not topic_words(doc.title + "\n" + doc.body):
                a.notes.append("topic: no Arabic words to classify")
                continue
            todo.append(a)
            feats.append(article_features_of_words(tw, bw))
        if todo:
            for a, pred in zip(todo, self.model.predict_features(feats)):
                a.topic = Topic(label=pred.label, score=round(pred.score, 4))
        return list(analyses)


def make_topic_stage(model_dir: Path | None = None) -> TopicStage:
    return TopicStage(load_model(model_dir))  # once per process
