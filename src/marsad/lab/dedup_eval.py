"""How well near-duplicate grouping works: generated copies of real articles.

Each *base* article gets a family of copies made the way syndication edits them:

* ``exact``      same headline and body
* ``headline``   a new headline (reworded, prefixed, or another article's headline)
* ``deletion``   a paragraph cut, or ~15% of sentences dropped from a one-paragraph text
* ``reorder``    paragraphs (or, in a one-paragraph text, sentences) shuffled
* ``boilerplate`` an "اقرأ أيضا" teaser block (headlines of other articles), a dateline
                  and a footer added
* ``combined``   headline + deletion + boilerplate + reorder + spelling variants

Everything is grouped with :class:`~marsad.analyze.dedup.DuplicateGrouper`. Scoring is
pairwise: a predicted pair (two documents in one group) is correct only when both belong
to the same family. Every pair across families counts as a false positive, including
two bases that happen to be syndicated copies of each other in the corpus, so the
precision is a lower bound; :func:`cross_family_pairs` lists those pairs for reading.
"""

from __future__ import annotations

import random
import re
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from marsad.analyze.dedup import (
    DEFAULT,
    DedupConfig,
    DuplicateGrouper,
    MemoryDedupIndex,
    document_signature,
    similarity,
)
from marsad.errors import InputError
from marsad.model import Document
from marsad.text.segment import split_sentences, words

KINDS = ("exact", "headline", "deletion", "reorder", "boilerplate", "combined")

_MARKERS = ("اقرأ أيضا:", "إقرا ايضًا:", "قد يهمك أيضا:", "شاهد أيضاً:", "مواضيع ذات صلة:")
_FOOTERS = (
    "جميع الحقوق محفوظة",
    "تابعونا على تويتر وفيسبوك",
    "المصدر: وكالات",
    "لمزيد من الأخبار تابعوا صفحتنا",
)
_DATELINES = ("الرياض - واس:", "(رويترز) -", "جدة - «عكاظ»:", "القاهرة - أ ف ب:", "دبي:")
_HEAD_PREFIXES = ("عاجل: ", "بالفيديو.. ", "بالصور: ", "", "")


@dataclass
class Copy:
    doc_id: str
    family: str  # the base's id
    kind: str  # "base" or one of KINDS
    document: Document


def _sentences(p: str) -> list[str]:
    return [p[s.start : s.end] for s in split_sentences(p)] or [p]


MAX_CUT = 0.25  # a light edit removes at most a quarter of the words


def _delete(paras: list[str], rng: random.Random) -> list[str]:
    """Cut a paragraph (not the lead) when one is at most MAX_CUT of the words; otherwise
    drop sentences (never the first) until ~15% of the words are gone."""
    total = sum(len(p.split()) for p in paras) or 1
    cuttable = [i for i in range(1, len(paras)) if len(paras[i].split()) <= MAX_CUT * total]
    if len(paras) >= 3 and cuttable:
        i = rng.choice(cuttable)
        return paras[:i] + paras[i + 1 :]
    sents = [(pi, s) for pi, p in enumerate(paras) for s in _sentences(p)]
    order = list(range(1, len(sents)))
    rng.shuffle(order)
    drop: set[int] = set()
    gone = 0
    for i in order:
        n = len(sents[i][1].split())
        if gone + n > MAX_CUT * total:
            continue
        drop.add(i)
        gone += n
        if gone >= 0.15 * total:
            break
    if not drop:  # one long sentence: trim its tail
        ws = paras[-1].split()
        cut = max(1, int(len(ws) * 0.15))
        return paras[:-1] + [" ".join(ws[:-cut])] if len(ws) > cut else list(paras)
    out: dict[int, list[str]] = {}
    for i, (pi, s) in enumerate(sents):
        if i not in drop:
            out.setdefault(pi, []).append(s)
    return [" ".join(v) for _, v in sorted(out.items())]


