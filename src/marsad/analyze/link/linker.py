"""The link stage: mentions → canonical entities (KB, countries, regions, GeoNames places)
or document-local entities, with coreference and context-aware place disambiguation.

Steps for one Analysis (compute first, write last):

1. spot curated KB names the NER missed (spotter.py) and add them as mentions;
2. resolve every mention alone (resolve.py) — context-free scores;
3. build the document context (context.py) from confident places, countries, actors with a
   country, nisba adjectives («البريطانية» → GB) and the dateline;
4. re-resolve with context (a leave-one-out country share and nearby places), then drop a
   small GeoNames place the article gives no support for (no other evidence for its
   country, no other place near it): rare names fuzzy-matched to another continent (Trèbes
   → Tripp, South Dakota; a verb read as a name → Java) stay unresolved names; a place
   qualified by its own nisba («مدينة سالزبري الإنجليزية») keeps only candidates in that
   country (none: an unresolved name), for every mention of the name;
4b. senses (senses.py): a name that is also a common word («حماس» enthusiasm) keeps its
   link only with support from the article, else the mention is dropped; a football club
   called by a common word or a city («الهلال», «برشلونة») is the club in a football
   context (clubs named there but missed by the NER are spotted) and never outside it;
5. coreference (coref.py): bracketed short forms, parts of person and organization names,
   and one entity per surface key;
6. whatever is left becomes a local entity ``local:<TYPE>:<hash of key+type>``.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from marsad.analyze.link.context import Context
from marsad.analyze.link.coref import Chain, bracket_aliases, resolve_parts
from marsad.analyze.link.geoindex import ARAB_LEAGUE
from marsad.analyze.link.kb import KnowledgeBase
from marsad.analyze.link.keys import key
from marsad.analyze.link.resolve import Resolution, Resolver
from marsad.analyze.link.senses import (
    SportsContext,
    homograph_form,
    homograph_sense,
    is_club,
    load_homographs,
)
from marsad.analyze.link.spotter import spot, spot_clubs
from marsad.analyze.ner.nonentities import is_currency
from marsad.model import Analysis, Entity, Mention
from marsad.text.segment import tokenize

CONFIDENT_MARGIN = 2.0
SPOT_SCORE = None  # spotted mentions carry no NER probability; see extras["link"]
NISBA_WEIGHT = 0.5
DATELINE_WEIGHT = 1.5
ACTOR_WEIGHT = 0.3
UNSUPPORTED_MAX_PRIOR = 6.0  # GeoNames places below ~1M people need support from the article
INEXACT_PENALTY = 1.0  # ... and any reached through a spelling-tolerant or headless reading
EXTRAS_VERSION = 1
HOMOGRAPH_SUPPORT = 0.5  # evidence for the name's countries (one nisba, or one place)
_CLITICS = frozenset("وفبل")
# words after which a name is a place's own name (keys: hamza and ta marbuta folded)
_PLACE_HEADS = frozenset(key(w) for w in (
    "في من إلى الى قرب داخل نحو مدينة بلدة قرية محافظة ولاية إقليم منطقة ناحية مقاطعة "
    "العاصمة عاصمة مخيم ضاحية حي").split())


@dataclass
class LinkResult:
    mentions: list[Mention]
    entities: list[Entity]
    spotted: list[tuple[int, int]] = field(default_factory=list)
    replaced: list[tuple[int, int]] = field(default_factory=list)
    countries: list[tuple[str, float]] = field(default_factory=list)
    nisbas: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, ISO2)


@lru_cache(maxsize=200_000)
def local_key(text: str) -> str:
    """Key of an unknown name, with a conjunction or preposition fused to the article
    removed (والمجلس → المجلس) — the only clitic strip that cannot eat a name's letter."""
    k = key(text)
    first, _, rest = k.partition(" ")
    for p in ("وبال", "فبال", "وال", "فال", "بال", "كال", "ولل", "فلل", "لل"):
        if first.startswith(p) and len(first) - len(p) >= 3:
            first = "ال" + first[len(p):]
            break
    return f"{first} {rest}".strip()


@lru_cache(maxsize=200_000)
def local_id(text: str, type_: str) -> str:
    h = hashlib.sha1(f"{local_key(text)}|{type_}".encode()).hexdigest()[:10]
    return f"local:{type_}:{h}"


