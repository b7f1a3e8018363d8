"""Find date expressions in Arabic news text and normalize them to ISO dates or ranges.

Handles Gregorian month names in their three Arabic families (يناير/كانون الثاني/جانفي),
ordinal day words (التاسع عشر من يوليو), Hijri dates (converted with the tabular Islamic
calendar, the civil/arithmetical variant with the 2, 5, 7, 10, 13, 16, 18, 21, 24, 26, 29
leap years), years (عام 2005), weekdays (الخميس، الخميس الماضي) and relative expressions
(أمس، أول من أمس، اليوم، الأسبوع الماضي، قبل ثلاثة أيام، الشهر المقبل) resolved against the
publication date.

A value is an ISO date ``YYYY-MM-DD`` or a range ``YYYY-MM-DD/YYYY-MM-DD`` (a month, a
year, a week). Without a publication date, relative expressions and day-month dates
without a year are left unresolved (not guessed).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple

from marsad.text.normalize import normalize_for_match
from marsad.text.published import published_date


@dataclass(frozen=True)
class DateMention:
    start: int  # offsets into the text given
    end: int
    text: str
    value: str  # ISO date or "start/end"
    kind: str  # gregorian | hijri | year | month | weekday | relative


# --- calendars -----------------------------------------------------------------------

_HIJRI_EPOCH = 1948439.5  # Julian day of 1 Muharram 1 AH (16 July 622 CE, Julian), civil epoch


def _jd_from_gregorian(d: date) -> float:
    return d.toordinal() + 1721424.5


def _gregorian_from_jd(jd: float) -> date:
    return date.fromordinal(int(jd - 1721424.5))


def hijri_to_gregorian(year: int, month: int, day: int) -> date:
    """Tabular Islamic calendar (30-year cycle, leap years 2,5,7,10,13,16,18,21,24,26,29;
    months alternate 30/29 days, Dhu al-Hijja 30 in leap years). Official calendars (Umm
    al-Qura, sightings) can differ by a day or two."""
    if not (1 <= month <= 12 and 1 <= day <= 30 and year >= 1):
        raise ValueError(f"invalid Hijri date {year}-{month}-{day}")
    jd = (
        day
        + -(-59 * (month - 1) // 2)  # ceil(29.5 * (month - 1))
        + (year - 1) * 354
        + (3 + 11 * year) // 30
        + _HIJRI_EPOCH
        - 1
    )
    return _gregorian_from_jd(jd)


def gregorian_to_hijri(d: date) -> tuple[int, int, int]:
    jd = int(_jd_from_gregorian(d)) + 0.5
    year = (30 * (jd - _HIJRI_EPOCH) + 10646) // 10631
    year = int(year)
    month = min(12, int(-(-(jd - (29 + hijri_to_jd(year, 1, 1))) // 29.5)) + 1)
    day = int(jd - hijri_to_jd(year, month, 1)) + 1
    return year, month, day


def hijri_to_jd(year: int, month: int, day: int) -> float:
    return _jd_from_gregorian(hijri_to_gregorian(year, month, day))


# --- vocabulary (normalized) ------------------------------------------------------------

def _n(s: str) -> str:
    return normalize_for_match(s)


_GREG_MONTHS = {
    # Egyptian / Gulf transliterations
    "يناير": 1, "فبراير": 2, "مارس": 3, "ابريل": 4, "إبريل": 4, "أبريل": 4, "مايو": 5, "يونيو": 6,
    "يونيه": 6, "يوليو": 7, "يوليه": 7, "اغسطس": 8, "أغسطس": 8, "اغسطوس": 8, "سبتمبر": 9,
    "اكتوبر": 10, "أكتوبر": 10, "نوفمبر": 11, "نونبر": 11, "ديسمبر": 12, "دجنبر": 12,
    # Maghreb (French) names
    "جانفي": 1, "فيفري": 2, "أفريل": 4, "افريل": 4, "ماي": 5, "جوان": 6, "جويلية": 7,
    "جويليه": 7, "أوت": 8, "اوت": 8, "غشت": 8, "يوليوز": 7, "شتنبر": 9,
    # Levantine (Syriac) names; the two-word ones are handled below
    "شباط": 2, "آذار": 3, "اذار": 3, "نيسان": 4, "أيار": 5, "ايار": 5, "حزيران": 6, "تموز": 7,
    "آب": 8, "أيلول": 9, "ايلول": 9,
}
_LEVANT_PAIRS = {("تشرين", "الاول"): 10, ("تشرين", "الثاني"): 11, ("كانون", "الاول"): 12,
                 ("كانون", "الثاني"): 1, ("تشرين", "اول"): 10, ("تشرين", "ثاني"): 11,
                 ("كانون", "اول"): 12, ("كانون", "ثاني"): 1}
# words that are month names only in a date context (a number, a year, شهر or a pair)
_AMBIGUOUS_MONTHS = {_n(w) for w in ("مارس", "ماي", "آب", "تموز", "أوت", "جوان", "مايو")}
GREG_MONTHS = {_n(k): v for k, v in _GREG_MONTHS.items()}
LEVANT_PAIRS = {(_n(a), _n(b)): v for (a, b), v in _LEVANT_PAIRS.items()}

_HIJRI_MONTHS = {
    "محرم": 1, "صفر": 2, "ربيع الأول": 3, "ربيع الاول": 3, "ربيع أول": 3, "ربيع الثاني": 4,
    "ربيع الآخر": 4, "ربيع الاخر": 4, "ربيع ثاني": 4, "جمادى الأولى": 5, "جمادى الاولى": 5,
    "جمادى الأول": 5, "جمادى الآخرة": 6, "جمادى الاخرة": 6, "جمادى الثانية": 6, "جمادى الآخر": 6,
    "رجب": 7, "شعبان": 8, "رمضان": 9, "شوال": 10, "ذو القعدة": 11, "ذي القعدة": 11,
    "ذو الحجة": 12, "ذي الحجة": 12,
}
HIJRI_MONTHS = {tuple(_n(k).split()): v for k, v in _HIJRI_MONTHS.items()}

_WEEKDAYS = {"الاثنين": 0, "الإثنين": 0, "اثنين": 0, "الثلاثاء": 1, "ثلاثاء": 1, "الأربعاء": 2,
             "الاربعاء": 2, "أربعاء": 2, "الخميس": 3, "خميس": 3, "الجمعة": 4, "جمعة": 4,
             "السبت": 5, "سبت": 5, "الأحد": 6, "الاحد": 6, "أحد": 6}
WEEKDAYS = {_n(k): v for k, v in _WEEKDAYS.items()}
_WEEKDAY_NEEDS_YAWM = {_n(w) for w in ("أحد", "سبت", "جمعة", "اثنين", "خميس")}  # أحد = "one"

_ORDINALS = {
    "الأول": 1, "الاول": 1, "الثاني": 2, "الثالث": 3, "الرابع": 4, "الخامس": 5, "السادس": 6,
    "السابع": 7, "الثامن": 8, "التاسع": 9, "العاشر": 10, "الحادي": 11, "الحادية": 11,
    "العشرين": 20, "الثلاثين": 30, "الثالث والعشرين": 23,
}
ORDINALS = {_n(k): v for k, v in _ORDINALS.items()}
_UNITS = {_n(k): v for k, v in {
    "يوم": 1, "يوما": 1, "يومين": 2, "يومان": 2, "أيام": 1, "ايام": 1,
    "أسبوع": 7, "اسبوع": 7, "أسبوعين": 14, "اسبوعين": 14, "أسابيع": 7, "اسابيع": 7,
    "شهر": 30, "شهرين": 60, "أشهر": 30, "اشهر": 30, "شهور": 30,
    "عام": 365, "عامين": 730, "أعوام": 365, "اعوام": 365, "سنة": 365, "سنتين": 730, "سنوات": 365,
}.items()}
_NUMBER_WORDS = {_n(k): v for k, v in {
    "واحد": 1, "ثلاثة": 3, "ثلاث": 3, "أربعة": 4, "اربعة": 4, "أربع": 4, "اربع": 4, "خمسة": 5,
    "خمس": 5, "ستة": 6, "ست": 6, "سبعة": 7, "سبع": 7, "ثمانية": 8, "ثماني": 8, "تسعة": 9,
    "تسع": 9, "عشرة": 10, "عشر": 10, "بضعة": 3, "بضع": 3, "عدة": 3,
}.items()}

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_CLAUSE_END = re.compile(r"[،,.؛;:)(\]\[»«\"!?؟-]")
# 12/3/2008, 2008-03-12, 1436/10/5هـ (a letter may follow the digits directly)
_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?!\d)"
                           r"|(?<!\d)(\d{4})[/-](\d{1,2})[/-](\d{1,2})(?!\d)")


class _W(NamedTuple):
    start: int
    end: int
    n: str  # normalized


_cached_n = lru_cache(maxsize=100_000)(_n)


def _words(text: str) -> list[_W]:
    return [_W(m.start(), m.end(), _cached_n(m.group())) for m in _WORD.finditer(text)]


@lru_cache(maxsize=100_000)
def _strip(w: str) -> str:
    """Drop a leading و / ف / ب / ل / في-less clitic (وفي, بعد ...): وأمس → امس."""
    for p in ("وفي", "و", "ف", "ب", "ل"):
        if w.startswith(p) and len(w) - len(p) >= 2:
            return w[len(p):]
    return w


def _year_ok(y: int) -> bool:
    return 1300 <= y <= 2100


# Hijri years of the modern press: 1300 AH = 1882 CE, 1500 AH = 2077 CE. A Hijri year is
# never read as Gregorian (1436 AH is 2014/15, not 1436 CE).
_HIJRI_YEARS = range(1300, 1501)
_HIJRI_MARKS = frozenset({"ه", "هـ", "هجري", "هجريه", "للهجره", "الهجري", "الهجريه"})


def hijri_year_span(y: int) -> str:
    """The Gregorian days of Hijri year ``y`` (1 Muharram to the eve of the next one)."""
    a = hijri_to_gregorian(y, 1, 1)
    b = hijri_to_gregorian(y + 1, 1, 1) - timedelta(days=1)
    return _span(a, b)


def _bare_year_is_hijri(y: int, pub: date | None) -> bool:
    """A four-digit year without a calendar mark: Hijri when it is within a decade of the
    publication's Hijri year, or (undated article) in the Hijri years of living memory."""
    if pub is not None:
        return abs(y - gregorian_to_hijri(pub)[0]) <= 10
    return 1380 <= y <= 1470