def _reorder(paras: list[str], rng: random.Random) -> list[str]:
    if len(paras) >= 2:
        out = list(paras)
        while out == paras:
            rng.shuffle(out)
        return out
    ss = _sentences(paras[0]) if paras else []
    if len(ss) < 2:
        return list(paras)
    rng.shuffle(ss)
    return [" ".join(ss)]


def _headline(title: str, rng: random.Random, pool: Sequence[str]) -> str:
    r = rng.random()
    if r < 0.4 and pool:
        return rng.choice(pool)
    ws = title.split()
    if r < 0.7 and len(ws) > 3:
        keep = sorted(rng.sample(range(len(ws)), max(2, len(ws) * 2 // 3)))
        return rng.choice(_HEAD_PREFIXES) + " ".join(ws[i] for i in keep)
    return rng.choice(_HEAD_PREFIXES[:3]) + title


def _boilerplate(paras: list[str], rng: random.Random, pool: Sequence[str]) -> list[str]:
    out = list(paras)
    if out:
        out[0] = rng.choice(_DATELINES) + " " + out[0]
    teasers = [rng.choice(_MARKERS)] + rng.sample(list(pool), min(len(pool), rng.randint(2, 4)))
    at = rng.randint(1, len(out)) if out else 0
    out[at:at] = teasers
    out.append(rng.choice(_FOOTERS))
    return out


_SPELL = [("أ", "ا"), ("ة ", "ه "), ("ى ", "ي "), ("إ", "ا")]
_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _respell(paras: list[str], rng: random.Random) -> list[str]:
    """Spelling variants editors introduce (hamza, taa marbuta, digits): invisible to
    matching, which normalizes them."""
    a, b = rng.choice(_SPELL)
    return [p.replace(a, b).translate(_DIGITS) for p in paras]


def make_copy(
    doc: Document, kind: str, rng: random.Random, pool: Sequence[str]
) -> Document:
    """One edited copy of ``doc``; ``pool`` holds headlines of other articles."""
    title, paras = doc.title, list(doc.paragraphs)
    if kind == "headline":
        title = _headline(title, rng, pool)
    elif kind == "deletion":
        paras = _delete(paras, rng)
    elif kind == "reorder":
        paras = _reorder(paras, rng)
    elif kind == "boilerplate":
        paras = _boilerplate(paras, rng, pool)
    elif kind == "combined":
        title = _headline(title, rng, pool)
        paras = _boilerplate(_reorder(_delete(paras, rng), rng), rng, pool)
        paras = _respell(paras, rng)
    elif kind != "exact":
        raise ValueError(f"unknown copy kind {kind!r}; known: {', '.join(KINDS)}")
    return Document(title=title, paragraphs=paras, url=None, source="copy",
                    published=doc.published, language=doc.language)


def build_families(
    bases: Sequence[Document],
    *,
    seed: int = 13,
    copies: tuple[int, int] = (1, 4),
    pool: Sequence[str] = (),
) -> list[Copy]:
    """Each base followed by 1-4 copies of random kinds (ids ``<base>~<n>``), shuffled so
    a copy may arrive before its original."""
    rng = random.Random(seed)
    pool = list(pool) or [d.title for d in bases if d.title]
    items: list[Copy] = []
    for b in bases:
        items.append(Copy(b.id, b.id, "base", b))
        for n in range(rng.randint(*copies)):
            kind = rng.choice(KINDS)
            items.append(Copy(f"{b.id}~{n}", b.id, kind, make_copy(b, kind, rng, pool)))
    rng.shuffle(items)
    return items


@dataclass
class DedupScore:
    documents: int
    families: int
    pred_pairs: int
    true_pairs: int
    correct_pairs: int
    recall_by_kind: dict[str, float] = field(default_factory=dict)
    cross_family: list[tuple[str, str, float]] = field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # process CPU time: the one-core figure on a shared machine
    processed: int = 0  # documents signed and grouped (with background: more than scored)
    audited_correct: int | None = None  # correct pairs once audited cross pairs are counted
    audit_unjudged: int = 0  # cross-family pairs the audit file does not cover

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.pred_pairs if self.pred_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def audited_precision(self) -> float | None:
        if self.audited_correct is None:
            return None
        return self.audited_correct / self.pred_pairs if self.pred_pairs else 1.0

    def to_dict(self) -> dict:
        return {
            "documents": self.documents, "families": self.families,
            "precision": round(self.precision, 4), "recall": round(self.recall, 4),
            "f1": round(self.f1, 4), "pred_pairs": self.pred_pairs,
            "true_pairs": self.true_pairs, "correct_pairs": self.correct_pairs,
            "copy_recall_by_kind": {k: round(v, 4) for k, v in self.recall_by_kind.items()},
            "cross_family_pairs": len(self.cross_family),
            "audited_precision": (
                round(self.audited_precision, 4) if self.audited_precision is not None else None
            ),
            "audit_unjudged_pairs": self.audit_unjudged if self.audited_correct is not None else None,
            "processed": self.processed or self.documents,
            "seconds": round(self.seconds, 3),
            "cpu_seconds": round(self.cpu_seconds, 3),
            "docs_per_second": (
                round((self.processed or self.documents) / self.seconds, 1) if self.seconds else None
            ),
            "docs_per_cpu_second": (
                round((self.processed or self.documents) / self.cpu_seconds, 1)
                if self.cpu_seconds else None
            ),
        }


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def _pair_counts(items: Sequence[Copy], groups: dict[str, str], family: dict[str, str]) -> tuple[int, int]:
    by_group: dict[str, list[str]] = defaultdict(list)
    for c in items:
        if c.doc_id in groups:
            by_group[groups[c.doc_id]].append(c.doc_id)
    pred = correct = 0
    for members in by_group.values():
        pred += _pairs(len(members))
        correct += sum(_pairs(n) for n in Counter(family[d] for d in members).values())
    return pred, correct


def score_grouping(
    items: Sequence[Copy],
    groups: dict[str, str],
    sigs: dict[str, list[int] | None] | None = None,
    *,
    audit: dict[frozenset[str], str] | None = None,
) -> DedupScore:
    """Pairwise precision/recall of ``groups`` (doc id -> group id) against families.

    ``audit`` maps a pair of base URLs to "same" or "different" (see :func:`load_audit`):
    families of a pair judged "same" (two copies of one text in the corpus itself) are
    merged for :attr:`DedupScore.audited_precision`; the strict precision ignores it."""
    family = {c.doc_id: c.family for c in items}
    pred, correct = _pair_counts(items, groups, family)
    true = sum(_pairs(n) for n in Counter(family.values()).values())
    # cross-family pairs, one per pair of families, with their bases' similarity
    members_of: dict[str, list[str]] = defaultdict(list)
    for c in items:
        if c.doc_id in groups:
            members_of[groups[c.doc_id]].append(c.doc_id)
    cross: list[tuple[str, str, float]] = []
    for members in members_of.values():
        fams = sorted({family[d] for d in members})
        for i in range(len(fams)):
            for j in range(i + 1, len(fams)):
                a, b = fams[i], fams[j]
                sa, sb = (sigs or {}).get(a), (sigs or {}).get(b)
                cross.append((a, b, similarity(sa, sb) if sa and sb else -1.0))
    # per kind: does the copy sit in its base's group?
    hit: Counter[str] = Counter()
    tot: Counter[str] = Counter()
    for c in items:
        if c.kind == "base":
            continue
        tot[c.kind] += 1
        if groups.get(c.doc_id) is not None and groups.get(c.doc_id) == groups.get(c.family):
            hit[c.kind] += 1
    by_kind = {k: hit[k] / tot[k] for k in KINDS if tot[k]}
    score = DedupScore(len(items), len(set(family.values())), pred, true, correct, by_kind, cross)
    if audit is not None:
        url = {c.doc_id: c.document.url for c in items if c.kind == "base"}
        parent = {f: f for f in set(family.values())}

        def find(x: str) -> str:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        unjudged = 0
        for a, b, _ in cross:
            verdict = audit.get(frozenset((url.get(a) or a, url.get(b) or b)))
            if verdict == "same":
                parent[find(a)] = find(b)
            elif verdict is None:
                unjudged += 1
        merged = {d: find(f) for d, f in family.items()}
        _, score.audited_correct = _pair_counts(items, groups, merged)
        score.audit_unjudged = unjudged
    return score


def load_audit(path: str | Path) -> dict[frozenset[str], str]:
    """A hand audit: TSV ``url_a, url_b, similarity, verdict, note`` (# comments)."""
    out: dict[frozenset[str], str] = {}
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith(("#", "url_a\t")):
            continue
        cols = line.split("\t")
        if len(cols) < 4 or cols[3] not in ("same", "different"):
            raise InputError(f"line {n}: expected url_a, url_b, similarity, same|different",
                             source=str(path))
        out[frozenset((cols[0], cols[1]))] = cols[3]
    return out


def write_cross_pairs(score: DedupScore, items: Sequence[Copy], path: str | Path) -> int:
    """The cross-family pairs as an audit TSV to fill in (verdict left empty)."""
    doc = {c.doc_id: c.document for c in items}
    lines = ["url_a\turl_b\tsimilarity\tverdict\tnote"]
    for a, b, sim in sorted(score.cross_family, key=lambda x: x[2]):
        ta = doc[a].title.replace("\t", " ")
        tb = doc[b].title.replace("\t", " ")
        lines.append(f"{doc[a].url or a}\t{doc[b].url or b}\t{sim:.2f}\t\t{ta} | {tb}")
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(score.cross_family)


def run_grouping(
    items: Sequence[Copy], *, config: DedupConfig = DEFAULT, background: Sequence[Document] = ()
) -> tuple[dict[str, str], dict[str, list[int] | None], tuple[float, float], int]:
    """Signature + grouping of ``background`` (other corpus articles, ingested first) and
    then ``items``; returns groups, signatures, (wall, CPU) seconds, documents processed."""
    grouper = DuplicateGrouper(MemoryDedupIndex(), config=config)
    groups: dict[str, str] = {}
    sigs: dict[str, list[int] | None] = {}
    t0 = time.perf_counter()
    c0 = time.process_time()
    n = 0
    for d in background:
        grouper.add(d.id, document_signature(d, config=config))
        n += 1
    for c in items:
        sig = document_signature(c.document, config=config)
        sigs[c.doc_id] = sig
        groups[c.doc_id] = grouper.add(c.doc_id, sig).group_id
        n += 1
    return groups, sigs, (time.perf_counter() - t0, time.process_time() - c0), n


def pick_bases(docs: Sequence[Document], n: int, *, seed: int = 7, min_words: int = 30) -> list[Document]:
    """``n`` random articles with at least ``min_words`` body words and distinct bodies."""
    rng = random.Random(seed)
    seen: set[str] = set()
    ok = []
    for d in docs:
        body = re.sub(r"\s+", " ", d.body).strip()
        if len(words(body)) < min_words or body in seen:
            continue
        seen.add(body)
        ok.append(d)
    return rng.sample(ok, min(n, len(ok)))


def evaluate(
    docs: Sequence[Document], *, bases: int = 2000, seed: int = 7, config: DedupConfig = DEFAULT,
    with_background: bool = False, audit: dict[frozenset[str], str] | None = None,
) -> tuple[DedupScore, list[Copy]]:
    """Generate families from ``bases`` random articles of ``docs``, group, score. With
    ``with_background`` every other article of ``docs`` is ingested first, as in a real
    store (its own syndicated copies then compete for the same groups)."""
    chosen = pick_bases(docs, bases, seed=seed)
    pool = [d.title for d in docs if d.title]
    items = build_families(chosen, seed=seed, pool=pool)
    chosen_ids = {d.id for d in chosen}
    bg = [d for d in docs if d.id not in chosen_ids] if with_background else []
    groups, sigs, secs, n = run_grouping(items, config=config, background=bg)
    score = score_grouping(items, groups, sigs, audit=audit)
    score.seconds, score.cpu_seconds = secs
    score.processed = n
    return score, items
