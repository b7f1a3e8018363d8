"""Topic classification: one of seven labels with a calibrated score.

``features`` (what the model sees), ``vectorize`` (tf-idf weighting), ``model`` (the shipped
arrays and prediction), ``train`` (fit, prune, calibrate), ``data`` (JSON-lines input),
``metrics`` (scores), ``stage`` (the pipeline stage).
"""

from marsad.analyze.topic.model import LABELS, TopicModel, TopicPrediction, load_model

__all__ = ["LABELS", "TopicModel", "TopicPrediction", "load_model"]
