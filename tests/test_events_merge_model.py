"""The learned merge decision: it weighs agreeing and conflicting fields of two tellings of
one type, but never folds a telling the writer introduces as another happening, nor two
tellings with two conflicting facts (other linked places, dates, actors or modes)."""

from __future__ import annotations

from marsad.analyze.events.merge import (
    MergeModel,
    default_merge_model,
    learned_conflicts,
    merge_document,
    told_apart,
)
from marsad.model import Event, Span

TEXT = ("قتل ثلاثة جنود في هجوم على نقطة تفتيش في الموصل يوم الأحد. "
        "وفي حادث منفصل، قتل مسلحون طبيبا في البصرة يوم الثلاثاء.")
SECOND = TEXT.index("وفي حادث")


def _ev(word: str, at: int, sentence: int, **kw) -> Event:
    start = TEXT.index(word, at)
    return Event(type="ASSAULT", status="occurred", trigger=Span(start, start + len(word), word),
                 sentence=sentence, confidence=0.8, **kw)


ALWAYS = MergeModel({"_bias": 30.0}, {"threshold": 0.5})  # would merge anything it may


def test_a_telling_introduced_as_another_happening_is_never_folded():
    first, second = _ev("قتل", 0, 0), _ev("قتل", SECOND, 1)
    assert told_apart(second, TEXT, [0, SECOND]) and not told_apart(first, TEXT, [0, SECOND])
    out = merge_document([first, second], TEXT, sentence_starts=[0, SECOND], model=ALWAYS)
    assert len(out) == 2 and not out[0].mentions


def test_two_conflicting_facts_are_never_merged_by_the_model():
    text_starts = [0]
    a = _ev("قتل", 0, 0, location=Span(41, 47, "الموصل", "gn:99072"), date="2019-03-31")
    b = _ev("هجوم", 0, 0, location=Span(0, 6, "البصرة", "gn:99532"), date="2019-04-02")
    assert learned_conflicts(a, b) == 2
    assert len(merge_document([a, b], TEXT, sentence_starts=text_starts, model=ALWAYS)) == 2
    c = _ev("هجوم", 0, 0, date="2019-04-02")  # one conflict (the date) is left to the model
    assert learned_conflicts(a, c) == 1
    assert len(merge_document([a, c], TEXT, sentence_starts=text_starts, model=ALWAYS)) == 1


def test_without_a_model_the_rules_decide():
    a = _ev("قتل", 0, 0, date="2019-03-31")
    c = _ev("هجوم", 0, 0, date="2019-04-02")
    assert len(merge_document([a, c], TEXT, sentence_starts=[0], model=False)) == 2  # a date conflict


def test_the_shipped_model_has_its_threshold():
    m = default_merge_model()
    assert m is not None, "resources/events/merge.json is shipped"
    assert 0.0 < float(m.meta["threshold"]) < 1.0
