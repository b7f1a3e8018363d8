"""Words the tagger reads as names that are never entities in news: God in formulae and
currencies. A post-filter on the tagger's mentions (the model is not retrained).

Rules, from Arabic usage:

- «الله» alone (with any clitic: لله، بالله، والله) is God, in formulae and quotations
  («بسم الله»، «إن شاء الله»، «الحمد لله»، «رحمه الله»): never an entity, and neither are
  the formulae themselves nor the divine names of the basmala («الرحمن الرحيم»). A mention
  that also holds another word stays: «حزب الله», «عبد الله», «نصر الله», «جند الله». When
  the tagger took only «الله» of such a compound (a name-forming word just before it:
  عبد، نصر، حزب …), the mention is widened to the whole compound instead of dropped.
  A compound followed by «تعالى» or «عز وجل» is still God («بعد فضل الله تعالى»).
- A currency («دولار»، «ريال»، «الليرة التركية»، «100 دولار») names a unit, not an actor
  or a place: a mention made only of currency words and nisba adjectives is dropped.
  «ريال مدريد» holds a non-currency word and stays. One exception is left to the linker: a
  currency word tagged as an organization and not counted by a number before it («فاز
  الريال» is Real Madrid in a football article); the link stage drops it unless it links
  to a club (link/senses.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from marsad.model import Mention
from marsad.text.normalize import normalize_for_match

_NON_WORD = re.compile(r"[^\w\s]|_")


def _key(text: str) -> str:
    return " ".join(_NON_WORD.sub(" ", normalize_for_match(text)).split())


def _keys(words: str) -> frozenset[str]:
    return frozenset(_key(w) for w in words.split())


_ALLAH = _keys("الله لله بالله والله فالله تالله ولله فلله وبالله اللهم")
# words of religious formulae; a mention made only of them (with God or a divine name in it)
# is a formula, not a name
_DIVINE = _ALLAH | _keys("الرحمن الرحيم الرحمان")
_FORMULA = _DIVINE | _keys(
    "بسم وبسم باسم ان إن شاء انشاء الحمد والحمد رحمه رحمها رحمهم يرحمه رحمة رحمت سبحانه "
    "سبحان تعالى عز وجل جل جلاله صلى عليه وسلم رضي عنه عنها عنهم بإذن باذن ما ماشاء "
    "تبارك اكبر أكبر لا إله اله الا إلا رب العالمين العظيم في سبيل أمام امام عند حسبي "
    "ونعم الوكيل استغفر أستغفر جزاه خيرا"
)
# first words of names built on «الله»: «عبد الله»، «نصر الله»، «حزب الله»
_NAME_BEFORE_ALLAH = {
    **{k: "PER" for k in _keys("عبد عبيد نصر فتح عطا عطاء فضل جاب حسب عوض فرج خير ضيف سعد "
                               "جار رزق هبة حمد")},
    **{k: "ORG" for k in _keys("حزب جند أنصار انصار")},
}
_CURRENCY = _keys(
    "دولار دولارا دولارات الدولار بالدولار والدولار ريال ريالا ريالات الريال بالريال "
    "دينار دينارا دنانير الدينار بالدينار درهم درهما دراهم الدرهم بالدرهم جنيه جنيها "
    "جنيهات الجنيه بالجنيه يورو اليورو باليورو ليرة ليرات الليرة بالليرة روبية الروبية "
    "روبل الروبل ين الين يوان اليوان فرنك الفرنك استرليني إسترليني الإسترليني الاسترليني "
    "تومان التومان شيكل الشيكل بالشيكل"
)


def _is_nisba(k: str) -> bool:
    """An adjective of relation («الأمريكي», «سعودية»): the letters a nisba ends in."""
    return len(k) >= 4 and k.endswith(("ي", "يه", "يين", "يون"))


def is_formula(k: str) -> bool:
    """Is key ``k`` God's name or a religious formula (never an entity)?"""
    words = k.split()
    return bool(words) and all(w in _FORMULA for w in words) and any(w in _DIVINE for w in words)


def is_currency(k: str) -> bool:
    """Is key ``k`` a currency, alone or with its nisba («الريال السعودي»)?"""
    words = k.split()
    return bool(words) and words[0] in _CURRENCY and all(
        w in _CURRENCY or _is_nisba(w) for w in words[1:])


_AFTER_GOD = _keys("تعالى وتعالى سبحانه عز جل")
_NUMBER_WORDS = _keys("ألف آلاف الف الاف مليون ملايين مليار مليارات ترليون تريليون مئة مائة "
                      "عشرة عشرات مئات ملايين الملايين المليارات")


def _word_after(text: str, end: int) -> str:
    if end >= len(text) or text[end] != " ":
        return ""
    j = end + 1
    while j < len(text) and not text[j].isspace():
        j += 1
    return _key(text[end + 1:j])


def _counted(text: str, start: int) -> bool:
    """Is the word before ``start`` a number («500 ريال», «10 آلاف ريال»)?"""
    _, prev = _word_before(text, start)
    raw = text[max(0, start - 12):start].split()
    return prev in _NUMBER_WORDS or bool(raw and any(ch.isdigit() for ch in raw[-1]))


def _word_before(text: str, start: int) -> tuple[int, str]:
    """(start offset, key) of the word right before ``start``, separated by one space."""
    if start < 2 or text[start - 1] != " ":
        return start, ""
    i = start - 1
    while i > 0 and not text[i - 1].isspace():
        i -= 1
    return i, _key(text[i:start - 1])


def filter_non_entities(text: str, mentions: Sequence[Mention]) -> list[Mention]:
    """``mentions`` without formulae and currencies; a lone «الله» after a name-forming
    word becomes the whole compound name."""
    out: list[Mention] = []
    for m in mentions:
        k = _key(m.text)
        if k in _ALLAH:
            s, prev = _word_before(text, m.start)
            typ = _NAME_BEFORE_ALLAH.get(prev)
            if typ and _word_after(text, m.end) not in _AFTER_GOD \
                    and not any(o.end > s for o in out[-1:]):
                out.append(Mention(s, m.end, text[s:m.end], typ, m.entity_id, m.score))
            continue
        if is_formula(k):
            continue
        if is_currency(k) and (m.type != "ORG" or _counted(text, m.start)):
            continue
        out.append(m)
    return out