def _day(w: str) -> int | None:
    if w.isdigit() and 1 <= int(w) <= 31:
        return int(w)
    return None


def _month_range(y: int, m: int) -> str:
    last = calendar.monthrange(y, m)[1]
    return f"{y:04d}-{m:02d}-01/{y:04d}-{m:02d}-{last:02d}"


def _iso(d: date) -> str:
    return d.isoformat()


def _span(a: date, b: date) -> str:
    return f"{a.isoformat()}/{b.isoformat()}"


_KEYS = frozenset(
    set(GREG_MONTHS) | {a for a, _ in LEVANT_PAIRS} | {k[0] for k in HIJRI_MONTHS} | set(WEEKDAYS)
    | {_n(w) for w in ("أمس", "امس", "البارحة", "اليوم", "الليلة", "غدا", "الأسبوع", "الشهر", "العام",
                       "السنة", "قبل", "عام", "سنة", "لعام", "أول")}
)


_HIJRI_FIRST = frozenset(k[0] for k in HIJRI_MONTHS)
_GREG_FIRST = frozenset(set(GREG_MONTHS) | {a for a, _ in LEVANT_PAIRS})


def parse_published(published: str | date | None) -> date | None:
    """The publication day, read by the one normalizer every reader uses (an implausible
    or unreadable value is no date)."""
    return published_date(published)


