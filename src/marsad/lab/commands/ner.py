"""NER lab commands: ``marsad train ner``, ``marsad train ner-resources``,
``marsad train ner-context``, ``marsad eval ner``, ``marsad bench ner``."""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

from marsad.cli.ner import _read
from marsad.errors import InputError


def register(groups: dict) -> None:
    p = groups["train"].add_parser(
        "ner", help="train the NER tagger from CoNLL data",
        description="Train the CRF NER tagger. Default data: ANERcorp train.conll from the "
        "shared data, with its last 10%% of sentences as the dev set.")
    p.add_argument("--train", type=Path, help="CoNLL training file (token ... LABEL)")
    p.add_argument("--dev", type=Path, help="CoNLL dev file (default: split off --train)")
    p.add_argument("--dev-fraction", type=float, default=0.1,
                   help="fraction of sentences (from the end) held out as dev when --dev is not given")
    p.add_argument("--out", type=Path, default=Path("ner-model"),
                   help="model directory to write (default ./ner-model; the shipped model is "
                   "src/marsad/resources/ner/model)")
    p.add_argument("--c1", type=float, default=None, help="L1 penalty")
    p.add_argument("--c2", type=float, default=None, help="L2 penalty")
    p.add_argument("--iterations", type=int, default=None, help="max L-BFGS iterations")
    p.add_argument("--limit", type=int, default=None,
                   help="use only the first N training sentences (quick runs)")
    p.add_argument("--neural", action="store_true",
                   help="also train the BiLSTM-CRF (needs torch, training only) and ensemble it "
                   "with the CRF, the weight chosen on dev")
    p.add_argument("--refit", action="store_true",
                   help="after scoring on dev, retrain on train+dev with the same settings "
                   "(how the shipped model is made; meta.json keeps the dev scores)")
    p.add_argument("--vectors", type=Path, default=None,
                   help="word vectors from `marsad train ner-resources` (for --neural)")
    p.add_argument("--plain", action="store_true",
                   help="the plain-CRF baseline: word, affix and shape features only "
                   "(no word clusters, no gazetteer)")
    p.add_argument("--no-kb", action="store_true",
                   help="leave out the knowledge-base alias/nisba features (the pre-KB recipe)")
    p.add_argument("--context", action="store_true",
                   help="add the contextual clusters of `marsad train ner-context` to the CRF")
    p.add_argument("--memory", action="store_true",
                   help="give the CRF the training data's own names, jackknifed: each fifth of "
                   "the sentences sees the names tagged in the other four (written to "
                   "memory.tsv in the model directory)")
    p.add_argument("--reuse-neural", nargs=2, type=Path, metavar=("SPLIT_DIR", "FULL_DIR"),
                   help="do not train the network: choose the ensemble weight on dev with the "
                   "network in SPLIT_DIR (trained on the same train split) and ship the one in "
                   "FULL_DIR (refit on train+dev); for CRF-only changes")
    p.add_argument("--networks", type=int, default=1,
                   help="with --neural: train this many networks (seeds 7, 8 …) and average "
                        "them (the shipped model has one)")
    p.add_argument("--neural-weight", type=float, default=None,
                   help="fix the ensemble weight of the network (default: the dev-best of "
                   "0.4-0.8; every weight's dev F1 is recorded either way)")
    p.add_argument("--pool", choices=("geometric", "mean"), default="geometric",
                   help="how the CRF's and the network's label distributions combine: their "
                   "weighted geometric mean (default) or their weighted average")
    p.add_argument("--self-train", action="store_true",
                   help="with --neural: then retrain the network on the training data plus "
                   "news sentences (SaudiNewsNet) that the trained ensemble tagged confidently")
    p.add_argument("--self-train-sentences", type=int, default=None, metavar="N",
                   help="pseudo-labelled news sentences to add (default 6000)")
    p.add_argument("--self-train-min-score", type=float, default=None, metavar="P",
                   help="keep a news sentence only if every token's label has at least this "
                   "probability (default 0.7)")
    p.set_defaults(func=cmd_train)

    p = groups["train"].add_parser(
        "ner-resources", help="rebuild the NER word clusters and place gazetteer",
        description="Learn word clusters from unlabelled news (SaudiNewsNet + topic corpus "
        "texts) and build the place gazetteer; writes into --out (default: the package's "
        "resources/ner). Takes a few minutes on one core.")
    p.add_argument("--out", type=Path, default=None)
    p.add_argument("--vectors", type=Path, default=None,
                   help="where to keep the full word vectors for `marsad train ner --neural` "
                   "(default: $MARSAD_CACHE or ~/.cache/marsad, ner/vectors.npz)")
    p.set_defaults(func=cmd_resources)

    p = groups["train"].add_parser(
        "ner-context", help="train the contextual word clusters of the NER CRF",
        description="Train a small bidirectional LSTM language model on the unlabelled news "
        "(needs torch, training only) and k-means its states; writes context.npz into --out "
        "(default: the package's resources/ner). Needs the word vectors of `marsad train "
        "ner-resources`. About half an hour on two cores.")
    p.add_argument("--out", type=Path, default=None)
    p.add_argument("--vectors", type=Path, default=None,
                   help="word vectors from `marsad train ner-resources`")
    p.add_argument("--steps", type=int, default=None, help="training batches (default 8000)")
    p.add_argument("--limit", type=int, default=None,
                   help="read only the first N texts of the corpora (quick runs)")
    p.set_defaults(func=cmd_context)

    p = groups["eval"].add_parser(
        "ner", help="score NER on a gold CoNLL file",
        description="Entity-level precision, recall and F1 per type and overall, conlleval "
        "rules (exact span and type). Tags FILE with the model unless --pred is given.")
    p.add_argument("file", type=Path, help="gold CoNLL file (label in the last column)")
    p.add_argument("--pred", type=Path, help="predicted CoNLL file to score instead of tagging")
    p.add_argument("--model", type=Path, help="model directory (default: the shipped model)")
    p.add_argument("--types", default=None,
                   help="comma-separated types to score, e.g. PERS,LOC,ORG (others ignored)")
    p.add_argument("--json", action="store_true", help="print the scores as JSON")
    p.set_defaults(func=cmd_eval)

    p = groups["bench"].add_parser(
        "ner", help="NER throughput (tokens/s on one core) and model memory",
        description="Tag a CoNLL file (default: the ANERcorp training file, else the "
        "reference article) on one core and print tokens/s, load time and memory. Tokens/s "
        "twice: one article (30 sentences) per call, as one document through the pipeline, "
        "and 64 articles per call, as Pipeline.pipe's NER stage tags a batch of documents.")
    p.add_argument("--file", type=Path, help="CoNLL file to tag")
    p.add_argument("--model", type=Path, help="model directory (default: the shipped model)")
    p.add_argument("--repeat", type=int, default=1)
    p.set_defaults(func=cmd_bench)


