"""Incremental fusion of incident reports into incidents.

Each incident is indexed under (type, country, week) for every week its dates may fall in, so
a new report is compared only with the incidents of its own type and country in the weeks
around its date: the cost grows with the size of a time window, not with the collection.

A report joins the best compatible incident, else it founds a new one. Compatible type, country,
date and place only say a report *may* be an incident's happening; in a busy week (Turkey, late
July 2015: strikes, shelling and bombings every day) a report with no place of its own would
join any of them. So a report joins an incident of another article only with at least
:data:`MIN_EVIDENCE` pieces of :func:`evidence` (same place, same day, a shared linked actor, the
same wording, the same toll); within its own article, where news tells one happening over
several sentences, compatibility is enough. Incidents never merge or split afterwards, so an
incident's id (a hash of its founding report) stays stable, and adding a report already seen
changes nothing. Within one call, reports are taken in publication order and, inside an
article, the most precise first, so that precise reports anchor incidents and vague ones
(a country, the week before publication) attach to them.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from marsad.analyze.incidents.model import Incident, IncidentReport, Report
from marsad.analyze.incidents.rules import (
    DAY_SLACK,
    NEAR_KM,
    REGION_KM,
    Observation,
    day_of,
    km,
    observe,
    same_wording,
    span_of,
)

T = TypeVar("T")
MIN_EVIDENCE = 2  # to join another article's incident: two pieces of evidence (evidence())


@dataclass
class _Cluster:
    """An incident being built: its reports and what matching needs to know of them."""

    id: str
    seq: int
    type: str
    country: str
    members: list[Observation] = field(default_factory=list)
    day_lo: int | None = None  # the day dates the reports give
    day_hi: int | None = None
    vague_lo: int = 0  # the intersection of the other reports' date intervals
    vague_hi: int = 0
    has_vague: bool = False
    coords: list[tuple[str, float, float]] = field(default_factory=list)  # resolved towns
    regions: dict[str, tuple[float, float]] = field(default_factory=dict)
    actors: Counter = field(default_factory=Counter)
    articles: set[str] = field(default_factory=set)

    def core(self) -> tuple[int, int]:
        """The days the happening may fall on, as its reports agree."""
        if self.day_lo is not None and self.day_hi is not None:
            return self.day_lo, self.day_hi
        return self.vague_lo, self.vague_hi

    def add(self, o: Observation) -> None:
        self.members.append(o)
        self.articles.add(o.key[0])
        if o.day:
            self.day_lo = o.lo if self.day_lo is None else min(self.day_lo, o.lo)
            self.day_hi = o.hi if self.day_hi is None else max(self.day_hi, o.hi)
        elif not self.has_vague:
            self.vague_lo, self.vague_hi, self.has_vague = o.lo, o.hi, True
        else:
            lo, hi = max(self.vague_lo, o.lo), min(self.vague_hi, o.hi)
            if lo <= hi:  # keep the agreement; a disagreeing vague date does not widen it
                self.vague_lo, self.vague_hi = lo, hi
        if o.resolved and o.level == "place" and o.lat is not None and o.lon is not None:
            self.coords.append((o.place_id or "", o.lat, o.lon))
        if o.resolved and o.level == "region" and o.place_id and o.lat is not None and o.lon is not None:
            self.regions[o.place_id] = (o.lat, o.lon)
        self.actors.update(o.actors)


def compatible(o: Observation, k: _Cluster) -> bool:
    """Can report ``o`` be the happening of incident ``k``? (rules.py says why.)"""
    if o.type != k.type or o.country != k.country:
        return False
    if o.day and k.day_lo is not None and k.day_hi is not None:
        if max(k.day_hi, o.hi) - min(k.day_lo, o.lo) > DAY_SLACK:
            return False
    else:
        lo, hi = k.core()
        if o.hi < lo or o.lo > hi:
            return False
    if o.resolved and o.lat is not None and o.lon is not None:
        here = (o.lat, o.lon)
        if o.level == "place":
            if k.coords and min(km(here, (la, ln)) for _, la, ln in k.coords) > NEAR_KM:
                return False
            if any(km(here, c) > REGION_KM for c in k.regions.values()):
                return False
        elif o.level == "region":
            if k.regions and o.place_id not in k.regions:
                return False
            if any(km(here, (la, ln)) > REGION_KM for _, la, ln in k.coords):
                return False
    return True


def evidence(o: Observation, k: _Cluster) -> int:
    """What, beyond a compatible type, country and date, says ``o`` is ``k``'s happening: the
    same place (2: same resolved place or town within NEAR_KM, or the same written name; 1: a
    region that holds it), the same day, a shared linked actor, the same wording, the same toll."""
    n = 0
    if o.place_id and (any(o.place_id == pid for pid, _, _ in k.coords) or o.place_id in k.regions
                       or any(m.place_id == o.place_id for m in k.members)):
        n += 2
    elif o.resolved and o.level == "place" and k.coords:
        n += 2  # within NEAR_KM (compatible said so)
    elif o.resolved and (k.coords or k.regions):
        n += 1  # a region holding the incident's town, or a town in its region
    if o.day and k.day_lo is not None and k.day_hi is not None and k.day_lo - 1 <= o.lo <= k.day_hi + 1:
        n += 1
    n += len(o.actors & set(k.actors))
    if any(same_wording(o.words, m.words) for m in k.members):
        n += 1
    toll = o.report.event.fatalities
    if toll is not None and any(m.report.event.fatalities == toll for m in k.members):
        n += 1
    return n


def _score(o: Observation, k: _Cluster) -> tuple[int, int, int]:
    return evidence(o, k), int(o.key[0] in k.articles), -k.seq


def _rank(o: Observation) -> tuple:
    """Publication order; inside an article, the most precise report first."""
    precise = (0 if o.day else 1) + (0 if o.resolved else 1)
    e = o.report.event
    return (o.pub or 0, o.report.published or "", o.key[0], precise, e.sentence, e.trigger.start, o.type)


def _weeks(lo: int, hi: int) -> range:
    return range((lo - DAY_SLACK) // 7, (hi + DAY_SLACK) // 7 + 1)


def _most(values: Iterable[T | None]) -> T | None:
    """The most frequent non-empty value (the smallest of a tie, for determinism)."""
    c: Counter[T] = Counter(v for v in values if v)
    if not c:
        return None
    return min(c.items(), key=lambda kv: (-kv[1], str(kv[0])))[0]


class Fuser:
    """Fuses reports into incidents, incrementally and idempotently (module docstring)."""

    def __init__(self) -> None:
        self._clusters: dict[str, _Cluster] = {}
        self._index: dict[tuple[str, str, int], list[str]] = {}
        self._seen: dict[tuple[str, int, int, str], str | None] = {}  # None: dropped
        self._incidents: dict[str, Incident] = {}

    def __len__(self) -> int:
        return len(self._clusters)

    def add(self, reports: Iterable[Report | tuple]) -> list[Incident]:
        """Fuse ``reports``; return the incidents that are new or changed, by id."""
        obs = []
        for r in reports:
            o = observe(r if isinstance(r, Report) else Report(*r))
            if o is not None and o.key not in self._seen:
                obs.append(o)
        changed: set[str] = set()
        for o in sorted(obs, key=_rank):
            if o.key in self._seen:  # the same row twice in one call
                continue
            k = self._best(o)
            if k is None and not o.founds:
                self._seen[o.key] = None  # a mention of nothing known: dropped, and stays so
                continue
            if k is None:
                k = _Cluster(id=_incident_id(o), seq=len(self._clusters), type=o.type, country=o.country)
                self._clusters[k.id] = k
            k.add(o)
            self._seen[o.key] = k.id
            self._reindex(k)
            changed.add(k.id)
        for cid in changed:
            self._incidents[cid] = summarize(self._clusters[cid])
        return [self._incidents[c] for c in sorted(changed)]

    def incidents(self) -> list[Incident]:
        return [self._incidents[c] for c in sorted(self._incidents)]

    def incident_of(self, article: str, trigger_start: int, trigger_end: int, type_: str) -> str | None:
        """The id of the incident a report was fused into (None: not an incident report)."""
        return self._seen.get((article, trigger_start, trigger_end, type_))

    def _best(self, o: Observation) -> _Cluster | None:
        ids: set[str] = set()
        for w in _weeks(o.lo, o.hi):
            ids.update(self._index.get((o.type, o.country, w), ()))
        cands = [k for k in (self._clusters[i] for i in ids) if compatible(o, k)
                 and (o.key[0] in k.articles or evidence(o, k) >= MIN_EVIDENCE)]
        return max(cands, key=lambda k: _score(o, k)) if cands else None

    def _reindex(self, k: _Cluster) -> None:
        lo, hi = k.core()
        for w in _weeks(lo, hi):
            bucket = self._index.setdefault((k.type, k.country, w), [])
            if k.id not in bucket:
                bucket.append(k.id)


def _incident_id(o: Observation) -> str:
    art, start, end, type_ = o.key
    return "inc-" + hashlib.sha1(f"{art}\t{start}\t{end}\t{type_}".encode()).hexdigest()[:16]


def summarize(k: _Cluster) -> Incident:
    """The incident's record from its reports (pure)."""
    ms = sorted(k.members, key=lambda o: (o.published or "", o.key))
    evs = [o.report.event for o in ms]
    status = "occurred" if any(e.status == "occurred" for e in evs) else "claimed"
    # place: the most common town, else region, else a named but unresolved place, else country
    place = place_ar = lat = lon = None
    precision = "country"
    for level, resolved in (("place", True), ("region", True), ("place", False)):
        group = [o for o in ms if o.level == level and o.resolved == resolved and o.place_id]
        if group:
            pid = _most(o.place_id for o in group)
            o = next(o for o in group if o.place_id == pid)
            place, place_ar, lat, lon = o.place_name, o.place_ar, o.lat, o.lon
            precision = level if resolved else "country"
            break
    if lat is None:  # the country's own coordinates, when a report gave them
        for e in evs:
            p = e.place
            if p is not None and p.lat is not None and p.lon is not None and p.country == k.country \
                    and e.geo_precision == "country":
                lat, lon = float(p.lat), float(p.lon)
                break
    lo, hi = k.core()
    if k.day_lo is None:
        date, date_precision = span_of(lo, hi), "week"
    else:  # the day most reports give (the earliest of a tie: a later one is a rewrite's «أمس»)
        days = Counter(o.lo for o in ms if o.day)
        date, date_precision = day_of(min(days.items(), key=lambda kv: (-kv[1], kv[0]))[0]), "day"
    tolls = [(o.published or "", e.fatalities) for o, e in zip(ms, evs) if e.fatalities is not None]
    injured = [(o.published or "", e.injured) for o, e in zip(ms, evs) if e.injured is not None]
    published = [o.published for o in ms if o.published]
    return Incident(
        id=k.id, type=k.type, mode=_most(e.mode for e in evs),
        status=status,
        actor1=_most(e.source_en or (e.source.text if e.source else None) for e in evs),
        actor2=_most(e.target_en or (e.target.text if e.target else None) for e in evs),
        country=k.country, admin1=_most(o.admin1 for o in ms),
        place=place, place_ar=place_ar, lat=lat, lon=lon, geo_precision=precision,
        date=date, date_precision=date_precision,
        fatalities=max(tolls)[1] if tolls else None,
        fatalities_range=(min(t for _, t in tolls), max(t for _, t in tolls)) if tolls else None,
        injured=max(injured)[1] if injured else None,
        n_articles=len({o.key[0] for o in ms}),
        n_sources=len({o.report.source or o.key[0] for o in ms}),
        first_report=min(published) if published else None,
        last_report=max(published) if published else None,
        reports=tuple(
            IncidentReport(
                article=o.key[0], source=o.report.source, published=o.published,
                sentence=e.sentence, text=o.report.text, trigger=e.trigger.text, status=e.status,
                date=e.date, place=o.place_name, place_ar=o.place_ar, fatalities=e.fatalities,
            )
            for o, e in zip(ms, evs)
        ),
    )


def fuse(reports: Iterable[Report | tuple]) -> list[Incident]:
    """All incidents of ``reports`` (a one-shot :class:`Fuser`)."""
    f = Fuser()
    f.add(reports)
    return f.incidents()
