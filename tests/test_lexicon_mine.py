"""The lexicon miner on a tiny hand-made set: a word the coder missed in three gold events of
two articles, mostly said of that event, is proposed; a word that is mostly no event is not;
the proposed entry compiles into a lexicon the coder reads."""

from __future__ import annotations

import re

from marsad.analyze.base import base_analysis
from marsad.analyze.events.coder import EventCoder
from marsad.analyze.events.forms import norm
from marsad.analyze.events.lexicon import default_lexicon
from marsad.lab.events.field_eval import GoldEvent
from marsad.lab.events.lexicon_mine import (
    BEGIN,
    Article,
    block,
    head_of,
    lexicon_with,
    mine,
    with_block,
)
from marsad.model import Document

_WORD = re.compile(r"\S+")


def _gold(aid: str, n: int, etype: str, trigger: str, sentence: str) -> GoldEvent:
    return GoldEvent(aid, f"i{n}", etype, trigger, sentence, "occurred", (), (), (), None, None, None)


def _article(key: str, sentences: list[tuple[str, list[tuple[str, str]]]]) -> tuple[Article, list[GoldEvent]]:
    """An article from its sentences, each with its gold events (type, trigger)."""
    text = " ".join(s for s, _g in sentences)
    toks = [(norm(m.group()), m.start()) for m in _WORD.finditer(text)]
    gold, spans, pos = [], {}, 0
    for s, evs in sentences:
        for etype, trig in evs:
            gold.append(_gold(key, len(gold), etype, trig, s))
            spans.setdefault(etype, []).append((pos, pos + len(s)))
        pos += len(s) + 1
    return Article(key, gold, toks, [False] * len(toks), spans), gold


def _set() -> tuple[list[Article], dict[str, list[GoldEvent]]]:
    a1, g1 = _article("t:1", [
        ("وبخ الوزير السفير على تصريحاته", [("ACCUSE", "وبخ")]),
        ("ويوبخ المسؤولون الصحافة دائما", [("ACCUSE", "يوبخ")]),
        ("قال الرئيس إن الاقتصاد بخير", [("ACCUSE", "قال")]),
        ("قال المتحدث إن الطقس حار", []),
    ])
    a2, g2 = _article("t:2", [
        ("وبخت الحكومة الشركة بسبب التأخير", [("ACCUSE", "وبخت")]),
        ("قال مدير الشركة إنه مسرور", [("ACCUSE", "قال")]),
        ("قال المدرب إن الفريق جاهز", []),
        ("قال الطبيب إن المريض تعافى", []),
        ("قال الخبير إن السوق مستقرة", []),
    ])
    a3, g3 = _article("t:3", [("قال الوزير إن الميزانية جاهزة", [("ACCUSE", "قال")])])
    arts = [a1, a2, a3]
    return arts, {"t:1": g1, "t:2": g2, "t:3": g3}


def test_heads_are_written_as_the_lexicon_writes_them():
    assert head_of("الاتهامات") == ("اتهام", True, norm("الاتهامات"))
    assert head_of("يستنكر")[:2] == ("impf:يستنكر", False)
    assert head_of("وبخت")[:2] == ("وبخ", False)
    assert head_of("في") is None


def test_a_word_missed_three_times_in_two_articles_is_proposed_and_a_mostly_idle_one_is_not():
    arts, missed = _set()
    got = mine(arts, missed, default_lexicon())
    specs = {(c.type, c.spec()) for c in got}
    assert ("ACCUSE", "وبخ/يوبخ") in specs  # 3 events, 2 articles, 3 of 3 occurrences in ACCUSE sentences
    assert not any(c.key == "قال" for c in got)  # 4 events in 3 articles, but 3 of 8 occurrences
    ours = next(c for c in got if c.spec() == "وبخ/يوبخ")
    assert (len(ours.events), len(ours.articles), ours.right, ours.hits) == (3, 2, 3, 3)


def test_too_few_articles_is_not_enough():
    arts, missed = _set()
    only_first = {"t:1": missed["t:1"]}
    assert not any(c.key == "وبخ" for c in mine(arts, only_first, default_lexicon()))


def test_the_block_is_replaced_not_stacked_and_the_coder_reads_it():
    arts, missed = _set()
    got = [c for c in mine(arts, missed, default_lexicon()) if c.key == "وبخ"]
    text = with_block(with_block("[ACCUSE]\n- s : اتهم/يتهم\n", got), got)
    assert text.count(BEGIN) == 1 and "وبخ/يوبخ" in block(got)
    assert with_block(text, []).count(BEGIN) == 0
    coder = EventCoder(lexicon=lexicon_with(got), roles=None, rowcheck=None, typesense=None)
    a = base_analysis(Document(title="", paragraphs=["وبخ وزير الخارجية السفير الإيراني أمس."], language="ar"))
    assert "ACCUSE" in {e.type for e in coder.code(a)}
    assert "ACCUSE" not in {e.type for e in EventCoder(roles=None, rowcheck=None, typesense=None).code(a)}