TYPES = ("PERS", "LOC", "ORG", "MISC")


def _self_train_settings(args: argparse.Namespace):
    """The self-training settings the flags ask for, or None."""
    from dataclasses import replace

    from marsad.lab.ner.selftrain import SelfTrainSettings

    tuned = args.self_train_sentences is not None or args.self_train_min_score is not None
    if not args.self_train:
        if tuned:
            raise InputError("--self-train-sentences/--self-train-min-score need --self-train")
        return None
    if not args.neural or args.reuse_neural:
        raise InputError("--self-train retrains the network: add --neural "
                         "(and leave out --reuse-neural)")
    s = SelfTrainSettings()
    if args.self_train_sentences is not None:
        if args.self_train_sentences < 1:
            raise InputError("--self-train-sentences must be 1 or more")
        s = replace(s, sentences=args.self_train_sentences)
    if args.self_train_min_score is not None:
        if not 0 <= args.self_train_min_score <= 1:
            raise InputError("--self-train-min-score must be in [0, 1]")
        s = replace(s, min_score=args.self_train_min_score)
    return s


def cmd_train(args: argparse.Namespace) -> int:
    from marsad.analyze.ner.features import FeatureSettings
    from marsad.data import corpus_path
    from marsad.lab.ner.train import TrainSettings, split_dev, train_ner

    self_train = _self_train_settings(args)  # flag errors before reading any data
    train_path = args.train or corpus_path("anercorp", "train.conll")
    sents = _read(train_path, labelled=True)
    if args.dev:
        train, dev = sents, _read(args.dev, labelled=True)
    else:
        if not 0 <= args.dev_fraction < 1:
            raise InputError("--dev-fraction must be in [0, 1)")
        train, dev = split_dev(sents, args.dev_fraction)
    if args.limit:
        train = train[: args.limit]
    if not train:
        raise InputError("no training sentences", source=str(train_path))
    if args.networks < 1:
        raise InputError("--networks must be 1 or more")
    if args.neural_weight is not None and not 0 <= args.neural_weight <= 1:
        raise InputError("--neural-weight must be in [0, 1]")
    base = TrainSettings()
    if args.plain:
        features = FeatureSettings(clusters=False, gazetteer=False)
    else:
        features = FeatureSettings(kb=not args.no_kb, context=args.context, memory=args.memory)
    settings = TrainSettings(
        c1=base.c1 if args.c1 is None else args.c1,
        c2=base.c2 if args.c2 is None else args.c2,
        max_iterations=base.max_iterations if args.iterations is None else args.iterations,
        dev_fraction=0.0 if args.dev else args.dev_fraction,
        features=features,
    )
    if args.neural:
        try:
            import torch  # noqa: F401
        except ImportError:
            from marsad.errors import ResourceMissing

            raise ResourceMissing("torch (needed to train the neural tagger, not to run it)",
                                  fix="pip install torch==2.13.0") from None
    meta = train_ner(train, dev, args.out, settings, neural=args.neural, vectors=args.vectors,
                     refit=args.refit, source=str(train_path),
                     reuse_neural=tuple(args.reuse_neural) if args.reuse_neural else None,
                     neural_weight=args.neural_weight, networks=args.networks,
                     pool=args.pool, self_train=self_train,
                     log=lambda m: print(m, file=sys.stderr, flush=True))
    print(f"model written to {args.out} ({meta['train_sentences']} sentences, "
          f"{meta['train_tokens']} tokens, {meta['train_seconds']}s)")
    if meta.get("dev_scores"):
        from marsad.analyze.ner.scorer import Score

        print(f"dev ({meta['dev_sentences']} sentences, {meta['dev_tokens']} tokens):")
        print(Score.from_dict(meta["dev_scores"], meta["dev_tokens"]).table())
        if meta.get("refit"):
            print(f"then refit on train+dev ({meta['refit']['sentences']} sentences)")
    return 0


