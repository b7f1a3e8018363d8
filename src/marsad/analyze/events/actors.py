"""Who did it and to whom: source and target noun phrases of a trigger.

Arabic news is mostly verb-first (قتل مسلحون خمسة جنود), with subject-first clauses after
إن/أن (أن مسلحين خطفوا أربعة مهندسين) and passives that look like actives when unvocalized
(قُتل 18 شخصا). The rules: the noun phrase after a verb is its subject unless it is counted
or names victims (then the verb is read as passive and the phrase is the target); a second
phrase is the object; a phrase just before the verb is its subject; verbal nouns take their
genitive as target and their agent from على يد / من قبل / شنه X or a gentilic adjective
(غارة إسرائيلية). When no phrase is found, the nearest generic agent of a fitting class is
used. NER mentions, when present, widen a phrase to the whole name and give its entity id.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from marsad.analyze.events.forms import IMPF, PERF
from marsad.analyze.events.scan import Match, _token_fits
from marsad.analyze.events.view import SentenceView
from marsad.model import Mention
from marsad.text.normalize import normalize_for_match

MAX_NP = 5
SOURCE_CLASSES = {
    "ASSAULT": ("armed", "military", "police", "group", "state", "gentilic"),
    "PROTEST": ("protester",),
    "COERCE": ("police", "military", "official", "state", "group", "armed"),
    "MOBILIZE": ("military", "police", "state", "official", "group", "armed"),
}
DEFAULT_SOURCE_CLASSES = ("official", "state", "group", "military", "police", "armed", "protester")
ACTIVE_CLASSES = {"armed", "military", "police", "group", "state", "official", "protester", "gentilic", "document"}
PASSIVE_TYPES = {"ASSAULT", "COERCE"}
DEVICE_SUBJECT = {"انفجر"}
VICTIM_SUBJECT = {"لقي", "اصيب", "استشهد", "سقط", "راح"}
_OBJ_PREPS = {"علي", "ضد", "باتجاه", "نحو", "تجاه"}


@dataclass
class NP:
    first: int
    last: int
    quantified: bool = False
    cls: str | None = None
    sector: str | None = None
    mention: Mention | None = None
    fallback: bool = False  # found by proximity, not by grammar

    def overlaps(self, other: NP | None) -> bool:
        return other is not None and not (self.last < other.first or self.first > other.last)


def _classify(v: SentenceView, first: int, last: int) -> tuple[str | None, str | None]:
    best: tuple[str | None, str | None] = (None, None)
    for i in range(first, last + 1):
        a = v.agent_at.get(i)
        if a and i in v.verb_at and v.mention_at(i) is None:
            continue  # a word the lexicon reads as a verb here is no agent (فتح "opened", not Fatah)
        if a:
            if i == first:
                return a[0], a[1]
            if best[0] is None:
                best = (a[0], a[1])
    return best


def _with_mention(v: SentenceView, np: NP) -> NP:
    m = None
    for i in range(np.first, np.last + 1):
        m = v.mention_at(i)
        if m:
            break
    if m is None:
        return np
    first, last = np.first, np.last
    while first > 0 and v.toks[first - 1].end > m.start and v.toks[first - 1].word:
        first -= 1
    while last + 1 < len(v.toks) and v.toks[last + 1].start < m.end and v.toks[last + 1].word:
        last += 1
    np.first, np.last, np.mention = first, last, m
    if np.cls is None and not _town(m):
        np.cls = {"ORG": "group", "PER": "official", "LOC": "state"}.get(m.type)
    return np


def _town(m: Mention | None) -> bool:
    """A place that is not a country: it hosts events, it does not act (السلط، إزمير). The
    capitals that stand for their governments (واشنطن، أنقرة) are agents of the lexicon."""
    return m is not None and m.type == "LOC" and not (m.entity_id or "").startswith("country:")


def np_at(v: SentenceView, k: int, *, stop_at: int | None = None, trigger_heads: AbstractSet[int] = frozenset(),
          allow_clitic: bool = False) -> NP | None:
    """The noun phrase starting at (or just after time/quantity words from) token k.
    ``allow_clitic``: the first word may carry ب/ل (تندد بالحكومة → الحكومة)."""
    n = len(v.toks) if stop_at is None else min(stop_at, len(v.toks))
    quantified = False
    q_first = q_last = -1
    while k < n and v.is_word(k):
        if v.is_time(k) or (v.raw(k) == "من" and k > 0 and v.is_time(k - 1)):
            k += 1
            continue
        if v.is_quantity(k):
            quantified = True
            q_first = k if q_first < 0 else q_first
            q_last = k
            k += 1
            if k < n and v.raw(k) == "من":
                k += 1
            continue
        break
    if k >= n or not v.is_word(k) or v.is_stop(k) or (not allow_clitic and v.has_proclitic(k, "بلك")):
        if q_first >= 0 and (k >= n or not v.is_word(k) or v.raw(k).startswith("من")):
            return NP(q_first, q_last, True)  # اعتقلت الشرطة اثنين منهم: the count is the phrase
        return None
    if (k in v.verb_at or k in trigger_heads) and k not in v.agent_at and v.mention_at(k) is None:
        return None  # a verb or another trigger (بجروح، مسيرة) does not start an actor phrase
    first = last = k
    j = k + 1
    while j < n and j - first < MAX_NP and v.is_word(j):
        if (v.is_stop(j) or v.is_time(j) or v.is_quantity(j) or v.has_proclitic(j, "بلك")
                or (j in v.verb_at and j not in v.agent_at) or (j in trigger_heads and j not in v.agent_at)):
            break
        if v.raw(j).startswith("و") and j not in v.agent_at and v.mention_at(j) is None:
            break
        if _definite(v, last) and _definite(v, j) and not _adjective(v, j) and v.mention_at(j) is None:
            break  # المدرب الحكم: two phrases, not noun + adjective
        if _ends_phrase(v, last, j):
            break  # الحكومة الألمانية | مطالب واشنطن
        cur, nxt = v.mention_at(last), v.mention_at(j)
        if cur is not None and nxt is not None and nxt is not cur:
            break  # منظمة هيومن رايتس ووتش | تركيا: two names, two phrases
        last = j
        j += 1
    cls, sector = _classify(v, first, last)
    return _with_mention(v, NP(first, last, quantified, cls, sector))


# definite nouns a name may follow in apposition: العاصمة دمشق، الرئيس ترامب، حركة حماس
_APPOSITION_HEADS = frozenset(normalize_for_match(w) for w in (
    "عاصمه مدينه بلده قريه محافظه منطقه ولايه دوله مملكه جمهوريه اماره حركه جماعه تنظيم حزب "
    "ميليشيا مليشيا رئيس ملك امير شيخ سلطان وزير نائب زعيم قائد سفير مبعوث مستشار مرشد امام "
    "جنرال عقيد عميد لواء رائد نقيب مقدم دكتور سيد سيده مستشاره").split())


def _ends_phrase(v: SentenceView, i: int, j: int) -> bool:
    """Does a noun phrase end between word i and word j? After a definite word only its
    definite adjectives follow in one phrase (الحكومة الألمانية | مطالب واشنطن، وزير
    الخارجية | نظيره الروسي): the head of a genitive construct is never definite. A name
    continues the phrase only as a person's name after a title (الرئيس الأمريكي دونالد
    ترامب) or in apposition to a kind of place or group (العاصمة دمشق)."""
    if not _definite(v, i) or _definite(v, j):
        return False
    men = v.mention_at(j)
    if men is not None and (men is v.mention_at(i) or men.type == "PER"):
        return False
    return not (men is not None and v.base(i) in _APPOSITION_HEADS)


_ADJ_WORDS = {"كبير", "كبري", "عام", "خاص", "خاصه", "اعلي", "جديد", "جديده", "سابق", "سابقه", "حاكم",
              "متطرف", "اول", "ثاني", "اخير", "اخيره", "شعبي", "عليا", "وحيد", "اكبر"}


def _definite(v: SentenceView, i: int) -> bool:
    r = v.raw(i).lstrip("وف") if len(v.raw(i)) > 4 else v.raw(i)
    return r.startswith("ال")


def _adjective(v: SentenceView, i: int) -> bool:
    """An adjective agreeing with a definite noun: nisba (الاميركية), participle
    (المدعومة، المتطرف) or a common adjective."""
    r = v.raw(i).lstrip("وف")
    w = r.removeprefix("ال")
    if v.agent_at.get(i, ("",))[0] == "gentilic":
        return True
    if w in _M_NOUNS:
        return False
    return (w.endswith(("ي", "يه", "يين", "يون", "يات", "يان")) or w.startswith("م") or w in _ADJ_WORDS) and len(w) > 2


# nouns that start with م like a participle but are places and bodies (المدينة, المجلس)
_M_NOUNS = frozenset({
    "مدينه", "منطقه", "محافظه", "مجلس", "مكتب", "مدرسه", "مستشفي", "منزل", "مبني", "موقع", "مواقع", "مسجد",
    "مركز", "معسكر", "مخيم", "ميناء", "مطار", "مقر", "مؤسسه", "منظمه", "ملعب", "متحف", "مصنع", "معبر",
    "محكمه", "مدن", "مناطق", "منازل", "مدارس", "مساجد", "مراكز", "مخيمات", "ممتلكات", "مقرات", "ميدان",
})


def np_before(v: SentenceView, i: int, *, trigger_heads: AbstractSet[int] = frozenset()) -> NP | None:
    """The noun phrase that ends just before token i, inside its clause (subject-first)."""
    j = i - 1
    while j >= 0 and v.is_word(j) and (v.raw(j) in ("قد", "وقد", "لقد", "كان", "كانت", "كانوا") or v.is_time(j)):
        j -= 1
    if j >= 1 and v.raw(j) in ("الاقل", "الاكثر", "الارجح") and v.raw(j - 1) in ("علي", "في"):
        j -= 2
    if j >= 0 and v.raw(j).lstrip("و") in ("الذي", "التي", "الذين", "اللذين", "اللتين", "اللواتي"):
        k = j - 1  # the antecedent of a relative clause: المتظاهرين، الذين كانوا يهتفون
        while k >= 0 and not v.is_word(k):
            k -= 1
        if k < 0:
            return None
        return np_before(v, k + 1, trigger_heads=trigger_heads)
    if j < 0 or not v.is_word(j) or v.is_stop(j) or v.raw(j).isdigit():
        return None
    if (j in v.verb_at or j in trigger_heads) and j not in v.agent_at:
        return None
    last = first = j
    k = j - 1
    while k >= 0 and last - k < MAX_NP and v.is_word(k):
        if (v.is_stop(k) or v.is_time(k) or v.is_quantity(k) or (k in v.verb_at and k not in v.agent_at)
                or (k in trigger_heads and k not in v.agent_at) or v.cue_at("report", k)):
            break
        if _definite(v, k) and _definite(v, k + 1) and not _adjective(v, k + 1):
            break  # المتظاهرون الإطارات: two phrases
        if _ends_phrase(v, k, k + 1):
            break  # الطائرات الحربية | دمشق
        first = k
        if v.raw(k).startswith("و") and k not in v.agent_at:
            break
        k -= 1
    if v.has_proclitic(first, "بلك") or _in_pp(v, first):
        return None  # وفي لندن توجه ...: a prepositional phrase is not the subject
    quantified = first > 0 and v.is_word(first - 1) and v.is_quantity(first - 1)
    cls, sector = _classify(v, first, last)
    return _with_mention(v, NP(first, last, quantified, cls, sector))


def _passive_reading(np: NP) -> bool:
    return np.quantified or np.cls == "victim"


def _prep_object(v: SentenceView, after: int, heads: set[int]) -> NP | None:
    """X in 'على X' / 'ضد X' within four words after a trigger, in the same clause."""
    end = min(len(v.toks), after + 5)
    for k in range(after, end):
        if not v.is_word(k):
            return None
        r = v.raw(k)
        if r in _OBJ_PREPS or r in ("استهدف", "استهدفت", "مستهدفا", "مستهدفه"):
            return np_at(v, k + 1, trigger_heads=heads)
        if v.has_proclitic(k, "ع") and r.startswith("عل"):
            continue
    return None


def _gentilic_after(v: SentenceView, m: Match) -> NP | None:
    for k in range(m.last + 1, min(len(v.toks), m.last + 3)):
        if not v.is_word(k):
            return None
        a = v.agent_at.get(k)
        if a and a[0] == "gentilic":
            return _with_mention(v, NP(k, k, False, "gentilic", a[1]))
        if not _adjective(v, k):
            return None
    return None


def _by_agent(v: SentenceView, m: Match, heads: set[int]) -> NP | None:
    for cue in v.group("cue:by-agent"):
        if cue.first > m.last and cue.first - m.last <= 14 and not any(m.last < h < cue.first for h in heads):
            np = np_at(v, cue.last + 1, trigger_heads=heads)
            if np is None and cue.first == cue.last and v.agent_at.get(cue.last + 1):
                np = np_at(v, cue.last + 1)
            if np:
                return np
    return None


def nearest_agent(v: SentenceView, m: Match, classes: tuple[str, ...], exclude: list[NP | None]) -> NP | None:
    best = None
    best_d = 10**9
    start = v.clause_start[m.first]
    for i, (cls, sector, last) in v.agent_at.items():
        if cls not in classes or m.first <= i <= m.last:
            continue
        if i in v.verb_at and v.mention_at(i) is None:
            continue  # وفتح مدعون التحقيق: فتح read as a verb is not Fatah
        if i == m.last + 1 and (_adjective(v, i) or v.raw(i).endswith(("يه", "يات"))):
            continue  # الهجمات الإرهابية: an adjective of the trigger, not an actor
        np = NP(i, last, False, cls, sector, fallback=True)
        if any(np.overlaps(x) for x in exclude) or _in_pp(v, i):
            continue
        if i > m.last and cls in ("state", "gentilic"):
            continue
        d = abs(i - m.first) + (0 if i >= start else 6) + (4 if i > m.last else 0)
        if d < best_d:
            best, best_d = np, d
    for men in v.mentions:
        men_cls = {"ORG": "group", "PER": "official", "LOC": "state"}.get(men.type)
        if men_cls not in classes or _town(men):
            continue
        idx = [t.i for t in v.toks if t.start < men.end and men.start < t.end]
        if not idx or m.first <= idx[0] <= m.last:
            continue
        np = NP(idx[0], idx[-1], False, men_cls, None, men, fallback=True)
        if any(np.overlaps(x) for x in exclude) or _in_pp(v, idx[0]):
            continue
        d = abs(idx[0] - m.first) + (0 if idx[0] >= start else 6) - 1
        if d < best_d:
            best, best_d = np, d
    return _with_mention(v, best) if best else None


_PARTITIVE_HEADS = {"قوه", "مجموعه", "مجموعات", "عناصر", "افراد", "عدد", "عددا", "وحده", "دوريه", "فرقه",
                    "كتيبه", "عشرات", "مئات", "الاف", "بعض", "احد", "احدي", "اعضاء", "جنود", "مقاتلين", "حشود"}


def _in_pp(v: SentenceView, i: int) -> bool:
    """Is token i inside a prepositional phrase (في الجيش، للشرطة، للعلاقات الخارجية)?"""
    if v.has_proclitic(i, "بلك"):
        return True
    j = i
    while j > 0 and _adjective(v, j) and v.is_word(j - 1) and _definite(v, j):
        j -= 1  # walk back over adjectives to the noun they describe
        if v.has_proclitic(j, "بلك"):
            return True
    i = j
    if i > 1 and v.raw(i - 1) == "من" and (v.is_quantity(i - 2) or v.base(i - 2) in _PARTITIVE_HEADS):
        return False  # آلاف من المتظاهرين / قوة من الشرطة: partitive, not a preposition
    return i > 0 and v.is_word(i - 1) and (
        v.raw(i - 1) in ("في", "من", "الي", "علي", "عن", "مع", "بين", "ضد", "لدي", "عند", "داخل", "ضمن", "صفوف")
        or v.base(i - 1) in _DIRECTIONS)  # شرقي سورية، شمال بغداد: a location, not an actor


_DIRECTIONS = frozenset({"شرق", "غرب", "شمال", "جنوب", "شرقي", "غربي", "شمالي", "جنوبي", "وسط", "قرب", "ريف",
                         "اطراف", "ضواحي", "محيط"})


# Heads of noun phrases that name an actor, beyond the agent lexicon's classes (normalized
# bases: the article and و/ف peeled). A phrase that is neither a name NER found, nor an agent
# of the lexicon, nor headed by one of these does not denote an actor («بل», «التأكد»,
# «بموجبه», «ضخمة»): the row is better empty than wrong.
ACTOR_HEADS = frozenset(normalize_for_match(w) for w in (
    "مدعي مدعون مدعين ادعاء قاضي قضاه محامي محامون محامو زعيم زعماء قائد قاده رئاسه رؤساء وفد وفود "
    "اعضاء عضو اعضاؤه لجنه لجان هيئه اتحاد نقابه شركه شركات مدير مديرو امين مستشار ممثل ممثلو مندوب "
    "مبعوث سياسي سياسيون سياسيين ساسه برلمانيون برلمانيين خبراء خبير محققون محققين محقق ناخبون ناخبين "
    "خصوم منتقدون منتقدين معارضون معارضين مراقبون مراقبين دبلوماسي دبلوماسيون دبلوماسيين متحدثه ناطقه "
    "جمعيه جمعيات منظمات مؤسسه مؤسسات بلديه امانه مكتب مكاتب ديوان دائره جهاز اجهزه ادارات حكومات دول دوله "
    "زعامه قياده قيادات قيادي قياديون قياديين ائتلاف تحالف كتله جيوش مجالس مليشيات فصائل فصيل جماعات "
    "مجموعه مجموعات عشيره عشائر قبيله قبائل عائلات اسره اسر ذوي نساء رجال علماء شيوخ رجل امراه "
    "الادعاء المفوضيه مفوضيه المفوض مفوض الحرس البوليس الاتحاد الجامعه الامانه المجلس احزاب تلاميذ "
    "اتباع انصار انصاره اتباعه عناصر افراد بلدان البلدان البلدين بلدين الطرفان الطرفين طرفا الجانبان الجانبين "
    "جانبا الدولتان الدولتين دولتان"
).split())


def is_actor(v: SentenceView, np: NP) -> bool:
    """Does this phrase denote an actor (a name, an agent of the lexicon, or a phrase headed
    by an actor noun)?"""
    if np.mention is not None and np.mention.type in ("PER", "ORG", "LOC") and not _town(np.mention):
        return True
    if np.cls is not None:
        return True
    for i in range(np.first, min(np.last, np.first + 1) + 1):
        if v.base(i) in ACTOR_HEADS or v.raw(i).lstrip("وف") in ACTOR_HEADS:
            return True
    head = v.base(np.first)
    if head.endswith(("يين", "يون")) and len(head) >= 6:
        return True  # نسبة plurals name people: النيباليين، الفلسطينيون
    # human plural participles: مسؤولون، المحتجين، منتقدي
    return head.startswith("م") and head.endswith(("ون", "ين", "و", "ي")) and len(head) >= 5 and np.first not in v.verb_at


def _actor_or_none(v: SentenceView, np: NP | None, m: Match) -> NP | None:
    if np is None or not is_actor(v, np):
        return None
    own = np.first <= m.first <= np.last or np.first <= m.last <= np.last  # the gap's words are not the trigger's
    if own and np.cls is None and np.mention is None:
        return None  # the trigger's own words (فتح مدعون التحقيق → «وفتح») are not its actor
    return np


def assign(v: SentenceView, m: Match, etype: str, heads: set[int],
           exclude: Sequence[NP] = ()) -> tuple[NP | None, NP | None]:
    """(source, target) of trigger match ``m`` of type ``etype``; the source is always an
    actor (is_actor), and so is the target of types whose target is someone."""
    source, target = _assign(v, m, etype, heads, exclude)
    if source is not None and not source.fallback:
        source = _actor_or_none(v, source, m)
        if source is None:
            source = nearest_agent(v, m, SOURCE_CLASSES.get(etype, DEFAULT_SOURCE_CLASSES), [target, *exclude])
    if target is not None and etype not in THING_TARGETS:
        target = _actor_or_none(v, target, m)
    if target is None and etype in _TARGET_PREPS:
        after = m.last + 1
        if source is not None and not source.fallback and source.first > m.first:
            after = max(after, source.last + 1) if source.first > m.last else source.last + 1
            # دعت المنظمة تركيا إلى: inside a pattern's gap, the object follows the subject
        target = later_object(v, m, etype, after, heads, avoid=source)
    return source, target


# where the one acted upon stands after a trigger of each type, besides a direct object:
# the preposition word before it, or the proclitic on it
_TARGET_PREPS: dict[str, tuple[frozenset[str], str]] = {
    "ACCUSE": (frozenset({"ضد", "علي", "الي"}), "بل"),
    "SUPPORT": (frozenset({"الي"}), "بل"),
    "REJECT": (frozenset(), "ل"),
    "REQUEST": (frozenset({"من", "الي"}), ""),
    "CONSULT": (frozenset({"مع", "الي", "بين"}), "ل"),
    "AGREE": (frozenset({"مع", "بين"}), ""),
    "COOPERATE": (frozenset({"مع", "بين"}), ""),
    "SANCTION": (frozenset({"علي", "ضد"}), ""),
    "THREATEN": (frozenset({"ضد"}), "ب"),
    "AID": (frozenset({"الي"}), "ل"),
    "CONCEDE": (frozenset({"الي"}), "ل"),
    "RETREAT": (frozenset({"عن"}), ""),
}
OBJECT_REACH = 10  # words after the trigger (or its subject) an object may stand


def later_object(v: SentenceView, m: Match, etype: str, after: int, heads: set[int],
                 avoid: NP | None = None) -> NP | None:
    """The one acted upon, further on in the clause: «اتهم X من الحزب المعارض ماس» (a name
    after the subject's own modifiers), «بحث مع Y», «تنديدا بحكومة Y», «فرض عقوبات على Y».
    Only names and agents qualify; the search stops at the next trigger or clause."""
    preps, clitics = _TARGET_PREPS.get(etype, (frozenset(), ""))
    start_clause = v.clause_start[m.first]
    k = after
    end = min(len(v.toks), after + OBJECT_REACH)
    while k < end:
        if not v.is_word(k):
            if v.toks[k].text not in ("،", ","):
                return None
            k += 1
            continue
        if v.clause_start[k] != start_clause or (k in heads and k not in v.agent_at) or k in v.verb_at:
            return None
        r = v.raw(k)
        cand: NP | None = None
        if r in preps:
            cand = np_at(v, k + 1, trigger_heads=heads)
        elif clitics and v.has_proclitic(k, clitics):
            cand = np_at(v, k, trigger_heads=heads, allow_clitic=True)
        elif (v.mention_at(k) is not None or k in v.agent_at) and not _in_pp(v, k):
            cand = np_at(v, k, trigger_heads=heads)
        if cand is not None and (avoid is None or not cand.overlaps(avoid)) and is_actor(v, cand) \
                and (cand.mention is not None or cand.cls not in (None, "document")):
            return cand
        k += 1
    return None


THING_TARGETS = frozenset({"ASSAULT", "COERCE", "PROTEST", "SANCTION", "REJECT", "AGREE", "SUPPORT", "AID"})


def _assign(v: SentenceView, m: Match, etype: str, heads: set[int],
            exclude: Sequence[NP] = ()) -> tuple[NP | None, NP | None]:
    source: NP | None = None
    target: NP | None = None
    verbal = m.kind in (PERF, IMPF)
    head = m.pat.text.split()[0].split("/")[0]
    if verbal and head in DEVICE_SUBJECT:  # انفجرت عبوة: the subject is the device
        return _by_agent(v, m, heads), None
    if verbal and head in VICTIM_SUBJECT:  # لقي خمسة من الشرطة مصرعهم / أصيب شخصان
        victim = np_at(v, m.first + 1, stop_at=m.last if m.last > m.first else None, trigger_heads=heads)
        if victim is None:
            victim = np_at(v, m.last + 1, trigger_heads=heads) or np_before(v, m.first, trigger_heads=heads)
        return _by_agent(v, m, heads), victim
    if verbal:
        gap_np = None
        if m.last > m.first + 1 and len(m.pat.tokens) > 2 and m.pat.tokens[1] is None:
            nxt_spec = m.pat.tokens[2]
            assert nxt_spec is not None  # compile_spec never puts two gaps side by side
            stop = next((k for k in range(m.first + 1, m.last + 1) if _token_fits(nxt_spec, v.toks[k])), m.last)
            if stop > m.first + 1:
                gap_np = np_at(v, m.first + 1, stop_at=stop, trigger_heads=heads)
        verb = v.raw(m.first)
        subject_in_verb = verb.endswith(("وا", "و")) or verb.lstrip("وف").lstrip("س")[:1] == "ن"
        if gap_np is not None and subject_in_verb and etype in PASSIVE_TYPES:
            target = gap_np  # احتجزوا أربعة من الشرطة رهائن: the gap holds the object
            source = np_before(v, m.first, trigger_heads=heads)
        elif gap_np is not None:
            source = gap_np
            target = _prep_object(v, m.last + 1, heads)
        else:
            np1 = np_at(v, m.last + 1, trigger_heads=heads)
            np2 = np_at(v, np1.last + 1, trigger_heads=heads) if np1 else None
            np0 = np_before(v, m.first, trigger_heads=heads)
            if np0 and v.clause_start[m.first] > np0.first:
                np0 = None
            if m.enc:  # قتلهم: the object is a pronoun
                np2 = None
            passive_type = etype in PASSIVE_TYPES
            first_person = m.kind == IMPF and v.raw(m.first).lstrip("وف").lstrip("س")[:1] == "ن"
            if first_person:  # سنقاتل قادتهم: the speaker acts, the phrase after is the object
                target = np1
            elif len(m.pat.tokens) > 1:  # the object is part of the pattern (نظموا مظاهرات)
                if np0 is not None:
                    source = np0
            elif np1:
                if passive_type and (np1.quantified or np1.cls == "victim"):
                    target = np1
                    if np0 is not None and not np0.quantified:
                        source = np0
                elif np2 and (np1.cls in ACTIVE_CLASSES or np0 is None):
                    source, target = np1, np2
                elif np0 is not None and not (passive_type and np0.quantified):
                    source, target = np0, np1
                else:
                    source = np1
            elif np0:
                if passive_type and (np0.quantified or np0.cls == "victim"):
                    target = np0
                else:
                    source = np0
            if target is None and etype != "PROTEST":
                target = _prep_object(v, m.last + 1, heads)
            if source is None and target is not None:
                source = _by_agent(v, m, heads)  # قتل برصاص الشرطة / خطف على أيدي مسلحين
    else:
        nxt = np_at(v, m.last + 1, trigger_heads=heads)
        genitive_agent = None
        single = len(m.pat.tokens) == 1
        if nxt is not None and not nxt.quantified and (
            (single and "A" in m.pre and _adjective(v, nxt.first))  # الهجمات الإرهابية: no genitive
            or (nxt.first == nxt.last and v.raw(nxt.first).endswith(("يه", "يات", "يين")))  # هجمات إرهابية
        ):
            nxt = None
        if nxt is not None and (any(i in heads for i in range(nxt.first, nxt.last + 1))
                                or m.pat.mode in ("heavy-weapons", "firearms", "explosives")
                                and "w" in m.pat.flags):
            nxt = None  # انفجار عبوة ناسفة / قذيفتا هاون: the genitive is the weapon, not a victim
        if nxt is not None and any(c.first in range(nxt.first, nxt.last + 1) for c in v.group("cue:by-agent")):
            nxt = None  # كمين نصبه مسلحون: what follows is the agent clause
        unknown_ok = single and etype in PASSIVE_TYPES and nxt is not None and "A" not in m.pre
        if nxt and (nxt.quantified or nxt.cls or nxt.mention or unknown_ok) and nxt.cls != "gentilic" and etype != "PROTEST":
            if (nxt.cls in ("armed", "group") and not nxt.quantified and etype == "ASSAULT"
                    and len(m.pat.tokens) == 1):
                genitive_agent = nxt  # هجمات الإرهابيين: the genitive is the attacker
            else:
                target = nxt
        if target is None and etype != "PROTEST":
            target = _prep_object(v, m.last + 1, heads)
        source = _by_agent(v, m, heads) or genitive_agent or _gentilic_after(v, m) or _light_verb_subject(v, m, heads)
    if etype == "PROTEST" and target is None:
        target = protest_target(v, m, heads)
    if source is not None and target is not None and source.overlaps(target):
        target = None
    if source is None:
        classes = SOURCE_CLASSES.get(etype, DEFAULT_SOURCE_CLASSES)
        source = nearest_agent(v, m, classes, [target, *exclude])
        if (source is not None and etype == "ASSAULT" and source.cls == "state"
                and not (source.last < m.first and _near(source, m, 6) and v.clause_start[m.first] <= source.first)):
            source = None
    return source, target


def _light_verb_subject(v: SentenceView, m: Match, heads: set[int]) -> NP | None:
    """قام مسلحون ... بخطف: the subject of قام is the agent of the verbal noun."""
    for cue in v.group("cue:light"):
        if "ب" not in m.pre and cue.pat.text.split("/")[0] not in ("نفذ", "شن"):
            continue
        if cue.first < m.first and m.first - cue.first <= 8 and v.clause_start[m.first] <= cue.first:
            np = np_at(v, cue.last + 1, trigger_heads=heads)
            if np is None:
                np = np_before(v, cue.first, trigger_heads=heads)
            if np is not None and not np.overlaps(NP(m.first, m.last)):
                return np
    return None


def protest_target(v: SentenceView, m: Match, heads: set[int]) -> NP | None:
    """What a protest is against: ضد X، احتجاجا على X، تندد بـ X، رفضا لـ X."""
    for cue in v.group("cue:protest-target"):
        if cue.first < m.first - 3:
            continue
        last_spec = cue.pat.tokens[-1]
        clitic = last_spec is not None and bool(last_spec.pre)
        np = np_at(v, cue.last if clitic else cue.last + 1, trigger_heads=heads, allow_clitic=clitic)
        if np is not None and np.cls != "protester":
            return np
    return None


def _near(np: NP, m: Match, d: int) -> bool:
    return abs(np.first - m.first) <= d
