"""The NER model at inference: load once, tag token sentences, find mentions in text.

A model directory holds ``model.crfsuite`` (python-crfsuite weights), ``meta.json``
(settings, training-data hash, dev scores, ensemble weight, override block list) and,
when trained with ``--neural``, ``neural.npz``/``neural.json`` (a BiLSTM-CRF run in
numpy). The word clusters and gazetteer it was trained with ship beside it in
``marsad/resources/ner``. Inference needs python-crfsuite and numpy, never torch.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from marsad.analyze.ner.clusters import load_clusters
from marsad.analyze.ner.features import FeatureExtractor, FeatureSettings
from marsad.analyze.ner.gazetteer import RESOURCES, load_gazetteer
from marsad.errors import ResourceMissing

DEFAULT_MODEL_DIR = RESOURCES / "model"
CLUSTERS_FILE = "clusters.tsv.gz"
TRAIN_CMD = "marsad train ner --out src/marsad/resources/ner/model"


def load_extractor(settings: FeatureSettings, resources: Path = RESOURCES) -> FeatureExtractor:
    clusters = None
    if settings.clusters:
        path = resources / settings.clusters_file
        if not path.exists():
            raise ResourceMissing(f"NER word clusters {path}", fix="marsad train ner-resources")
        clusters = load_clusters(path)
    gaz = load_gazetteer(resources) if settings.gazetteer else None
    context = None
    if settings.context:
        from marsad.analyze.ner.context import CONTEXT_FILE, load_context

        context = load_context(resources)
        if context is None:
            raise ResourceMissing(f"NER contextual clusters {resources / CONTEXT_FILE}",
                                  fix="marsad train ner-context")
    return FeatureExtractor(settings, clusters, gaz, context)


@dataclass
class NerModel:
    """A loaded tagger: ``tag(tokens) -> labels``."""

    path: Path
    meta: dict
    extractor: FeatureExtractor

    def __post_init__(self) -> None:
        self._local = threading.local()  # crfsuite taggers are not thread-safe

    @property
    def _tagger(self):
        t = getattr(self._local, "tagger", None)
        if t is None:
            import pycrfsuite

            t = pycrfsuite.Tagger()
            t.open(str(self.path / "model.crfsuite"))
            self._local.tagger = t
        return t

    @property
    def _numpy_crf(self):
        """The CRF in numpy (:mod:`crf_numpy`), for the ensemble's marginals: its weights
        read once per model, its caches (which grow as it tags) one set per thread."""
        c = getattr(self._local, "numpy_crf", None)
        if c is None:
            from marsad.analyze.ner.crf_numpy import CrfWeights, NumpyCrf

            if not hasattr(self, "_crf_weights"):
                self._crf_weights = CrfWeights.read(self._tagger)
            c = self._local.numpy_crf = NumpyCrf(self._crf_weights, self.extractor)
        return c

    @property
    def blocked(self) -> frozenset[str] | None:
        """Override entries contradicted by training data; None when overrides are off."""
        if not hasattr(self, "_blocked"):
            o = self.meta.get("overrides")
            self._blocked = frozenset(o.get("blocked", [])) if o is not None else None
        return self._blocked

    def _post(self, tokens: Sequence[str], labels: list[str],
              scores: list[float] | None = None) -> list[str]:
        """Join organization heads to the name they govern (:mod:`construct`), then apply the
        curated multi-word names (:mod:`overrides`); overridden tokens get score 1.0."""
        if self.blocked is None or self.extractor.gaz is None or not tokens:
            return labels
        from marsad.analyze.ner.construct import join_construct_heads
        from marsad.analyze.ner.overrides import apply_overrides, override_spans

        types = [self.extractor._type(t) for t in tokens]
        keys = [t[2] for t in types]
        if "B-ORG" in labels:
            labels = join_construct_heads(
                labels, [not t[3][0].endswith("ال") and "ORGW" in t[3][3] for t in types],
                [t[3][0] for t in types])
        spans = list(override_spans(self.extractor.gaz, keys, self.blocked,
                                    self.extractor.gaz_spans(keys)))
        if not spans:
            return labels
        new = apply_overrides(labels, spans)
        if scores is not None:
            for i, (a, b) in enumerate(zip(labels, new)):
                if a != b:
                    scores[i] = 1.0
        return new

    @property
    def networks(self) -> list:
        """The BiLSTM-CRF networks of the model directory (``neural.npz``, ``neural2.npz``
        …; none for a CRF-only model). Their label distributions are averaged."""
        if not hasattr(self, "_networks"):
            from marsad.analyze.ner.neural import NeuralTagger, network_stems

            self._networks = [NeuralTagger(self.path, self.extractor, stem)
                              for stem in network_stems(self.path)]
        return self._networks

    @property
    def neural(self):
        """The first network, or None."""
        return self.networks[0] if self.networks else None

    @property
    def neural_weight(self) -> float:
        return float(self.meta.get("ensemble", {}).get("neural_weight", 0.0))

    @property
    def pooling(self) -> str:
        """How the taggers' distributions combine (:func:`decode.pool`); models from
        before it was recorded averaged them."""
        return str(self.meta.get("ensemble", {}).get("pool", "mean"))

    @property
    def ensembled(self) -> bool:
        """True when the neural tagger takes part (it exists and has a weight)."""
        return self.neural_weight > 0 and self.neural is not None

    def _ensemble(self, sents: Sequence[Sequence[str]]):
        """Per sentence: (labels, probabilities) from the CRF's label marginals pooled
        (:attr:`pooling`) with the networks' mean per-token label distribution (softmax of
        their emission scores: better on dev and out-of-fold than their CRF layer's
        marginals, and cheaper), decoded under BIO constraints. Sentences go through the
        networks in batches of similar length."""
        from marsad.analyze.ner.decode import decode_batch, pool, softmax
        from marsad.analyze.ner.lstm import length_batches
        from marsad.analyze.ner.neural import emissions_and_states

        nets = self.networks
        w = self.neural_weight
        how = self.pooling
        context = self.extractor.context
        out: list = [([], None)] * len(sents)
        for idx in length_batches([len(s) for s in sents], 64):
            group = [sents[i] for i in idx]
            per_net, states = emissions_and_states(nets, group, context)
            ctx = context.assign(states) if context is not None else None
            crf = self._numpy_crf.marginals(group, ctx)
            # every step below is per token (row-wise): run on the batch's tokens at once
            cuts = np.cumsum([len(g) for g in group])[:-1]
            nn_p = np.add.reduce([softmax(np.concatenate(ems)) for ems in per_net]) / len(nets)
            ps = np.split(pool(np.concatenate(crf), nn_p, w, how), cuts)
            for i, labels, p in zip(idx, decode_batch(ps), ps):
                out[i] = (self._post(sents[i], labels), p)
        return out

    def tag(self, tokens: Sequence[str]) -> list[str]:
        if not tokens:
            return []
        if self.ensembled:
            return self._ensemble([tokens])[0][0]
        return self._post(tokens, list(self._tagger.tag(self.extractor.sentence(tokens))))

    def tag_sentences(self, sents: Sequence[Sequence[str]], batch: int = 64) -> list[list[str]]:
        if not self.ensembled:
            return [self.tag(s) for s in sents]
        return [lab for lab, _ in self._ensemble(sents)]

    def tag_with_scores(self, tokens: Sequence[str]) -> tuple[list[str], list[float]]:
        """Labels and each label's marginal probability."""
        if not tokens:
            return [], []
        if self.ensembled:
            return self.tag_with_scores_many([tokens])[0]
        t = self._tagger
        labels = list(t.tag(self.extractor.sentence(tokens)))
        scores = [t.marginal(y, i) for i, y in enumerate(labels)]
        return self._post(tokens, labels, scores), scores

    def tag_with_scores_many(self, sents: Sequence[Sequence[str]]
                             ) -> list[tuple[list[str], list[float]]]:
        """:meth:`tag_with_scores` for a whole article at once (batched network)."""
        if not self.ensembled:
            return [self.tag_with_scores(s) for s in sents]
        from marsad.analyze.ner.neural import LABELS

        idx = {lab: j for j, lab in enumerate(LABELS)}
        out: list[tuple[list[str], list[float]]] = []
        for labels, p in self._ensemble(sents):
            if p is None:
                out.append((labels, []))
                continue
            sc = [float(p[i, idx[y]]) for i, y in enumerate(labels)]
            out.append((labels, [1.0 if x < 1e-6 else x for x in sc]))
        return out

    def rank(self, key: str) -> int:
        """Frequency rank of a matching key in the unlabelled news (large if unseen)."""
        r = getattr(self, "_rank", None)
        if r is None:
            cl = self.extractor.clusters or {}
            r = self._rank = {k: i for i, k in enumerate(cl)}
        return r.get(key, 10**9)


def load_model(path: str | Path | None = None) -> NerModel:
    """The model in ``path`` (default: the one shipped in the package)."""
    p = Path(path) if path else DEFAULT_MODEL_DIR
    if not (p / "model.crfsuite").exists() or not (p / "meta.json").exists():
        raise ResourceMissing(f"NER model in {p}", fix=TRAIN_CMD)
    meta = json.loads((p / "meta.json").read_text(encoding="utf-8"))
    settings = FeatureSettings(**meta.get("features", {}))
    extractor = load_extractor(settings)
    if settings.memory:
        from marsad.analyze.ner.memory import MEMORY_FILE, read_memory

        if not (p / MEMORY_FILE).exists():
            raise ResourceMissing(f"NER name memory {p / MEMORY_FILE}", fix=TRAIN_CMD)
        extractor.memory = read_memory(p / MEMORY_FILE)
    model = NerModel(p, meta, extractor)
    _ = model._tagger  # open now so a broken file fails at load, not at first use
    _ = model.neural
    if model.ensembled:
        _ = model._numpy_crf
    return model
