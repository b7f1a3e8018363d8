"""Scoring story clustering against hand labels, and rebuilding its term weights.

The labels (url, story) are our own annotation: ``tests/data/stories/labels.tsv`` over
SaudiNewsNet, ``tests/data/stories/ant2018.tsv`` over two weeks of ANT 2018 politics
articles (``topics/train.jsonl.gz``, dated from their URLs); the texts are read from the
corpus through :mod:`marsad.lab.corpora` (the production reader: what a store holds).
Clustering runs either on the labelled articles alone, or with every other corpus
article of the same dates folded in first-come as well (``background``), which is what a
real store sees; only labelled articles are scored.

Scores: purity (are clusters single-story?), inverse purity (is each story in one
cluster?) and B-cubed precision/recall/F1 (per article, robust to cluster size).
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marsad.analyze.stories import (
    DEFAULT,
    RESOURCE,
    MemoryStoryStore,
    StoryArticle,
    StoryConfig,
    TermWeights,
    article_from_analysis,
    update_stories,
)
from marsad.errors import InputError
from marsad.lab.corpora import CORPORA, corpus_file, documents, stored_url, texts
from marsad.model import Document

ANT = "ant-v2.1"  # the ANT part of topics/train.jsonl.gz
# hosts of ANT's five sources (topics/SOURCE.md): labels over them are ANT labels
ANT_HOSTS = ("france24.com", "alarabiya.net", "arabic.cnn.com", "bbc.co.uk", "skynewsarabia.com")


def load_labels(path: str | Path) -> dict[str, str]:
    """url -> story label, from a TSV with a ``url, story`` header (# comments)."""
    out: dict[str, str] = {}
    p = Path(path)
    if not p.is_file():
        raise InputError("no such labels file", source=str(p))
    for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith(("#", "url\t")):
            continue
        cols = line.split("\t")
        if len(cols) < 2 or not cols[0] or not cols[1]:
            raise InputError(f"line {n}: expected 'url<TAB>story'", source=str(p))
        if cols[0] in out and out[cols[0]] != cols[1]:
            raise InputError(f"line {n}: {cols[0]} is labelled twice", source=str(p))
        out[cols[0]] = cols[1]
    if not out:
        raise InputError("no labelled articles", source=str(p))
    return out


def labels_corpus(labels: Mapping[str, str]) -> str:
    """``"ant"`` when most labelled URLs are on ANT's news sites, else ``"snn"``."""
    urlhost = [u.split("/")[2] if u.count("/") >= 2 else "" for u in labels]
    ant = sum(1 for h in urlhost if h.endswith(ANT_HOSTS))
    return "ant" if ant * 2 > len(urlhost) else "snn"


def ant_documents() -> list[Document]:
    """Every ANT article of the topic corpus whose URL carries a date (production dates
    such a row from its URL; the corpus gives no other date, and undated ones cannot be
    clustered in time). One pass over ``topics/train.jsonl.gz``."""
    return [d for _, d in documents("topics", where=lambda row: row.get("corpus") == ANT)
            if d.published]


@dataclass
class ClusterScore:
    articles: int
    gold_stories: int
    clusters: int
    purity: float
    inverse_purity: float
    bcubed_precision: float
    bcubed_recall: float
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def bcubed_f1(self) -> float:
        p, r = self.bcubed_precision, self.bcubed_recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        d = {
            "articles": self.articles, "gold_stories": self.gold_stories,
            "clusters": self.clusters, "purity": round(self.purity, 4),
            "inverse_purity": round(self.inverse_purity, 4),
            "bcubed_precision": round(self.bcubed_precision, 4),
            "bcubed_recall": round(self.bcubed_recall, 4),
            "bcubed_f1": round(self.bcubed_f1, 4),
        }
        d.update(self.details)
        return d


def score_clusters(gold: Mapping[str, str], predicted: Mapping[str, str]) -> ClusterScore:
    """Compare ``predicted`` (item -> cluster) with ``gold`` (item -> label) over the
    items in both."""
    items = [i for i in gold if i in predicted]
    if not items:
        raise InputError("no labelled article was clustered")
    clusters: dict[str, list[str]] = defaultdict(list)
    labels: dict[str, list[str]] = defaultdict(list)
    for i in items:
        clusters[predicted[i]].append(i)
        labels[gold[i]].append(i)
    n = len(items)
    purity = sum(max(Counter(gold[i] for i in m).values()) for m in clusters.values()) / n
    inverse = sum(max(Counter(predicted[i] for i in m).values()) for m in labels.values()) / n
    bp = br = 0.0
    for i in items:
        c = clusters[predicted[i]]
        same = sum(1 for j in c if gold[j] == gold[i])
        bp += same / len(c)
        br += same / len(labels[gold[i]])
    return ClusterScore(n, len(labels), len(clusters), purity, inverse, bp / n, br / n)


def entity_pipeline():
    """The stages that find and link named entities (``ner``, then ``link`` if present)."""
    from marsad.analyze.pipeline import Pipeline, registered

    names = [n for n in ("ner", "link") if n in registered()]
    if "ner" not in names:
        raise InputError("no 'ner' stage is registered: entities cannot be used")
    return Pipeline(names)


def labelled(labels: Mapping[str, str], docs: Iterable[Document]) -> dict[str, Document]:
    """Labelled URL -> its document; a label's URL is compared in the form production
    stores it (invisible marks removed)."""
    keys = {stored_url(u): u for u in labels}
    return {keys[d.url]: d for d in docs if d.url in keys}


def cluster_documents(
    docs: Iterable[Document], *, weights: TermWeights, config: StoryConfig = DEFAULT,
    entities: bool = False,
) -> tuple[dict[str, str], MemoryStoryStore, float]:
    """Fold ``docs`` into stories (one batch, in date order); doc id -> story id. With
    ``entities`` the NER and linking stages run first and shared entities count."""
    if entities:
        pipe = entity_pipeline()
        arts = [article_from_analysis(pipe(d), weights=weights, config=config) for d in docs]
    else:
        arts = [
            StoryArticle(
                doc_id=d.id, date=(d.published or "")[:10] or None, title=d.title,
                terms=weights.vector(d.title, d.body, config),
                title_terms=weights.vector(d.title, "", config),
            )
            for d in docs
        ]
    store = MemoryStoryStore()
    t0 = time.perf_counter()
    update_stories(store, arts, config=config)
    return dict(store.assignments), store, time.perf_counter() - t0


def evaluate(
    labels: Mapping[str, str],
    docs: Sequence[Document],
    *,
    weights: TermWeights,
    config: StoryConfig = DEFAULT,
    background: bool = False,
    entities: bool = False,
) -> tuple[ClusterScore, MemoryStoryStore]:
    """Cluster the labelled articles of ``docs`` (with every other article too when
    ``background``) and score the labelled ones."""
    by_url = labelled(labels, docs)
    missing = sorted(set(labels) - set(by_url))
    if len(missing) == len(labels):
        raise InputError("none of the labelled URLs is in the corpus")
    chosen = list(by_url.values())
    if background:
        ids = {d.id for d in chosen}
        chosen += [d for d in docs if d.id not in ids and (d.title or d.paragraphs)]
    assign, store, secs = cluster_documents(chosen, weights=weights, config=config,
                                            entities=entities)
    gold = {d.id: labels[u] for u, d in by_url.items()}
    score = score_clusters(gold, assign)
    score.details = {
        "labelled_missing_from_corpus": len(missing),
        "clustered_articles": len(chosen),
        "stories_formed": len(store.stories),
        "seconds": round(secs, 2),
        "background": background,
        "entities": entities,
        "threshold": config.threshold,
        "window_days": config.window_days,
    }
    return score, store


def confusion(labels: Mapping[str, str], docs: Sequence[Document],
              store: MemoryStoryStore) -> list[dict[str, Any]]:
    """Per predicted story holding labelled articles: its gold labels (for reading)."""
    by_url = labelled(labels, docs)
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    for u, d in by_url.items():
        sid = store.assignments.get(d.id)
        if sid:
            groups[sid][labels[u]] += 1
    return [
        {"story": sid, "headline": store.stories[sid].headline, "labels": dict(c)}
        for sid, c in sorted(groups.items(), key=lambda kv: -sum(kv[1].values()))
    ]


# -- term weights -----------------------------------------------------------------------


def reference_texts() -> Iterable[str]:
    """Headline + body, as production stores them, of every SaudiNewsNet article and every
    topic-corpus article."""
    yield from texts("saudinewsnet")
    yield from texts("topics")


def _file_sha(corpus: str) -> str:
    h = hashlib.sha256()
    with open(corpus_file(corpus), "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:16]


def train_term_weights(out: str | Path | None = None, *, min_df: int = 3) -> tuple[Path, TermWeights]:
    """Rebuild the shipped document-frequency table from the reference corpora."""
    import marsad

    w = TermWeights.build(reference_texts(), min_df=min_df)
    path = Path(out) if out else Path(marsad.__file__).parent.joinpath(*RESOURCE)
    note = (
        "marsad story term weights: stem document frequencies (marsad.text.stems, min_df "
        f"{min_df}; texts as marsad ingest builds them)\nfrom {'/'.join(CORPORA['saudinewsnet'])}"
        f" sha256:{_file_sha('saudinewsnet')}\nand {'/'.join(CORPORA['topics'])} sha256:{_file_sha('topics')}"
        "\nrebuild: marsad train stories"
    )
    w.save(path, note=note)
    return path, w
