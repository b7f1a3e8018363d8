"""Lab evaluation of incident fusion against hand-labelled clusters (``tests/data/incidents``).

The gold names articles of SaudiNewsNet by url and line and the real-world happenings each
reports; the text is read from the corpus in place through the production reader
(:mod:`marsad.lab.corpora`), so fusion is scored on the text a store holds. Every article
goes through the real pipeline, its event rows are fused article by article in publication
order (as a store would receive them), and an article's predicted clusters are the
incidents holding at least one of its rows. Scores are over the gold articles only (the README of the gold says how):

- pairwise: a pair of articles is positive when it shares a cluster;
- B-cubed extended to overlapping clusters (Amigó et al. 2009): with C(a,b) the number of gold
  clusters and L(a,b) the number of incidents a and b share, precision of a = mean over b with
  L > 0 of min(C, L) / L, recall of a = mean over b with C > 0 of min(C, L) / C (b = a
  included), averaged over articles.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from marsad.analyze.incidents.fuser import Fuser
from marsad.analyze.incidents.model import Incident
from marsad.analyze.incidents.reports import reports_from_analysis
from marsad.errors import InputError
from marsad.lab.gold_lines import gold_lines
from marsad.model import Analysis, Document

GOLD = Path("tests") / "data" / "incidents" / "snn_2015.jsonl"


@dataclass(frozen=True)
class GoldArticle:
    url: str
    line: int
    source: str
    date_extracted: str
    clusters: tuple[str, ...]
    raw: dict = field(compare=False, hash=False, repr=False, default_factory=dict)


def read_gold(path: str | Path) -> list[GoldArticle]:
    def parse(d: dict) -> GoldArticle:
        return GoldArticle(
            url=d["url"], line=int(d["line"]), source=d["source"],
            date_extracted=d.get("date_extracted") or "",
            clusters=tuple(i["cluster"] for i in d["incidents"]), raw=d,
        )

    return list(gold_lines(path, parse, fix="each line is {\"url\", \"line\", \"source\", \"incidents\": [...]}"
                                           " as tests/data/incidents/README.md says"))


def load_documents(gold: list[GoldArticle], corpus: Path) -> dict[str, Document]:
    """The gold articles as production builds them from the corpus (boilerplate removed,
    dates normalized): the url is the key, the 0-based ``line`` a shortcut; a url not at
    its line is looked for in the whole file."""
    from marsad.lab.corpora import documents, stored_url

    urls = {g.url for g in gold}
    key = {stored_url(u): u for u in urls}
    found: dict[str, Document] = {}

    def take(docs: Iterable[tuple[int, Document]]) -> None:
        for _, doc in docs:
            url = key.get(doc.url or "")
            if url is not None and url not in found:
                found[url] = doc

    take(documents(corpus, lines={g.line + 1 for g in gold}))
    rest = urls - set(found)
    if rest:
        take(documents(corpus, where=lambda row: row.get("url") in rest))
    missing = urls - set(found)
    if missing:
        raise InputError(f"{len(missing)} gold article(s) not in the corpus, e.g. {min(missing)}",
                         source=str(corpus), fix="use the SaudiNewsNet corpus the gold was labelled on")
    return found


def fuse_articles(analyses: Iterable[tuple[str, Analysis]]) -> tuple[dict[str, set[str]], Fuser]:
    """Fuse the articles one by one (in the order given); each article's incident ids."""
    fuser = Fuser()
    predicted: dict[str, set[str]] = {}
    for aid, analysis in analyses:
        reports = reports_from_analysis(analysis, article=aid)
        fuser.add(reports)
        ids = {fuser.incident_of(aid, r.event.trigger.start, r.event.trigger.end, r.event.type)
               for r in reports}
        predicted[aid] = {i for i in ids if i}
    return predicted, fuser


# --- scores ------------------------------------------------------------------------------

def _prf(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Scores:
    articles: int
    gold_pairs: int
    predicted_pairs: int
    correct_pairs: int
    pair_precision: float
    pair_recall: float
    pair_f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    incidents_per_article: float
    clusters_per_article: float

    def as_dict(self) -> dict:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in vars(self).items()}