class Linker:
    def __init__(self, kb: KnowledgeBase, resolver: Resolver, *, spot: bool = True):
        self.kb = kb
        self.resolver = resolver
        self.spot = spot

    # -- public -----------------------------------------------------------------------------
    def __call__(self, analysis: Analysis) -> Analysis:
        res = self.link(analysis)
        analysis.mentions = res.mentions
        analysis.entities = res.entities
        analysis.extras["link"] = {
            "version": EXTRAS_VERSION,
            "spotted": [list(s) for s in res.spotted],
            "replaced": [list(s) for s in res.replaced],
            "countries": [list(c) for c in res.countries],
            "nisbas": [list(n) for n in res.nisbas],
        }
        return analysis

    def link(self, analysis: Analysis) -> LinkResult:
        text = analysis.text
        tokens = analysis.tokens or tokenize(text)
        mentions = [Mention(m.start, m.end, m.text, m.type, None, m.score)
                    for m in analysis.mentions]
        spots, nisbas = spot(text, tokens, self.kb)
        spotted: list[tuple[int, int]] = []
        replaced: list[tuple[int, int]] = []
        sports = SportsContext(text, tokens, analysis.sentences, self.kb)
        if self.spot:
            mentions, spotted, replaced = _merge_spots(mentions, spots)
            mentions, more, _ = _merge_spots(mentions, spot_clubs(text, tokens, self.kb, sports))
            spotted += more
        mentions.sort(key=lambda m: (m.start, -m.end))
        mentions = [construct_place(text, m) for m in mentions]

        resolver = self.resolver
        first = [resolver.resolve(m.text, m.type) for m in mentions]
        ctx = self._context(analysis, mentions, first, tokens, nisbas)
        words = [t for t in tokens if t.text[:1].isalnum()]
        nisba_spans = [(words[i].start, words[i].end, cc) for i, cc in nisbas]
        nisba_starts = [s for s, _, _ in nisba_spans]
        qualified: dict[str, str] = {}  # a place's nisba holds for its every mention
        for m in mentions:
            cc = nisba_after(text, m, nisba_spans, nisba_starts)
            if cc:
                qualified.setdefault(local_key(m.text), cc)
        final = [
            _agrees(_supported(resolver.resolve(m.text, m.type, ctx) if len(r.candidates) > 1 else r,
                               ctx), qualified.get(local_key(m.text)) if m.type == "LOC" else None)
            for m, r in zip(mentions, first)
        ]
        mentions, final = self._senses(text, mentions, final, ctx, sports)
        ids = self._coreference(text, mentions, final)
        entities = self._entities(mentions, ids)
        out = [Mention(m.start, m.end, m.text, m.type, ids[i], m.score)
               for i, m in enumerate(mentions)]
        return LinkResult(out, entities, spotted, replaced, ctx.top_countries(), nisba_spans)

    # -- senses -----------------------------------------------------------------------------
    def _senses(self, text: str, mentions: list[Mention], final: list[Resolution],
                ctx: Context, sports: SportsContext) -> tuple[list[Mention], list[Resolution]]:
        """Clubs in and out of football context; currencies only as clubs; homographs kept
        only with support."""
        mentions, final = self._clubs(text, list(mentions), list(final), ctx, sports)
        # a currency word the NER left to us («الريال») is an entity only as a club
        cur = {i for i, (m, r) in enumerate(zip(mentions, final)) if is_currency(key(m.text))
               and not (r.best is not None and is_club(self.kb, r.best.entity_id))}
        mentions = [m for i, m in enumerate(mentions) if i not in cur]
        final = [r for i, r in enumerate(final) if i not in cur]
        drop = self._homographs(text, mentions, final, ctx)
        keep = [i for i in range(len(mentions)) if i not in drop]
        return [mentions[i] for i in keep], [final[i] for i in keep]

    def _clubs(self, text: str, mentions: list[Mention], final: list[Resolution], ctx: Context,
               sports: SportsContext) -> tuple[list[Mention], list[Resolution]]:
        for i, m in enumerate(mentions):
            r = self.resolver.resolve(m.text, "ORG" if m.type != "PER" else m.type, ctx)
            clubs = tuple(c for c in r.candidates if is_club(self.kb, c.entity_id))
            if not clubs:
                continue
            slot = m.type in ("LOC", "MISC") and sports.club_slot(m.start)
            if sports.supports(m.start) and (m.type == "ORG" or slot) \
                    and not sports.qualified(m.end, (c.country for c in clubs)):
                if m.type != "ORG":
                    mentions[i] = Mention(m.start, m.end, m.text, "ORG", None, m.score)
                # the football context is the support a link-only name asks for
                final[i] = Resolution(r.key, tuple(c._replace(weak=False) for c in clubs))
            else:
                final[i] = Resolution(final[i].key, tuple(
                    c for c in final[i].candidates if not (c.weak and is_club(self.kb, c.entity_id))))
        return mentions, final

    def _homographs(self, text: str, mentions: list[Mention], final: list[Resolution],
                    ctx: Context) -> set[int]:
        """Indexes of the mentions of a homograph name the article does not support."""
        homographs = load_homographs()
        by_entity = {h.entity_id: h for h in homographs.values()}
        forms: dict[int, str] = {}
        for i, (m, r) in enumerate(zip(mentions, final)):
            b = r.best
            h = by_entity.get(b.entity_id) if b is not None else None
            if h is not None:
                f = homograph_form(text, m, [h.word])
                if f:
                    forms[i] = f[1]
        drop: set[int] = set()
        for eid, h in by_entity.items():
            mine = [i for i in forms if final[i].best.entity_id == eid]  # type: ignore[union-attr]
            if not mine:
                continue
            named = any(r.best is not None and r.best.entity_id == eid and i not in forms
                        for i, r in enumerate(final))
            named = named or any(homograph_sense(text, mentions[i], h, forms[i], False, False)
                                 for i in mine if forms[i] != "article")
            hkeys = {final[i].key for i in mine}
            support = sum(ctx.by_country.get(cc, 0.0)
                          - sum(ctx.by_key_country.get((k, cc), 0.0) for k in hkeys)
                          for cc in h.countries)
            for i in mine:
                if not homograph_sense(text, mentions[i], h, forms[i], named,
                                       support >= HOMOGRAPH_SUPPORT):
                    drop.add(i)
        return drop

    # -- context ----------------------------------------------------------------------------
    def _context(self, analysis: Analysis, mentions: list[Mention], first: list[Resolution],
                 tokens, nisbas) -> Context:
        ctx = Context()
        for m, r in zip(mentions, first):
            b = r.best
            if b is None or b.weak:
                continue
            if b.is_place:
                if r.margin < CONFIDENT_MARGIN:
                    continue
                w = 1.0 if b.kind == "country" else 0.7
                ctx.add(r.key, b.country, w)
                if b.kind not in ("country", "continent", "region", "sea"):
                    ctx.anchor(b.lat, b.lon, r.key)
            elif b.country:
                ctx.add(r.key, b.country, ACTOR_WEIGHT)
        covered = _Spans((m.start, m.end) for m in mentions)
        words = [t for t in tokens if t.text[:1].isalnum()]
        for i, cc in nisbas:
            if not covered.covers(words[i].start):
                ctx.add(None, cc, NISBA_WEIGHT)
        dl = analysis.document.dateline
        if dl:
            r = self.resolver.resolve(dl, "LOC")
            if r.best is not None:
                ctx.add(None, r.best.country, DATELINE_WEIGHT)
                ctx.anchor(r.best.lat, r.best.lon, None)
        return ctx

    # -- coreference ------------------------------------------------------------------------
    def _coreference(self, text: str, mentions: list[Mention],
                     final: list[Resolution]) -> list[str]:
        n = len(mentions)
        ids: list[str | None] = [None] * n
        strong = [False] * n
        for i, r in enumerate(final):
            b = r.best
            if b is not None:
                ids[i] = b.entity_id
                strong[i] = not b.weak
        # the same surface key → the same entity (a strong link wins over weak/none)
        by_key: dict[tuple[str, str], str] = {}
        for i, m in enumerate(mentions):
            if strong[i]:
                by_key.setdefault((m.type, local_key(m.text)), ids[i])  # type: ignore[arg-type]
        for i, m in enumerate(mentions):
            if not strong[i]:
                eid = by_key.get((m.type, local_key(m.text)))
                if eid:
                    ids[i], strong[i] = eid, True
        # bracketed short forms
        spans = [(m.start, m.end, ids[i] or local_id(m.text, m.type))
                 for i, m in enumerate(mentions)]
        brackets = bracket_aliases(text, spans)
        for i, m in enumerate(mentions):
            if not strong[i]:
                eid = brackets.get(key(m.text)) or brackets.get(local_key(m.text))
                if eid:
                    ids[i], strong[i] = eid, True
        # parts of longer names; unresolved long names count with their local id
        chains = [
            Chain(i, m.type, local_key(m.text), tuple(local_key(m.text).split(" ")),
                  ids[i] if strong[i] else (None if ids[i] else local_id(m.text, m.type)),
                  strong[i])
            for i, m in enumerate(mentions)
        ]
        for c in chains:
            if not c.strong and ids[c.index]:
                c.entity_id = None  # weak links may be overridden by a longer name
        for c in chains:
            if c.entity_id is None and not c.strong and not ids[c.index]:
                c.entity_id = local_id(mentions[c.index].text, c.type)
        for i, eid in resolve_parts(chains).items():
            ids[i] = eid
        return [eid or local_id(mentions[i].text, mentions[i].type) for i, eid in enumerate(ids)]

    # -- entities ---------------------------------------------------------------------------
    def _entities(self, mentions: list[Mention], ids: list[str]) -> list[Entity]:
        seen: dict[str, Entity] = {}
        local_names: dict[str, list[str]] = {}
        for m, eid in zip(mentions, ids):
            if eid in seen or eid in local_names:
                if eid in local_names:
                    local_names[eid].append(m.text)
                continue
            if eid.startswith("local:"):
                local_names[eid] = [m.text]
                seen[eid] = Entity(id=eid, type=m.type, name_ar=m.text, local=True)
                continue
            e = self.resolver.entity(eid)
            if e is None:  # should not happen; keep the mention linked to something
                e = Entity(id=eid, type=m.type, name_ar=m.text, local=True)
            seen[eid] = e
        for eid, names in local_names.items():
            e = seen[eid]
            e.name_ar = max(names, key=len)
            e.aliases = sorted(set(names) - {e.name_ar})
            e.country = self._country_of_name(e.name_ar)
        return list(seen.values())

    def _country_of_name(self, name: str) -> str | None:
        """«الجيش الليبي» → LY: a nisba or a country name inside an unknown name."""
        for w in key(name).split(" "):
            cc = self.kb.nisba.get(w)
            if cc:
                return cc
            for h in self.kb.hits(w):
                e = self.kb.entries[h.entity_id].entity
                if e.kind == "country":
                    return e.country
        return None


