"""A learned chooser of each trigger's sense: which PLOVER type it reports here, or none.

The lexicon gives a trigger word its type(s) out of context: هاجم is an attack, احتجاج a
protest, تعهد an agreement, الأسر an abduction. In a sentence the same word may report another
type (a verbal attack, a formal protest, a pledge to withdraw) or no event at all (families,
students, an achievement). This module scores, for each trigger the rules kept, every type the
lexicon offers at its head word plus "no event", with a log-linear model over sparse features
conjoined with the candidate type: the lexicon entry and head word, its form (verb or verbal
noun), its clitics, the words within three of it, the sentence's other trigger types and
context cues, and the document's topic. The rules' type stands unless another candidate scores
at least the stored margin higher. The weights are learned from whole annotated articles
(:mod:`marsad.lab.events.typesense_train`) and shipped as JSON; without the file the rules decide.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from marsad.analyze.events.forms import IMPF, PERF
from marsad.analyze.events.scan import Match
from marsad.analyze.events.view import SentenceView
from marsad.analyze.events.weights import Weights, shipped_path

NONE = "NONE"  # the "no event" candidate
WINDOW = 3  # context words either side of the trigger
MODEL_FILE = "typesense.json"


@dataclass(frozen=True)
class Reading:
    """A trigger as the rules read it: the match, its type and its lexicon flags."""

    m: Match
    type: str
    flags: str = ""


def candidates(readings: Sequence[Reading], i: int, partners: Mapping[str, Sequence[str]] | None = None
               ) -> list[str]:
    """The rules' type of reading ``i`` first, then every other type the lexicon gives a
    trigger at the same head word, then the types annotators gave the rules' type's words
    often enough (``partners``, learned: an attack noun under a threat is a THREATEN), then
    "no event"."""
    r = readings[i]
    out = [r.type]
    for o in readings:
        if o.m.first == r.m.first and o.type not in out:
            out.append(o.type)
    for t in (partners or {}).get(r.type, ()):
        if t not in out:
            out.append(t)
    return [*out, NONE]


def _form(m: Match) -> str:
    if m.kind in (PERF, IMPF):
        return m.kind
    return "noun" if m.kind == "noun" else "lit"


def context_features(v: SentenceView, readings: Sequence[Reading], i: int, *, sport: bool = False) -> list[str]:
    """Features of reading ``i`` that do not depend on the candidate (conjoined with it later)."""
    r = readings[i]
    m = r.m
    head = m.pat.text.split()[0].split("/")[0]
    f = ["bias", f"pat={m.pat.text}", f"head={head}", f"base={v.base(m.first)}", f"form={_form(m)}",
         f"len={min(m.last - m.first + 1, 3)}", f"flags={r.flags or '-'}"]
    pre = m.pre.replace("A", "ال")
    for clitic in ("ل", "ب", "س"):
        if clitic in pre:
            f.append(f"pre={clitic}")
    if "ال" in pre:
        f.append("def")
    if m.enc:
        f.append("enc")
    for k in range(max(0, m.first - WINDOW), m.first):
        if v.is_word(k):
            f.append(f"L={v.base(k)}")
    for k in range(m.last + 1, min(len(v.toks), m.last + 1 + WINDOW)):
        if v.is_word(k):
            f.append(f"R={v.base(k)}")
    if m.first > 0 and v.is_word(m.first - 1):
        f.append(f"L1={v.raw(m.first - 1)}")
    if v.is_word(m.last + 1):
        f.append(f"R1={v.raw(m.last + 1)}")
    for o in readings:  # the trigger that governs it (توعد بالهجوم، دعا إلى الإفراج عن)
        if o.m.first < m.first and 0 < m.first - o.m.last <= 4:
            f.append(f"gov={o.type}")
    others = {o.type for o in readings if o.m.first != m.first}
    f += [f"other={t}" for t in sorted(others)]
    f.append(f"others={min(len(others), 2)}")
    for g in v.by_group:
        if g.startswith(("cue:domain", "cue:context", "cue:hard", "cue:accident", "cue:report")):
            f.append(f"cue={g[4:]}")
    if v.mention_at(m.first) is not None:
        f.append("inname")
    if any(men.type in ("ORG", "PER") for men in v.mentions):
        f.append("actorname")
    if sport:
        f.append("sportdoc")
    if v.index == 0:
        f.append("head-sentence")
    return f


def features(ctx_feats: Sequence[str], rule_type: str, cand: str) -> list[str]:
    """The candidate's features: every context feature conjoined with the candidate type (and,
    for the rules' own type, marked as theirs)."""
    f = [f"{cand}|{x}" for x in ctx_feats]
    if cand == rule_type:
        f.append("rule")
        f.append(f"rule|{cand}")
    elif cand != NONE:
        f.append(f"{rule_type}>{cand}")
    return f


@dataclass
class TypeSense(Weights):
    """Feature weights over :func:`features`; the best candidate replaces the rules' type when
    it scores ``margin`` higher (``none_margin`` for "no event")."""

    def score(self, feats: Sequence[str]) -> float:
        w = self.weights
        return sum(w.get(x, 0.0) for x in feats)

    def scores(self, v: SentenceView, readings: Sequence[Reading], i: int, *, sport: bool = False
               ) -> list[tuple[str, float]]:
        ctx = context_features(v, readings, i, sport=sport)
        rule = readings[i].type
        return [(c, self.score(features(ctx, rule, c))) for c in candidates(readings, i, self.meta.get("partners"))]

    def choose(self, v: SentenceView, readings: Sequence[Reading], *, sport: bool = False) -> list[str | None]:
        """The type of each reading (None: not an event)."""
        margin = float(self.meta.get("margin", 1.0))
        none_margin = float(self.meta.get("none_margin", margin))
        out: list[str | None] = []
        for i, r in enumerate(readings):
            sc = self.scores(v, readings, i, sport=sport)
            rule_score = sc[0][1]
            best, best_score = max(sc, key=lambda x: x[1])
            need = none_margin if best == NONE else margin
            if best != r.type and best_score - rule_score > need:
                out.append(None if best == NONE else best)
            else:
                out.append(r.type)
        return out


def model_path() -> Path:
    return shipped_path(MODEL_FILE)


@lru_cache(maxsize=1)
def default_type_sense() -> TypeSense | None:
    """The shipped model, or None when the package has none (the rules' types stand)."""
    return TypeSense.shipped(MODEL_FILE)