def score(gold: Mapping[str, Iterable[str]], predicted: Mapping[str, Iterable[str]]) -> Scores:
    """Pairwise and extended B-cubed scores of ``predicted`` (article → incident ids) against
    ``gold`` (article → cluster ids), over the gold's articles."""
    items = sorted(gold)
    g = {a: set(gold[a]) for a in items}
    p = {a: set(predicted.get(a, ())) for a in items}
    gp = pp = cp = 0
    for a, b in combinations(items, 2):
        gpos, ppos = bool(g[a] & g[b]), bool(p[a] & p[b])
        gp += gpos
        pp += ppos
        cp += gpos and ppos
    bp, br = [], []
    for a in items:
        precs, recs = [], []
        for b in items:
            c, ll = len(g[a] & g[b]), len(p[a] & p[b])
            if ll:
                precs.append(min(c, ll) / ll)
            if c:
                recs.append(min(c, ll) / c)
        # an article with no incident holds nothing wrong (precision 1) and finds nothing
        bp.append(sum(precs) / len(precs) if precs else 1.0)
        br.append(sum(recs) / len(recs) if recs else 1.0)
    n = len(items) or 1
    pr, rc = (cp / pp if pp else 0.0), (cp / gp if gp else 0.0)
    bpr, brc = sum(bp) / n, sum(br) / n
    return Scores(
        articles=len(items), gold_pairs=gp, predicted_pairs=pp, correct_pairs=cp,
        pair_precision=pr, pair_recall=rc, pair_f1=_prf(pr, rc),
        bcubed_precision=bpr, bcubed_recall=brc, bcubed_f1=_prf(bpr, brc),
        incidents_per_article=sum(len(v) for v in p.values()) / n,
        clusters_per_article=sum(len(v) for v in g.values()) / n,
    )


# --- the whole run -------------------------------------------------------------------------

@dataclass
class Run:
    gold: list[GoldArticle]
    predicted: dict[str, set[str]]
    incidents: dict[str, Incident]
    scores: Scores


def evaluate(gold_path: str | Path, pipeline: Callable[[Document], Analysis], *,
             corpus: Path | None = None, progress: Callable[[int], None] | None = None) -> Run:
    """Rebuild the gold articles, analyse and fuse them, and score the fusion."""
    from marsad.lab.corpora import corpus_file

    gold = read_gold(gold_path)
    docs = load_documents(gold, corpus or corpus_file("saudinewsnet"))
    order = sorted(gold, key=lambda x: (docs[x.url].published or "", x.date_extracted, x.line))
    analyses = []
    for i, ga in enumerate(order, 1):
        analyses.append((ga.url, pipeline(docs[ga.url])))
        if progress:
            progress(i)
    predicted, fuser = fuse_articles(analyses)
    scores = score({x.url: x.clusters for x in gold}, predicted)
    return Run(gold, predicted, {i.id: i for i in fuser.incidents()}, scores)


def format_scores(s: Scores) -> str:
    return "\n".join([
        (f"articles {s.articles}; gold clusters per article {s.clusters_per_article:.2f}, "
         f"incidents per article {s.incidents_per_article:.2f}"),
        (f"pairwise  precision {s.pair_precision:.3f}  recall {s.pair_recall:.3f}  F1 {s.pair_f1:.3f}  "
         f"({s.correct_pairs} correct of {s.predicted_pairs} predicted pairs, {s.gold_pairs} gold pairs)"),
        f"B-cubed   precision {s.bcubed_precision:.3f}  recall {s.bcubed_recall:.3f}  F1 {s.bcubed_f1:.3f}",
    ])


def format_errors(run: Run, n: int) -> str:
    """Gold clusters split over several incidents, and incidents joining articles of different
    clusters: the first ``n`` of each."""
    by_url = {g.url: g for g in run.gold}
    members: dict[str, list[str]] = {}
    for g in run.gold:
        for c in g.clusters:
            members.setdefault(c, []).append(g.url)
    out = []
    split = []
    for c, urls in sorted(members.items()):
        if len(urls) < 2:
            continue
        shared = set.intersection(*(run.predicted.get(u, set()) for u in urls))
        if not shared:
            split.append((c, urls))
    out.append(f"--- gold clusters no incident holds whole ({len(split)}), first {n}")
    for c, urls in split[:n]:
        out.append(f"{c}")
        for u in urls:
            ids = sorted(run.predicted.get(u, set()))
            out.append(f"    line {by_url[u].line:>6} {by_url[u].source:12} -> "
                       + (", ".join(_brief(run.incidents[i]) for i in ids) or "(no incident)"))
    wrong: list[tuple[str, list[str]]] = []
    arts: dict[str, list[str]] = {}
    for u, incidents in run.predicted.items():
        for i in incidents:
            arts.setdefault(i, []).append(u)
    for i, urls in sorted(arts.items()):
        for a, b in combinations(urls, 2):
            if a in by_url and b in by_url and not set(by_url[a].clusters) & set(by_url[b].clusters):
                wrong.append((i, urls))
                break
    out.append(f"--- incidents joining articles of different gold clusters ({len(wrong)}), first {n}")
    for i, urls in wrong[:n]:
        out.append(_brief(run.incidents[i]))
        counts = Counter(by_url[u].clusters[0] for u in urls if u in by_url)
        for c, k in counts.most_common():
            out.append(f"    {k} x {c}")
    return "\n".join(out)


def _brief(i: Incident) -> str:
    return (f"{i.id[4:12]} {i.type} {i.country} {i.place or '-'} {i.date} "
            f"({i.n_articles} art.)")
