"""Arabic news boilerplate: what scraped article bodies carry that is not the article.

Pure functions over a list of paragraphs (already through ``clean_text``):

* **marker blocks**: a line such as "اقرأ أيضا:", "قد يهمك أيضا", "شاهد أيضا", "مواضيع ذات
  صلة", "تابعونا على" or "شارك" (and their spellings: إقرأ / إقرا / اقرا, أيضاً / أيضًا /
  ايضا, with or without a colon) is removed with the teaser headlines that follow it (short
  lines without final punctuation), up to the next real paragraph;
* **social and utility lines**: "فيسبوك تويتر واتساب", "طباعة", "جميع الحقوق محفوظة";
* **a trailing run of teasers**: two or more headline-like lines after the last real
  paragraph (a related-stories list without a heading);
* **agency tag and dateline**: "بيروت - ", "القاهرة ـ (د ب أ) ـ", "لندن – (رويترز) -" at
  the start of the body, "(رويترز)" or "- واس" at its end, become metadata.

Markers are matched on the original text with patterns tolerant of hamza/alef, alef
maqsura, taa marbuta, diacritics and tatweel variants, so what is kept is never rewritten:
a kept paragraph is character-for-character the input paragraph (only a dateline or agency
prefix/suffix can be cut from the first/last one). A marker word in the middle of a
sentence ("وخطط لارتكاب المزيد من الهجمات", "شارك آلاف المتظاهرين") is not a marker: weak
markers must stand alone on their line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from marsad.text.normalize import normalize_for_match
from marsad.text.places import is_place

_MARKS = "[\u064b-\u0652\u0670\u0640]*"  # optional diacritics / tatweel between letters
_VARIANTS = {
    "ا": "[اأإآٱ]",
    "ي": "[يىی]",
    "ه": "[هة]",
    "ء": "[ءأإؤئ]",
    "ك": "[كک]",
}


def flex(pattern: str) -> str:
    """A regex for a normalized Arabic phrase that also matches its spelling variants
    (أ/إ/آ/ا, ى/ي, ة/ه), diacritics and tatweel; spaces match any run of spaces."""
    out = []
    escaped = False
    for ch in pattern:
        if escaped:
            out.append(ch)
            escaped = False
        elif ch == "\\":
            out.append(ch)
            escaped = True
        elif ch == " ":
            out.append(r"\s+")
        elif ch in _VARIANTS:
            out.append(_VARIANTS[ch] + _MARKS)
        elif "\u0621" <= ch <= "\u064a":
            out.append(re.escape(ch) + _MARKS)
        else:
            out.append(ch)
    return "".join(out)


# "also": أيضا / أيضاً / أيضًا / ايضا / كذلك
_ALSO = rf"(?:{flex('ايضا')}|{flex('كذلك')})"
_READ = flex("اقرا")

# strong markers: a line *starting* with them is boilerplate, whatever follows
STRONG_MARKERS = [
    rf"{_READ}\s*{_ALSO}",
    rf"{_READ}\s+{flex('المزيد')}",
    rf"{_READ}\s+{flex('التفاصيل')}",
    rf"(?:{flex('قد')}|{flex('ربما')})\s+(?:{flex('يهمك')}|{flex('يعجبك')}|{flex('تهمك')})",
    rf"{flex('يهمك')}\s+{_ALSO}",
    rf"(?:{flex('شاهد')}|{flex('طالع')}|{flex('تابع')})\s*{_ALSO}",
    rf"{flex('شاهد')}\s+{flex('بالفيديو')}",
    (
        rf"(?:{flex('مواضيع')}|{flex('موضوعات')}|{flex('اخبار')}|{flex('مقالات')}|{flex('قصص')})"
        rf"\s+(?:{flex('ذات صله')}|{flex('متعلقه')}|{flex('مشابهه')}|{flex('مقترحه')})"
    ),
    rf"{flex('الاكثر')}\s+(?:{flex('قراءه')}|{flex('مشاهده')}|{flex('تداولا')}|{flex('تعليقا')})",
    rf"{flex('اخترنا لك')}|{flex('ننصحك بقراءه')}|{flex('لا تفوت')}",
    rf"(?:{flex('تابعونا')}|{flex('تابعنا')}|{flex('تابعوا')})\s+(?:{flex('على')}|{flex('عبر')})",
    rf"{flex('شارك')}\s+(?:{flex('هذا')}\s+)?(?:{flex('المقال')}|{flex('الخبر')}|{flex('الموضوع')}|{flex('الصفحه')})",
    rf"{flex('شارك')}\s+(?:{flex('على')}|{flex('عبر')})",
    rf"{flex('للمزيد')}\s+{flex('من')}",
    rf"{flex('المزيد')}\s+{flex('من')}\s+(?:{flex('الاخبار')}|{flex('المقالات')}|{flex('المواضيع')}|{flex('التفاصيل')})",
    rf"{flex('اخبار اخرى')}",
]
# weak markers: boilerplate only when they are the whole line (with optional colon)
WEAK_MARKERS = [
    flex("المزيد"), flex("للمزيد"), flex("شارك"), flex("شاهد"), flex("طالع"), _READ,
    flex("ذات صله"), flex("مشاركه"), flex("انشر"), flex("تابعونا"), flex("تابعنا"),
    flex("روابط"), flex("وسوم"), flex("كلمات مفتاحيه"), flex("الوسوم"),
]

_TAIL = r"[\s:：\-–—ـ.…|»«\"'()]*"
_STRONG_RE = re.compile(rf"^[\s\-–—•*|«\"(]*(?:{'|'.join(STRONG_MARKERS)})(?![\u0621-\u064a])")
_WEAK_RE = re.compile(rf"^[\s\-–—•*|«\"(]*(?:{'|'.join(WEAK_MARKERS)}){_TAIL}$")

# words of a share bar / footer: a line made only of these is not article text
_SOCIAL_WORDS = [
    "فيسبوك", "فيس بوك", "تويتر", "واتساب", "واتس اب", "تلغرام", "تليجرام", "تيليجرام",
    "انستغرام", "انستجرام", "انستقرام", "يوتيوب", "لينكد ان", "لينكدان", "ماسنجر", "تيك توك",
    "ايميل", "البريد الالكتروني", "طباعه", "ارسال", "نسخ الرابط", "مشاركه", "شارك", "حفظ",
    "تعليق", "تعليقات", "اكس",
]
_SOCIAL_LATIN = r"facebook|twitter|whatsapp|telegram|instagram|youtube|linkedin|messenger|" \
                r"email|e-mail|print|share|tiktok|x|reddit|pinterest"
_SOCIAL_RE = re.compile(
    rf"^(?:[\s|/•·,،\-–—:]*(?:{'|'.join(flex(w) for w in _SOCIAL_WORDS)}|{_SOCIAL_LATIN}))+"
    rf"[\s|/•·,،\-–—:]*$",
    re.IGNORECASE,
)
_FOOTER_RE = re.compile(
    rf"(?:{flex('جميع الحقوق محفوظه')}|{flex('حقوق النشر محفوظه')}|{flex('اضغط هنا')}|"
    rf"{flex('انقر هنا')}|©|copyright)",
    re.IGNORECASE,
)

# news agencies: spelling pattern (normalized, see flex) -> the name stored in metadata
AGENCIES: list[tuple[str, str]] = [
    ("رويترز", "رويترز"),
    ("ا ف ب|ا\\.\\s*ف\\.\\s*ب\\.?|فرانس برس|فرانس بريس", "أ ف ب"),
    ("د ب ا|د\\.\\s*ب\\.\\s*ا\\.?", "د ب أ"),
    ("ا ش ا|ا\\.\\s*ش\\.\\s*ا\\.?", "أ ش أ"),
    ("يو بي اي", "يو بي آي"),
    ("ا ب|اسوشيتد برس|اسوشيتدبرس", "أ ب"),
    ("وام", "وام"), ("واس", "واس"), ("قنا", "قنا"), ("كونا", "كونا"), ("بنا", "بنا"),
    ("العمانيه", "العمانية"), ("سانا", "سانا"), ("بترا", "بترا"), ("وفا", "وفا"),
    ("سبا", "سبأ"), ("و\\.?م\\.?ع", "و م ع"), ("واج", "واج"), ("وات", "وات"), ("نينا", "نينا"),
    ("الاناضول", "الأناضول"), ("شينخوا", "شينخوا"), ("سبوتنيك", "سبوتنيك"), ("ارنا", "إرنا"),
    ("وكالات", "وكالات"), ("وكالات الانباء", "وكالات"),
]
_LATIN_AGENCIES = [("reuters", "رويترز"), ("afp", "أ ف ب"), ("ap", "أ ب"), ("dpa", "د ب أ")]


def _agency_alt() -> str:
    alts = []
    for pat, _ in AGENCIES:
        for alt in pat.split("|"):
            alts.append(flex(alt))
    alts += [name for name, _ in _LATIN_AGENCIES]
    alts.sort(key=len, reverse=True)
    return "|".join(f"(?:{a})" for a in alts)


_AG = _agency_alt()
_AGENCY_FULL = [(re.compile(rf"^(?:{flex(p)})$", re.IGNORECASE), name)
                for pats, name in AGENCIES for p in pats.split("|")]
_AGENCY_FULL += [(re.compile(rf"^{p}$", re.IGNORECASE), name) for p, name in _LATIN_AGENCIES]

_DASH = r"[\-–—ـ]"
# a separating dash: -, – or —; a tatweel only when it stands apart ("القاهرة ـ") or is
# drawn long, never the tatweel that ends a word ("لـ «عكاظ»")
_SEP = r"(?:\s*[\-–—]+\s*ـ*|\s+ـ+|ـ{2,})\s*"
_WORDCH = "\u0621-\u063a\u0641-\u064a\u0671-\u06d3"
_PLACE = rf"[{_WORDCH}][{_WORDCH}\u064b-\u0652]*(?:\s+[{_WORDCH}][{_WORDCH}\u064b-\u0652]*){{0,2}}"
# "بيروت - " / "لندن – (رويترز) - " / "بيروت (رويترز) - " / "واشنطن، 5 مارس (رويترز) -"
_DATELINE_RE = re.compile(
    rf"^(?P<place>{_PLACE})"
    rf"(?:\s*[،,]\s*(?P<date>[^\-–—ـ()\n.]{{0,20}}\d[^\-–—ـ()\n.]{{0,15}}?))?"
    rf"(?:\s*\((?P<ag1>{_AG})\))?"
    rf"{_SEP}"
    rf"(?:\(?(?P<ag2>{_AG})\)?{_SEP})?"
    rf"(?=\S)",
    re.IGNORECASE,
)
# "واس - جدة: " / "(أ ف ب) - بروكسل:" / "رويترز- بنغازي (ليبيا): "
_AGENCY_PLACE_RE = re.compile(
    rf"^\(?(?P<ag>{_AG})\)?{_SEP}(?P<place>{_PLACE})(?:\s*\([^()]{{1,20}}\))?\s*:\s*(?=\S)",
    re.IGNORECASE,
)
_LEAD_AGENCY_RE = re.compile(rf"^\((?P<ag>{_AG})\)(?:{_SEP}|\s*:\s*|\s+)(?=\S)", re.IGNORECASE)
# "... النص. (د ب أ)" / "... - واس" / "(رويترز)" at the very end of the body
_TRAIL_AGENCY_RE = re.compile(
    rf"(?:^|\s*{_DASH}*\s*)(?:\((?P<ag1>{_AG})\)|(?<=[\s\-–—ـ.])(?P<ag2>{_AG})|^(?P<ag3>{_AG}))"
    rf"\s*[.]?\s*$",
    re.IGNORECASE,
)
_SOURCE_LINE_RE = re.compile(rf"^(?:{flex('المصدر')}|{flex('المصادر')})\s*[:：]\s*(?P<ag>{_AG})\s*\.?$", re.IGNORECASE)

_SENTENCE_END = set(".!?؟")
_TRAILING_QUOTES = "\"'»”’)]}*"
_BULLET = re.compile(r"^\s*(?:[-–—•*·▪●]|\d+[.)-])\s")

TEASER_MAX_WORDS = 20
TEASER_MAX_CHARS = 170
TRAILING_TEASER_MAX_WORDS = 15


@dataclass
class Cleaned:
    """Body paragraphs without boilerplate, and what was taken out."""

    paragraphs: list[str]
    agency: str | None = None
    dateline: str | None = None
    byline: str | None = None  # "حامد القرشي" from a "مكة المكرمة – حامد القرشي" line
    removed: list[str] = field(default_factory=list)


def ends_sentence(line: str) -> bool:
    """Does the line end like prose (a full stop, ! or ?), quotes and brackets aside?"""
    s = line.rstrip().rstrip(_TRAILING_QUOTES).rstrip()
    if not s:
        return False
    if s.endswith(("..", "…")):
        return False
    return s[-1] in _SENTENCE_END


def is_headline_like(line: str, *, max_words: int = TEASER_MAX_WORDS) -> bool:
    """A short line that does not end like a sentence (nor like a clause: , ; :)."""
    s = line.strip()
    if not s or len(s) > TEASER_MAX_CHARS or len(s.split()) > max_words:
        return False
    if ends_sentence(s):
        return False
    last = s.rstrip(_TRAILING_QUOTES).rstrip()[-1:]
    return last not in ("،", "؛", ",", ";", ":")


def is_marker(line: str) -> bool:
    """Is the line a boilerplate marker ("اقرأ أيضا:", "شارك", "مواضيع ذات صلة" ...)?
    A strong marker may carry a teaser on the same line; a long line is never a marker."""
    s = line.strip()
    if not s:
        return False
    if _WEAK_RE.match(s):
        return True
    if not _STRONG_RE.match(s):
        return False
    n = len(s.split())
    return n <= 12 or (n <= 30 and not ends_sentence(s))


def is_utility_line(line: str) -> bool:
    """Share bars, social links and footers: a line made only of such words."""
    s = line.strip()
    if not s:
        return True
    if _SOCIAL_RE.match(s):
        return True
    return len(s.split()) <= 12 and bool(_FOOTER_RE.search(s))


def remove_marker_blocks(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """Drop marker lines, utility lines and the teaser headlines after a marker."""
    kept: list[str] = []
    removed: list[str] = []
    in_block = False
    for p in paragraphs:
        if is_marker(p) or is_utility_line(p):
            removed.append(p)
            in_block = True
            continue
        if in_block and is_headline_like(p):
            removed.append(p)
            continue
        in_block = False
        kept.append(p)
    return kept, removed


_CONNECTIVE = re.compile(
    rf"^(?:[وف][{_WORDCH}]|{flex('كما')}\s|{flex('ثم')}\s|{flex('حيث')}\s|{flex('لكن')}|"
    rf"{flex('بينما')}\s|{flex('اذ')}\s|{flex('الا')}\s|{flex('ان')}\s|{flex('يا')}\s)"
)


def is_trailing_teaser(line: str) -> bool:
    """A line of a related-stories list left at the end of a body without a heading: a
    short headline of 3-15 words, not a list item, not a clause continuing the text (a
    leading و / ف / كما ...), not trailing off (… ..) — a poem's last verses or a photo
    caption run must survive."""
    s = line.strip()
    if not is_headline_like(s, max_words=TRAILING_TEASER_MAX_WORDS):
        return False
    words = s.split()
    if len(words) < 3 or _BULLET.match(s) or _CONNECTIVE.match(s):
        return False
    core = s.rstrip(_TRAILING_QUOTES).rstrip()
    if core.endswith((".", "…")):
        return False
    return sum(ch.isalpha() for ch in s) >= 0.6 * len(s.replace(" ", ""))


def remove_trailing_teasers(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """Drop a run of two to eight teaser headlines at the end, when real prose precedes
    them (a related-stories list without a heading)."""
    i = len(paragraphs)
    while i > 0 and is_trailing_teaser(paragraphs[i - 1]):
        i -= 1
    run = len(paragraphs) - i
    if 2 <= run <= 8 and i > 0 and ends_sentence(paragraphs[i - 1]):
        return paragraphs[:i], paragraphs[i:]
    return paragraphs, []


def agency_name(text: str) -> str | None:
    """The canonical name of a news agency tag ("أ.ف.ب" -> "أ ف ب"), or None."""
    s = " ".join(text.strip().strip("()").split())
    for rx, name in _AGENCY_FULL:
        if rx.match(s):
            return name
    return None


def split_dateline(first: str) -> tuple[str, str | None, str | None]:
    """Cut a leading dateline and/or agency tag from the first paragraph:
    ``"بيروت (رويترز) - قال ..."`` -> ``("قال ...", "بيروت", "رويترز")``.

    The dateline's words must name a known place (see :mod:`marsad.text.places`) unless
    an agency tag follows them, which is evidence enough."""
    m = _LEAD_AGENCY_RE.match(first)
    if m:
        return first[m.end():], None, agency_name(m.group("ag"))
    m = _AGENCY_PLACE_RE.match(first)
    if m and agency_name(m.group("ag")):
        return first[m.end():], m.group("place"), agency_name(m.group("ag"))
    m = _DATELINE_RE.match(first)
    if m:
        ag = m.group("ag1") or m.group("ag2")
        if ag or is_place(m.group("place")):
            return first[m.end():], m.group("place"), agency_name(ag) if ag else None
    return first, None, None


_BYLINE_RE = re.compile(rf"^(?P<a>[^\-–—:()\n]{{2,40}}?){_SEP}(?P<b>[^\-–—:()\n]{{2,40}}?)\s*:?\s*$")


def parse_byline(line: str) -> tuple[str, str | None, str | None] | None:
    """A line such as "الرياض - واس" / "مكة المكرمة – حامد القرشي" / "جدة – عين اليوم"
    that opens a body: (place, agency, other), or None when it is not one. One side must be
    a known place."""
    s = line.strip()
    if len(s.split()) > 7 or ends_sentence(s):
        return None
    m = _BYLINE_RE.match(s)
    if not m:
        return None
    a, b = m.group("a").strip(), m.group("b").strip()
    for place, other in ((a, b), (b, a)):
        if is_place(place) and len(other.split()) <= 4:
            ag = agency_name(other)
            return place, ag, None if ag else other
    return None


def split_trailing_agency(last: str) -> tuple[str, str | None]:
    """Cut an agency tag from the end of the last paragraph: ``"... (د ب أ)"``."""
    m = _SOURCE_LINE_RE.match(last.strip())
    if m:
        return "", agency_name(m.group("ag"))
    m = _TRAIL_AGENCY_RE.search(last, max(0, len(last) - 60))  # a tag is short: scan the tail
    if not m:
        return last, None
    ag = m.group("ag1") or m.group("ag2") or m.group("ag3")
    # a bare word at the end of a sentence is not a tag unless set off by a dash
    if m.group("ag2") and not re.search(rf"{_DASH}\s*{re.escape(ag)}\s*\.?\s*$", last):
        return last, None
    return last[: m.start()].rstrip(), agency_name(ag)


def strip_boilerplate(paragraphs: list[str]) -> Cleaned:
    """The whole pass: markers and teasers, trailing agency and teasers, leading dateline."""
    paras = [p.strip() for p in paragraphs if p and p.strip()]
    paras, removed = remove_marker_blocks(paras)
    agency = dateline = None
    if paras:
        last, agency = split_trailing_agency(paras[-1])
        if agency:
            paras = paras[:-1] + ([last] if last.strip() else [])
    paras, tail = remove_trailing_teasers(paras)
    removed += tail
    byline = None
    if paras:
        head, _, rest = paras[0].partition("\n")
        parsed = parse_byline(head)
        if parsed:
            removed.append(head)
            dateline, lead, byline = parsed
            agency = agency or lead
            paras = ([rest.strip()] if rest.strip() else []) + paras[1:]
    if paras and not dateline:
        first, place, lead_agency = split_dateline(paras[0])
        if first.strip() and (place or lead_agency):
            paras[0] = first.strip()
            dateline = place
            agency = agency or lead_agency
    return Cleaned(paragraphs=paras, agency=agency, dateline=dateline, byline=byline,
                   removed=removed)


# whole lines that are site furniture, not article (searched in normalized lines)
BOILERPLATE_LINE = re.compile(
    r"تطبيق بي بي سي|المقالات المنشوره تمثل|لا يمكنه التاكد بشكل مستقل"
    r"|الاراء الوارده (?:ادناه|في هذا المقال)|^\W*نقلا عن\b.{0,40}$"
    r"|^\W*(?:اقرا|اقرء|شاهد) (?:ايضا|المزيد)\W*$|^\W*قد يهمك(?: ايضا)?\W*$"
    r"|^\W*(?:تابعونا|تابعوا) "
)


def is_boilerplate_line(line: str) -> bool:
    """Site furniture (app notices, "read also", disclaimers) rather than article text."""
    return bool(BOILERPLATE_LINE.search(normalize_for_match(line)))


def furniture_paragraphs(paragraphs: Sequence[str]) -> set[int]:
    """Indexes of paragraphs that are not the article, by the boilerplate rules above
    (ingest usually removed them already; a Document built by hand may still carry them):
    "read also" markers and the teaser headlines after them, share bars and footers, a
    trailing run of related-story headlines, and site notices. (Remembered for the last
    few documents: the keywords and summary stages both ask, for the same paragraphs.)"""
    return set(_furniture(tuple(paragraphs)))


@lru_cache(maxsize=256)
def _furniture(paragraphs: tuple[str, ...]) -> frozenset[int]:
    out: set[int] = set()
    in_block = False
    for i, p in enumerate(paragraphs):
        if is_marker(p) or is_utility_line(p):
            out.add(i)
            in_block = True
        elif in_block and is_headline_like(p):
            out.add(i)
        else:
            in_block = False
            if is_boilerplate_line(p):
                out.add(i)
    kept = [i for i in range(len(paragraphs)) if i not in out]
    _, trailing = remove_trailing_teasers([paragraphs[i] for i in kept])
    out.update(kept[len(kept) - len(trailing):] if trailing else [])
    return frozenset(out)
