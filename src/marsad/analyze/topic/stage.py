"""The ``topic`` pipeline stage: the article's label and calibrated score."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from marsad.analyze.topic.features import topic_words
from marsad.analyze.topic.model import load_model
from marsad.model import Analysis, Topic


def make_topic_stage(model_dir: Path | None = None) -> Callable[[Analysis], Analysis]:
    model = load_model(model_dir)  # once per process

    def topic_stage(analysis: Analysis) -> Analysis:
        doc = analysis.document
        if not topic_words(doc.title + "\n" + doc.body):
            analysis.notes.append("topic: no Arabic words to classify")
            return analysis
        pred = model.predict([(doc.title, doc.body)])[0]
        analysis.topic = Topic(label=pred.label, score=round(pred.score, 4))
        return analysis

    return topic_stage