def cmd_resources(args: argparse.Namespace) -> int:
    from marsad.analyze.ner.clusters import default_vectors_path
    from marsad.analyze.ner.gazetteer import PLACES_FILE, RESOURCES, build_places, write_phrases
    from marsad.analyze.ner.tagger import CLUSTERS_FILE
    from marsad.data import corpus_path
    from marsad.lab.ner.clusters_train import ClusterSettings, build_clusters

    out = args.out or RESOURCES
    out.mkdir(parents=True, exist_ok=True)
    paths = [corpus_path("saudinewsnet", "articles.jsonl.gz"), corpus_path("topics", "train.jsonl.gz")]
    vectors = args.vectors or default_vectors_path()
    summary = build_clusters(paths, out / CLUSTERS_FILE, ClusterSettings(), emb_out=vectors,
                             log=lambda m: print(m, file=sys.stderr))
    summary["vectors"] = str(vectors)
    summary["corpora"] = ["saudinewsnet/articles.jsonl.gz", "topics/train.jsonl.gz"]
    with gzip.open(out / CLUSTERS_FILE, "rt", encoding="utf-8") as f:
        words = [line.split("\t", 1)[0] for line in f]  # most frequent first
    places = build_places(words)
    write_phrases(out / PLACES_FILE, places)
    summary["places"] = len(places)
    summary = {k: summary[k] for k in ("texts", "tokens", "words", "settings", "places",
                                       "vectors", "corpora")}
    (out / "resources.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2),
                                        encoding="utf-8")
    print(json.dumps(summary, ensure_ascii=False))
    return 0