def _infer_year(month: int, day: int | None, pub: date | None, past: bool | None) -> int | None:
    """Year of a day-month date without one: the publication year, or the year before when
    the date would otherwise fall after publication (news reports the past), or the year
    after with المقبل."""
    if pub is None:
        return None
    y = pub.year
    if past is False:
        if (month, day or 1) < (pub.month, pub.day if day else 1):
            y += 1
        return y
    if (month, day or 1) > (pub.month, pub.day):
        y -= 1
    return y


def find_dates(text: str, published: str | date | None = None) -> list[DateMention]:
    """Every date expression in ``text`` with its normalized value (most specific first
    when two overlap; overlapping shorter ones dropped)."""
    pub = parse_published(published)
    ws = _words(text)
    if not any(w.n[:1].isdigit() or _strip(w.n) in _KEYS or w.n in _KEYS for w in ws):
        return []
    out: list[DateMention] = []
    used: set[int] = set()
    n = len(ws)
    bases = [_strip(w.n) for w in ws]

    def emit(i: int, j: int, value: str | None, kind: str) -> None:
        if value is None or any(k in used for k in range(i, j + 1)):
            return
        used.update(range(i, j + 1))
        s, e = ws[i].start, ws[j].end
        out.append(DateMention(s, e, text[s:e], value, kind))

    def base(i: int) -> str:
        return bases[i] if 0 <= i < n else ""

    def raw(i: int) -> str:
        return ws[i].n if i < n else ""

    def month_at(i: int) -> tuple[int, int] | None:
        """(month, index of last word) of a Gregorian month name at i."""
        if i >= n:
            return None
        b = base(i)
        if (b, raw(i + 1)) in LEVANT_PAIRS:
            return LEVANT_PAIRS[(b, raw(i + 1))], i + 1
        m = GREG_MONTHS.get(b) or GREG_MONTHS.get(raw(i))
        if m:
            return m, i
        return None

    def hijri_at(i: int) -> tuple[int, int] | None:
        for length in (2, 1):
            key = tuple([base(i)] + [raw(k) for k in range(i + 1, i + length)])
            if len(key) == length and key in HIJRI_MONTHS:
                return HIJRI_MONTHS[key], i + length - 1
        return None

    def year_after(j: int) -> tuple[int, int, bool] | None:
        """A year right after index j (optionally 'عام/سنة', hijri marker after)."""
        k = j + 1
        if k < n and base(k) in ("عام", "سنه", "لعام"):
            k += 1
        if k < n and raw(k).isdigit() and len(raw(k)) == 4:
            y = int(raw(k))
            hij = k + 1 < n and raw(k + 1) in _HIJRI_MARKS
            return y, (k + 1 if hij else k), hij
        return None

    def paren_month(j: int) -> int:
        """Skip a bracketed equivalent month name after j: 'يوليو (تموز)' / 'يناير / كانون الثاني'."""
        k = j + 1
        mm = month_at(k)
        if mm and mm[1] - k <= 1:
            return mm[1]
        return j

    def day_before(i: int) -> tuple[int, int] | None:
        """(day, first index) written before the month at i: 12, 12 من, التاسع (عشر) من."""
        k = i - 1
        if k >= 0 and raw(k) == "من":
            k -= 1
        if k < 0:
            return None
        d = _day(raw(k)) or _day(base(k))
        if d:
            return d, k
        # ordinal words: التاسع عشر / الحادي والعشرين / الثلاثين
        w = base(k)
        if w in ("عشر", "عشره") and k - 1 >= 0 and base(k - 1) in ORDINALS:
            return ORDINALS[base(k - 1)] + 10, k - 1
        if w in ("والعشرين", "العشرين", "والثلاثين") and k - 1 >= 0 and base(k - 1) in ORDINALS:
            tens = 20 if "عشرين" in w else 30
            unit = ORDINALS[base(k - 1)] % 10  # الحادي والعشرين = 21, not 31
            return unit + tens, k - 1
        if w in ORDINALS and k - 1 >= 0 and raw(k - 1) != "من":
            return ORDINALS[w], k
        if w in ORDINALS:
            return ORDINALS[w], k
        return None

    def past_future(j: int) -> bool | None:
        w = raw(j + 1) if j + 1 < n else ""
        if w in ("الماضي", "المنصرم", "الفائت", "الماضيه"):
            return True
        if w in ("المقبل", "القادم", "المقبله", "القادمه"):
            return False
        return None

    # 1. Hijri dates: [day] month [year] هـ
    for i in (k for k in range(n) if bases[k] in _HIJRI_FIRST):
        h = hijri_at(i)
        if not h:
            continue
        month, j = h
        db = day_before(i)
        ya = year_after(j)
        if ya and ya[0] in _HIJRI_YEARS:
            y, j2, _ = ya
            try:
                if db:
                    emit(db[1], j2, _iso(hijri_to_gregorian(y, month, db[0])), "hijri")
                else:
                    a = hijri_to_gregorian(y, month, 1)
                    b = hijri_to_gregorian(y + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
                    emit(i, j2, _span(a, b), "hijri")
            except ValueError:
                pass
        elif db and pub and base(i) not in ("رجب", "صفر"):
            hy, hm, _ = gregorian_to_hijri(pub)
            y = hy if month <= hm else hy - 1
            try:
                emit(db[1], j, _iso(hijri_to_gregorian(y, month, db[0])), "hijri")
            except ValueError:
                pass

    # 2. Gregorian: [day] month [(equivalent)] [year]
    for i in (k for k in range(n) if bases[k] in _GREG_FIRST or ws[k].n in _GREG_FIRST):
        mm = month_at(i)
        if not mm:
            continue
        month, j = mm
        j = paren_month(j)
        db = day_before(i)
        ya = year_after(j)
        pf = past_future(j)
        ambiguous = base(i) in _AMBIGUOUS_MONTHS and not (i > 0 and base(i - 1) in ("شهر", "شهري"))
        if ambiguous and not db and not ya and j == mm[1]:
            continue
        first = db[1] if db else (i - 1 if i > 0 and base(i - 1) in ("شهر", "شهري") else i)
        if ya and not ya[2]:
            y, last = ya[0], ya[1]
        else:
            inferred = _infer_year(month, db[0] if db else None, pub, pf)
            if inferred is None:
                continue
            y = inferred
            last = j + 1 if pf is not None else j
        if db:
            try:
                emit(first, last, _iso(date(y, month, db[0])), "gregorian")
            except ValueError:
                pass
        else:
            emit(first, last, _month_range(y, month), "month")

    # 3. numeric dates 12/3/2008, 2008-03-12
    for m in _NUMERIC_DATE.finditer(normalize_for_match(text)):
        ys, mos, dds = (m.group(3), m.group(2), m.group(1)) if m.group(1) else m.groups()[3:]
        y, mo, dd = int(ys), int(mos), int(dds)
        try:
            if y in _HIJRI_YEARS:  # 1436/10/5 هـ: Saudi papers date in Hijri
                d = hijri_to_gregorian(y, mo, dd)
            elif _year_ok(y):
                d = date(y, mo, dd)
            else:
                continue
        except ValueError:
            continue
        idx = [k for k, w in enumerate(ws) if w.start >= m.start() and w.end <= m.end()]
        if idx:
            emit(idx[0], idx[-1], _iso(d), "gregorian")

    # 4. years: عام 2005 / سنة 1999 / عام 1436 هـ (4 digits in a plausible range)
    for i in range(n):
        if base(i) in ("عام", "سنه", "لعام", "العام") and i + 1 < n and raw(i + 1).isdigit() \
                and len(raw(i + 1)) == 4 and _year_ok(int(raw(i + 1))):
            y = int(raw(i + 1))
            marked = raw(i + 2) in _HIJRI_MARKS
            if y in _HIJRI_YEARS and (marked or _bare_year_is_hijri(y, pub)):
                emit(i, i + 2 if marked else i + 1, hijri_year_span(y), "hijri")
            elif y > 1600 and not marked:
                emit(i, i + 1, f"{y:04d}-01-01/{y:04d}-12-31", "year")
        elif base(i) == "في" and i + 1 < n and raw(i + 1).isdigit() and len(raw(i + 1)) == 4 \
                and 1950 <= int(raw(i + 1)) <= 2100 \
                and (i + 2 == n or _CLAUSE_END.search(text[ws[i + 1].end:ws[i + 2].start])):
            # «في 2016،»: a bare year closing its phrase (not «في 2000 موقع», a count)
            y = int(raw(i + 1))
            emit(i, i + 1, f"{y:04d}-01-01/{y:04d}-12-31", "year")

    if pub is not None:
        _relative(ws, pub, emit, base, raw, n)

    out.sort(key=lambda d: d.start)
    return out


def _relative(ws, pub: date, emit, base, raw, n: int) -> None:
    one = timedelta(days=1)
    for i in range(n):
        w = base(i)
        # أول من أمس / أول أمس
        if w == "اول" and raw(i + 1) == "من" and _strip(raw(i + 2)) == "امس":
            emit(i, i + 2, _iso(pub - 2 * one), "relative")
        elif (w == "اول" and _strip(raw(i + 1)) == "امس") or (w == "امس" and raw(i + 1) == "الاول"):
            emit(i, i + 1, _iso(pub - 2 * one), "relative")  # أول أمس / أمس الأول
        elif w in ("امس", "البارحه"):
            emit(i, i, _iso(pub - one), "relative")
        elif w == "اليوم" and raw(i + 1) in WEEKDAYS:
            continue  # اليوم الأربعاء: the weekday says which day (the next pass)
        elif w in ("اليوم", "الليله") and raw(i + 1) not in ("الماضيه", "الماضي", "التالي", "العالمي", "الوطني"):
            if w == "الليله" and raw(i + 1) in ("قبل",):
                if raw(i + 2) in ("الماضيه", "الماضي"):
                    emit(i, i + 2, _iso(pub - 2 * one), "relative")
                continue
            if w == "اليوم" and raw(i + 1) in ("السابق",):
                emit(i, i + 1, _iso(pub - one), "relative")
                continue
            emit(i, i, _iso(pub), "relative")
        elif w == "الليله" and raw(i + 1) in ("الماضيه", "الماضي"):
            emit(i, i + 1, _iso(pub - one), "relative")
        elif w == "غدا":
            emit(i, i, _iso(pub + one), "relative")
        elif w in ("الاسبوع", "الشهر", "العام", "السنه") and raw(i + 1) in (
                "الماضي", "المنصرم", "الفائت", "الماضيه", "المقبل", "القادم", "المقبله", "القادمه", "الحالي", "الجاري"):
            q = raw(i + 1)
            past = q in ("الماضي", "المنصرم", "الفائت", "الماضيه")
            cur = q in ("الحالي", "الجاري")
            if w == "الاسبوع":
                if cur:
                    a = pub - timedelta(days=pub.weekday())
                    emit(i, i + 1, _span(a, a + 6 * one), "relative")
                elif past:
                    emit(i, i + 1, _span(pub - 7 * one, pub - one), "relative")
                else:
                    emit(i, i + 1, _span(pub + one, pub + 7 * one), "relative")
            elif w == "الشهر":
                y, m = pub.year, pub.month
                if past:
                    y, m = (y - 1, 12) if m == 1 else (y, m - 1)
                elif not cur:
                    y, m = (y + 1, 1) if m == 12 else (y, m + 1)
                emit(i, i + 1, _month_range(y, m), "relative")
            else:
                y = pub.year - 1 if past else pub.year if cur else pub.year + 1
                emit(i, i + 1, f"{y:04d}-01-01/{y:04d}-12-31", "relative")
        elif w in ("قبل", "منذ") and i + 1 < n:
            # قبل ثلاثة أيام / قبل يومين / منذ أسبوعين
            k = i + 1
            count = 1
            if raw(k).isdigit():
                count = int(raw(k))
                k += 1
            elif raw(k) in _NUMBER_WORDS:
                count = _NUMBER_WORDS[raw(k)]
                k += 1
            unit = _UNITS.get(raw(k))
            if unit is None or count > 400:
                continue
            days = unit if raw(k) in ("يومين", "يومان", "اسبوعين", "شهرين", "عامين", "سنتين") else unit * count
            if w == "قبل" and days <= 31:
                emit(i, k, _iso(pub - timedelta(days=days)), "relative")
        elif w in WEEKDAYS:
            if w in _WEEKDAY_NEEDS_YAWM and _strip(raw(i - 1)) not in ("يوم", "اليوم"):
                continue
            wd = WEEKDAYS[w]
            first = i - 1 if i > 0 and _strip(raw(i - 1)) in ("يوم", "اليوم") else i
            nxt = raw(i + 1)
            if nxt in ("المقبل", "القادم"):
                delta = (wd - pub.weekday()) % 7 or 7
                emit(first, i + 1, _iso(pub + timedelta(days=delta)), "weekday")
            else:
                delta = (pub.weekday() - wd) % 7
                last = i
                if nxt in ("الماضي", "المنصرم", "الفائت"):
                    delta = delta or 7
                    last = i + 1
                emit(first, last, _iso(pub - timedelta(days=delta)), "weekday")


def normalize_date(expr: str, published: str | date | None = None) -> str | None:
    """The value of the first date expression in ``expr`` (None if there is none)."""
    found = find_dates(expr, published)
    return found[0].value if found else None
