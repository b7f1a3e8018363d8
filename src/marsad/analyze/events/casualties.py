"""How many people an event killed and injured, read from its sentence.

News Arabic states casualty counts in a handful of constructions, which this module reads:

* a death or injury word followed by its count: ``مقتل 5``، ``قتل خمسة أشخاص``، ``استشهاد ثلاثة``،
  ``أودى بحياة 7``، ``راح ضحيته رجل أمن``، ``إصابة 9``، ``أصيب 9 بجروح``، ``إعدام 320``;
* a count followed by a casualty noun: ``سقوط 3 قتلى``، ``5 قتلى و10 جرحى``، ``عشرات الجرحى``;
* ``لقي 4 أشخاص حتفهم``، ``لقي مصرعه``; ``ارتفاع حصيلة القتلى إلى 12``;
* a singular or dual person noun stands for 1 or 2 (``مقتل جندي``، ``قتل شخصان``، ``قتيلين``),
  as does a third-person singular pronoun on a death noun (``مقتله``، ``لقي حتفه``).

Numbers are digits (ASCII, Arabic-Indic, Persian) or number words (``خمسة وعشرين``، ``ثلاثة
عشر``، ``مئتين``، ``ثلاثة آلاف``); vague plurals give ACLED's lower bounds (عشرات = 20, مئات =
100, آلاف = 1000). A number is read only in one of these constructions, never alone, and a
number that measures something else (``25 عاما``، ``5 دولارات``، ``10 بالمئة``، ``5 يونيو``) is
refused: the module never invents a count. When several counts are given, the one nearest
the event's trigger (same sentence before other sentences) is chosen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from marsad.analyze.events.forms import norm

__all__ = ["Casualties", "casualties"]


@dataclass(frozen=True)
class Casualties:
    killed: int | None = None
    injured: int | None = None


@dataclass(frozen=True)
class _Count:
    kind: str  # KILLED | INJURED
    value: int
    start: int  # character span of the evidence (cue through count)
    end: int


KILLED, INJURED = "killed", "injured"


def _n(words: str) -> frozenset[str]:
    return frozenset(norm(w) for w in words.split())


# ---- numbers -------------------------------------------------------------------------------

_UNIT_WORDS = {
    "واحد": 1, "واحدة": 1, "أحد": 1, "إحدى": 1,
    "اثنان": 2, "اثنين": 2, "اثنتان": 2, "اثنتين": 2, "اثنا": 2, "اثني": 2, "اثنتا": 2, "اثنتي": 2,
    "ثلاث": 3, "ثلاثة": 3, "أربع": 4, "أربعة": 4, "خمس": 5, "خمسة": 5, "ست": 6, "ستة": 6,
    "سبع": 7, "سبعة": 7, "ثمان": 8, "ثماني": 8, "ثمانية": 8, "تسع": 9, "تسعة": 9,
}
_UNITS = {norm(k): v for k, v in _UNIT_WORDS.items()}
_TEN = _n("عشر عشرة")
_TENS = {norm(k): v for k, v in {
    "عشرون": 20, "عشرين": 20, "ثلاثون": 30, "ثلاثين": 30, "أربعون": 40, "أربعين": 40,
    "خمسون": 50, "خمسين": 50, "ستون": 60, "ستين": 60, "سبعون": 70, "سبعين": 70,
    "ثمانون": 80, "ثمانين": 80, "تسعون": 90, "تسعين": 90,
}.items()}
_HUNDREDS = {norm(k): v for k, v in {
    "مئة": 100, "مائة": 100, "مئتان": 200, "مئتين": 200, "مائتان": 200, "مائتين": 200,
    "مئتا": 200, "مائتا": 200, "مئتي": 200, "مائتي": 200,
}.items()}
for _w, _v in (("ثلاث", 3), ("أربع", 4), ("خمس", 5), ("ست", 6), ("سبع", 7), ("ثمان", 8), ("تسع", 9)):
    _HUNDREDS[norm(_w + "مئة")] = _v * 100
    _HUNDREDS[norm(_w + "مائة")] = _v * 100
_THOUSAND = _n("ألف ألفا آلاف ألوف")  # multipliers
_THOUSANDS_DUAL = _n("ألفين ألفان ألفي ألفا")
_MILLION = _n("مليون ملايين")
_ONE_THOUSAND = _n("ألف")
# vague quantities: ACLED's lower bounds
_VAGUE = {norm(k): v for k, v in {
    "عشرات": 20, "العشرات": 20, "مئات": 100, "المئات": 100, "آلاف": 1000,
    "الآلاف": 1000, "ألوف": 1000, "الألوف": 1000,
}.items()}
_DIGITS = re.compile(r"\d+(?:[.,٫٬]\d{3})*")

# ---- vocabulary ----------------------------------------------------------------------------

# a word that says "killed" and is followed by the number of people
_KILL_CUES = _n(
    "مقتل قتل قتلت قتلوا قتلا يقتل تقتل يقتلون مصرع استشهاد استشهد استشهدت استشهدوا "
    "إعدام أعدم أعدمت أعدموا اغتيال وفاة توفي توفيت توفوا"
)
_MASDAR_KILL = _n("مقتل مصرع استشهاد وفاة")
_HURT_CUES = _n("إصابة أصيب أصيبت أصيبوا يصاب تصاب يصابون جرح جرحت جرحوا يجرح إصابات")
_MASDAR_HURT = _n("إصابة جرح")
# أودى بحياة 7 / راح ضحيته 3
_TAKE_LIFE = _n("أودى أودت يودي تودي أوديا")
_LIFE = _n("بحياة حياة")
_WENT = _n("راح ذهب راحت ذهبت يروح")
_VICTIM_OF = _n("ضحيته ضحيتها ضحيتهما ضحيتهم ضحية")
# لقي 4 أشخاص حتفهم
_MET = _n("لقي لقيت لقوا لقيا يلقى تلقى يلقون لاقى")
_DEATH_OBJ = _n("حتفهم حتفه حتفها حتفهما حتفهن مصرعهم مصرعه مصرعها مصرعهما مصرعهن")
_DEATH_OBJ_ONE = _n("حتفه حتفها مصرعه مصرعها")
# a singular pronoun on a death noun: one person
_DEATH_OF_ONE = _n("مقتله مقتلها مصرعه مصرعها استشهاده استشهادها بحياته بحياتها")
_LIFE_OF_ONE = _n("بحياته بحياتها")
_TOLL = _n("حصيلة عدد")
_TOLL_KILLED = _n("القتلى قتلى الضحايا ضحايا الشهداء شهداء الوفيات وفيات الموتى")
_TOLL_HURT = _n("الجرحى جرحى المصابين مصابين الإصابات إصابات")
# nouns that follow a count
_KILLED_NOUNS = _n("قتلى قتيلا قتيل شهداء شهيدا ضحايا ضحية وفيات القتلى الشهداء الضحايا")
_HURT_NOUNS = _n("جرحى جريحا جريح مصابا مصابين مصاب الجرحى المصابين")
_ONE_KILLED = _n("قتيل قتيلا")
_TWO_KILLED = _n("قتيلين قتيلان شهيدين شهيدان")
_ONE_HURT = _n("جريح جريحا")
_TWO_HURT = _n("جريحين جريحان")
# people: a singular noun counts one, a dual two
_PERSON_ONE = _n(
    "شخص رجل امرأة سيدة طفل طفلة فتى فتاة شاب شابة مواطن مواطنة مدني جندي ضابط شرطي عسكري "
    "رقيب عريف مجند عنصر مسلح متظاهر صحفي صحافي مصور قيادي قائد زعيم مسؤول ناشط مقاتل حارس "
    "مستوطن لاجئ مهاجر سائق عامل موظف طبيب ممرض مسعف رضيع معتقل سجين أسير نائب وزير "
    "انتحاري إرهابي حاج زائر معلم مدرس طالب طالبة فلسطيني إسرائيلي"
)
_PERSON_TWO = _n(
    "شخصين شخصان رجلين رجلان امرأتين امرأتان طفلين طفلان جنديين جنديان ضابطين ضابطان "
    "شابين شابان طفلتين طفلتان فتاتين فتاتان"
)
_PERSON_PLURAL = _n(
    "أشخاص شخصا مدنيين مدنيا جنود جنديا عناصر عنصرا أفراد فردا مسلحين مسلحا أطفال طفلا نساء "
    "رجال رجلا مواطنين مواطنا ضباط ضابطا شرطيين عسكريين عسكريا مقاتلين مقاتلا متظاهرين "
    "متظاهرا قياديا قياديين إرهابيين إرهابيا حجاج طلاب صحفيين صحفيا نشطاء أتباع عمال "
    "مهاجرين لاجئين معتقلين سجناء أسرى مستوطنين فلسطينيين فلسطينيا إسرائيليين شبان"
)
_ONE_OF = _n("أحد إحدى")
_ONE_ACC = _n("شخصا رجلا طفلا جنديا")  # إن شخصا قتل
_AT_LEAST = _n("على الأقل الاقل آخرون آخرين أمس اليوم")
# what a number measures when it is not people
_MEASURES = _n(
    "عام عاما أعوام سنة سنوات سنين يوم يوما أيام ساعة ساعات دقيقة دقائق ثانية ثوان شهر شهرا "
    "أشهر شهور أسبوع أسبوعا أسابيع دولار دولارا دولارات ريال ريالا ريالات جنيه جنيها جنيهات "
    "دينار دينارا دنانير درهم درهما دراهم ليرة ليرات يورو بالمئة بالمائة % كيلومتر كيلومترا "
    "كيلومترات كم متر مترا أمتار ميل ميلا طن طنا أطنان كيلو كيلوغرام كغ صاروخ صاروخا صواريخ "
    "قذيفة قذائف غارة غارات مرة مرات منزل منزلا منازل مبنى مبان سيارة سيارات دبابة دبابات "
    "طائرة طائرات هدف هدفا أهداف موقع موقعا مواقع برميل رصاصة طلقة نقطة نقاط مادة بند "
    "يناير فبراير مارس أبريل إبريل مايو يونيو يونيه يوليو يوليه أغسطس سبتمبر أكتوبر نوفمبر "
    "ديسمبر كانون شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين محرم صفر ربيع جمادى رجب "
    "شعبان رمضان شوال القعدة الحجة هـ م"
)
_PER = _n("في")
_PERCENT = _n("المئة المائة مئة")
# words that may stand between a cue and its count
_FILLERS = _n(
    "نحو حوالي حوالى قرابة زهاء أكثر من ما لا يقل عن يزيد على أقل أمس اليوم الليلة فجر "
    "صباح مساء أيضا كذلك جراء إثر"
)
_NEGATIONS = _n("لم لا لن دون بدون عدم ولم ولا ولن نفى نفت ينفي تنفي محاولة أي")
_INFECTION = re.compile(r"^[وف]?ب(?:ال)?(?:فيروس|مرض|كورونا|كوفيد|عدوى|وباء)")
_BETWEEN = _n("بين")
_PREFIXES = ("وب", "ول", "فب", "فل", "و", "ف", "ب", "ل")

_TOKEN = re.compile(
    r"[0-9\u0660-\u0669\u06f0-\u06f9]+(?:[.,\u066b\u066c][0-9\u0660-\u0669\u06f0-\u06f9]+)*"
    r"|(?:[^\W\d_]|[\u0610-\u061a\u064b-\u065f\u0670\u0640])+|%"
)
_SENTENCE_BREAK = re.compile(r"[.!?؟;؛\n]")
_CLAUSE_BREAK = re.compile(r"[,،:]")
# "، قال عسيري إن ...": a new speaker opens a new statement, about another happening
_NEW_SPEAKER = re.compile(r"[,،]\s*[وف]?(?:قال|أكد|اكد|أضاف|اضاف|أوضح|اوضح|أشار|اشار|ذكر|صرح|أعلن|اعلن)")
# a cheap test before any tokenizing: does the text hold a casualty word at all?
_MAY_HOLD = re.compile(
    "قت[لي]|قُت|مصرع|شه[يدا]|حتف|حيا[ةه]|ضحي|ضحاي|جر[حي]|جُر|صاب|صيب|صِي|عدام|عدم|غتيال|وفا[ةه]|توف|حصيل|عدد"
)


@dataclass(frozen=True)
class _Tok:
    start: int
    end: int
    n: str  # normalized


def _tokens(text: str) -> list[_Tok]:
    return [_Tok(m.start(), m.end(), norm(m.group())) for m in _TOKEN.finditer(text)]


@lru_cache(maxsize=65536)
def _bare(w: str) -> tuple[str, ...]:
    """The word and the word without a leading conjunction or preposition (و ف ب ل)."""
    out = [w]
    for p in _PREFIXES:
        if w.startswith(p) and len(w) - len(p) >= 2:
            out.append(w[len(p):])
    return tuple(out)


def _is(w: str, vocab: frozenset[str]) -> bool:
    return any(b in vocab for b in _bare(w))


def _digits_value(w: str) -> int | None:
    m = _DIGITS.fullmatch(w)
    if not m:
        return None  # a decimal (2.5) is not a head count
    return int(re.sub(r"\D", "", w))


def _word_value(w: str) -> tuple[str, int] | None:
    if w in _UNITS:
        return "unit", _UNITS[w]
    if w in _TEN:
        return "unit", 10
    if w in _TENS:
        return "tens", _TENS[w]
    if w in _HUNDREDS:
        return "hundreds", _HUNDREDS[w]
    if w in _THOUSANDS_DUAL:
        return "thousands", 2000
    return None


def _number(toks: list[_Tok], i: int, *, conj: bool = False) -> tuple[int, int] | None:
    """(value, index after the number) of the number starting at token ``i``, or None.
    With ``conj`` the first token may carry the conjunction و."""
    if i >= len(toks):
        return None
    w = toks[i].n
    if conj and w == "و" and i + 1 < len(toks):
        i += 1
        w = toks[i].n
    elif conj and w.startswith("و") and len(w) > 1:
        w = w[1:]
    if w[:1].isdigit():
        v = _digits_value(w)
        if v is None:
            return None
        j = i + 1
        if j < len(toks) and toks[j].n in _THOUSAND:
            return v * 1000, j + 1
        if j < len(toks) and toks[j].n in _MILLION:
            return v * 1_000_000, j + 1
        return v, j
    if w in _ONE_THOUSAND:  # ألف قتيل
        return 1000, i + 1
    if w in _VAGUE:
        v, j = _VAGUE[w], i + 1
        # عشرات الآلاف: tens of thousands
        if j < len(toks) and toks[j].n in _VAGUE and _VAGUE[toks[j].n] == 1000 and v < 1000:
            return v * 1000, j + 1
        return v, j
    first = _word_value(w)
    if first is None:
        return None
    if w in _ONE_OF and not (i + 1 < len(toks) and toks[i + 1].n in _TEN):
        return None  # أحد القتلى is "one of the dead", not a count
    total, cur, last = 0, 0, ""
    kind, v = first
    j = i
    while True:
        if kind in ("unit", "tens", "hundreds"):
            cur += v
        else:  # thousands dual
            total += v
        last = kind
        j += 1
        # multipliers and teens, written without و
        if j < len(toks):
            nxt = toks[j].n
            if last == "unit" and nxt in _TEN and cur < 10:
                cur += 10
                j += 1
                last = "teen"
            elif last == "unit" and nxt in _HUNDREDS and _HUNDREDS[nxt] == 100:
                cur = cur * 100
                j += 1
                last = "hundreds"
            if j < len(toks) and toks[j].n in _THOUSAND and last != "thousands":
                total += (cur or 1) * 1000
                cur = 0
                j += 1
                last = "thousands"
        # a following part joined by و (خمسة وعشرين، مئة وخمسون)
        if j >= len(toks):
            break
        nw = toks[j].n
        step = 1
        if nw == "و" and j + 1 < len(toks):
            nw, step = toks[j + 1].n, 2
        elif nw.startswith("و") and len(nw) > 1:
            nw = nw[1:]
        else:
            break
        nxt_val = _word_value(nw)
        if nxt_val is None:
            break
        nk = nxt_val[0]
        allowed = (
            (last == "unit" and nk == "tens")
            or (last == "hundreds" and nk in ("unit", "tens"))
            or (last == "thousands" and nk in ("unit", "tens", "hundreds"))
        )
        if not allowed:
            break
        kind, v = nxt_val
        j += step
    return total + cur, j


def _measures(toks: list[_Tok], j: int, text: str) -> bool:
    """Whether the number ending before token ``j`` counts something other than people."""
    if j < len(toks):
        w = toks[j].n
        if _is(w, _MEASURES) or w in _MEASURES:
            return True
        if w in _PER and j + 1 < len(toks) and toks[j + 1].n in _PERCENT:
            return True
    after = text[toks[j - 1].end:toks[j - 1].end + 2]
    return after[:1] in ("%", "٪") or (after[:1] in ("/", ":") and after[1:].isdigit())


def _negated(toks: list[_Tok], i: int) -> bool:
    return any(toks[k].n in _NEGATIONS for k in range(max(0, i - 3), i))


def _combined(toks: list[_Tok], j: int) -> bool:
    """``10 بين قتيل وجريح``: killed and injured counted together."""
    return j < len(toks) and _is(toks[j].n, _BETWEEN)


def _is_person_after(toks: list[_Tok], j: int) -> bool:
    if j >= len(toks):
        return False
    w = toks[j].n
    return _is(w, _PERSON_PLURAL) or w.endswith(("يين", "يون")) or w == "من"


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = _tokens(text)
        self.counts: list[_Count] = []
        self.used: set[int] = set()

    def emit(self, kind: str, value: int, a: int, b: int) -> None:
        self.counts.append(_Count(kind, value, self.toks[a].start, self.toks[b - 1].end))
        self.used.update(range(a, b))

    def count_after(self, i: int, *, masdar: bool) -> tuple[int, int] | None:
        """(value, end index) of the people counted right after the cue at ``i``."""
        toks, n = self.toks, len(self.toks)
        j, skipped = i + 1, 0
        while j < n and skipped < 4 and toks[j].n in _FILLERS and not self.breaks(j - 1, j):
            j += 1
            skipped += 1
        if j >= n or self.breaks(j - 1, j):
            return None
        num = _number(toks, j)
        if num is not None:
            v, e = num
            if _measures(toks, e, self.text) or _combined(toks, e):
                return None
            if e < n and (_is(toks[e].n, _KILLED_NOUNS) or _is(toks[e].n, _HURT_NOUNS)):
                return None  # قتل 5 جرحى is not a construction; leave it to the noun reading
            return self.coordinated(v, e)
        # قتل المسلحون 5 أشخاص: the subject stands between the verb and its count
        subject = toks[j].n.startswith("ال") and not _is(toks[j].n, _KILL_CUES | _HURT_CUES)
        num = _number(toks, j + 1) if subject and j + 1 < n and not self.breaks(j, j + 1) else None
        if num is not None and _is_person_after(toks, num[1]) and not _measures(toks, num[1], self.text):
            return self.coordinated(*num)
        w = toks[j].n
        if w in _PERSON_TWO:
            return self.coordinated(2, j + 1)
        if w in _ONE_OF and j + 1 < n and not self.breaks(j, j + 1) and _number(toks, j + 1) is None:
            return 1, j + 2  # مقتل أحد الجنود، قتل أحد أفراد البيشمركة
        if w in _PERSON_ONE or (masdar and w.startswith("ال") and w[2:] in _PERSON_ONE):
            return 1, j + 1
        return None

    def count_before(self, i: int) -> tuple[int, int] | None:
        """(value, first index) of ``ثمانية أشخاص على الأقل قتلوا`` / ``امرأة قتلت``: the people
        named before a verb of death or injury."""
        toks = self.toks
        k, skipped = i - 1, 0
        while k >= 0 and skipped < 3 and toks[k].n in _AT_LEAST and not self.breaks(k, k + 1):
            k -= 1
            skipped += 1
        if k < 0 or self.breaks(k, k + 1) or _CLAUSE_BREAK.search(self.text, toks[k].end, toks[k + 1].start):
            return None  # "ثمانية أشخاص، بينهم طفلان، قتلوا": the noun before the comma is a subset
        w = toks[k].n
        if not (_is_person_after(toks, k) or w in _PERSON_ONE or w in _PERSON_TWO) or w == "من":
            return None
        for s in range(max(0, k - 3), k):
            num = _number(toks, s)
            if num is not None and num[1] == k and not self.breaks(s, k):
                return num[0], s
        if w in _PERSON_TWO:
            return 2, k
        if w in _PERSON_ONE or w in _ONE_ACC:
            return 1, k
        return None

    def coordinated(self, v: int, e: int) -> tuple[int, int]:
        """``3 جنود و5 مدنيين``: counts of people joined by و add up."""
        toks, n = self.toks, len(self.toks)
        k = e
        while k < n and k - e < 2 and toks[k].n != "من" and _is_person_after(toks, k):
            k += 1  # the counted noun and its adjective: جنديين عراقيين
        if e < k < n and not self.breaks(k - 1, k):
            w = toks[k].n
            if w.startswith("و") and w[1:] in _PERSON_ONE:  # جنديين عراقيين ومدني
                return v + 1, k + 1
            if w.startswith("و") and w[1:] in _PERSON_TWO:
                return v + 2, k + 1
        while _is_person_after(toks, e) and toks[e].n != "من":
            nxt = _number(toks, e + 1, conj=True)
            if nxt is None or self.breaks(e, e + 1):
                break
            v2, e2 = nxt
            if not _is_person_after(toks, e2) or toks[e2].n == "من" or _measures(toks, e2, self.text):
                break
            v, e = v + v2, e2
        return v, e

    def breaks(self, a: int, b: int) -> bool:
        """A sentence boundary between tokens ``a`` and ``b``."""
        return bool(_SENTENCE_BREAK.search(self.text, self.toks[a].end, self.toks[b].start))

    def read(self) -> list[_Count]:
        toks, n = self.toks, len(self.toks)
        for i, t in enumerate(toks):
            w = t.n
            bare = _bare(w)
            if i in self.used:
                continue
            # مقتل وإصابة 10: one count for both, not either
            if any(b in _MASDAR_KILL for b in bare) and i + 1 < n and _is(toks[i + 1].n, _HURT_CUES):
                self.used.add(i + 1)
                continue
            kill = any(b in _KILL_CUES for b in bare)
            hurt = any(b in _HURT_CUES for b in bare)
            if (kill or hurt) and not _negated(toks, i):
                masdar = any(b in _MASDAR_KILL or b in _MASDAR_HURT for b in bare)
                got = self.count_after(i, masdar=masdar)
                if got is not None:
                    v, e = got
                    if hurt and e < n and _INFECTION.match(toks[e].n):
                        continue
                    self.emit(KILLED if kill else INJURED, v, i, e)
                    continue
                if not masdar and not (i + 1 < n and _is_person_after(toks, i + 1)):
                    before = self.count_before(i)
                    if before is not None:
                        self.emit(KILLED if kill else INJURED, before[0], before[1], i + 1)
                        continue
            if (_is(w, _DEATH_OF_ONE) and not _negated(toks, i)
                    and (not _is(w, _LIFE_OF_ONE) or (i and _is(toks[i - 1].n, _TAKE_LIFE)))):
                self.emit(KILLED, 1, i, i + 1)
                continue
            # أودى بحياة 7 / راح ضحيته 3
            if (_is(w, _LIFE) and i and _is(toks[i - 1].n, _TAKE_LIFE)) or (
                _is(w, _VICTIM_OF) and i and _is(toks[i - 1].n, _WENT)
            ):
                got = self.count_after(i, masdar=True)
                if got is not None:
                    self.emit(KILLED, got[0], i - 1, got[1])
                    continue
            if _is(w, _MET):
                self.met(i)
                continue
            if _is(w, _TOLL) and i + 1 < n:
                self.toll(i)
                continue
        # counts followed by a casualty noun, and bare casualty nouns
        for i, t in enumerate(toks):
            if i in self.used:
                continue
            num = _number(toks, i, conj=True)
            if num is not None:
                v, e = num
                if e < n and e not in self.used:
                    kind = KILLED if _is(toks[e].n, _KILLED_NOUNS) else INJURED if _is(toks[e].n, _HURT_NOUNS) else None
                    if kind and not _combined(toks, e + 1) and not _negated(toks, i):
                        self.emit(kind, v, i, e + 1)
                continue
            w = t.n
            if i and (_number(toks, i - 1) is not None or _is(toks[i - 1].n, _BETWEEN)) or _negated(toks, i):
                continue
            if any(_is(toks[k].n, _BETWEEN) for k in range(max(0, i - 2), i)):
                continue  # بين قتيل وجريح
            if _is(w, _ONE_KILLED) or _is(w, _TWO_KILLED):
                self.emit(KILLED, 2 if _is(w, _TWO_KILLED) else 1, i, i + 1)
            elif _is(w, _ONE_HURT) or _is(w, _TWO_HURT):
                self.emit(INJURED, 2 if _is(w, _TWO_HURT) else 1, i, i + 1)
        return self.counts

    def met(self, i: int) -> None:
        """لقي 4 أشخاص حتفهم / لقي مصرعه / 4 أشخاص لقوا حتفهم."""
        toks, n = self.toks, len(self.toks)
        for k in range(i + 1, min(i + 7, n)):
            if self.breaks(k - 1, k):
                return
            if toks[k].n in _DEATH_OBJ:
                for j in range(i + 1, k):
                    num = _number(toks, j)
                    if num is not None and not _measures(toks, num[1], self.text):
                        self.emit(KILLED, num[0], i, k + 1)
                        return
                for j in range(max(0, i - 3), i):
                    num = _number(toks, j)
                    if num is not None and not _measures(toks, num[1], self.text) and num[1] <= i:
                        self.emit(KILLED, num[0], j, k + 1)
                        return
                if toks[k].n in _DEATH_OBJ_ONE:
                    self.emit(KILLED, 1, i, k + 1)
                elif k == i + 1 or not any(toks[x].n in _PERSON_ONE or toks[x].n in _PERSON_TWO for x in range(i + 1, k)):
                    return
                else:
                    x = next(x for x in range(i + 1, k) if toks[x].n in _PERSON_ONE or toks[x].n in _PERSON_TWO)
                    self.emit(KILLED, 2 if toks[x].n in _PERSON_TWO else 1, i, k + 1)
                return

    def toll(self, i: int) -> None:
        """ارتفاع حصيلة القتلى إلى 12 / عدد الجرحى 30."""
        toks, n = self.toks, len(self.toks)
        nxt = toks[i + 1].n
        kind = KILLED if nxt in _TOLL_KILLED else INJURED if nxt in _TOLL_HURT else None
        if kind is None:
            return
        for j in range(i + 2, min(i + 9, n)):
            if self.breaks(j - 1, j):
                return
            num = _number(toks, j)
            if num is not None:
                if _measures(toks, num[1], self.text):
                    continue
                self.emit(kind, num[0], i, num[1])
                return


def _distance(text: str, c: _Count, start: int, end: int) -> tuple[int, int]:
    """(sentence boundaries crossed, characters plus a toll per comma) between the count
    and the trigger."""
    if c.end <= start:
        a, b = c.end, start
    elif c.start >= end:
        a, b = end, c.start
    else:
        return 0, 0
    between = text[a:b]
    sentences = len(_SENTENCE_BREAK.findall(between)) + len(_NEW_SPEAKER.findall(between))
    return sentences, (b - a) + 40 * len(_CLAUSE_BREAK.findall(between))


@lru_cache(maxsize=8)
def _read(text: str) -> tuple[_Count, ...]:
    """The counts a text states, read once per text: a sentence often holds several events
    (a small cache: the sentences of the document being coded, not a corpus)."""
    return tuple(_Reader(text).read())


def casualties(text: str, *, trigger_start: int | None = None, trigger_end: int | None = None) -> Casualties:
    """People killed and injured that ``text`` states (None when it states no number).

    With a trigger span (character offsets in ``text``) the counts nearest to it in its own
    sentence are chosen, and a count from another sentence (or after a new speaker: "، قال
    X إن") is left out, since it may tell of another happening; without a trigger, the first
    count of each kind."""
    if not text or not _MAY_HOLD.search(text):
        return Casualties()
    counts = _read(text)
    if not counts:
        return Casualties()
    start = 0 if trigger_start is None else trigger_start
    end = start if trigger_end is None else trigger_end

    def best(kind: str) -> int | None:
        mine = [c for c in counts if c.kind == kind]
        if not mine:
            return None
        if trigger_start is None:
            return min(mine, key=lambda c: c.start).value
        near = [(_distance(text, c, start, end), c.start, c.value) for c in mine]
        (sentences, _), _, value = min(near)
        return value if sentences == 0 else None

    return Casualties(best(KILLED), best(INJURED))
