"""Within one article, the same event told twice is one event with two mentions.

Two events of the same type are the same when nothing conflicts (different
linked places or actors, different dates) and at least two things agree: the place, the
date, the source, the target, the trigger word (its stem) or a casualty count. The first
telling stays the event; later tellings become ``mentions`` and fill fields it lacks.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from marsad.model import Event, Span
from marsad.text.stem import stems

_NUM = re.compile(r"\d+")
_STOP = {"في", "من", "علي", "الي", "عن", "مع", "ضد"}


def _words(span: Span | None) -> frozenset[str]:
    if span is None:
        return frozenset()
    return _text_words(span.text)


@lru_cache(maxsize=4096)
def _text_words(text: str) -> frozenset[str]:
    return frozenset(s for s in stems(text) if len(s) > 1 and s not in _STOP)


def _same(a: Span | None, b: Span | None) -> bool | None:
    """True/False when both are present, None when either is missing."""
    if a is None or b is None:
        return None
    if a.entity_id and b.entity_id:
        return a.entity_id == b.entity_id
    return bool(_words(a) & _words(b))


def _numbers(ev: Event, text: str) -> set[str]:
    lo = max(0, ev.trigger.start - 40)
    return set(_NUM.findall(text[lo : ev.trigger.end + 40]))


_FILL = (
    ("source", "source_name", "source_en"), ("target", "target_name", "target_en"),
    ("location", "place", "geo_precision"), ("country",), ("date", "date_precision"), ("reporter",), ("mode",),
)
SAME_SENTENCE_AGREE = 1  # two clauses of one sentence: one agreeing field (مسيرة ... حيث جاب المتظاهرون)
ADJACENT_AGREE = 1  # the next sentence usually goes on telling the same happening
MIN_AGREE = 2  # things that must agree for two tellings to be one event
HEADLINE_AGREE = 0  # the headline and the first body telling of its type: no conflict suffices


_VAGUE_MODES = frozenset({"destroy", "primitive"})
_REPORTED = frozenset({"occurred", "claimed"})  # one happening, told as fact or as a claim


def same_event(a: Event, b: Event, text: str, *, min_agree: int = MIN_AGREE) -> bool:
    """Same type and status (occurred and claimed count as one), nothing conflicting, and
    ``min_agree`` things agreeing."""
    if a.type != b.type or not (a.status == b.status or {a.status, b.status} <= _REPORTED):
        return False
    if a.mode and b.mode and a.mode != b.mode and not {a.mode, b.mode} & _VAGUE_MODES:
        return False  # an arrest and a confiscation, a shooting and a bombing: two happenings
    agree = 0
    loc = _same(a.location, b.location)
    if loc is False and a.location and b.location and a.location.entity_id and b.location.entity_id:
        return False
    if loc:
        agree += 1
    if a.date and b.date:
        if a.date != b.date and not (a.date in b.date or b.date in a.date):
            return False
        agree += 1
    for x, y in ((a.source, b.source), (a.target, b.target)):
        s = _same(x, y)
        if s is False and x.entity_id and y.entity_id:  # type: ignore[union-attr]
            return False
        if s:
            agree += 1
    if _words(a.trigger) & _words(b.trigger):
        agree += 1
    if a.mode and a.mode == b.mode:
        agree += 1
    if _numbers(a, text) & _numbers(b, text):
        agree += 1
    return agree >= min_agree


def _sentence_of(span: Span, starts: list[int]) -> int:
    return max(0, bisect.bisect_right(starts, span.start) - 1) if starts else -1


def merge_document(events: list[Event], text: str, *, headline_end: int = 0,
                   sentence_starts: list[int] | None = None) -> list[Event]:
    """Fold later tellings into the first; a headline's event joins the first body telling
    of its type on weaker evidence (the headline is the story's own summary), and the very
    next sentence on one agreeing thing. ``sentence_starts``: each sentence's first offset."""
    starts = sentence_starts or []
    out: list[Event] = []
    by_type: dict[str, list[Event]] = {}  # only tellings of one type can merge
    for ev in events:
        for kept in by_type.get(ev.type, ()):
            headline = kept.sentence == 0 and kept.trigger.start < headline_end and not kept.mentions
            told = [kept.sentence] + [_sentence_of(m, starts) for m in kept.mentions]
            adjacent = ev.sentence - max(told) == 1
            need = HEADLINE_AGREE if headline else (ADJACENT_AGREE if adjacent else MIN_AGREE)
            if kept.sentence == ev.sentence:
                need = SAME_SENTENCE_AGREE  # two clauses of one sentence telling one happening
            if same_event(kept, ev, text, min_agree=need):
                kept.mentions.append(ev.trigger)
                for group in _FILL:  # fields that belong together move together
                    if getattr(kept, group[0]) is None and getattr(ev, group[0]) is not None:
                        for f in group:
                            setattr(kept, f, getattr(ev, f))
                if ev.fatalities is not None and (kept.fatalities is None or ev.fatalities > kept.fatalities):
                    kept.fatalities = ev.fatalities  # the latest toll told is the largest
                if ev.injured is not None and (kept.injured is None or ev.injured > kept.injured):
                    kept.injured = ev.injured
                kept.confidence = round(min(0.99, max(kept.confidence, ev.confidence) + 0.05), 2)
                break
        else:
            out.append(ev)
            by_type.setdefault(ev.type, []).append(ev)
    return out
