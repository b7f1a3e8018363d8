"""Candidate generation and scoring: one name (plus a context) → ranked canonical entities.

Candidates come from the curated knowledge base (any type) and, for places, from the
GeoNames index. Every candidate gets one additive score::

    prior                 prominence: country 11, supranational region 10.5, actor 10,
                          city log10(population) (+2 curated, +1.5 capital, +0.5 Arab
                          world), province 8.5
    − clitic/article      0.3 per stripped clitic (بسوريا), 1.0 for a dropped generic head
                          (مدينة، محافظة), 2.0 for adding/dropping «ال»,
                          1.5 for a spelling-tolerant match (كراكاس ~ كاراكاس)
    − type mismatch       3 for LOC↔ORG (metonymy: «واشنطن» as the government), 6 with PER
    + 3 × country share   the document's country context (leave-one-out, context.py)
    + proximity           up to 3 when near another place the document mentions

and the best one wins. ``margin`` (best minus the best candidate in another country, or
minus the runner-up) says how sure the choice is; the context pass only trusts margins ≥ 2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import NamedTuple

from marsad.analyze.link.context import Context
from marsad.analyze.link.geoindex import ARAB_LEAGUE, GeoIndex, Place
from marsad.analyze.link.kb import CAPITAL_BONUS, KnowledgeBase
from marsad.analyze.link.keys import ARTICLE_PENALTY, HEAD_PENALTY, loose, variants
from marsad.model import Entity

W_SHARE = 3.0
LOOSE_PENALTY = 1.5
LOOSE_MIN_POP = 20_000  # a spelling-tolerant match reaches small places only in the Arab world
ARAB_BONUS = 0.5
MIN_PLACE_SCORE = 1.5
TYPE_PENALTY = {
    ("LOC", "ORG"): 3.0, ("ORG", "LOC"): 3.0,
    ("PER", "LOC"): 6.0, ("PER", "ORG"): 6.0, ("LOC", "PER"): 6.0, ("ORG", "PER"): 6.0,
}
MISC_PENALTY = 1.0


class Candidate(NamedTuple):
    entity_id: str
    type: str
    country: str | None
    kind: str | None
    lat: float | None
    lon: float | None
    prior: float
    penalty: float  # clitic/article and type penalties
    weak: bool  # matched only through a link-only (~) alias
    source: str  # actor | template | country | region | place | geonames
    score: float = 0.0

    @property
    def is_place(self) -> bool:
        return self.type == "LOC"


@dataclass(frozen=True)
class Resolution:
    key: str
    candidates: tuple[Candidate, ...]  # best first

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def margin(self) -> float:
        """Lead of the best candidate over the best one that disagrees on the country
        (for places) or over the runner-up (otherwise)."""
        if not self.candidates:
            return 0.0
        b = self.candidates[0]
        for c in self.candidates[1:]:
            if b.is_place and c.country == b.country:
                continue
            return b.score - c.score
        return math.inf


def _type_penalty(mention_type: str, entity_type: str) -> float:
    if mention_type == entity_type:
        return 0.0
    if mention_type == "MISC" or entity_type == "MISC":
        return MISC_PENALTY
    return TYPE_PENALTY.get((mention_type, entity_type), 3.0)


class Resolver:
    """Looks names up in the KB and the GeoNames index; scores with a Context."""

    def __init__(self, kb: KnowledgeBase, geo: GeoIndex | None):
        self.kb = kb
        self.geo = geo
        self._raw: dict[tuple[str, str], tuple[Candidate, ...]] = {}
        self._geo_entities: dict[str, Entity] = {}

    # -- candidates -------------------------------------------------------------------------
    def raw_candidates(self, text: str, mention_type: str) -> tuple[Candidate, ...]:
        """Context-free candidates (score = prior − penalty), cached per (text, type)."""
        ck = (text, mention_type)
        hit = self._raw.get(ck)
        if hit is not None:
            return hit
        found: dict[str, Candidate] = {}
        use_geo = self.geo is not None and mention_type in ("LOC", "MISC")
        vs = variants(text)
        close = [(k, p) for k, p in vs if p < HEAD_PENALTY]
        headless = [(k, p) for k, p in vs if HEAD_PENALTY <= p < ARTICLE_PENALTY]
        far = [(k, p) for k, p in vs if p >= ARTICLE_PENALTY]
        for k, pen in close:
            self._exact(k, pen, mention_type, found, use_geo)
        # less literal readings only when nothing closer matched (a weak alias does not
        # count): spelling-tolerant, then without a generic head (مدينة، محافظة), then
        # with the article added or dropped
        if use_geo and not _has_strong(found):
            self._loose(close, mention_type, found, use_geo)
        for tier in (headless, far):
            if _has_strong(found):
                break
            for k, pen in tier:
                self._exact(k, pen, mention_type, found, use_geo)
        out = tuple(sorted(found.values(), key=lambda c: -(c.prior - c.penalty)))
        out = tuple(c._replace(score=c.prior - c.penalty) for c in out)
        if len(self._raw) > 200_000:
            self._raw.clear()
        self._raw[ck] = out
        return out

    def _exact(self, k: str, pen: float, mention_type: str, found: dict[str, Candidate],
               use_geo: bool) -> None:
        for h in self.kb.hits(k):
            entry = self.kb.entries[h.entity_id]
            e = entry.entity
            weak = not h.spot and not h.primary
            p = pen + _type_penalty(mention_type, e.type)
            _keep_best(found, Candidate(e.id, e.type, e.country, e.kind, e.lat, e.lon,
                                        entry.prior, p, weak, entry.source))
        if use_geo:
            for place in self.geo.lookup(k):  # type: ignore[union-attr]
                _keep_best(found, self._place_candidate(place, pen + _type_penalty(mention_type, "LOC")))

    def _loose(self, close: list[tuple[str, float]], mention_type: str,
               found: dict[str, Candidate], use_geo: bool) -> None:
        """Spelling-tolerant lookups (long vowels dropped) of the exact and clitic forms."""
        for k, pen in close:
            lk = loose(k)
            if not lk:
                continue
            p = pen + LOOSE_PENALTY + _type_penalty(mention_type, "LOC")
            for eid in self.kb.loose.get(lk, ()):
                entry = self.kb.entries[eid]
                e = entry.entity
                _keep_best(found, Candidate(e.id, e.type, e.country, e.kind, e.lat, e.lon,
                                            entry.prior, p, False, entry.source))
            if use_geo:
                for place in self.geo.lookup_loose(lk):  # type: ignore[union-attr]
                    if place.pop >= LOOSE_MIN_POP or place.cc in ARAB_LEAGUE:
                        _keep_best(found, self._place_candidate(place, p))

    def _place_candidate(self, place: Place, penalty: float) -> Candidate:
        eid = f"gn:{place.gid}"
        entry = self.kb.entries.get(eid)
        if entry is not None:  # a curated place: its prior already has the bonuses
            e = entry.entity
            return Candidate(eid, "LOC", e.country, e.kind, e.lat, e.lon, entry.prior, penalty,
                             False, "place")
        prior = math.log10(place.pop + 10)
        kind = self.kb.city_kind(place.cc, place.name)
        if kind == "capital":
            prior += CAPITAL_BONUS
        if place.cc in ARAB_LEAGUE:
            prior += ARAB_BONUS
        return Candidate(eid, "LOC", place.cc, kind, place.lat, place.lon, prior, penalty, False, "geonames")

    # -- scoring ----------------------------------------------------------------------------
    def resolve(self, text: str, mention_type: str, ctx: Context | None = None,
                *, exclude: str | None = None) -> Resolution:
        from marsad.analyze.link.keys import key as _key

        k = _key(text)
        raw = self.raw_candidates(text, mention_type)
        if not raw:
            return Resolution(k, ())
        if ctx is None or len(raw) == 1 or (ctx.total <= 0 and not ctx.anchors):
            scored = raw
        else:
            ex = exclude if exclude is not None else k
            scored_list = []
            for c in raw:
                s = c.prior - c.penalty + W_SHARE * ctx.share(c.country, ex)
                if c.kind not in ("country", "continent", "region", "sea") or c.source == "place":
                    s += ctx.proximity(c.lat, c.lon, ex)
                scored_list.append(c._replace(score=s))
            scored = tuple(sorted(scored_list, key=lambda c: -c.score))
        if scored[0].is_place and scored[0].score < MIN_PLACE_SCORE:
            return Resolution(k, ())
        return Resolution(k, scored)

    # -- entities ---------------------------------------------------------------------------
    def entity(self, entity_id: str) -> Entity | None:
        """A fresh copy of the canonical Entity (KB or GeoNames)."""
        e = self.kb.get(entity_id)
        if e is None and entity_id.startswith("gn:") and self.geo is not None:
            e = self._geo_entities.get(entity_id)
            if e is None:
                place = self.geo.get(int(entity_id[3:]))
                if place is None:
                    return None
                e = Entity(id=entity_id, type="LOC", name_ar=place.name_ar or place.name,
                           name_en=place.name, country=place.cc, lat=place.lat, lon=place.lon,
                           geonames_id=place.gid,
                           kind=self.kb.city_kind(place.cc, place.name),
                           aliases=self.geo.names(place.gid))
                self._geo_entities[entity_id] = e
        if e is None:
            return None
        return replace(e, aliases=list(e.aliases))


def _has_strong(found: dict[str, Candidate]) -> bool:
    return any(not c.weak for c in found.values())


def _keep_best(found: dict[str, Candidate], cand: Candidate) -> None:
    old = found.get(cand.entity_id)
    if old is None or (cand.prior - cand.penalty, not cand.weak) > (old.prior - old.penalty, not old.weak):
        found[cand.entity_id] = cand
