"""Near-duplicate and story lab commands: ``marsad train stories``, ``marsad eval dedup``,
``marsad eval stories``, ``marsad bench dedup``."""

from __future__ import annotations

import argparse
import json
import sqlite3
import time
from pathlib import Path

from marsad.cli.stories import _add_story_options, _story_config
from marsad.errors import InputError

DEFAULT_LABELS = "tests/data/stories/labels.tsv"
ANT_LABELS = "tests/data/stories/ant2018.tsv"
DEFAULT_AUDIT = "tests/data/dedup/audit.tsv"


def register(groups: dict) -> None:
    p = groups["train"].add_parser(
        "stories", help="rebuild the stem weights story clustering uses",
        description="Count stem document frequencies over SaudiNewsNet and the topic corpus "
        "and write the table story clustering ships (resources/stories/df.tsv.gz).",
    )
    p.add_argument("--out", help="write here instead of the package resource")
    p.add_argument("--min-df", type=int, default=3)
    p.set_defaults(func=cmd_train_stories)

    p = groups["eval"].add_parser(
        "dedup", help="precision/recall of near-duplicate grouping on generated copies",
        description="Take random SaudiNewsNet articles (or the articles of --input), make "
        "exact and lightly edited copies (new headline, cut paragraph, reordered paragraphs, "
        "teaser boilerplate, all combined), group everything and score pairwise precision "
        "and recall. Any two different base articles grouped together count as a false "
        "positive; --audit supplies hand verdicts for such pairs (syndicated copies in the "
        "corpus) to give the audited precision as well.",
    )
    p.add_argument("--input", help="JSONL of base articles (title, text or paragraphs, url)")
    p.add_argument("--bases", type=int, default=2000, help="base articles (default 2000)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--background", action="store_true",
                   help="ingest every other corpus article first, as a real store would")
    p.add_argument("--audit", help=f"hand verdicts for cross-base pairs (e.g. {DEFAULT_AUDIT})")
    p.add_argument("--write-pairs", metavar="TSV", help="write cross-base pairs to audit")
    p.add_argument("--threshold", type=float, help="estimated Jaccard to group (default 0.5)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_eval_dedup)

    p = groups["eval"].add_parser(
        "stories", help="cluster purity / B-cubed F1 of story clustering on hand labels",
        description="Cluster hand-labelled articles into stories and score purity, inverse "
        "purity and B-cubed precision/recall/F1. Labels: a TSV of url<TAB>story over "
        "SaudiNewsNet (default tests/data/stories/labels.tsv) or over the ANT articles of "
        f"the topic corpus (e.g. {ANT_LABELS}), or a JSONL whose lines carry title, text, "
        "date and story.",
    )
    p.add_argument("labels", nargs="?", default=DEFAULT_LABELS,
                   help=f"labels TSV or JSONL (default {DEFAULT_LABELS})")
    p.add_argument("--corpus", choices=("auto", "snn", "ant"), default="auto",
                   help="where a TSV's URLs are: SaudiNewsNet or the ANT part of "
                   "topics/train.jsonl.gz (default: from the URLs' hosts)")
    p.add_argument("--background", action="store_true",
                   help="cluster every other corpus article too (only labelled ones are scored)")
    p.add_argument("--entities", action="store_true",
                   help="run the NER and linking stages first so shared entities count "
                   "(slow: not with --background)")
    p.add_argument("--confusion", action="store_true", help="list predicted stories' labels")
    p.add_argument("--json", action="store_true")
    _add_story_options(p)
    p.set_defaults(func=cmd_eval_stories)

    p = groups["bench"].add_parser(
        "dedup", help="throughput of signature + duplicate grouping",
        description="Sign and group SaudiNewsNet articles on one core, with the in-memory "
        "index and with the SQL index in a scratch SQLite file; prints articles/s.",
    )
    p.add_argument("--limit", type=int, default=10000, help="articles (default 10000)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench_dedup)


def cmd_train_stories(args: argparse.Namespace) -> int:
    from marsad.lab.stories_eval import train_term_weights

    t0 = time.perf_counter()
    path, w = train_term_weights(args.out, min_df=args.min_df)
    print(f"wrote {path}: {len(w.df)} stems over {w.docs} documents "
          f"({time.perf_counter() - t0:.0f} s)")
    return 0


# -- marsad eval dedup ------------------------------------------------------------------


def _read_jsonl_documents(path: str):
    from marsad.model import Document

    p = Path(path)
    if not p.is_file():
        raise InputError("no such file", source=path)
    docs = []
    for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"line {n} is not JSON ({exc.msg})", source=path) from None
        if not isinstance(row, dict):
            raise InputError(f"line {n}: expected a JSON object", source=path)
        paras = row.get("paragraphs") or [
            x.strip() for x in str(row.get("text") or row.get("content") or "").split("\n")
            if x.strip()
        ]
        if not paras and not row.get("title"):
            raise InputError(f"line {n}: no title and no text", source=path)
        docs.append((row, Document(
            title=str(row.get("title") or ""), paragraphs=[str(x) for x in paras],
            url=row.get("url") or row.get("id"), published=row.get("date") or row.get("published"),
            language="ar",
        )))
    if not docs:
        raise InputError("no articles", source=path)
    return docs


def cmd_eval_dedup(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from marsad.analyze.dedup import DEFAULT
    from marsad.lab.dedup_eval import evaluate, load_audit, write_cross_pairs

    cfg = DEFAULT if args.threshold is None else replace(DEFAULT, threshold=args.threshold)
    audit = load_audit(args.audit) if args.audit else None
    if args.input:
        docs = [d for _, d in _read_jsonl_documents(args.input)]
        corpus = args.input
    else:
        from marsad.lab.corpora import CORPORA, documents

        docs = [d for _, d in documents("saudinewsnet")]
        corpus = "/".join(CORPORA["saudinewsnet"])
    score, items = evaluate(docs, bases=args.bases, seed=args.seed, config=cfg,
                            with_background=args.background, audit=audit)
    out = {"corpus": corpus, "seed": args.seed, "threshold": cfg.threshold,
           "shingle": cfg.shingle, "num_perm": cfg.num_perm, "bands": cfg.bands,
           "background": args.background, **score.to_dict()}
    if args.write_pairs:
        write_cross_pairs(score, items, args.write_pairs)
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
        return 0
    print(f"near-duplicate grouping on {corpus} (seed {args.seed}, {score.families} base "
          f"articles + {score.documents - score.families} generated copies)")
    print(f"  precision {out['precision']:.4f}  recall {out['recall']:.4f}  F1 {out['f1']:.4f}"
          "  (pairwise; every cross-base pair is a false positive)")
    if out["audited_precision"] is not None:
        print(f"  audited precision {out['audited_precision']:.4f} ({len(score.cross_family)} "
              f"cross-base pairs, {out['audit_unjudged_pairs']} without a verdict)")
    else:
        print(f"  cross-base pairs: {len(score.cross_family)} (pass --audit to judge them)")
    print("  copy recall by kind: " + ", ".join(
        f"{k} {v:.4f}" for k, v in out["copy_recall_by_kind"].items()))
    print(f"  {out['processed']} articles signed and grouped in {out['seconds']:.2f} s "
          f"({out['cpu_seconds']:.2f} s CPU): {out['docs_per_second']} articles/s, "
          f"{out['docs_per_cpu_second']} per CPU-second")
    return 0


# -- marsad eval stories ----------------------------------------------------------------


def cmd_eval_stories(args: argparse.Namespace) -> int:
    from marsad.analyze.stories import default_weights
    from marsad.lab.stories_eval import (
        ant_documents,
        confusion,
        evaluate,
        labels_corpus,
        load_labels,
    )

    cfg = _story_config(args)
    weights = default_weights()
    if args.entities and args.background:
        raise InputError("--entities and --background together would run NER on the whole "
                         "corpus; use one of them")
    if args.labels.endswith((".jsonl", ".json")):
        rows = _read_jsonl_documents(args.labels)
        corpus = "inline"
        docs = []
        labels = {}
        for n, (row, d) in enumerate(rows, 1):
            if not row.get("story"):
                raise InputError(f"line {n}: no 'story' label", source=args.labels)
            d.url = d.url or f"{args.labels}:{n}"
            labels[d.url] = str(row["story"])
            docs.append(d)
        if args.background:
            raise InputError("--background needs labels over a corpus (a TSV)")
    else:
        labels = load_labels(args.labels)
        corpus = labels_corpus(labels) if args.corpus == "auto" else args.corpus
        if corpus == "ant":
            docs = ant_documents()
        else:
            from marsad.lab.corpora import documents

            docs = [d for _, d in documents("saudinewsnet")]
    score, store = evaluate(labels, docs, weights=weights, config=cfg,
                            background=args.background, entities=args.entities)
    out = {"labels": args.labels, "corpus": corpus, **score.to_dict()}
    if args.confusion:
        out["confusion"] = confusion(labels, docs, store)
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
        return 0
    how = "text + entities" if args.entities else "text only"
    print(f"story clustering ({how}) on {args.labels} ({corpus}): {score.articles} labelled articles in "
          f"{score.gold_stories} stories -> {score.clusters} clusters"
          + (f" ({out['clustered_articles']} articles clustered)" if args.background else ""))
    print(f"  purity {out['purity']:.4f}  inverse purity {out['inverse_purity']:.4f}")
    print(f"  B-cubed precision {out['bcubed_precision']:.4f}  recall {out['bcubed_recall']:.4f}"
          f"  F1 {out['bcubed_f1']:.4f}")
    if args.confusion:
        for c in out["confusion"]:
            print(f"  {c['story']}: {c['labels']}  | {c['headline']}")
    return 0


# -- marsad bench dedup -----------------------------------------------------------------


def cmd_bench_dedup(args: argparse.Namespace) -> int:
    import tempfile

    from marsad.analyze.dedup import (
        DEFAULT,
        DuplicateGrouper,
        MemoryDedupIndex,
        document_signature,
    )
    from marsad.lab.corpora import documents

    if args.limit < 1:
        raise InputError("--limit must be positive")
    docs = [d for _, d in documents("saudinewsnet", limit=args.limit)]
    docs = list({d.id: d for d in docs}.values())
    # wall time, and CPU time of this process: the one-core figure when other jobs share
    # the machine (SQLite runs in-process, so its work is counted; its fsyncs are not)
    clock = _Clock()
    sigs = [(d.id, document_signature(d)) for d in docs]
    t_sig = clock.lap()
    g = DuplicateGrouper(MemoryDedupIndex(), config=DEFAULT)
    groups = [g.add(i, s).group_id for i, s in sigs]
    t_mem = clock.lap()
    _bench_sql(sigs, tempfile.mkdtemp(prefix="marsad-bench-"))
    t_sql = clock.lap()
    n = len(docs)

    def rate(*parts: tuple[float, float]) -> dict[str, float]:
        wall = sum(p[0] for p in parts)
        cpu = sum(p[1] for p in parts)
        return {"per_s": round(n / wall, 1), "per_cpu_s": round(n / cpu, 1)}

    rates = {
        "signature": rate(t_sig), "grouping_memory": rate(t_mem),
        "grouping_sqlite": rate(t_sql),
        "signature_and_grouping_memory": rate(t_sig, t_mem),
        "signature_and_grouping_sqlite": rate(t_sig, t_sql),
    }
    n_groups = len(set(groups))
    if args.json:
        print(json.dumps({"articles": n, "groups": n_groups, **rates}))
        return 0
    print(f"{n} SaudiNewsNet articles, one process: {n_groups} duplicate groups")
    print(f"  {'':32}{'articles/s':>12}{'per CPU-s':>12}")
    for key, label in (
        ("signature", "signature"), ("grouping_memory", "grouping, in-memory index"),
        ("grouping_sqlite", "grouping, SQLite index"),
        ("signature_and_grouping_memory", "signature + grouping (memory)"),
        ("signature_and_grouping_sqlite", "signature + grouping (SQLite)"),
    ):
        print(f"  {label:32}{rates[key]['per_s']:>12}{rates[key]['per_cpu_s']:>12}")
    return 0


class _Clock:
    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self) -> tuple[float, float]:
        w, c = time.perf_counter(), time.process_time()
        out = (w - self.wall, c - self.cpu)
        self.wall, self.cpu = w, c
        return out


def _bench_sql(sigs: list, folder: str) -> None:
    """Grouping through :class:`SQLDedupIndex` in a scratch SQLite file holding only the
    tables dedup touches (so the figure is the index, not the rest of the write path)."""
    from marsad.analyze.dedup import DuplicateGrouper
    from marsad.store.dedup_sql import SQLDedupIndex
    from marsad.store.schema import MIGRATIONS

    path = Path(folder) / "bench.db"
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    conn.execute("CREATE TABLE documents (id TEXT PRIMARY KEY, dup_group TEXT)")
    for stmt in MIGRATIONS[2] + MIGRATIONS[3]:
        if stmt.lstrip().upper().startswith("CREATE TABLE") and (
                "dedup_bands" in stmt or "dedup_signatures" in stmt):
            conn.execute(stmt)

    class _Tx:
        def execute(self, sql, args=()):
            cur = conn.execute(sql, tuple(args))
            return [dict(r) for r in cur.fetchall()] if cur.description else []

        def executemany(self, sql, rows):
            if rows:
                conn.executemany(sql, rows)

    tx = _Tx()
    with conn:
        for i in range(0, len(sigs), 64):  # transactions of 64, as `marsad ingest` does
            for doc_id, sig in sigs[i : i + 64]:
                conn.execute("INSERT INTO documents (id) VALUES (?)", (doc_id,))
                DuplicateGrouper(SQLDedupIndex(tx)).add(doc_id, sig)
            conn.commit()
    conn.close()
    path.unlink()
