"""Keywords: per article (stage) and per result set, on the reference article and on
short texts written for the test."""

from __future__ import annotations

import itertools

from marsad.analyze.keywords import (
    article_keywords,
    is_stopword,
    keyword_scores_for,
    keywords_for,
    load_df,
)
from marsad.analyze.pipeline import Pipeline
from marsad.model import Document
from marsad.text import normalize_for_match, stem

TEASERS = ("انفجار في مبنى لفريق إعلامي", "باترك كوكبورن", "قوات سورية الديمقراطية تشن")


def _reference(path, *, real_only: bool) -> Document:
    lines = [x.strip() for x in path.read_text(encoding="utf-8").split("\n")]
    paras = [x for x in lines[1:] if x]
    if real_only:  # the six real paragraphs: no "read also" markers or teasers
        paras = [p for i, p in enumerate(paras) if i not in (3, 4, 8, 9, 10)]
        assert len(paras) == 6
    return Document(title=lines[0], paragraphs=paras)


def test_reference_article_keywords(reference_article):
    doc = _reference(reference_article, real_only=True)
    kws = article_keywords(doc.title, doc.paragraphs, k=10)
    texts = [k.text for k in kws]
    assert 5 <= len(texts) <= 10
    assert "داعش" in texts[:3]  # the story is about ISIS documents
    assert any(stem(t) == stem("سورية") for t in texts)  # سورية / سوريا pooled
    assert any(stem(t.split()[-1]) == stem("الرسالة") or stem(t) == stem("رسائل") for t in texts)
    for t in texts:
        assert not any(is_stopword(normalize_for_match(w)) for w in t.split()), t
    assert len({k.stem for k in kws}) == len(kws)


def test_surface_form_is_the_most_frequent_in_the_article(reference_article):
    doc = _reference(reference_article, real_only=True)
    kws = {k.stem: k for k in article_keywords(doc.title, doc.paragraphs, k=20)}
    syria = kws[stem("سورية")]
    assert syria.text == "سورية"  # written سورية 7 times, سوريا once (in the headline)
    assert syria.count >= 7


def test_teasers_of_other_stories_do_not_make_keywords(reference_article):
    full = _reference(reference_article, real_only=False)
    real = _reference(reference_article, real_only=True)
    a = [k.text for k in article_keywords(full.title, full.paragraphs, k=15)]
    b = [k.text for k in article_keywords(real.title, real.paragraphs, k=15)]
    assert a == b
    assert not any("كوكبورن" in t or "باترك" in t for t in a)


def test_inflected_forms_count_together():
    text = ("أعلن الجيش مقتل عشرة من المقاتلين في اشتباك قرب الحدود. وقال إن المقاتلين "
            "حاولوا التسلل، وإن مقاتلي التنظيم انسحبوا. وأضاف أن المقاتل الجريح نقل إلى المستشفى.")
    kws = article_keywords("اشتباك مع مقاتلين قرب الحدود", [text], k=5)
    fighters = [k for k in kws if k.stem == stem("المقاتلين")]
    assert len(fighters) == 1 and fighters[0].count == 5
    assert kws[0].stem == stem("المقاتلين")
    assert fighters[0].text == "المقاتلين"


def test_stopwords_reporting_verbs_and_dates_are_not_keywords():
    text = ("قال الوزير يوم الخميس إن الحكومة أكدت أن الميزانية الجديدة تشمل دعم الزراعة، "
            "وأضاف في بيان أمس أن الزراعة والمزارعين أولوية في العام المقبل.")
    texts = [k.text for k in article_keywords("الحكومة تدعم الزراعة", [text], k=10)]
    for w in ("قال", "الخميس", "أمس", "أكدت", "وأضاف", "في", "إن", "المقبل", "العام"):
        assert w not in texts
    assert any(stem(t) == stem("الزراعة") for t in texts)


def test_keywords_for_a_result_set_uses_the_shipped_table():
    assert load_df().n_docs > 10_000
    texts = [
        "ارتفعت أسعار النفط اليوم بعد قرار منظمة أوبك خفض الإنتاج، وقال محللون إن البرميل قد يتجاوز مئة دولار.",
        "قررت أوبك وحلفاؤها خفض إنتاج النفط مليوني برميل يوميا، ما دفع الأسعار إلى الارتفاع.",
        "أسعار النفط تواصل الصعود مع تراجع المخزونات الأميركية وتمسك أوبك بخفض الإنتاج.",
        "توقع وزير الطاقة أن تستقر أسعار النفط، مشيرا إلى أن قرار أوبك يهدف إلى توازن السوق.",
    ]
    kws = keywords_for(texts, k=5)
    assert 3 <= len(kws) <= 5
    stems = {stem(w) for k in kws for w in k.split()}
    assert stem("أوبك") in stems and stem("النفط") in stems
    # words side by side in most of the texts come out as one phrase
    assert "أسعار النفط" in kws and any(k.split()[0] == "خفض" for k in kws)
    scored = keyword_scores_for(texts, k=5)
    assert [k.text for k in scored] == kws
    assert all(a.score >= b.score for a, b in itertools.pairwise(scored))
    assert scored[0].count >= 3  # found in most of the texts
    assert keywords_for([]) == [] and keywords_for(["   "]) == []


def test_keywords_stage_fills_analysis(reference_article):
    a = Pipeline(["keywords"])(_reference(reference_article, real_only=False))
    assert a.keywords and "داعش" in a.keywords
