"""Where an event happened: the place named for it in its sentence, resolved through the
linked entity when there is one."""

from __future__ import annotations

from dataclasses import dataclass

from marsad.analyze.events.actors import NP
from marsad.analyze.events.context import DocContext
from marsad.analyze.events.scan import Match
from marsad.analyze.events.view import SentenceView
from marsad.model import Mention, Span

LOC_PREPS = {"في", "قرب", "وسط", "شمال", "جنوب", "شرق", "غرب", "شمالي", "جنوبي", "شرقي", "غربي",
             "داخل", "امام", "بالقرب", "محيط", "ضواحي", "اطراف", "مدينه", "بلده", "قريه", "منطقه",
             "محافظه", "ولايه", "اقليم", "مخيم", "حي", "العاصمه", "ضاحيه", "ساحه", "مدينة"}
_PLACE_HEADS = {"شمال", "جنوب", "شرق", "غرب", "شمالي", "جنوبي", "شرقي", "غربي", "وسط", "قرب", "مدينه",
                "بلده", "قريه", "محافظه", "ولايه", "اقليم", "مخيم", "حي", "ضاحيه", "ضواحي", "اطراف", "ناحيه",
                "قضاء", "منطقه"}
_NOT_PLACES = {"الحدود", "حدود", "المدينه", "البلاد", "العاصمه", "المنطقه", "الطريق", "البلده", "القريه",
               "المحافظه", "الولايه", "الاقليم", "الشارع", "السوق", "مقر", "المقر", "مبني", "المبني", "منزل",
               "حاجز", "نقطه", "مدخل", "الموقع", "موقع", "البحر", "النهر", "الشرق", "الغرب", "العالم"}


@dataclass
class Where:
    """An event's place: the words naming it, the resolved place, its country and how
    precise it is ("place" | "region" | "country")."""

    location: Span | None = None
    place: dict | None = None
    country: str | None = None
    precision: str | None = None


def place_dict(ctx: DocContext, mention: Mention | None) -> dict | None:
    if mention is None or not mention.entity_id:
        return None
    ent = ctx.entities.get(mention.entity_id)
    if ent is None:
        return None
    return {
        "entity_id": ent.id, "name_ar": ent.name_ar, "name_en": ent.name_en,
        "country": ent.country, "lat": ent.lat, "lon": ent.lon, "geonames_id": ent.geonames_id,
    }


def _location(v: SentenceView, m: Match, actors: tuple[NP | None, ...] = ()) -> tuple[int, int, Mention | None] | None:
    cands: list[tuple[int, int, int, Mention | None]] = []  # (distance, first, last, mention)

    def taken(first: int, last: int) -> bool:
        return any(a is not None and not (last < a.first or first > a.last) for a in actors)

    for men in v.mentions:
        if men.type != "LOC":
            continue
        idx = [t.i for t in v.toks if t.start < men.end and men.start < t.end]
        if not idx or (m.first <= idx[0] <= m.last) or taken(idx[0], idx[-1]):
            continue
        d = abs(idx[0] - m.first)
        prev = v.base(idx[0] - 1) if idx[0] > 0 else ""
        if prev in LOC_PREPS or v.has_proclitic(idx[0], "ب"):
            d -= 3
        elif not men.entity_id:
            continue  # an unlinked name with no في/ب before it is too weak a place
        if v.segment[idx[0]] != v.segment[m.first]:
            continue  # a place in another clause (حيث ..., كما ...) belongs to another event
        cands.append((d, idx[0], idx[-1], men))
    if not cands:
        for i, (cls, _sector, last) in v.agent_at.items():
            if cls != "state" or (m.first <= i <= m.last):
                continue
            prev = v.base(i - 1) if i > 0 else ""
            if (prev in LOC_PREPS or v.has_proclitic(i, "ب")) and not taken(i, last) \
                    and v.segment[i] == v.segment[m.first]:
                cands.append((abs(i - m.first), i, last, None))
    if not cands:  # غرب الموصل، مدينة الصدر: a word after a direction or a kind of place
        for i in range(len(v.toks) - 1):
            if v.base(i) in _PLACE_HEADS and v.is_word(i + 1) and not v.is_stop(i + 1) \
                    and not v.raw(i + 1).endswith(("ي", "يه")) \
                    and v.base(i + 1) not in _NOT_PLACES and not v.is_quantity(i + 1) \
                    and not (m.first <= i + 1 <= m.last) and (i + 1) not in v.verb_at \
                    and v.segment[i] == v.segment[m.first] and v.raw(i + 1)[:1] not in "يتن":
                cands.append((abs(i - m.first), i + 1, i + 1, None))
    if not cands:
        return None
    d, first, last, men = min(cands, key=lambda c: c[0])
    return first, last, men


def where_of(ctx: DocContext, v: SentenceView, m: Match, actors: tuple[NP | None, ...] = ()) -> Where:
    """The place of the event whose trigger is ``m`` (``actors``' words are never its place)."""
    loc = _location(v, m, actors)
    if not loc:
        return Where()
    location = ctx.span(v, loc[0], loc[1], loc[2])
    place = place_dict(ctx, loc[2])
    country = place.get("country") if place else None
    return Where(location, place, country, "place" if place else None)