_CONSTRUCT_TAIL = re.compile(r"\s+(ال(?:جنوب|شمال|شرق|غرب|جنوبي[ةه]?|شمالي[ةه]?|شرقي[ةه]?|غربي[ةه]?|جديد[ةه]?|قديم[ةه]?"
                             r"|كبرى|صغرى|عليا|سفلى))(?![\w\u0600-\u06ff])")


def construct_place(text: str, m: Mention) -> Mention:
    """A place name in construct with a definite direction or size word is one name
    (ظهران الجنوب، خميس مشيط is not one): without the article, «ظهران» is not «الظهران» but
    the head of «ظهران الجنوب». The mention takes the word, so the name is looked up whole
    and, when the gazetteer does not know it, stays a name rather than becoming another city."""
    if m.type != "LOC" or " " in m.text.strip() or m.text.startswith(("ال", "وال", "بال", "لل")):
        return m
    hit = _CONSTRUCT_TAIL.match(text, m.end)
    if hit is None:
        return m
    end = hit.end(1)
    return Mention(m.start, end, text[m.start:end], m.type, m.entity_id, m.score)


def nisba_after(text: str, m: Mention, nisbas: list[tuple[int, int, str]],
                starts: list[int] | None = None) -> str | None:
    """The country of a nisba adjective that qualifies place mention ``m``: the word right
    after it («مدينة سالزبري الإنجليزية», «بلدة دوما السورية») or the last word inside it when
    the NER took the adjective into the name. None for other mentions.

    ``nisbas`` are in text order (``starts``: their start offsets, for a caller that asks
    for every mention): only those inside ``m`` and the first one after it are looked at,
    so the cost does not grow with the article."""
    if m.type != "LOC" or not _heads_its_phrase(text, m.start):
        return None
    if starts is None:
        starts = [s for s, _, _ in nisbas]
    lo, hi = bisect_right(starts, m.start), bisect_left(starts, m.end)
    for _, e, cc in nisbas[lo:hi]:
        if e == m.end:
            return cc
    if hi < len(nisbas):
        s, _, cc = nisbas[hi]
        if not text[m.end:s].strip():
            return cc
    return None


