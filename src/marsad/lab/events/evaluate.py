"""Score the event coder on gold sentences and on event-free sentences.

Per gold type: recall with the right type (some event of the gold type in the sentence,
any status), detection (any event at all), type accuracy (the most confident event has the
gold type, among detected sentences), and source / target match (an event of the gold type
whose span shares a word with the gold span, over sentences whose gold names one).
On event-free sentences: the false-alarm rate (sentences given an ASSAULT or PROTEST).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from marsad.analyze.base import base_analysis
from marsad.analyze.events.coder import EventCoder, default_coder
from marsad.lab.events.gold import GoldSentence
from marsad.model import Analysis, Document, Event, Span
from marsad.text.stem import stems

ALARM_TYPES = ("ASSAULT", "PROTEST")
_STOP = {"في", "من", "علي", "الي", "عن", "مع", "ضد", "ال", "و"}

Pipeline = Callable[[Document], Analysis]


def words(text: str) -> set[str]:
    return {s for s in stems(text) if s not in _STOP and len(s) > 1}


def overlaps(span: Span | None, gold_text: str) -> bool:
    return span is not None and bool(words(span.text) & words(gold_text))


@dataclass
class TypeScore:
    n: int = 0
    detected: int = 0
    recalled: int = 0
    type_correct: int = 0
    with_source: int = 0
    source_found: int = 0
    with_target: int = 0
    target_found: int = 0

    def as_dict(self) -> dict:
        def r(a: int, b: int) -> float | None:
            return round(a / b, 4) if b else None
        return {
            "sentences": self.n, "recall": r(self.recalled, self.n), "detected": r(self.detected, self.n),
            "type_accuracy": r(self.type_correct, self.detected),
            "source_match": r(self.source_found, self.with_source), "with_source": self.with_source,
            "target_match": r(self.target_found, self.with_target), "with_target": self.with_target,
        }


@dataclass
class GoldReport:
    by_type: dict[str, TypeScore] = field(default_factory=dict)
    misses: list[tuple[GoldSentence, list[Event]]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def total(self) -> TypeScore:
        t = TypeScore()
        for s in self.by_type.values():
            for k in vars(t):
                setattr(t, k, getattr(t, k) + getattr(s, k))
        return t


def _analysis(text: str, published: str | None, pipeline: Pipeline | None) -> Analysis:
    doc = Document(title="", paragraphs=[text], published=published, language="ar")
    return pipeline(doc) if pipeline else base_analysis(doc)


def primary(events: list[Event]) -> Event | None:
    return max(events, key=lambda e: (e.confidence, -e.trigger.start)) if events else None


def score_gold(gold: Iterable[GoldSentence], *, coder: EventCoder | None = None,
               pipeline: Pipeline | None = None) -> GoldReport:
    coder = coder or default_coder()
    rep = GoldReport()
    t0 = time.perf_counter()
    for g in gold:
        a = _analysis(g.text, g.date, pipeline)
        events = coder.code(a)
        sc = rep.by_type.setdefault(g.category, TypeScore())
        sc.n += 1
        right = [e for e in events if e.type == g.category]
        if events:
            sc.detected += 1
            if primary(events).type == g.category:  # type: ignore[union-attr]
                sc.type_correct += 1
        if right:
            sc.recalled += 1
        else:
            rep.misses.append((g, events))
        gsrc = " ".join(e.sourcetext for e in g.events if e.plover == g.category and e.sourcetext.strip())
        gtgt = " ".join(e.targettext for e in g.events if e.plover == g.category and e.targettext.strip())
        if words(gsrc):
            sc.with_source += 1
            if any(overlaps(e.source, gsrc) for e in right):
                sc.source_found += 1
        if words(gtgt):
            sc.with_target += 1
            if any(overlaps(e.target, gtgt) for e in right):
                sc.target_found += 1
    rep.seconds = time.perf_counter() - t0
    return rep


@dataclass
class NegativeReport:
    n: int = 0
    alarms: int = 0  # sentences with an ASSAULT or PROTEST
    any_event: int = 0
    by_label: dict[str, tuple[int, int]] = field(default_factory=dict)  # label -> (n, alarms)
    examples: list[tuple[str, list[Event]]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.alarms / self.n if self.n else 0.0


def score_negatives(sentences: Iterable[str | tuple[str, str]], *, coder: EventCoder | None = None,
                    pipeline: Pipeline | None = None, published: str | None = None) -> NegativeReport:
    coder = coder or default_coder()
    rep = NegativeReport()
    for item in sentences:
        label, text = item if isinstance(item, tuple) else ("", item)
        events = coder.code(_analysis(text, published, pipeline))
        rep.n += 1
        alarm = [e for e in events if e.type in ALARM_TYPES]
        n, k = rep.by_label.get(label, (0, 0))
        rep.by_label[label] = (n + 1, k + bool(alarm))
        if events:
            rep.any_event += 1
        if alarm:
            rep.alarms += 1
            rep.examples.append((text, alarm))
    return rep
