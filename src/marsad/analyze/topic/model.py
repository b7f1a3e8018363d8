"""The shipped topic model: a linear classifier stored as plain arrays.

``model.npz`` holds the vocabulary (UTF-8, newline-joined), each feature's group and idf,
the weight matrix and intercepts, and the softmax temperature fitted on held-out data;
``model.json`` records labels, training data hash, parameters and scores. Loading needs
numpy only (no pickle), so a model file can be inspected and trusted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from marsad.analyze.topic.features import GROUPS, article_features
from marsad.analyze.topic.vectorize import count_matrix, weigh
from marsad.errors import ResourceMissing

LABELS = ("politics", "economy", "sport", "culture", "technology", "health", "religion")
MODEL_FILE = "model.npz"
META_FILE = "model.json"
TRAIN_COMMAND = "marsad train topic"


def default_model_dir() -> Path:
    return Path(str(resources.files("marsad") / "resources" / "topic"))


@dataclass(frozen=True)
class TopicPrediction:
    label: str
    score: float  # calibrated probability of ``label``
    scores: dict[str, float]


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@dataclass
class TopicModel:
    labels: tuple[str, ...]
    vocab: dict[str, int]
    groups: np.ndarray  # int8, one per feature: index into features.GROUPS
    idf: np.ndarray  # float32
    coef: np.ndarray  # (n_features, n_labels) float32
    intercept: np.ndarray  # (n_labels,)
    temperature: float = 1.0
    meta: dict[str, Any] = field(default_factory=dict)

    # -- features -------------------------------------------------------------------------
    def vectorize(self, docs: Iterable[tuple[str | None, str]]) -> sp.csr_matrix:
        counts = count_matrix((article_features(t, x) for t, x in docs), self.vocab)
        return weigh(counts, self.idf, self.groups, len(GROUPS))

    def decision(self, x: sp.csr_matrix) -> np.ndarray:
        return np.asarray(x @ self.coef) + self.intercept

    def proba_from_decision(self, d: np.ndarray) -> np.ndarray:
        return softmax(d / self.temperature)

    # -- prediction -----------------------------------------------------------------------
    def predict_proba(self, docs: Sequence[tuple[str | None, str]]) -> np.ndarray:
        """Calibrated class probabilities, one row per (title, text)."""
        return self.proba_from_decision(self.decision(self.vectorize(docs)))

    def predict(self, docs: Sequence[tuple[str | None, str]]) -> list[TopicPrediction]:
        return self._predictions(self.predict_proba(docs))

    def predict_features(self, feature_lists: Iterable[list[str]]) -> list[TopicPrediction]:
        """:meth:`predict` from each article's :func:`article_features`, made already."""
        x = weigh(count_matrix(feature_lists, self.vocab), self.idf, self.groups, len(GROUPS))
        return self._predictions(self.proba_from_decision(self.decision(x)))

    def _predictions(self, p: np.ndarray) -> list[TopicPrediction]:
        out = []
        for row in p:
            k = int(row.argmax())
            out.append(
                TopicPrediction(
                    self.labels[k], float(row[k]),
                    {lab: float(v) for lab, v in zip(self.labels, row)},
                )
            )
        return out

    def classify(self, text: str, title: str | None = None) -> TopicPrediction:
        return self.predict([(title, text)])[0]

    # -- files ----------------------------------------------------------------------------
    def save(self, out_dir: Path) -> Path:
        out_dir.mkdir(parents=True, exist_ok=True)
        inv = [""] * len(self.vocab)
        for f, j in self.vocab.items():
            inv[j] = f
        blob = "\n".join(inv).encode("utf-8")
        np.savez_compressed(
            out_dir / MODEL_FILE,
            vocab=np.frombuffer(blob, dtype=np.uint8),
            groups=self.groups.astype(np.int8),
            idf=self.idf.astype(np.float32),
            coef=self.coef.astype(np.float16),
            intercept=self.intercept.astype(np.float32),
            temperature=np.float32(self.temperature),
        )
        meta = dict(self.meta, labels=list(self.labels), temperature=self.temperature,
                    n_features=len(self.vocab), groups=list(GROUPS))
        (out_dir / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n")
        return out_dir / MODEL_FILE

    @classmethod
    def load(cls, model_dir: Path | None = None) -> TopicModel:
        d = Path(model_dir) if model_dir else default_model_dir()
        npz, js = d / MODEL_FILE, d / META_FILE
        if not npz.is_file() or not js.is_file():
            raise ResourceMissing(f"topic model in {d}", fix=TRAIN_COMMAND)
        meta = json.loads(js.read_text())
        with np.load(npz, allow_pickle=False) as z:
            words = z["vocab"].tobytes().decode("utf-8").split("\n")
            return cls(
                labels=tuple(meta["labels"]),
                vocab={f: j for j, f in enumerate(words)},
                groups=z["groups"].astype(np.int8),
                idf=z["idf"].astype(np.float32),
                coef=z["coef"].astype(np.float32),
                intercept=z["intercept"].astype(np.float32),
                temperature=float(z["temperature"]),
                meta=meta,
            )


_CACHE: dict[str, TopicModel] = {}


def load_model(model_dir: Path | None = None) -> TopicModel:
    """The model, loaded once per process (per directory)."""
    key = str(model_dir or default_model_dir())
    if key not in _CACHE:
        _CACHE[key] = TopicModel.load(model_dir)
    return _CACHE[key]
