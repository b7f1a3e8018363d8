"""Names that are also common words: which sense a mention has, from its context.

Two families, decided after resolution (linker.py, step 4b):

**Homographs** (``resources/kb/homographs.tsv``): a movement whose name is a common noun —
«حماس» Hamas / «حماس» enthusiasm. Arabic usage decides:

- a proper name never takes the article, so «الحماس», «بالحماس», «والحماس» are the noun;
- «بحماس» / «كحماس» is the idiom "with enthusiasm": the noun, unless the article names the
  movement elsewhere («حركة حماس», «حركة المقاومة الإسلامية», "Hamas");
- the noun's own company marks it: a degree adjective after it («حماس كبير», «بحماس
  شديد»), «كل» before it («بكل حماس»), a noun it governs («حماس الجماهير»);
- a head before it names the movement («حركة حماس», «حركتي حماس والجهاد»);
- a bare «حماس» (or «لحماس», «وحماس») is the movement when the article supports it: it names
  the movement elsewhere, or its other evidence points at the movement's countries (a
  Palestinian or Israeli place, nisba or actor).

A mention that fails is no entity at all (it is dropped, not left as a local name).

**Football clubs** (``resources/kb/clubs.tsv``): most clubs are called by a common word or
their city's name («الهلال» crescent, «النصر» victory, «الاتحاد» union, «برشلونة»). Such a
link-only name means the club only when the mention is an organization in a football
context: its sentence has a football word («مباراة», «الدوري», «هدفين» …) or a club slot
(right after a result verb «فاز الهلال», after «على/أمام/ضد» in a sentence with one: «فاز
الهلال على النصر», after «نادي/مدرب/لاعب …»), or the article is about football (three
football words). A club name followed by «لكرة» or by the nisba of another country is
another body («الاتحاد السعودي لكرة القدم», «رئيس الاتحاد البوليفي»: federations), while
«برشلونة الإسباني», «لاعب نابولي الإيطالي» are the clubs. In that
context a club candidate wins over the city or the common word;
a place mention in a club slot («تغلب برشلونة على …») is the club; outside it a link-only
club name is never linked. Unambiguous names («ريال مدريد», «نادي الهلال») need nothing.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from marsad.analyze.link.kb import KnowledgeBase, _rows, _split, kb_dir
from marsad.analyze.link.keys import key
from marsad.model import Mention, Sentence, Token

SPORTS_ARTICLE_CUES = 3  # football words that make a whole article about football


def _keys(words: str) -> frozenset[str]:
    return frozenset(key(w) for w in words.split())


# football words: unambiguous in news (not «هدف» aim, «فريق» general, «الجولة» tour)
SPORTS_CUES = _keys(
    "مباراة المباراة مباراتي مباريات المباريات لمباراة بمباراة الدوري دوري بالدوري للدوري "
    "كأس بكأس لكأس ملعب الملعب بملعب المدرب مدرب لاعب اللاعب لاعبي لاعبو اللاعبين لاعبين "
    "نادي النادي أندية الأندية الشوط المرمى هدفين بهدفين هدفا بهدف الهدف أهداف التعادل "
    "تعادل بالتعادل البطولة بطولة المنتخب منتخب الهداف الهدافين ركلة ركلات جزاء المهاجم "
    "مهاجم حارس الحارس الكرة لكرة كرة القدم المدربين الفوز فوزه الترتيب الصدارة "
    "المتصدر الوصيف الموسم للمحترفين الجماهير جماهير"
)
# verbs whose subject or object is a side in a match
RESULT_VERBS = _keys(
    "فاز يفوز تغلب يتغلب تعادل يتعادل خسر يخسر هزم يهزم واجه يواجه التقى يلتقي استضاف "
    "يستضيف أقصى يقصي اكتسح يكتسح أطاح يطيح وفاز وتغلب وتعادل وخسر وهزم"
)
# words after which a name is a club
CLUB_HEADS = _keys(
    "نادي النادي فريق لفريق مدرب لاعب لاعبي مهاجم حارس مدافع جماهير رئيس إدارة ونادي ومدرب"
)
OPPONENT_PREPS = _keys("على أمام ضد مع وبين")
_SPORT_OF = _keys("لكرة للكرة لالعاب للألعاب")


@dataclass(frozen=True)
class Homograph:
    word: str  # key of the name that is also a common word
    entity_id: str
    countries: frozenset[str]  # evidence for these countries supports the name
    heads: frozenset[str]  # words before it that name the entity («حركة»)
    noun_next: frozenset[str]  # words after it that make it the common noun


@lru_cache(maxsize=4)
def load_homographs(path: str | None = None) -> dict[str, Homograph]:
    p = Path(path) if path else kb_dir() / "homographs.tsv"
    out: dict[str, Homograph] = {}
    if not p.exists():
        return out
    for word, eid, ccs, heads, noun_next in _rows(p, 5):
        h = Homograph(key(word), eid, frozenset(_split(ccs)),
                      frozenset(key(w) for w in _split(heads)),
                      frozenset(key(w) for w in _split(noun_next)))
        out[h.word] = h
    return out


_NOUN_BEFORE = _keys("كل بكل وبكل لكل")


def _token_start(text: str, i: int) -> int:
    while i > 0 and not text[i - 1].isspace():
        i -= 1
    return i


def _token_end(text: str, i: int) -> int:
    while i < len(text) and not text[i].isspace():
        i += 1
    return i


def _prev_word(text: str, start: int) -> str:
    s = _token_start(text, start)
    e = s
    while e > 0 and text[e - 1] == " ":
        e -= 1
    if e == s or e == 0:
        return ""
    return key(text[_token_start(text, e):e])


def _next_word(text: str, end: int) -> str:
    e = _token_end(text, end)
    s = e
    while s < len(text) and text[s] == " ":
        s += 1
    if s == e:
        return ""
    return key(text[s:_token_end(text, s)])


def homograph_form(text: str, m: Mention, words: Iterable[str]) -> tuple[str, str] | None:
    """(word, form) when mention ``m`` is one of the homograph ``words`` written as one
    token: form is "article" (الحماس، بالحماس), "prep" (بحماس، كحماس) or "bare" (حماس،
    وحماس، لحماس). None for any other mention («حركة حماس»)."""
    if " " in m.text.strip():
        return None
    s, e = _token_start(text, m.start), _token_end(text, m.end)
    t = key(text[s:e])
    if t[:1] in ("و", "ف") and len(t) > 3:
        t2 = t[1:]
    else:
        t2 = t
    for w in words:
        for form, pre in (("bare", ""), ("bare", "ل"), ("prep", "ب"), ("prep", "ك"),
                          ("article", "ال"), ("article", "بال"), ("article", "لل"),
                          ("article", "كال")):
            if t2 == pre + w or t == pre + w:
                return w, form
    return None


def homograph_sense(text: str, m: Mention, h: Homograph, form: str, named: bool,
                    supported: bool) -> bool:
    """Is homograph mention ``m`` (written in ``form``) the name? ``named``: the article
    names the entity otherwise; ``supported``: its evidence points at the entity's
    countries."""
    if form == "article":
        return False
    prev = _prev_word(text, m.start)
    nxt = _next_word(text, m.end)
    if prev in _NOUN_BEFORE or nxt in h.noun_next:
        return False
    if prev in h.heads:
        return True
    if form == "prep":
        return named
    return named or supported


class SportsContext:
    """Where an article speaks of football: per sentence, and for the whole article."""

    def __init__(self, text: str, tokens: Sequence[Token], sentences: Sequence[Sentence],
                 kb: KnowledgeBase):
        self.text = text
        self.kb = kb
        words = [t for t in tokens if t.text[:1].isalnum()]
        self.words = words
        self.keys = [key(t.text) for t in words]
        self.bounds = sorted((s.start, s.end) for s in sentences) or [(0, len(text))]
        b = self.bounds
        # sentences do not overlap (segment.py): then a bisection finds the one holding a
        # position; otherwise (bounds made by hand) the first in order that holds it
        disjoint = all(b[i][1] <= b[i + 1][0] for i in range(len(b) - 1))
        self._starts = [s for s, _ in b] if disjoint else None
        cues = [i for i, k in enumerate(self.keys) if k in SPORTS_CUES]
        self.article = len(cues) >= SPORTS_ARTICLE_CUES
        self.cue_sentences = {self._sentence(words[i].start) for i in cues}
        self.verb_sentences = {self._sentence(words[i].start) for i, k in enumerate(self.keys)
                               if k in RESULT_VERBS}

    def _sentence(self, pos: int) -> int:
        """Index of the first sentence (in ``bounds`` order) that holds ``pos``, or -1."""
        if self._starts is not None:
            i = bisect_right(self._starts, pos) - 1
            return i if i >= 0 and pos < self.bounds[i][1] else -1
        for i, (s, e) in enumerate(self.bounds):
            if s <= pos < e:
                return i
        return -1

    def club_slot(self, start: int) -> bool:
        """Does the name at ``start`` stand where a match side stands?"""
        prev = _prev_word(self.text, start)
        if prev in RESULT_VERBS or prev in CLUB_HEADS:
            return True
        return prev in OPPONENT_PREPS and self._sentence(start) in self.verb_sentences

    def qualified(self, end: int, countries: Iterable[str | None]) -> bool:
        """Is the name ending at ``end`` qualified as another body: followed by «لكرة»
        («الاتحاد لكرة القدم»), by a nisba and «لكرة» («الاتحاد السعودي لكرة القدم»), or by
        a nisba of none of the clubs' ``countries`` («الاتحاد البوليفي»; a definite ‑ي
        adjective the KB does not know counts as foreign). «برشلونة الإسباني» stays."""
        nxt = _next_word(self.text, end)
        if nxt in _SPORT_OF:
            return True
        cc = self.kb.nisba.get(nxt)
        if cc is None and not (nxt.startswith("ال") and nxt.endswith("ي") and len(nxt) >= 6):
            return False
        after = self.text.find(" ", end + 1)
        if after > 0 and _next_word(self.text, after) in _SPORT_OF:
            return True
        return cc is None or cc not in set(countries)

    def supports(self, start: int) -> bool:
        """Is the mention at ``start`` in a football context?"""
        return self.article or self._sentence(start) in self.cue_sentences \
            or self.club_slot(start)


def is_club(kb: KnowledgeBase, entity_id: str) -> bool:
    e = kb.entries.get(entity_id)
    return e is not None and e.entity.kind == "club"
