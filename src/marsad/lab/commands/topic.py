"""Topic lab commands: ``marsad train|eval|bench topic`` and ``marsad train keywords`` (the
document-frequency table keywords and summaries use)."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from marsad.cli.topic import CHUNK, _log


def register(groups: dict) -> None:
    t = groups["train"].add_parser(
        "topic", help="train the topic classifier",
        description="Train the topic classifier on labelled JSON lines (default: the topics "
        "corpus) and write model.npz + model.json. Uses one core.",
    )
    t.add_argument("--train", type=Path, help="labelled JSON lines (.gz ok); default: "
                   "topics/train.jsonl.gz under MARSAD_DATA")
    t.add_argument("--out", type=Path, help="output folder (default: the package's resources)")
    t.add_argument("--limit", type=int, help="use only the first N articles (quick runs)")
    t.add_argument("--c", type=float, default=1.0, help="SVM C (default 1.0)")
    t.add_argument("--max-features", type=int, default=60_000)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--no-refit", action="store_true", help="ship the model fitted on 80%% only")
    t.add_argument("--ood-proxy", action="store_true",
                   help="also score cross-corpus and leave-one-source-out (slow: ~7 more fits)")
    t.set_defaults(func=cmd_train)

    e = groups["eval"].add_parser(
        "topic", help="score the topic classifier on labelled JSON lines",
        description="Accuracy, macro-F1, per-class scores and the confusion matrix on FILE "
        "(each line needs \"text\" and \"label\").",
    )
    e.add_argument("file", type=Path, metavar="FILE.jsonl")
    e.add_argument("--model", type=Path)
    e.add_argument("--json", action="store_true", help="print the scores as JSON")
    e.set_defaults(func=cmd_eval)

    b = groups["bench"].add_parser(
        "topic", help="topic classification throughput (articles/s, one core)",
    )
    b.add_argument("--file", type=Path, help="JSON lines to classify (default: topics corpus)")
    b.add_argument("-n", type=int, default=3000, help="articles to classify (default 3000)")
    b.add_argument("--model", type=Path)
    b.set_defaults(func=cmd_bench)

    k = groups["train"].add_parser(
        "keywords", help="rebuild the document-frequency table for keywords and summaries",
        description="Count in how many articles each stem occurs, over the topics and "
        "SaudiNewsNet corpora (or the given JSON-lines files), and write df.tsv.gz.",
    )
    k.add_argument("files", type=Path, nargs="*", metavar="FILE.jsonl")
    k.add_argument("--out", type=Path, help="output folder (default: the package's resources)")
    k.add_argument("--min-df", type=int, default=3)
    k.set_defaults(func=cmd_train_keywords)


def cmd_train(args: argparse.Namespace) -> int:
    from marsad.analyze.topic.data import read_articles
    from marsad.analyze.topic.model import default_model_dir
    from marsad.data import corpus_path
    from marsad.errors import InputError
    from marsad.lab.topic.train import TrainConfig, data_hash, ood_proxies, train_topic_model

    path = args.train or corpus_path("topics", "train.jsonl.gz")
    arts = read_articles(path, require_label=True, limit=args.limit)
    if len(arts) < 10:
        raise InputError(f"only {len(arts)} labelled articles: too few to train", source=str(path))
    cfg = TrainConfig(c=args.c, max_features=args.max_features, seed=args.seed,
                      refit=not args.no_refit)
    _log(f"training on {len(arts)} articles from {path}")
    from marsad.lab.topic.train import FeatureTable

    table = FeatureTable.build([a for a in arts if a.label])
    try:
        model, report = train_topic_model(arts, cfg, log=_log, table=table)
    except ValueError as exc:
        raise InputError(str(exc), source=str(path)) from None
    report["data"] = {"path": path.name, "sha1": data_hash(path), "limit": args.limit}
    if args.ood_proxy:
        report["ood_proxy"] = ood_proxies(arts, cfg, log=_log, table=table)
    model.meta = report
    out = args.out or default_model_dir()
    f = model.save(out)
    _log(f"wrote {f} ({f.stat().st_size / 1e6:.2f} MB, {len(model.vocab)} features)")
    return 0


def _scores(args: argparse.Namespace):
    from marsad.analyze.topic.data import read_articles
    from marsad.analyze.topic.model import load_model
    from marsad.errors import InputError
    from marsad.lab.topic.metrics import score

    arts = read_articles(args.file, require_label=True)
    if not arts:
        raise InputError("no articles", source=str(args.file))
    model = load_model(args.model)
    preds = []
    for i in range(0, len(arts), CHUNK):
        preds.extend(model.predict([(a.title, a.text) for a in arts[i : i + CHUNK]]))
    gold = [a.label for a in arts if a.label is not None]  # all of them (require_label)
    return score(gold, [p.label for p in preds], labels=model.labels,
                 confidence=[p.score for p in preds])


def cmd_eval(args: argparse.Namespace) -> int:
    from marsad.lab.topic.metrics import format_scores

    s = _scores(args)
    if args.json:
        print(json.dumps(s.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_scores(s))
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from marsad.analyze.topic.data import read_articles
    from marsad.analyze.topic.model import MODEL_FILE, TopicModel, default_model_dir
    from marsad.data import corpus_path

    path = args.file or corpus_path("topics", "train.jsonl.gz")
    arts = read_articles(path, limit=args.n)
    t0 = time.perf_counter()
    model = TopicModel.load(args.model)
    load_s = time.perf_counter() - t0
    docs = [(a.title, a.text) for a in arts]
    chars = sum(len(t or "") + len(x) for t, x in docs)
    t0 = time.perf_counter()
    for i in range(0, len(docs), CHUNK):
        model.predict(docs[i : i + CHUNK])
    dt = time.perf_counter() - t0
    size = ((args.model or default_model_dir()) / MODEL_FILE).stat().st_size
    print(f"articles        {len(docs)} (mean {chars / max(len(docs), 1):.0f} characters) from {path.name}")
    print(f"model           {size / 1e6:.2f} MB, {len(model.vocab)} features, loaded in {load_s:.2f}s")
    print(f"classify        {dt:.2f}s  = {len(docs) / dt:.0f} articles/s (one process, one core)")
    return 0


def cmd_train_keywords(args: argparse.Namespace) -> int:
    from marsad.analyze.keywords import default_df_path
    from marsad.lab.keywords_df import build_df_table, iter_corpus_texts

    out = (args.out / default_df_path().name) if args.out else default_df_path()
    n, kept = build_df_table(iter_corpus_texts(args.files or None), out, min_df=args.min_df, log=_log)
    _log(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB): {kept} stems over {n} articles")
    return 0