def _heads_its_phrase(text: str, start: int) -> bool:
    """Does the name at ``start`` head its phrase, so that an adjective after it is its own:
    after a kind of place («مدينة سالزبري الإنجليزية») or a preposition («في دوما السورية»),
    not the complement of another noun («بلدية القدس الإسرائيلية»: the municipality is)."""
    before = text[max(0, start - 30):start]
    if before and not before[-1].isspace():
        return before[-1:] in _CLITICS  # بدوما، ودوما
    words = before.split()
    return not words or key(words[-1]) in _PLACE_HEADS or not words[-1][:1].isalpha()


def _agrees(r: Resolution, cc: str | None) -> Resolution:
    """``r`` with its best place in the country the place's own nisba names: another
    candidate in that country, or none (an unresolved name) when no candidate is."""
    b = r.best
    if cc is None or b is None or not b.is_place or not b.country or b.kind == "country" \
            or b.country == cc:
        return r
    same = tuple(c for c in r.candidates if c.country == cc)
    return Resolution(r.key, same)


def _supported(r: Resolution, ctx: Context) -> Resolution:
    """``r``, or no resolution when its best is an uncurated GeoNames place (small, or
    reached only through an inexact reading) in a country the rest of the article never
    points at and far from every place it names.
    With no evidence at all, only Arab-world places are kept (the corpus's home ground)."""
    b = r.best
    if b is None or b.source != "geonames":
        return r
    if b.prior >= UNSUPPORTED_MAX_PRIOR and b.prior - b.score < INEXACT_PENALTY:
        return r  # a big city named exactly needs no support
    if ctx.share(b.country, r.key) > 0 or ctx.proximity(b.lat, b.lon, r.key) > 0:
        return r
    if ctx.total - ctx.by_key.get(r.key, 0.0) <= 1e-9 and b.country in ARAB_LEAGUE:
        return r
    return Resolution(r.key, ())


