"""When an event happened: the date expression of its sentence that can be the event's own
date, nearest the trigger; None when the sentence fixes none.

A date in the event's sentence is not the event's date when it cannot be:
- historical background: it ends more than a year before the publication (or, in an undated
  article, before the latest full date it gives) — the guideline codes old happenings only as
  news, so a sentence's old year belongs to a comparison («برلين في عام 1945», «أول انتصار منذ
  عام 1998», «مخطط لهجوم سنة 2016»);
- a period the event is *for*, not *on* («جائزة نوبل للآداب لعام 2018», «موازنة لعام 2019»);
- after the publication for an event that already happened (`occurred`, `claimed`, `denied`).
A bare weekday is the last one for a past event and the next one for a `planned` event
(«يصوت الجمعة» in Thursday's paper is tomorrow).

A sentence without a date gets None, not a guess: the field gold's annotators gave such events
the publication day, the lead's day or nothing with no rule a reader could follow (58 dev
events: 11, 22, 25), and inheriting the lead's day measured no better than None; the store's
timeline already falls back to the publication date (``COALESCE(e.date, d.published)``).
Relative dates stay unresolved without a publication date (the ingest reads it from the URL
when the input gives none).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from marsad.analyze.events.view import SentenceView
from marsad.text.dates import _KEYS, DateMention, _strip, find_dates
from marsad.text.normalize import normalize_for_match

HISTORY_DAYS = 366  # older than this before publication: background, not the event's date
PAST_STATUSES = frozenset({"occurred", "claimed", "denied"})
# «لعام 2018» / «للعام 2018»: the period something is for
_FOR_PERIOD = re.compile(r"^(?:لل|ل)(?:عام|سنه)\b")
_PAST_MARK = re.compile(r"الماضي|المنصرم|الفائت|الماضيه")


class LazyDates:
    """The sentence's date expressions, found only when an event needs them (and only when
    a word could be part of one)."""

    def __init__(self, text: str, start: int, end: int, published, v: SentenceView) -> None:
        self.args = (text, start, end, published, v)
        self.published: date | None = published if isinstance(published, date) else None
        self._found: list[DateMention] | None = None

    def get(self) -> list[DateMention]:
        if self._found is None:
            text, start, end, published, v = self.args
            self._found = []
            if any(t.norm[:1].isdigit() or _date_word(t.norm) for t in v.toks):
                self._found = [
                    DateMention(d.start + start, d.end + start, d.text, d.value, d.kind)
                    for d in find_dates(text[start:end], published)
                ]
        return self._found


def _date_word(n: str) -> bool:
    return n in _KEYS or _strip(n) in _KEYS


# --- values ------------------------------------------------------------------------------

def _bounds(value: str) -> tuple[date, date]:
    first, _, last = value.partition("/")
    return date.fromisoformat(first), date.fromisoformat(last or first)


def precision_of(value: str | None) -> str | None:
    """ACLED's time_precision for a value: a day, a week (up to 7 days), a month (up to 31)
    or a year (anything longer: a year, a Hijri year)."""
    if not value:
        return None
    a, b = _bounds(value)
    days = (b - a).days + 1
    if days <= 1:
        return "day"
    if days <= 7:
        return "week"
    if days <= 31:
        return "month"
    return "year"


# --- the article's dates (computed once per document) ----------------------------------------

class ArticleDates:
    """What the whole article says about time: the publication day and the reference day
    that separates news from background."""

    def __init__(self, ctx: Any) -> None:
        self.published: date | None = getattr(ctx, "published", None)
        self._ctx = ctx
        self._all: list[DateMention] | None = None

    def all(self) -> list[DateMention]:
        if self._all is None:
            self._all = find_dates(self._ctx.text, self.published)
        return self._all

    @property
    def reference(self) -> date | None:
        """Publication day, else the latest full date the article gives (an undated article
        is not older than what it reports)."""
        if self.published is not None:
            return self.published
        days = [_bounds(d.value)[0] for d in self.all()
                if d.kind in ("gregorian", "hijri") and precision_of(d.value) == "day"]
        return max(days) if days else None


def article_dates(ctx: Any) -> ArticleDates:
    """The article's dates, computed once per document: kept on the DocContext (its
    ``article_dates`` attribute), not in a module-level table."""
    found = getattr(ctx, "article_dates", None)
    if found is None:
        found = ArticleDates(ctx)
        ctx.article_dates = found
    return found


# --- the event's date --------------------------------------------------------------------------

def _event_value(d: DateMention, status: str | None, pub: date | None, ref: date | None) -> str | None:
    """The mention's value as this event's date, or None when it cannot be its date."""
    if _FOR_PERIOD.match(normalize_for_match(d.text)):
        return None
    value = d.value
    if status == "planned" and d.kind == "weekday" and pub is not None and not _PAST_MARK.search(
            normalize_for_match(d.text)):
        day = date.fromisoformat(value)
        if day < pub:  # «يصوت الجمعة»: the coming Friday
            value = (day + timedelta(days=7)).isoformat()
    a, b = _bounds(value)
    if ref is not None and b < ref - timedelta(days=HISTORY_DAYS):
        return None
    if status in PAST_STATUSES and pub is not None and a > pub:
        return None
    return value


def date_of(lazy: LazyDates, char_pos: int, start: int, end: int,
            status: str | None = None, ctx: Any = None) -> tuple[str | None, str | None]:
    """(date, precision) of the event whose trigger starts at ``char_pos`` in the sentence
    ``start:end``; precision is "day" | "week" | "month" | "year". ``status`` (the event's)
    and ``ctx`` (the DocContext) enable the rules above; without them only the sentence's
    nearest date is read (and relative dates need the publication date LazyDates was given)."""
    art = article_dates(ctx) if ctx is not None else None
    pub = art.published if art is not None else lazy.published
    ref = art.reference if art is not None else pub
    cands = []
    for d in lazy.get():
        if d.start >= start and d.end <= end:
            value = _event_value(d, status, pub, ref)
            if value is not None:
                cands.append((abs(d.start - char_pos), value))
    if cands:
        value = min(cands)[1]
        return value, precision_of(value)
    return None, None


_WHEN_WORDS = frozenset({"عندما", "حين", "حينما", "حينها", "وقتها", "آنذاك", "انذاك", "يومها"})
BACKGROUND_REACH = 80  # characters: a year this close to the trigger dates the trigger itself


def is_background(lazy: LazyDates, v: SentenceView, trigger: int, start: int, end: int, ctx: Any = None) -> bool:
    """Is the event historical background? True when the date nearest its trigger (token
    ``trigger`` of ``v``), in the same clause and within BACKGROUND_REACH characters, ends
    more than a year before the article's reference day: «الاعتداء على القنصلية في بنغازي في
    عام 2012» in a 2016 article is not news, and the guideline codes only what the article
    reports as news. A year in another clause («… كما حدث في عام 1982») is a comparison."""
    art = article_dates(ctx) if ctx is not None else None
    ref = art.reference if art is not None else lazy.published
    if ref is None:
        return False
    pos = v.toks[trigger].start
    near = [d for d in lazy.get() if d.start >= start and d.end <= end and abs(d.start - pos) <= BACKGROUND_REACH]
    if not near:
        return False
    d = min(near, key=lambda x: abs(x.start - pos))
    k = next((t.i for t in v.toks if t.end > d.start), trigger)
    between = {v.raw(i) for i in range(min(k, trigger), max(k, trigger))}
    when_clause = k < trigger and bool(between & _WHEN_WORDS)  # في عام 1945 عندما قصفت ...
    if not when_clause and (v.clause_start[k] != v.clause_start[trigger] or v.segment[k] != v.segment[trigger]):
        return False
    if _FOR_PERIOD.match(normalize_for_match(d.text)):
        return False
    return _bounds(d.value)[1] < ref - timedelta(days=HISTORY_DAYS)
