"""Within one article, the same event told twice is one event with two mentions.

Two events of the same type are the same when nothing conflicts (different
linked places or actors, different dates) and at least two things agree: the place, the
date, the source, the target, the trigger word (its stem) or a casualty count. The first
telling stays the event; later tellings become ``mentions`` and fill fields it lacks.

When the package ships ``merge.json`` (:class:`MergeModel`, learned from whole annotated
articles by :mod:`marsad.lab.events.merge_train`), a logistic model over the same evidence
(:func:`pair_features`: which fields agree, conflict or are missing, how far apart the
tellings are, the headline) decides instead, and a later telling joins the earlier one it
most probably repeats: on annotated articles the rules folded 42 of 1,060 distinct
incidents into others.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass
from functools import lru_cache

from marsad.analyze.events.weights import Weights
from marsad.model import Event, Span
from marsad.text.stem import stems

MODEL_FILE = "merge.json"

_NUM = re.compile(r"\d+")
# the writer says it is another happening: «وفي حادث منفصل»، «في هجوم آخر»
_APART = re.compile(r"منفصل|(?:حادث|حادثة|حادثه|هجوم|اعتداء|تفجير)\s+(?:آخر|اخر|أخرى|اخرى)")
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
LEARNED_MAX_CONFLICTS = 2  # the learned decision never merges two tellings this many conflicts apart


_VAGUE_MODES = frozenset({"destroy", "primitive"})
_REPORTED = frozenset({"occurred", "claimed"})  # one happening, told as fact or as a claim


def conflicts(a: Event, b: Event) -> int:
    """How many things say two happenings: another type or status (occurred and claimed
    count as one: decisive), another specific mode, other linked places or actors, other
    dates (one each)."""
    if a.type != b.type or not (a.status == b.status or {a.status, b.status} <= _REPORTED):
        return 99
    n = 0
    if a.mode and b.mode and a.mode != b.mode and not {a.mode, b.mode} & _VAGUE_MODES:
        n += 1  # an arrest and a confiscation, a shooting and a bombing: two happenings
    if a.date and b.date and a.date != b.date and not (a.date in b.date or b.date in a.date):
        n += 1
    for x, y in ((a.location, b.location), (a.source, b.source), (a.target, b.target)):
        if x is not None and y is not None and x.entity_id and y.entity_id and _same(x, y) is False:
            n += 1
    return n


def conflict(a: Event, b: Event) -> bool:
    return conflicts(a, b) > 0


def learned_conflicts(a: Event, b: Event) -> int:
    """:func:`conflicts`, where two place names with no word in common count even when
    the linker resolved neither (the learned decision's gate)."""
    n = conflicts(a, b)
    x, y = a.location, b.location
    if x is not None and y is not None and not (x.entity_id and y.entity_id) and _same(x, y) is False:
        n += 1
    return n


def same_event(a: Event, b: Event, text: str, *, min_agree: int = MIN_AGREE) -> bool:
    """Same type and status (occurred and claimed count as one), nothing conflicting, and
    ``min_agree`` things agreeing."""
    if conflict(a, b):
        return False
    agree = 0
    if _same(a.location, b.location):
        agree += 1
    if a.date and b.date:
        agree += 1
    for x, y in ((a.source, b.source), (a.target, b.target)):
        if _same(x, y):
            agree += 1
    if _words(a.trigger) & _words(b.trigger):
        agree += 1
    if a.mode and a.mode == b.mode:
        agree += 1
    if _numbers(a, text) & _numbers(b, text):
        agree += 1
    return agree >= min_agree


def _field(name: str, x: Span | str | None, y: Span | str | None) -> str:
    """``name=agree|conflict|differ|missing`` for one field of two tellings (conflict:
    two different linked entities; differ: words in common none, not both linked)."""
    if x is None or y is None:
        return f"{name}=missing"
    if isinstance(x, str) or isinstance(y, str):
        if x == y or (isinstance(x, str) and isinstance(y, str) and (x in y or y in x)):
            return f"{name}=agree"
        return f"{name}=conflict"
    same = _same(x, y)
    if same:
        return f"{name}=agree"
    return f"{name}=conflict" if x.entity_id and y.entity_id else f"{name}=differ"


def _gap(n: int) -> str:
    return "0" if n <= 0 else "1" if n == 1 else "2" if n == 2 else "3-5" if n <= 5 else "6+"


def pair_features(kept: Event, ev: Event, text: str, *, headline: bool, gap: int) -> list[str]:
    """Evidence that ``ev`` (later) tells the happening ``kept`` tells (same type)."""
    ty = ev.type
    f = [f"T={ty}", f"gap={_gap(gap)}", f"T|gap={ty}|{_gap(gap)}", f"head={headline}",
         f"st={kept.status}|{ev.status}", f"same_st={kept.status == ev.status}"]
    fields = [_field("loc", kept.location, ev.location), _field("date", kept.date, ev.date),
              _field("src", kept.source, ev.source), _field("tgt", kept.target, ev.target),
              _field("cc", kept.country, ev.country)]
    f += fields + [f"T={ty}|{x}" for x in fields]
    f += [f"head|{x}" for x in fields if headline]
    trig = bool(_words(kept.trigger) & _words(ev.trigger))
    f += [f"trig={trig}", f"T|trig={ty}|{trig}", f"gap|trig={_gap(gap)}|{trig}"]
    if kept.mode and ev.mode:
        f.append("mode=agree" if kept.mode == ev.mode else
                 "mode=vague" if {kept.mode, ev.mode} & _VAGUE_MODES else "mode=conflict")
    else:
        f.append("mode=missing")
    f.append(f"num={bool(_numbers(kept, text) & _numbers(ev, text))}")
    agree = sum(x.endswith("=agree") for x in fields) + trig
    conflict = sum(x.endswith("=conflict") for x in fields)
    f += [f"agree={min(agree, 4)}", f"conflict={min(conflict, 2)}", f"gap|agree={_gap(gap)}|{min(agree, 3)}"]
    return f


@dataclass
class MergeModel(Weights):
    """Logistic weights over :func:`pair_features`; two tellings merge at or above the
    stored ``threshold``."""

    def probability(self, feats: list[str]) -> float:
        z = self.weights.get("_bias", 0.0) + sum(self.weights.get(x, 0.0) for x in feats)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@lru_cache(maxsize=1)
def default_merge_model() -> MergeModel | None:
    """The shipped model, or None when the package has none (the rules merge)."""
    return MergeModel.shipped(MODEL_FILE)


def _sentence_of(span: Span, starts: list[int]) -> int:
    return max(0, bisect.bisect_right(starts, span.start) - 1) if starts else -1


def told_apart(ev: Event, text: str, starts: list[int]) -> bool:
    """Does the writer introduce ``ev`` as another happening (before its trigger, in its
    sentence)? Then it is never folded into an earlier telling."""
    lo = starts[ev.sentence] if 0 <= ev.sentence < len(starts) else max(0, ev.trigger.start - 80)
    return bool(_APART.search(text, lo, ev.trigger.start))


def _fold(kept: Event, ev: Event) -> None:
    """``ev`` becomes a mention of ``kept``, filling the fields ``kept`` lacks."""
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


def merge_document(events: list[Event], text: str, *, headline_end: int = 0,
                   sentence_starts: list[int] | None = None,
                   model: MergeModel | None | bool = True) -> list[Event]:
    """Fold later tellings into the first; a headline's event joins the first body telling
    of its type on weaker evidence (the headline is the story's own summary), and the very
    next sentence on one agreeing thing. ``sentence_starts``: each sentence's first offset.
    ``model``: the learned decision (True: the shipped one, if any; None/False: the rules)."""
    starts = sentence_starts or []
    learned = default_merge_model() if model is True else (model or None)
    out: list[Event] = []
    by_type: dict[str, list[Event]] = {}  # only tellings of one type can merge
    for ev in events:
        best: Event | None = None
        best_p = -1.0
        for kept in () if told_apart(ev, text, starts) else by_type.get(ev.type, ()):
            headline = kept.sentence == 0 and kept.trigger.start < headline_end and not kept.mentions
            told = [kept.sentence] + [_sentence_of(m, starts) for m in kept.mentions]
            if learned is not None:
                if learned_conflicts(kept, ev) >= LEARNED_MAX_CONFLICTS:
                    continue  # one conflicting field may be an extraction slip, two are not
                p = learned.probability(pair_features(kept, ev, text, headline=headline,
                                                      gap=ev.sentence - max(told)))
                if p >= float(learned.meta.get("threshold", 0.5)) and p > best_p:
                    best, best_p = kept, p
                continue
            adjacent = ev.sentence - max(told) == 1
            need = HEADLINE_AGREE if headline else (ADJACENT_AGREE if adjacent else MIN_AGREE)
            if kept.sentence == ev.sentence:
                need = SAME_SENTENCE_AGREE  # two clauses of one sentence telling one happening
            if same_event(kept, ev, text, min_agree=need):
                best = kept
                break
        if best is not None:
            _fold(best, ev)
        else:
            out.append(ev)
            by_type.setdefault(ev.type, []).append(ev)
    return out
