"""A learned chooser of each trigger's source and target, over the phrases of its sentence.

The grammar rules of :mod:`actors` propose one source and one target per trigger; on whole
articles they are right about half the time, mostly because one wrong step (a subject taken
for an object, an adjective for a phrase, the reporter for the actor) decides the row. This
module keeps the rules' answer as evidence and lets a small log-linear ranker choose among
every noun phrase of the sentence and "nobody": each candidate is described by sparse
features (side of the trigger and distance, the word before it, its agent class and entity
type, whether a verb or clause boundary lies between, whether the rules chose it, for which
role), and the highest-scoring candidate wins. The weights are learned from whole annotated
articles (:mod:`roles_train`) and shipped as JSON; inference is a sum of weights.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from marsad.analyze.events.actors import (
    DEVICE_SUBJECT,
    NP,
    VICTIM_SUBJECT,
    _adjective,
    _definite,
    _in_pp,
    _town,
    is_actor,
    np_at,
)
from marsad.analyze.events.forms import IMPF, PERF
from marsad.analyze.events.scan import Match
from marsad.analyze.events.view import SentenceView
from marsad.analyze.events.weights import Weights, shipped_path

ROLES = ("source", "target")
LEXICAL = False  # head words: no held-out gain on 383 triggers (tried 2026-12-07)
REACH = 20  # words either side of the trigger a candidate may stand
_PREV_WORDS = frozenset({"علي", "ضد", "الي", "من", "مع", "في", "عن", "بين", "تجاه", "باتجاه", "نحو", "قبل",
                         "يد", "ايدي", "لدي", "عبر", "بحق", "حول"})


@dataclass(frozen=True)
class TriggerInfo:
    """What the chooser needs to know of a trigger besides the sentence."""

    m: Match
    type: str
    heads: frozenset[int]
    rule_source: NP | None
    rule_target: NP | None
    reporter: NP | None
    ner: bool = True  # did NER run on the document (are there mentions)? Without it the rules know more
    not_source: frozenset[tuple[int, int]] = frozenset()  # the rules' targets of its sentence's triggers of its type


def candidates(v: SentenceView, t: TriggerInfo) -> list[NP | None]:
    """Every noun phrase within reach of the trigger (once per span), the rules' picks, and
    None for "nobody"."""
    phrases = v.memo.get(("roles-np", t.heads))
    if phrases is None:  # the sentence's phrases, once for all its triggers
        phrases = {}
        heads = set(t.heads)
        for k in range(len(v.toks)):
            if not v.is_word(k):
                continue
            for clitic in (False, True):
                if clitic and not v.has_proclitic(k, "بل"):
                    continue
                np = np_at(v, k, trigger_heads=heads, allow_clitic=clitic)
                if np is not None and np.first == k:
                    phrases.setdefault((np.first, np.last), np)
        v.memo[("roles-np", t.heads)] = phrases
    out: dict[tuple[int, int], NP] = {}
    lo, hi = t.m.first - REACH, t.m.last + REACH
    for key, np in phrases.items():
        if lo <= np.first <= hi and not (np.first <= t.m.first <= np.last) and not (t.m.first <= np.first <= t.m.last):
            out[key] = np
    for np in (t.rule_source, t.rule_target, t.reporter):
        if np is not None:
            out.setdefault((np.first, np.last), np)
    return [None, *out.values()]


def _phrase_features(v: SentenceView, c: NP) -> list[str]:
    """The features of a phrase itself (templates on {ty} and {side}), once per sentence."""
    key = ("roles-pf", c.first, c.last, c.cls, id(c.mention))
    got = v.memo.get(key)
    if got is not None:
        return got
    f = []
    if c.cls:
        f += [f"c={c.cls}", f"c={c.cls}|{{ty}}", f"c={c.cls}|{{side}}"]
    if c.mention is not None:
        kind = "TOWN" if _town(c.mention) else c.mention.type
        f += [f"e={kind}", f"e={kind}|{{ty}}", f"e={kind}|{{side}}", f"linked={bool(c.mention.entity_id)}"]
    if c.quantified:
        f += ["q", "q|{ty}", "q|{side}"]
    if not is_actor(v, c):
        f += ["nonactor", "nonactor|{ty}"]
    if _adjective(v, c.first):
        f.append("adjhead")
    if _definite(v, c.first):
        f.append("def")
    if _in_pp(v, c.first):
        f += ["pp", "pp|{side}"]
    f.append(f"len={min(c.last - c.first + 1, 4)}")
    if LEXICAL:
        f.append(f"h={v.base(c.first)}")
    v.memo[key] = f
    return f


def _bucket(d: int) -> str:
    for lim, name in ((1, "1"), (2, "2"), (3, "3"), (5, "4-5"), (8, "6-8"), (12, "9-12")):
        if d <= lim:
            return name
    return "13+"


def _same(a: NP | None, b: NP | None) -> bool:
    return a is not None and b is not None and a.first == b.first and a.last == b.last


def features(v: SentenceView, t: TriggerInfo, c: NP | None) -> list[str]:
    """Sparse features of candidate ``c`` for trigger ``t`` (the role is the model's, not a
    feature: each role has its own weights). Without NER, the main ones again, marked."""
    f = _features(v, t, c)
    if not t.ner:
        f += [f"noner|{x}" for x in f if x.startswith(_NONER_KEEP)]
    return f


_NONER_KEEP = ("none", "rs", "rt", "sd=", "c=", "nonactor", "q")


def _side(t: TriggerInfo, c: NP) -> tuple[str, int]:
    return ("B", t.m.first - c.last) if c.last < t.m.first else ("A", c.first - t.m.last)


def _static(v: SentenceView, c: NP, ty: str, side: str) -> list[str]:
    return [x.replace("{ty}", ty).replace("{side}", side) for x in _phrase_features(v, c)]


def _features(v: SentenceView, t: TriggerInfo, c: NP | None, *, static: bool = True) -> list[str]:
    m, ty = t.m, t.type
    verbal = "V" if m.kind in (PERF, IMPF) else "N"
    f = [f"T={ty}"]
    if c is None:
        rs, rt = t.rule_source is None, t.rule_target is None
        return f + ["none", f"none|{ty}", f"none|{verbal}", f"none|rs={rs}", f"none|rt={rt}",
                    f"none|{ty}|rs={rs}", f"none|{ty}|rt={rt}", f"none|enc={bool(m.enc)}"]
    side, d = _side(t, c)
    b = _bucket(d)
    f += [f"s={side}", f"sd={side}{b}", f"tsd={ty}{side}{b}", f"vsd={verbal}{side}{b}", f"ts={ty}{side}",
          f"tvs={ty}{verbal}{side}"]
    if _same(c, t.rule_source):
        f += ["rs", f"rs|{ty}", f"rs|fb={c.fallback}", f"rs|{side}"]
    if _same(c, t.rule_target):
        f += ["rt", f"rt|{ty}", f"rt|{side}"]
    if t.reporter is not None and c.overlaps(t.reporter):
        f += ["rep", f"rep|{ty}"]
    prev = v.raw(c.first - 1) if c.first > 0 and v.is_word(c.first - 1) else ""
    if prev in _PREV_WORDS:
        f += [f"p={prev}", f"p={prev}|{ty}", f"p={prev}|{side}"]
    elif prev and c.first - 1 in v.verb_at:
        f += ["p=verb", f"p=verb|{side}"]
    elif not prev and c.first > 0:
        punct = v.toks[c.first - 1].text
        f.append(f"p=punct{punct if punct in '،,«:' else ''}")
    for letter in "بل":
        if v.has_proclitic(c.first, letter):
            f += [f"cl={letter}", f"cl={letter}|{ty}"]
    r0 = v.raw(c.first)
    if r0.startswith("و") and len(r0) > 4 and c.first not in v.agent_at and v.mention_at(c.first) is None:
        f += ["cl=و", f"cl=و|{side}"]
    if static:
        f += _static(v, c, ty, side)
    lo, hi = (c.last + 1, m.first) if side == "B" else (m.last + 1, c.first)
    verbs = sum(1 for k in range(lo, hi) if k in v.verb_at or k in t.heads)
    f += [f"vb={min(verbs, 2)}", f"vb={min(verbs, 2)}|{side}"]
    if v.clause_start[c.first] != v.clause_start[m.first]:
        f += ["clause", f"clause|{side}"]
    if v.segment[c.first] != v.segment[m.first]:
        f.append("seg")
    if any(k in t.heads for k in range(c.first, c.last + 1)):
        f.append("hastrig")
    if d == 1 and side == "A":
        f += [f"next|{verbal}|{ty}"]
    if verbal == "V":
        verb = v.raw(m.first)
        plural = verb.endswith(("وا", "و"))
        f.append(f"pl={plural}|{side}")
        head = m.pat.text.split()[0].split("/")[0]
        if head in VICTIM_SUBJECT or head in DEVICE_SUBJECT:
            f += [f"victimverb|{side}", f"victimverb|{side}{b}"]  # أصيب الجندي: the subject suffered it
    if m.enc:
        f += [f"enc|{side}", f"enc|{ty}|{side}"]
    return f


@dataclass
class RoleModel(Weights):
    """Per-role feature weights: the candidate with the highest sum wins."""

    def __post_init__(self) -> None:
        src, tgt = self.weights.get("source", {}), self.weights.get("target", {})
        self._both = {x: (src.get(x, 0.0), tgt.get(x, 0.0)) for x in set(src) | set(tgt)}

    def score(self, role: str, feats: list[str]) -> float:
        w = self.weights[role]
        return sum(w.get(x, 0.0) for x in feats)

    def _sum(self, feats: list[str]) -> tuple[float, float]:
        both, zero = self._both, (0.0, 0.0)
        a = b = 0.0
        for x in feats:
            wa, wb = both.get(x, zero)
            a += wa
            b += wb
        return a, b

    def scores(self, v: SentenceView, t: TriggerInfo, cands: list[NP | None]) -> list[tuple[float, float]]:
        """(source, target) score of each candidate: the sums of :func:`features`' weights, with
        the phrase's own features summed once per sentence, type and side."""
        out = []
        for c in cands:
            if c is None:
                out.append(self._sum(features(v, t, None)))
                continue
            dyn = _features(v, t, c, static=False)
            if not t.ner:
                dyn += [f"noner|{x}" for x in dyn if x.startswith(_NONER_KEEP)]
            side = _side(t, c)[0]
            key = ("roles-static", id(self), c.first, c.last, c.cls, id(c.mention), t.type, side, t.ner)
            st = v.memo.get(key)
            if st is None:
                sf = _static(v, c, t.type, side)
                if not t.ner:
                    sf += [f"noner|{x}" for x in sf if x.startswith(_NONER_KEEP)]
                st = v.memo[key] = self._sum(sf)
            a, b = self._sum(dyn)
            out.append((a + st[0], b + st[1]))
        return out

    def choose(self, v: SentenceView, t: TriggerInfo) -> tuple[NP | None, NP | None]:
        """(source, target): the model's best candidate where it beats the rules' pick by the
        model's margin, else the rules' pick."""
        cands = candidates(v, t)
        scores = self.scores(v, t, cands)
        margin = float(self.meta.get("margin", 0.0))
        picks = []
        for r, (rule, other) in enumerate(((t.rule_source, t.rule_target), (t.rule_target, t.rule_source))):
            # the rules' reading of voice stands: their target is never made the source, nor
            # their source the target, and the victim of one telling of the sentence is not
            # the source of another of its type (أصيب الجندي ... خلال الاشتباكات)
            allowed = [i for i, c in enumerate(cands) if c is None or not (
                _same(c, other) or (r == 0 and (c.first, c.last) in t.not_source))]
            best = max(allowed, key=lambda i: scores[i][r])
            ri = next((i for i, c in enumerate(cands) if (c is None and rule is None) or _same(c, rule)), 0)
            if ri not in allowed:  # the rules' own pick is a victim of the sentence: not an answer
                picks.append(cands[best])
            else:
                picks.append(cands[best] if scores[best][r] - scores[ri][r] > margin else rule)
        src, tgt = picks
        if src is not None and tgt is not None and src.overlaps(tgt):
            tgt = None
        return src, tgt



MODEL_FILE = "roles.json"


def model_path() -> Path:
    return shipped_path(MODEL_FILE)


@lru_cache(maxsize=1)
def default_role_model() -> RoleModel | None:
    """The shipped model, or None when the package has none (the rules then decide)."""
    return RoleModel.shipped(MODEL_FILE)


def iter_examples(v: SentenceView, t: TriggerInfo) -> Iterator[tuple[NP | None, list[str]]]:
    """(candidate, features) pairs, for training."""
    for c in candidates(v, t):
        yield c, features(v, t, c)