def cmd_context(args: argparse.Namespace) -> int:
    import dataclasses
    import itertools

    from marsad.analyze.ner.clusters import default_vectors_path
    from marsad.analyze.ner.context import CONTEXT_FILE
    from marsad.analyze.ner.gazetteer import RESOURCES
    from marsad.data import corpus_path
    from marsad.lab.ner.clusters_train import iter_corpus_texts
    from marsad.lab.ner.context_train import ContextSettings, build_context

    settings = ContextSettings()
    if args.steps is not None:
        settings = dataclasses.replace(settings, steps=args.steps)
    paths = [corpus_path("saudinewsnet", "articles.jsonl.gz"), corpus_path("topics", "train.jsonl.gz")]
    texts = iter_corpus_texts(paths)
    if args.limit is not None:
        texts = itertools.islice(texts, args.limit)
    out = (args.out or RESOURCES) / CONTEXT_FILE
    summary = build_context(texts, args.vectors or default_vectors_path(), out, settings,
                            log=lambda m: print(m, file=sys.stderr))
    print(json.dumps(summary, ensure_ascii=False))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from marsad.analyze.ner.scorer import score_sentences

    gold = _read(args.file, labelled=True)
    if args.pred:
        pred_s = _read(args.pred, labelled=True)
        if [s.tokens for s in pred_s] != [s.tokens for s in gold]:
            raise InputError("tokens or sentence breaks differ from the gold file",
                             source=str(args.pred))
        pred = [s.labels for s in pred_s]
    else:
        from marsad.analyze.ner.tagger import load_model

        model = load_model(args.model)
        pred = model.tag_sentences([s.tokens for s in gold])
    types = None
    if args.types:
        types = [t.strip().upper().replace("PER", "PERS").replace("PERSS", "PERS")
                 for t in args.types.split(",") if t.strip()]
        bad = [t for t in types if t not in TYPES]
        if bad:
            raise InputError(f"unknown type(s) {bad}; known: {', '.join(TYPES)}")
    score = score_sentences([s.labels for s in gold], pred, types=types)
    if args.json:
        print(json.dumps(score.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(f"{args.file}: {len(gold)} sentences")
        print(score.table())
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from marsad.data import data_root
    from marsad.lab.ner.bench import bench

    if args.file:
        sents = [s.tokens for s in _read(args.file, labelled=False)]
        what = str(args.file)
    else:
        path = data_root() / "anercorp" / "train.conll"
        if path.exists():
            sents = [s.tokens for s in _read(path, labelled=False)]
            what = str(path)
        else:
            from marsad.data import shared_path
            from marsad.text.segment import tokenize

            art = shared_path("samples", "article-ar-001.txt")
            if not art.exists():
                raise InputError("no input to benchmark: pass --file FILE.conll")
            sents = [[t.text for t in tokenize(line)] for line in
                     art.read_text(encoding="utf-8").splitlines() if line.strip()] * 50
            what = f"{art} x50"
    result = bench(sents, args.model, repeat=max(1, args.repeat))
    print(f"input: {what}")
    print(result.report())
    return 0
