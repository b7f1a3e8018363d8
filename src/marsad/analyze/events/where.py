"""Where an event happened: the place named for it in its sentence, resolved through the
linked entity when there is one, and the country it happened in.

The place is a LOC name in the trigger's clause, preferably after a locative preposition
(في، قرب، شمال …) or ب. Never a place:

* a name inside the dateline or outlet tag at the head of the body («(CNN)») — it says
  where the reporter was;
* a name inside a person's title: the complement of وزير، سفير، مبعوث، رئيس، شؤون … («وزير
  الدولة لشؤون الخليج», «سفير السعودية»);
* a country with no preposition before it, or a capital in an act between states: that is the
  state acting or acted on (metonymy: «توصل واشنطن وأنقرة لاتفاق»), not the scene;
* a part of the body («أصيب برصاصة في الصدر»): the chest, not a person or a town.

The country, in order of evidence:

1. the resolved place's country;
2. otherwise the sentence's own votes (its places, nisbas, actors' countries; the source
   actor counts double: a Saudi ministry acting at home acts in SA) plus the article's
   country (:class:`DocContext` ``country``), whichever leads;
3. none when nothing points anywhere.

An unresolved name (a village the gazetteer does not know, or one the linker refused to
send to another continent) stays the location span, with the country from step 2.

``precision`` is ACLED-like: "place" (a city, town, site or any named but unresolved place),
"region" (a province or region), "country" (only the country is known).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from marsad.analyze.events.actors import NP
from marsad.analyze.events.context import REGION_KINDS, DocContext, leader
from marsad.analyze.events.forms import norm
from marsad.analyze.events.scan import Match
from marsad.analyze.events.view import COMPLEMENTIZERS, SentenceView
from marsad.model import Mention, Place, Span

LOC_PREPS = {"في", "قرب", "وسط", "شمال", "جنوب", "شرق", "غرب", "شمالي", "جنوبي", "شرقي", "غربي",
             "داخل", "امام", "بالقرب", "محيط", "ضواحي", "اطراف", "مدينه", "بلده", "قريه", "منطقه",
             "محافظه", "ولايه", "اقليم", "مخيم", "حي", "العاصمه", "ضاحيه", "ساحه", "مدينة",
             "انحاء", "ارجاء", "ربوع", "عموم"}
# «شهدت مدينة حلب اشتباكات», «التي يشهدها اليمن»: the place is the subject of شهد
_WITNESS = {norm(w) for w in "شهد شهدت يشهد تشهد شهدها يشهدها تشهدها شهده يشهده تشهده".split()}
_PLACE_HEADS = {"شمال", "جنوب", "شرق", "غرب", "شمالي", "جنوبي", "شرقي", "غربي", "وسط", "قرب", "مدينه",
                "بلده", "قريه", "محافظه", "ولايه", "اقليم", "مخيم", "حي", "ضاحيه", "ضواحي", "اطراف", "ناحيه",
                "قضاء", "منطقه"}
_NOT_PLACES = {"الحدود", "حدود", "المدينه", "البلاد", "العاصمه", "المنطقه", "الطريق", "البلده", "القريه",
               "المحافظه", "الولايه", "الاقليم", "الشارع", "السوق", "مقر", "المقر", "مبني", "المبني", "منزل",
               "حاجز", "نقطه", "مدخل", "الموقع", "موقع", "البحر", "النهر", "الشرق", "الغرب", "العالم"}
# nouns whose complement is part of a title or an office, not a scene
_TITLE_HEADS = {norm(w) for w in (
    "وزير وزيرة وزراء سفير سفيرة سفراء مبعوث مبعوثة ممثل ممثلة مندوب مندوبة رئيس رئيسة رؤساء "
    "ملك ملكة عاهل أمير حاكم محافظ أمين قنصل قنصلية سفارة شؤون لشؤون مفتي نائب نواب مجلس "
    "مستشار مستشارة قائد ولي عهد حكومة برلمان").split()}
# words that may sit between a title head and the place: «وزير الدولة لشؤون الخليج»
_TITLE_FILLERS = {norm(w) for w in "الدولة خارجية الخارجية العام عام الأعلى الاعلى الوزراء".split()}
# parts of the body: «أصيب برصاصة في الصدر», «طعنة في الرأس»
_BODY_PARTS = {norm(w) for w in (
    "الصدر الرأس الراس الرقبة البطن الظهر الساق القدم اليد الكتف الفخذ القلب الوجه العنق "
    "الحوض الذراع الركبة الصدغ").split()}
_METONYM_KINDS = frozenset({"country"})
_LOCAL_KINDS = frozenset({"city", "capital", "province", "governorate", "district", "town", "village"})
_BEFORE_PENALTY = 2  # Arabic puts the locative after the verb: prefer a place that follows
_PP_REACH = 2  # هجوم في فرنسا: a place this close after another trigger is that trigger's
_SOURCE_WEIGHT = 2.0
# acts that one state does to another without a scene of their own
_BETWEEN_STATES = frozenset({"CONSULT", "AGREE", "REJECT", "SUPPORT", "REQUEST", "ACCUSE", "SANCTION",
                             "THREATEN", "COOPERATE", "AID", "CONCEDE"})
_DOC_WEIGHT = 1.5


@dataclass
class Where:
    """An event's place: the words naming it, the resolved place, its country and how
    precise it is ("place" | "region" | "country")."""

    location: Span | None = None
    place: Place | None = None
    country: str | None = None
    precision: str | None = None


def place_of(ctx: DocContext, mention: Mention | None) -> Place | None:
    """The resolved place of a location mention: its linked LOC entity from the knowledge
    base or the place index (a local, unlinked name resolves to nothing)."""
    ent = ctx.entity_of(mention)
    if ent is None or ent.local or ent.type != "LOC":
        return None
    return Place(entity_id=ent.id, name_ar=ent.name_ar, name_en=ent.name_en, country=ent.country,
                 lat=ent.lat, lon=ent.lon, geonames_id=ent.geonames_id)


def _in_title(v: SentenceView, i: int) -> bool:
    """Is token i the complement of a title (وزير الخارجية البريطاني، لشؤون الخليج)?"""
    j = i - 1
    while j >= 0 and i - j <= 3 and v.is_word(j):
        b = v.base(j)
        if b in _TITLE_HEADS or v.raw(j) in _TITLE_HEADS:
            return True
        if b not in _TITLE_FILLERS and v.raw(j) not in _TITLE_FILLERS:
            return False
        j -= 1
    return False


def _located(v: SentenceView, i: int, men: Mention | None = None) -> bool:
    """Is the name at token i a scene: after a locative word, with ب fused to it (when the
    name's mention is known, its ب must lie outside it: وبريطانيا is و + بريطانيا), or a
    headline's place tag?"""
    prev = v.base(i - 1) if i > 0 else ""
    if prev in LOC_PREPS or prev in _WITNESS or _label(v, i):
        return True
    if men is not None:
        t = v.toks[i]
        return "ب" in t.text[: max(0, men.start - t.start)]
    return v.has_proclitic(i, "ب")


def _label(v: SentenceView, i: int) -> bool:
    """A headline's leading place tag: «العراق: إغلاق …», «سوريا.. تعرف على …»."""
    if i != 0:
        return False
    j = 1
    while j < len(v.toks) and v.is_word(j) and j < 4:
        j += 1
    return j < len(v.toks) and v.toks[j].text.startswith((":", ".."))


def _attached_elsewhere(v: SentenceView, m: Match, i: int) -> bool:
    """Does the place at token i belong to another predicate than trigger ``m``? A
    complementizer between a place and the trigger after it (قال في مؤتمر بإسرائيل إن ...:
    the speech's place, not the reported act's), or another trigger of another type just
    before it (توقيف ... مخطط لشن هجوم في فرنسا: the attack's place, not the arrest's)."""
    if i < m.first:
        return any(v.raw(j) in COMPLEMENTIZERS or v.base(j) in COMPLEMENTIZERS
                   for j in range(i + 1, m.first))
    for o in v.group("trigger"):
        if o.pat.ptype != m.pat.ptype and m.last < o.first and 0 < i - o.last <= _PP_REACH:
            return True
    return False


def _location(ctx: DocContext, v: SentenceView, m: Match,
              actors: tuple[NP | None, ...] = ()) -> tuple[int, int, Mention | None] | None:
    cands: list[tuple[int, int, int, Mention | None]] = []  # (distance, first, last, mention)

    def taken(first: int, last: int) -> bool:
        return any(a is not None and not (last < a.first or first > a.last) for a in actors)

    for men in v.mentions:
        if men.type != "LOC" or men.end <= ctx.dateline_end:
            continue
        idx = [t.i for t in v.toks if t.start < men.end and men.start < t.end]
        if not idx or (m.first <= idx[0] <= m.last) or taken(idx[0], idx[-1]):
            continue
        ent = ctx.entity_of(men)
        if v.base(idx[0]) in _BODY_PARTS or v.raw(idx[0]) in _BODY_PARTS:
            continue
        if _in_title(v, idx[0]) and not (ent and not ent.local and ent.kind in _LOCAL_KINDS):
            continue  # وزير الدولة لشؤون الخليج; but أمين منطقة حائل acts in Hail
        d = abs(idx[0] - m.first)
        if _located(v, idx[0], men):
            d -= 3
        else:
            if ent is None or ent.local or ent.kind in _METONYM_KINDS \
                    or (ent.kind == "capital" and m.pat.ptype in _BETWEEN_STATES):
                continue  # an unlinked name or a bare country is no scene without في/ب, nor
                # a bare capital in diplomacy («موسكو اتهمت لندن»: the government)
        if v.segment[idx[0]] != v.segment[m.first] or _attached_elsewhere(v, m, idx[0]):
            continue  # a place in another clause (حيث ..., كما ...) belongs to another event
        if idx[0] < m.first:
            d += _BEFORE_PENALTY
        cands.append((d, idx[0], idx[-1], men))
    if not cands:  # a state word after في/ب that NER missed
        for i, (cls, _sector, last) in v.agent_at.items():
            if cls != "state" or (m.first <= i <= m.last) or v.toks[i].start < ctx.dateline_end:
                continue
            if _located(v, i) and not taken(i, last) and v.segment[i] == v.segment[m.first] \
                    and not _attached_elsewhere(v, m, i):
                cands.append((abs(i - m.first), i, last, None))
    if not cands:  # غرب الموصل، مدينة الصدر: a word after a direction or a kind of place
        for i in range(len(v.toks) - 1):
            if v.base(i) in _PLACE_HEADS and v.is_word(i + 1) and not v.is_stop(i + 1) \
                    and not v.raw(i + 1).endswith(("ي", "يه")) \
                    and v.base(i + 1) not in _NOT_PLACES and not v.is_quantity(i + 1) and not v.is_time(i + 1) \
                    and not (m.first <= i + 1 <= m.last) and (i + 1) not in v.verb_at \
                    and v.segment[i] == v.segment[m.first] and v.raw(i + 1)[:1] not in "يتن" \
                    and v.toks[i].start >= ctx.dateline_end and not _in_title(v, i) \
                    and not _attached_elsewhere(v, m, i + 1):
                at = v.mention_at(i + 1)
                cands.append((abs(i - m.first), i + 1, i + 1, at if at and at.type == "LOC" else None))
    if not cands:
        return None
    _d, first, last, found = min(cands, key=lambda c: c[0])
    return first, last, found


def _trimmed(ctx: DocContext, v: SentenceView, first: int, last: int, men: Mention | None) -> Span:
    """The location's words without a fused و/ف/ب (باليمن → اليمن, وواشنطن → واشنطن): cut
    only to a known name of the place, or to a definite word (والرقة → الرقة)."""
    span = ctx.span(v, first, last, men)
    t = span.text
    ent = ctx.entity_of(men)
    names = {norm(n) for n in ([ent.name_ar, *ent.aliases] if ent else []) if n}
    if norm(t) in names:
        return span
    for cut in (1, 2):
        pre, rest = t[:cut], t[cut:]
        if len(rest) < 3 or any(c not in "وفب" for c in pre) or pre.count("ب") > 1 \
                or pre.endswith(("و", "ف")) and cut == 2:
            continue
        if norm(rest) in names or rest.startswith("ال"):
            return Span(span.start + cut, span.end, rest, span.entity_id)
    return span


def _np_country(ctx: DocContext, v: SentenceView, np: NP | None) -> str | None:
    """The country of an actor phrase: its entity's, else a nisba or country name in it."""
    if np is None:
        return None
    ent = ctx.entity_of(np.mention)
    if ent is not None and ent.country and ent.kind not in ("continent", "sea"):
        return ent.country
    s, e = v.toks[np.first].start, v.toks[np.last].end
    votes = ctx.votes(s, e)
    return max(votes, key=lambda c: votes[c]) if votes else None


def sentence_country(ctx: DocContext, v: SentenceView, source: NP | None,
                     target: NP | None = None, m: Match | None = None) -> str | None:
    """Step 2 of the module docstring: the sentence's votes, its source actor's country
    (double) and the article's country. None for an act between two countries with no
    place of its own (diplomacy, sanctions, accusations across borders: international, as
    the field gold codes it) and for a phone call (it has two ends)."""
    if m is not None and m.pat.mode == "phone":
        return None
    src, tgt = _np_country(ctx, v, source), _np_country(ctx, v, target)
    if src and tgt and src != tgt and m is not None and m.pat.ptype in _BETWEEN_STATES:
        return None
    votes: dict[str, float] = defaultdict(float)
    for cc, w in ctx.votes(v.toks[0].start, v.toks[-1].end).items():
        votes[cc] += w
    if src and _institution(source):
        votes[src] += _SOURCE_WEIGHT  # a ministry or army acts at home; a person's nationality need not
    if ctx.country:
        votes[ctx.country] += _DOC_WEIGHT
    return leader(votes, 0.0, 1.0 + 1e-9) if votes else None


# a place bigger than a country (أوروبا، الشرق الأوسط) has no country: international
_SUPRANATIONAL = frozenset({"continent", "world_region", "supranational"})


def _institution(np: NP | None) -> bool:
    if np is None:
        return False
    if np.mention is not None:
        return np.mention.type in ("ORG", "LOC")
    return np.cls in ("police", "military", "official", "state", "group", "armed")


def _precision(place: Place | None, kind: str | None) -> str:
    if place is None:
        return "place"
    if kind == "country":
        return "country"
    if kind in REGION_KINDS:
        return "region"
    return "place"


def where_of(ctx: DocContext, v: SentenceView, m: Match, actors: tuple[NP | None, ...] = ()) -> Where:
    """The place of the event whose trigger is ``m`` (``actors``' words are never its place;
    the first actor is the source)."""
    source = actors[0] if actors else None
    target = actors[1] if len(actors) > 1 else None
    loc = _location(ctx, v, m, actors)
    if loc is None:
        country = sentence_country(ctx, v, source, target, m)
        return Where(None, None, country, "country" if country else None)
    first, last, men = loc
    location = _trimmed(ctx, v, first, last, men)
    place = place_of(ctx, men)
    country = place.country if place else None
    ent = ctx.entity_of(men)
    if not country and not (ent is not None and ent.kind in _SUPRANATIONAL):
        country = ctx.nisba_of_place(location.start, location.end) \
            or sentence_country(ctx, v, source, target)
    return Where(location, place, country, _precision(place, ent.kind if ent else None))
