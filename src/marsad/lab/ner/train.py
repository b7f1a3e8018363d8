"""Training the CRF tagger from CoNLL data, and the model directory it writes.

``meta.json`` records what is needed to reproduce and judge a model: sha256 of the
training and dev data, feature and trainer settings, the sha256 of the shipped clusters
and gazetteer it depends on, and the dev scores.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from marsad.analyze.ner.conll import ConllSentence, format_conll
from marsad.analyze.ner.context import CONTEXT_FILE
from marsad.analyze.ner.features import FeatureSettings
from marsad.analyze.ner.gazetteer import RESOURCES, Gazetteer
from marsad.analyze.ner.memory import MEMORY_FILE
from marsad.analyze.ner.scorer import score_sentences
from marsad.analyze.ner.tagger import load_extractor, load_model


@dataclass(frozen=True)
class TrainSettings:
    c1: float = 0.02
    c2: float = 0.01
    max_iterations: int = 200
    dev_fraction: float = 0.1
    # also train on a copy of each sentence where entity tokens lose their word-identity
    # features, so the model learns to tag unseen names from clusters, affixes and context
    augment: bool = False
    features: FeatureSettings = field(default_factory=FeatureSettings)


_IDENTITY = ("w=", "s=", "core=", "wb=", "wa=")


def mask_identity(xseq: list[list[str]], labels: Sequence[str]) -> list[list[str]]:
    """The features of a sentence with the word-identity features of entity tokens removed."""
    return [[f for f in x if not f.startswith(_IDENTITY)] if lab != "O" else x
            for x, lab in zip(xseq, labels)]


def split_dev(sents: Sequence[ConllSentence], fraction: float) -> tuple[list, list]:
    """The last ``fraction`` of sentences as dev (the corpus is ordered by article, so this
    keeps dev articles unseen, like the held-out test portion)."""
    n_dev = round(len(sents) * fraction)
    cut = len(sents) - n_dev
    return list(sents[:cut]), list(sents[cut:])


def sha256_text(sents: Sequence[ConllSentence]) -> str:
    text = format_conll((s.tokens, s.labels) for s in sents)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_file(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def train_crf(train: Sequence[ConllSentence], dev: Sequence[ConllSentence], out: Path,
              settings: TrainSettings = TrainSettings(), *, source: str = "",
              log=lambda m: None) -> dict:
    """Train, write ``out/model.crfsuite`` and ``out/meta.json``; returns the meta."""
    import pycrfsuite

    out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    ext = load_extractor(settings.features)
    trainer = pycrfsuite.Trainer(verbose=False)

    def key(tok: str) -> str:
        return ext._type(tok)[2]

    if settings.features.memory:
        from marsad.analyze.ner.memory import folds

        # each part featurized with the others' memory
        parts: Iterable[tuple[list[ConllSentence], Gazetteer | None]] = folds(train, key)
    else:
        parts = [(list(train), None)]
    for part, memory in parts:
        ext.memory = memory
        ctx = ext.context_labels([s.tokens for s in part]) or [None] * len(part)
        for s, c in zip(part, ctx):
            xseq = ext.sentence(s.tokens, c)
            trainer.append(xseq, s.labels)
            if settings.augment and any(lab != "O" for lab in s.labels):
                trainer.append(mask_identity(xseq, s.labels), s.labels)
    ext.memory = None
    if settings.features.memory:
        from marsad.analyze.ner.gazetteer import write_phrases
        from marsad.analyze.ner.memory import build_memory

        write_phrases(out / MEMORY_FILE, build_memory(train, key))
    trainer.set_params({"c1": settings.c1, "c2": settings.c2,
                        "max_iterations": settings.max_iterations,
                        "feature.possible_transitions": True})
    log(f"features for {len(train)} sentences in {time.time() - t0:.1f}s; training")
    trainer.train(str(out / "model.crfsuite"))
    train_seconds = time.time() - t0
    meta = {
        "kind": "crf",
        "source": source,
        "train_sha256": sha256_text(train),
        "dev_sha256": sha256_text(dev) if dev else None,
        "train_sentences": len(train),
        "train_tokens": sum(len(s.tokens) for s in train),
        "dev_sentences": len(dev),
        "dev_tokens": sum(len(s.tokens) for s in dev),
        "features": settings.features.as_dict(),
        "trainer": {k: v for k, v in asdict(settings).items() if k != "features"},
        "resources": {
            settings.features.clusters_file: sha256_file(RESOURCES / settings.features.clusters_file),
            "places.tsv.gz": sha256_file(RESOURCES / "places.tsv.gz"),
            **({CONTEXT_FILE: sha256_file(RESOURCES / CONTEXT_FILE)}
               if settings.features.context else {}),
        },
        "train_seconds": round(train_seconds, 1),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    (out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    if dev:
        model = load_model(out)
        pred = model.tag_sentences([s.tokens for s in dev])
        score = score_sentences([s.labels for s in dev], pred)
        meta["dev_scores"] = score.as_dict()
        (out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2),
                                       encoding="utf-8")
    return meta


ENSEMBLE_WEIGHTS = (0.4, 0.5, 0.6, 0.7, 0.8)


def choose_neural_weight(model_dir: Path, dev: Sequence[ConllSentence],
                         pool: str = "geometric") -> tuple[float, dict]:
    """The weight of the neural marginals (vs the CRF's) that scores best on dev, and the
    scores of every weight tried (0 = CRF alone, 1 = neural alone), pooled ``pool``."""
    model = load_model(model_dir)
    model.meta["ensemble"] = {"pool": pool}
    gold = [s.labels for s in dev]
    toks = [s.tokens for s in dev]
    tried: dict[str, float] = {}
    best = (-1.0, 0.5)
    for w in (0.0, *ENSEMBLE_WEIGHTS, 1.0):
        model.meta["ensemble"]["neural_weight"] = w
        if w > 0 and model.neural is None:
            break
        f1 = score_sentences(gold, model.tag_sentences(toks)).overall.f1
        tried[str(w)] = round(f1, 2)
        if w in ENSEMBLE_WEIGHTS and f1 > best[0]:
            best = (f1, w)
    return best[1], tried


def _copy_neural(src: Path, out: Path) -> dict:
    """Put the network of an earlier model directory into ``out``; its training record."""
    import shutil

    from marsad.analyze.ner.neural import network_stems

    stems = network_stems(src)
    if not stems or not (src / "neural.json").exists():
        from marsad.errors import InputError

        raise InputError(f"no neural.npz/neural.json in {src} "
                         "(expected a model directory trained with --neural)")
    for stem in stems:
        for f in (f"{stem}.npz", f"{stem}.json"):
            shutil.copy(src / f, out / f)
    m = src / "meta.json"
    info = json.loads(m.read_text(encoding="utf-8")).get("neural", {}) if m.exists() else {}
    return {**info, "copied_from": str(src)}


def train_ner(train: Sequence[ConllSentence], dev: Sequence[ConllSentence], out: Path,
              settings: TrainSettings = TrainSettings(), *, neural: bool = False,
              vectors: Path | None = None, refit: bool = False, source: str = "",
              reuse_neural: tuple[Path, Path] | None = None,
              neural_weight: float | None = None, networks: int = 1,
              pool: str = "geometric", neural_settings=None, self_train=None,
              news=None, log=lambda m: None) -> dict:
    """The whole recipe behind ``marsad train ner``: CRF, then (``neural``) the BiLSTM-CRF
    and the ensemble weight chosen on dev; ``refit`` then retrains both on train+dev with
    the chosen settings (dev scores stay those of the models that did not see dev).

    ``reuse_neural=(split_dir, full_dir)`` skips training the network (~1 h): the weight is
    chosen on dev with the network of ``split_dir`` (trained on the same train split), and
    the network of ``full_dir`` (refit on train+dev) ships. Only valid when the network's
    inputs did not change (they do not depend on the CRF-only settings, e.g. ``kb``).
    ``neural_weight`` fixes the ensemble weight instead of taking the dev-best one (the
    scores of all weights are still recorded). ``networks`` trains that many networks
    (seeds ``seed``, ``seed + 1`` …) whose label distributions the model averages.
    ``pool`` is how the CRF's and the networks' distributions combine
    (:func:`decode.pool`). ``self_train`` (a :class:`selftrain.SelfTrainSettings`, with
    ``neural``) then retrains the networks on the training data plus news sentences that
    the ensemble just trained tagged (:mod:`selftrain`), split and refit alike; ``news`` is
    the unlabelled Documents to sample (default: SaudiNewsNet from the shared data)."""
    if self_train is not None and (not neural or reuse_neural is not None):
        raise ValueError("self-training retrains the network: it needs neural=True "
                         "and no reuse_neural")
    if reuse_neural is not None and any(Path(d).resolve() == out.resolve() for d in reuse_neural):
        from marsad.errors import InputError

        raise InputError("--reuse-neural needs copies of the networks outside --out "
                         "(the output directory is cleared first)")
    if out.exists():
        for stale in [*out.glob("neural*.npz"), *out.glob("neural*.json"),
                      *out.glob("best_neural*"), *out.glob(MEMORY_FILE)]:
            stale.unlink()
    meta = train_crf(train, dev, out, settings, source=source, log=log)
    if dev:
        log(f"CRF dev F1 {meta['dev_scores']['overall']['f1']}")
    if settings.features.gazetteer:
        meta["overrides"] = {"blocked": blocked_overrides(train, settings)}
        _write_meta(out, meta)
        if dev:
            meta["crf_dev_scores_without_overrides"] = meta["dev_scores"]
            model = load_model(out)
            meta["dev_scores"] = score_sentences(
                [s.labels for s in dev], model.tag_sentences([s.tokens for s in dev])).as_dict()
            _write_meta(out, meta)
            log(f"CRF + overrides dev F1 {meta['dev_scores']['overall']['f1']}")
    if reuse_neural is not None:
        split_dir, full_dir = reuse_neural
        meta["crf_dev_scores"] = meta.get("dev_scores")
        meta["neural"] = _copy_neural(split_dir, out)
        _settle_ensemble(out, dev, meta, neural_weight, pool, log)
        if refit and dev:
            log("refitting the CRF on train+dev; shipping the network of " + str(full_dir))
            full = [*train, *dev]
            crf_meta = train_crf(full, [], out, settings, source=source, log=log)
            _copy_neural(full_dir, out)
            full_meta = full_dir / "meta.json"
            old = json.loads(full_meta.read_text(encoding="utf-8")) if full_meta.exists() else {}
            meta["refit"] = {"sentences": len(full), "train_sha256": crf_meta["train_sha256"],
                             "neural_from": str(full_dir),
                             "neural_epochs": old.get("refit", {}).get("neural_epochs")}
            if "overrides" in meta:
                meta["overrides"] = {"blocked": blocked_overrides(full, settings)}
            _write_meta(out, meta)
    elif neural:
        from marsad.analyze.ner.clusters import default_vectors_path
        from marsad.analyze.ner.neural import network_stem
        from marsad.lab.ner.neural_train import NeuralSettings, train_neural

        ns = neural_settings or NeuralSettings()
        ext = load_extractor(settings.features)
        vec_path = vectors or default_vectors_path()

        def train_networks(data, dev_part, epochs=None):
            infos = []
            for k in range(1, networks + 1):
                nsk = replace(ns, seed=ns.seed + k - 1)
                if epochs is not None:
                    nsk = replace(nsk, epochs=epochs[k - 1])
                log(f"network {k} of {networks} (seed {nsk.seed}, {len(data)} sentences)")
                infos.append(train_neural(data, dev_part, out, ext, vec_path, nsk, log=log,
                                          stem=network_stem(k)))
            return infos

        def pseudo(stage: str, news_sents: list[list[str]]) -> list[ConllSentence]:
            """The model now in ``out`` tags the news: its confident sentences."""
            from marsad.lab.ner.selftrain import pseudo_label

            extra, stats = pseudo_label(load_model(out).tag_with_scores_many, news_sents,
                                        self_train)
            log(f"self-training ({stage}): {stats['used']} pseudo-labelled sentences "
                f"({stats['confident']} confident of {stats['with_names']} with names, "
                f"{stats['news_sentences']} news sentences)")
            meta["self_training"][stage] = stats
            return extra

        infos = train_networks(train, dev)
        meta["crf_dev_scores"] = meta.get("dev_scores")
        meta["neural"] = infos[0]
        meta["networks"] = infos
        _settle_ensemble(out, dev, meta, neural_weight, pool, log)
        teacher_epochs = [i["best_epoch"] for i in infos]
        if self_train is not None:
            from marsad.lab.ner.selftrain import news_sentences

            if news is None:
                from marsad.lab.corpora.snn import iter_documents

                news = iter_documents()  # SaudiNewsNet, from the shared data
            news_sents = news_sentences(news, self_train)
            teacher = dict(meta["ensemble"])
            meta["self_training"] = {"settings": self_train.as_dict(), "teacher": {
                "ensemble": teacher, "dev_scores": meta.get("dev_scores"), "neural": infos[0]}}
            infos = train_networks([*train, *pseudo("split", news_sents)], dev)
            meta["neural"] = infos[0]
            meta["networks"] = infos
            _settle_ensemble(out, dev, meta, neural_weight, pool, log)
        if refit and dev:
            log("refitting the CRF and the neural tagger on train+dev")
            full = [*train, *dev]
            crf_meta = train_crf(full, [], out, settings, source=source, log=log)
            if "overrides" in meta:
                meta["overrides"] = {"blocked": blocked_overrides(full, settings)}
            train_networks(full, [], teacher_epochs)
            epochs = teacher_epochs
            if self_train is not None:
                student = meta["ensemble"]
                meta["ensemble"] = teacher
                _write_meta(out, meta)
                epochs = [i["best_epoch"] for i in infos]
                train_networks([*full, *pseudo("refit", news_sents)], [], epochs)
                meta["ensemble"] = student
            meta["refit"] = {"sentences": len(full), "train_sha256": crf_meta["train_sha256"],
                             "neural_epochs": epochs[0], "network_epochs": epochs}
            _write_meta(out, meta)
    elif refit and dev:
        log("refitting the CRF on train+dev")
        dev_scores = meta.get("dev_scores")
        full = [*train, *dev]
        crf_meta = train_crf(full, [], out, settings, source=source, log=log)
        meta["refit"] = {"sentences": len(full), "train_sha256": crf_meta["train_sha256"]}
        if "overrides" in meta:
            meta["overrides"] = {"blocked": blocked_overrides(full, settings)}
        meta["dev_scores"] = dev_scores
        _write_meta(out, meta)
    return meta


def blocked_overrides(train: Sequence[ConllSentence], settings: TrainSettings) -> list[str]:
    """Curated multi-word names that the training annotation contradicts (see
    :mod:`overrides`); none when the features use no gazetteer."""
    from marsad.analyze.ner.overrides import contradicted_entries

    ext = load_extractor(settings.features)
    if ext.gaz is None:
        return []
    keyed = (([ext._type(t)[2] for t in s.tokens], s.labels) for s in train)
    return contradicted_entries(ext.gaz, keyed)


def _settle_ensemble(out: Path, dev: Sequence[ConllSentence], meta: dict, neural_weight: float | None,
                     pool: str, log: Callable[[str], None]) -> None:
    """Choose the CRF/neural mixing weight on dev (unless given), record it and the
    ensemble's dev scores in ``meta`` and write it."""
    w, tried = choose_neural_weight(out, dev, pool) if dev else (0.5, {})
    w = w if neural_weight is None else neural_weight
    meta["ensemble"] = {"neural_weight": w, "pool": pool, "dev_f1_by_weight": tried}
    _write_meta(out, meta)
    if dev:
        model = load_model(out)
        meta["dev_scores"] = score_sentences(
            [s.labels for s in dev], model.tag_sentences([s.tokens for s in dev])).as_dict()
        _write_meta(out, meta)
        log(f"ensemble ({pool}, neural weight {w}) dev F1 {meta['dev_scores']['overall']['f1']}")


def _write_meta(out: Path, meta: dict) -> None:
    (out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
