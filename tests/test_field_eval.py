"""The field scorer (GUIDELINE.md's matching rules) on small made-up gold: matching by
sentence and type, incidents, rows per incident, each field, and the CLI on real files."""

from __future__ import annotations

import json
import subprocess
import sys

from marsad.lab.events.field_eval import (
    FieldReport,
    GoldEvent,
    date_right,
    match_article,
    read_field_gold,
    span_right,
)
from marsad.model import Analysis, Document, Event, Sentence, Span

TITLE = "مقتل خمسة في غارة على غزة"
BODY = "قتل خمسة فلسطينيين أمس في غارة إسرائيلية على غزة. ودعت مصر إلى وقف التصعيد."


def _analysis() -> Analysis:
    doc = Document(title=TITLE, paragraphs=[BODY], published="2018-05-16")
    text = doc.text
    s1 = text.index("قتل")
    s2 = text.index("ودعت")
    sents = [Sentence(0, len(TITLE), -1), Sentence(s1, s2 - 1, 0), Sentence(s2, len(text), 0)]
    return Analysis(document=doc, sentences=sents)


def _span(a: Analysis, word: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = a.text.index(word, start + 1)
    return Span(start, start + len(word), word)


def _gold(incident: str, etype: str, trigger: str, sentence: str, **kw) -> GoldEvent:
    return GoldEvent(article="a1", incident=incident, type=etype, trigger=trigger, sentence=sentence,
                     status=kw.get("status", "occurred"), source=tuple(kw.get("source", ())),
                     target=tuple(kw.get("target", ())), place=tuple(kw.get("place", ())),
                     country=kw.get("country"), date=kw.get("date"), fatalities=None)


GOLD = [
    _gold("i1", "ASSAULT", "مقتل", TITLE, target=["خمسة"], place=["غزة"], country="PS"),
    _gold("i1", "ASSAULT", "قتل", "قتل خمسة فلسطينيين أمس في غارة إسرائيلية على غزة.",
          target=["خمسة فلسطينيين"], place=["غزة"], country="PS", date="2018-05-15"),
    _gold("i2", "REQUEST", "دعت", "ودعت مصر إلى وقف التصعيد.", source=["مصر"], country=None),
]


def test_rows_match_by_sentence_and_type_and_fields_are_scored():
    a = _analysis()
    a.events = [
        # the headline telling: right sentence, right type, fields right but the date (gold: none)
        Event("ASSAULT", "occurred", _span(a, "مقتل"), 0, 0.9, target=_span(a, "خمسة"),
              location=_span(a, "غزة"), country="PS"),
        # the body telling of the same incident: a second row for i1
        Event("ASSAULT", "occurred", _span(a, "قتل", 1), 1, 0.9, target=_span(a, "خمسة", 1),
              location=_span(a, "غزة", 1), country="PS", date="2018-05-15"),
        # right sentence, wrong type: a false row
        Event("ASSAULT", "occurred", _span(a, "وقف"), 2, 0.5),
    ]
    rep = FieldReport()
    match_article("a1", a, GOLD, rep)
    s = rep.summary()
    assert (s["rows"], s["matched_rows"], s["incidents"], s["matched_incidents"]) == (3, 2, 2, 1)
    assert s["precision"] == round(2 / 3, 3) and s["recall"] == 0.5
    assert s["rows_per_incident"] == 2.0
    assert s["target"] == 1.0 and s["place"] == 1.0 and s["country"] == 1.0 and s["date"] == 1.0
    assert s["all_right_of_rows"] == round(2 / 3, 3)
    per_type = rep.summary("REQUEST")
    assert per_type["incidents"] == 1 and per_type["recall"] == 0.0


def test_a_row_is_credited_to_the_gold_event_it_gets_most_right():
    a = _analysis()
    a.events = [Event("REQUEST", "occurred", _span(a, "ودعت"), 2, 0.9, source=_span(a, "مصر"))]
    two = GOLD[:2] + [
        _gold("i2", "REQUEST", "دعت", "ودعت مصر إلى وقف التصعيد.", source=["إسرائيل"]),
        _gold("i3", "REQUEST", "دعت", "ودعت مصر إلى وقف التصعيد.", source=["مصر"]),
    ]
    rep = FieldReport()
    match_article("a1", a, two, rep)
    assert rep.rows[0].gold is not None and rep.rows[0].gold.incident == "i3"
    assert rep.rows[0].checks["source"]


def test_span_and_date_rules():
    assert span_right([], [])
    assert span_right(["وزارة الداخلية السعودية"], ["وزارة الداخلية"])  # contains
    assert span_right(["الداخلية"], ["وزارة الداخليّة"])  # contained, diacritics ignored
    assert not span_right(["ال"], ["الجيش"])  # fewer than 3 letters
    assert not span_right(["الجيش"], [])
    assert date_right("2018-05-15", "2018-05")  # at the gold's precision
    assert date_right("2018-05-01/2018-05-31", "2018-05")
    assert not date_right("2018-05-15", None) and date_right(None, None)


def test_cli_prints_the_table_on_real_files(tmp_path):
    arts = tmp_path / "articles.jsonl"
    gold = tmp_path / "gold.jsonl"
    arts.write_text(json.dumps({"id": "a1", "title": TITLE, "text": BODY, "published": "2018-05-16"},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    gold.write_text(json.dumps({"id": "a1", "events": [
        {"incident": g.incident, "type": g.type, "trigger": g.trigger, "sentence": g.sentence,
         "status": g.status, "source": list(g.source), "target": list(g.target), "place": list(g.place),
         "place_country": g.country, "date": g.date} for g in GOLD]}, ensure_ascii=False) + "\n",
        encoding="utf-8")
    assert len(read_field_gold(gold)["a1"]) == 3
    out = subprocess.run([sys.executable, "-m", "marsad", "eval", "events", "--field", str(arts), str(gold),
                          "--by-type", "--errors", "5"], check=False, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    assert "precision" in out.stdout and "ALL" in out.stdout and "ASSAULT" in out.stdout
    assert "--- missed incidents" in out.stdout


def test_malformed_gold_names_the_line(tmp_path):
    import pytest

    from marsad.errors import InputError

    bad = tmp_path / "gold.jsonl"
    bad.write_text('{"id": "a1", "events": [{"trigger": "x"}]}\n', encoding="utf-8")
    with pytest.raises(InputError, match="gold.jsonl:1"):
        read_field_gold(bad)