def _merge_spots(mentions: list[Mention], spots) -> tuple[list[Mention], list, list]:
    """Add spotted names that overlap no mention; let a curated multi-word name replace the
    shorter mentions it strictly contains."""
    spotted: list[tuple[int, int]] = []
    replaced: list[tuple[int, int]] = []
    out = _MentionIndex(mentions)
    for s in spots:
        overlapping = out.overlapping(s.start, s.end)
        if not overlapping:
            out.add(Mention(s.start, s.end, s.text, s.type, None, SPOT_SCORE))
            spotted.append((s.start, s.end))
            continue
        inside = all(s.start <= m.start and m.end <= s.end for _, m in overlapping)
        longer = all((m.end - m.start) < (s.end - s.start) for _, m in overlapping)
        if s.curated and s.words >= 2 and inside and longer:
            for seq, m in overlapping:
                out.remove(seq)
                replaced.append((m.start, m.end))
            out.add(Mention(s.start, s.end, s.text, s.type, None, SPOT_SCORE))
            spotted.append((s.start, s.end))
    return list(out.items.values()), spotted, replaced


class _Spans:
    """Character spans answering "is this offset inside one?" by bisection."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for s, e in sorted(spans):
            if e <= s:
                continue
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        self._starts = [s for s, _ in merged]
        self._ends = [e for _, e in merged]

    def covers(self, offset: int) -> bool:
        i = bisect_right(self._starts, offset) - 1
        return i >= 0 and offset < self._ends[i]


class _MentionIndex:
    """The mentions of :func:`_merge_spots` in the order they were added (a removal keeps
    the others' order), indexed by start offset: finding the mentions that overlap a span
    is a bisection, not a pass over them all (which made linking quadratic)."""

    def __init__(self, mentions: Iterable[Mention]) -> None:
        self.items: dict[int, Mention] = {}
        self._starts: list[tuple[int, int]] = []  # (start, seq), sorted
        self._longest = 0
        self._next = 0
        for m in mentions:
            self.add(m)

    def add(self, m: Mention) -> None:
        seq, self._next = self._next, self._next + 1
        self.items[seq] = m
        insort(self._starts, (m.start, seq))
        self._longest = max(self._longest, m.end - m.start)

    def remove(self, seq: int) -> None:
        m = self.items.pop(seq)
        del self._starts[bisect_left(self._starts, (m.start, seq))]

    def overlapping(self, start: int, end: int) -> list[tuple[int, Mention]]:
        """(seq, mention) of the mentions overlapping [start, end), in the order added."""
        lo = bisect_left(self._starts, (start - self._longest, -1))
        hi = bisect_left(self._starts, (end, -1))
        found = ((seq, self.items[seq]) for _, seq in self._starts[lo:hi])
        return sorted((x for x in found if x[1].end > start), key=lambda x: x[0])
