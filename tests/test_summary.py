"""Extractive summary: lead-aware, never the headline alone, never a teaser line."""

from __future__ import annotations

from marsad.analyze.base import base_analysis
from marsad.analyze.pipeline import Pipeline
from marsad.analyze.summary import summary_sentences
from marsad.model import Document
from marsad.text.furniture import furniture_paragraphs


def _reference(path, *, real_only: bool) -> Document:
    lines = [x.strip() for x in path.read_text(encoding="utf-8").split("\n")]
    paras = [x for x in lines[1:] if x]
    if real_only:
        paras = [p for i, p in enumerate(paras) if i not in (3, 4, 8, 9, 10)]
    return Document(title=lines[0], paragraphs=paras)


def test_reference_summary_comes_from_real_paragraphs(reference_article):
    doc = _reference(reference_article, real_only=True)
    assert len(doc.paragraphs) == 6
    a = Pipeline(["summary"])(doc)
    assert 1 <= len(a.summary) <= 3
    assert a.summary == sorted(set(a.summary))
    for i in a.summary:
        s = a.sentences[i]
        assert s.paragraph >= 0  # never the headline
        assert a.text[s.start : s.end] in doc.paragraphs[s.paragraph]
    # news lead: the first body sentence says what the story is
    first_body = next(i for i, s in enumerate(a.sentences) if s.paragraph == 0)
    assert first_body in a.summary
    assert "كشفت وثائق" in a.sentence_text(a.summary[0])


def test_teasers_and_markers_are_never_summary(reference_article):
    doc = _reference(reference_article, real_only=False)
    assert sorted(furniture_paragraphs(doc.paragraphs)) == [3, 4, 8, 9, 10]
    a = base_analysis(doc)
    summ = summary_sentences(a)
    assert 1 <= len(summ) <= 3
    for i in summ:
        assert a.sentences[i].paragraph not in (-1, 3, 4, 8, 9, 10)
    real = base_analysis(_reference(reference_article, real_only=True))
    assert [a.sentence_text(i) for i in summ] == [real.sentence_text(i) for i in summary_sentences(real)]


def test_headline_alone_is_never_a_summary():
    a = base_analysis(Document(title="الحكومة تعلن خطة جديدة للنقل العام", paragraphs=[]))
    assert summary_sentences(a) == []
    b = base_analysis(Document(title="عنوان", paragraphs=["اقرأ أيضا:", "عنوان خبر آخر لا علاقة له"]))
    assert summary_sentences(b) == []


def test_short_article_gets_one_sentence_long_one_at_most_three():
    short = base_analysis(Document(
        title="افتتاح جسر جديد في المدينة",
        paragraphs=["افتتح رئيس البلدية صباح اليوم جسرا جديدا يربط شمال المدينة بجنوبها."],
    ))
    assert summary_sentences(short) == [1]
    body = [
        f"جملة رقم {i} عن مشروع الجسر الجديد وكلفته وأثره على حركة المرور في المدينة والأحياء."
        for i in range(12)
    ]
    long = base_analysis(Document(title="مشروع الجسر", paragraphs=body))
    s = summary_sentences(long)
    assert 1 <= len(s) <= 3 and all(long.sentences[i].paragraph >= 0 for i in s)


def test_near_repeats_are_not_both_chosen():
    p = "أعلنت وزارة الصحة تسجيل إصابات جديدة بالحمى في ثلاث محافظات جنوبية وإرسال فرق طبية."
    doc = Document(title="إصابات بالحمى", paragraphs=[
        p, p.replace("أعلنت", "وأعلنت"),
        "ودعت الوزارة المواطنين إلى غلي مياه الشرب وتجنب المياه الراكدة في المنازل والمزارع.",
        "وقال مسؤول إن المستشفيات استقبلت عشرات المرضى خلال الأسبوع الماضي في المحافظات الثلاث.",
    ])
    a = base_analysis(doc)
    s = summary_sentences(a)
    texts = [a.sentence_text(i) for i in s]
    assert not (p in texts and p.replace("أعلنت", "وأعلنت") in texts)
