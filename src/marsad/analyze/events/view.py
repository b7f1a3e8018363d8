"""A sentence as the event coder sees it: tokens, every lexicon match, and the questions
the status, actor and attribution rules ask about positions (is this word a verb? an
agent? a time word? where does its clause start?)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from marsad.analyze.events.forms import IMPF, PERF, analyses
from marsad.analyze.events.scan import Match, Tok
from marsad.model import Mention

PUNCT_BOUNDARY = set("،,؛;:.!?؟()[]{}«»\"“”-–—/|")

PREPOSITIONS = frozenset(
    "في من على علي الى إلى الي عن مع ضد بين نحو حول خلال عند لدى لدي منذ بعد قبل امام أمام "
    "وسط قرب داخل خارج عبر تجاه حتى دون بدون عقب اثر إثر اثناء أثناء جراء بسبب ازاء لصالح تحت فوق "
    "لمراسل لوكالة كـ كما".split()
)
RELATIVES = frozenset("الذي التي الذين اللذين اللتين اللتان اللواتي اللاتي اللذان من ما".split())
COMPLEMENTIZERS = frozenset("ان انه انها انهم انهما إن بان بانه بانها بانهم لان لانه".split())
FUNCTION = frozenset(
    "و ف ثم او أو ام أم لا لم لن ما قد لقد اذ إذ اذا إذا حين عندما حينما بعدما بينما فيما حيث كما لكن منذ فيه فيها فيهم عليه عليها عليهم به بها له لها لهم منه منها منهم كان كانت كانوا يكون تكون هو هي هم هذا هذه ذلك تلك "
    "هناك هنا كل بعض اي أي غير سوى اذا إذا لو كي لكي حيث بينما فيما كما اما أما الا إلا ايضا أيضا "
    "نحو حوالي حوالى قرابة زهاء".split()
)
TIME_WORDS = frozenset(
    "امس اليوم الليله الليلة صباح صباحا مساء مساءا ظهر ظهرا عصر عصرا فجر ليل ليلا ليله ليلة يوم "
    "الاحد الاثنين الثلاثاء الاربعاء الخميس الجمعه السبت الماضي الماضيه الفائت المنصرم اول اخر "
    "غدا حاليا مؤخرا لاحقا سابقا الان امس، الثلاثاء، اوائل اواخر مطلع منتصف نهايه بدايه".split()
)
QUANTITY = frozenset(
    "عشرات مئات الاف الالاف الاف، الوف الوف الملايين ملايين المئات العشرات عدد عددا بضع بضعه عده "
    "نحو حوالي حوالى قرابه زهاء اكثر اقل ما يزيد يقارب جميع كل احد احدي "
    "واحد اثنان اثنين ثلاثه ثلاث اربعه اربع خمسه خمس سته ست سبعه سبع ثمانيه ثماني ثمان تسعه تسع "
    "عشره عشر عشرون عشرين ثلاثون ثلاثين اربعون اربعين خمسون خمسين مائه مئه مائتي مئتي مائتا الف "
    "الفا الفين الاف".split()
)


def _normset(words: frozenset[str]) -> frozenset[str]:
    from marsad.analyze.events.forms import norm

    return frozenset(norm(w) for w in words)


PREPOSITIONS = _normset(PREPOSITIONS)
RELATIVES = _normset(RELATIVES)
COMPLEMENTIZERS = _normset(COMPLEMENTIZERS)
FUNCTION = _normset(FUNCTION)
TIME_WORDS = _normset(TIME_WORDS | frozenset(
    "الاسبوع الشهر العام السنه الايام الساعات النهار الامس يناير فبراير مارس ابريل مايو يونيو يوليو "
    "اغسطس سبتمبر اكتوبر نوفمبر ديسمبر كانون شباط اذار نيسان ايار حزيران تموز ايلول تشرين".split()))
QUANTITY = _normset(QUANTITY | frozenset("بعض مئات".split()))


@dataclass
class SentenceView:
    index: int  # sentence index in the Analysis
    toks: list[Tok]
    matches: list[Match]
    mentions: list[Mention] = field(default_factory=list)  # NER mentions inside the sentence
    by_group: dict[str, list[Match]] = field(default_factory=dict)
    verb_at: set[int] = field(default_factory=set)
    agent_at: dict[int, tuple[str, str | None, int]] = field(default_factory=dict)  # i -> (class, sector, last)
    clause_start: list[int] = field(default_factory=list)
    segment: list[int] = field(default_factory=list)
    known: set = field(default_factory=set)  # every lexicon word form (is a peeled base a word?)
    memo: dict = field(default_factory=dict)  # per-sentence caches of later stages (role candidates)

    def __post_init__(self) -> None:
        for m in self.matches:
            self.by_group.setdefault(m.group, []).append(m)
            if m.kind in (PERF, IMPF):
                self.verb_at.add(m.first)
            if m.group.startswith("agent:"):
                cls = m.group[6:]
                prev = self.agent_at.get(m.first)
                if prev is None or m.last > prev[2] or _rank(cls) > _rank(prev[0]):
                    self.agent_at[m.first] = (cls, m.pat.sector, m.last)
        boundaries = {m.first for m in self.by_group.get("cue:boundary", [])}
        seg = 0
        for t in self.toks:  # segments: split by connectives and ؛ but not by commas
            if t.i in boundaries or t.text in ("؛", ";"):
                seg += 1
            self.segment.append(seg)
        start = 0
        for t in self.toks:
            if (not t.word and t.text in PUNCT_BOUNDARY) or t.i in boundaries:
                start = t.i + (0 if t.i in boundaries else 1)
            self.clause_start.append(start)

    # --- lookups -------------------------------------------------------------------
    def group(self, name: str) -> list[Match]:
        return self.by_group.get(name, [])

    def has(self, name: str, *, outside: tuple[int, int] | None = None,
            exclude: set[int] | None = None) -> bool:
        for m in self.by_group.get(name, []):
            if outside and not (m.last < outside[0] or m.first > outside[1]):
                continue
            if exclude and m.first in exclude and m.last in exclude:
                continue
            return True
        return False

    def cue_at(self, name: str, i: int) -> Match | None:
        for m in self.by_group.get(name, []):
            if m.first == i:
                return m
        return None

    def is_word(self, i: int) -> bool:
        return 0 <= i < len(self.toks) and self.toks[i].word

    def base(self, i: int) -> str:
        """The token with و/ف and the article peeled: والمدينة → مدينه (for stop-word tests)."""
        return _base(self.toks[i].norm)

    def raw(self, i: int) -> str:
        return self.toks[i].norm if 0 <= i < len(self.toks) else ""

    def has_proclitic(self, i: int, letters: str) -> bool:
        """Does token i carry one of these proclitics (ب ل ك)? بال/لل/كال always; otherwise
        only when the peeled word is a known word, so بغداد and بريطانيا are not ب + X."""
        n = self.toks[i].norm
        t = n[1:] if n[:1] in "وف" and len(n) > 3 else n
        if len(t) < 3 or t[0] not in letters:
            return False
        if t.startswith(("بال", "كال", "لل")) and len(t) > 4:
            return True
        for base, pre, _ in analyses(n):
            if pre and pre.lstrip("وف")[:1] in letters and base in self.known:
                return True
        return False

    def is_time(self, i: int) -> bool:
        return self.raw(i) in TIME_WORDS or self.base(i) in TIME_WORDS

    def is_quantity(self, i: int) -> bool:
        r = self.raw(i)
        return r.isdigit() or r in QUANTITY or self.base(i) in QUANTITY

    def is_stop(self, i: int) -> bool:
        r = self.raw(i)
        b = self.base(i)
        return (
            r in PREPOSITIONS or r in RELATIVES or r in COMPLEMENTIZERS or r in FUNCTION
            or b in RELATIVES or b in COMPLEMENTIZERS
            or (r[:1] in "وف" and (r[1:] in PREPOSITIONS or r[1:] in COMPLEMENTIZERS or r[1:] in FUNCTION))
        )

    def mention_at(self, i: int) -> Mention | None:
        t = self.toks[i]
        for m in self.mentions:
            if m.start < t.end and t.start < m.end:
                return m
        return None


@lru_cache(maxsize=100_000)
def _base(n: str) -> str:
    for cand, pre, enc in analyses(n):
        if not enc and pre in ("", "و", "ف", "A", "وA", "فA"):
            n = cand
    return n


_RANKS = {"document": 1, "victim": 2, "gentilic": 3, "protester": 4, "state": 5, "official": 6,
          "police": 7, "military": 8, "armed": 9, "group": 10}


def _rank(cls: str) -> int:
    return _RANKS.get(cls, 0)
