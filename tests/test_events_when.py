"""When an event happened: which date of its sentence is the event's own (not a historical
comparison, not a period it is for, not after publication), the weekday's direction for a
planned event, the precision flag, and the publication date read from a news URL."""

from __future__ import annotations

import pytest

from marsad.analyze.base import base_analysis
from marsad.analyze.events import code_events
from marsad.analyze.events import when as _w
from marsad.analyze.events.coder import default_coder
from marsad.analyze.events.context import DocContext
from marsad.analyze.events.when import LazyDates, precision_of
from marsad.ingest.document import build_document
from marsad.ingest.url_date import date_from_url
from marsad.model import Document

PUB = "2015-08-06"  # a Thursday


def when(sentence: str, trigger: str, status: str | None = "occurred", *,
         published: str | None = PUB, wired: bool = True) -> tuple[str | None, str | None]:
    """date_of for ``trigger`` in a one-sentence article, through the coder's own objects."""
    analysis = base_analysis(Document(title="", paragraphs=[sentence], published=published))
    ctx = DocContext(analysis)
    (s,) = analysis.sentences
    toks = [t for t in analysis.tokens if s.start <= t.start < s.end]
    v = default_coder().sentence_view(ctx, analysis, 0, toks)
    lazy = LazyDates(analysis.text, s.start, s.end, ctx.published, v)
    pos = analysis.text.index(trigger)
    if wired:
        return _w.date_of(lazy, pos, s.start, s.end, status, ctx)
    return _w.date_of(lazy, pos, s.start, s.end)


@pytest.mark.parametrize("sentence, trigger, status, value, precision", [
    # the nearest date of the sentence, with its precision
    ("قتل مسلحون ثلاثة جنود في بغداد أمس.", "قتل", "occurred", "2015-08-05", "day"),
    ("اعتقلت الشرطة ناشطين الأسبوع الماضي.", "اعتقلت", "occurred", "2015-07-30/2015-08-05", "week"),
    ("وأحيلت القضية الشهر الماضي إلى وزارة العدل للتحقيق.", "للتحقيق", "occurred",
     "2015-07-01/2015-07-31", "month"),
    ("اعتقلت السلطات الصحفي في عام 2015.", "اعتقلت", "occurred", "2015-01-01/2015-12-31", "year"),
    # Hijri: converted, never read as a Gregorian year
    ("اعتقلت السلطات الصحفي في عام 1436 هـ.", "اعتقلت", "occurred", "2014-10-25/2015-10-14", "year"),
    ("اعتقلت السلطات الصحفي في 5 شوال 1436 هـ.", "اعتقلت", "occurred", "2015-07-22", "day"),
    ("اعتقلت السلطات الصحفي في 1436/10/5هـ.", "اعتقلت", "occurred", "2015-07-22", "day"),
    # historical comparison or background: not the event's date
    ("قصفت الطائرات المدينة فدمرتها كما دمرت برلين في عام 1945.", "قصفت", "occurred", None, None),
    ("ونجحت كرواتيا في تحقيق أول انتصار لها منذ عام 1998.", "تحقيق", "occurred", None, None),
    ("انتقد الجمهوريون كلينتون بسبب الاعتداء على القنصلية في بنغازي في عام 2012.", "انتقد",
     "occurred", None, None),
    # a period the event is for, not when it happened
    ("أعلنت الأكاديمية إرجاء جائزة نوبل للآداب للعام 2015 بعد فضيحة.", "إرجاء", "occurred", None, None),
    # an event that happened is never dated after publication
    ("وقع الطرفان الاتفاق يوم الاثنين المقبل.", "وقع", "occurred", None, None),
    ("وقع الطرفان الاتفاق يوم الاثنين المقبل.", "وقع", "planned", "2015-08-10", "day"),
    # a bare weekday: the last one for a past event, the next one for a planned event
    ("صوت مجلس الأمن الجمعة على القرار.", "صوت", "occurred", "2015-07-31", "day"),
    ("يصوت مجلس الأمن الجمعة على القرار.", "يصوت", "planned", "2015-08-07", "day"),
    ("تعرض الوزير لانتقادات اليوم الأربعاء.", "لانتقادات", "occurred", "2015-08-05", "day"),
    ("كشف بيان وزارة الداخلية أمس الأول عن محاولات التنظيم.", "كشف", "occurred", "2015-08-04", "day"),
    # no date in the sentence: none, not a guess from the publication date
    ("اعتقلت الشرطة ثلاثة أشخاص في الرياض.", "اعتقلت", "occurred", None, None),
])
def test_event_date(sentence, trigger, status, value, precision):
    assert when(sentence, trigger, status) == (value, precision)


@pytest.mark.parametrize("sentence, trigger, value", [
    # without a publication date relative dates stay unresolved ...
    ("قتل مسلحون ثلاثة جنود في بغداد أمس.", "قتل", None),
    ("صوت مجلس الأمن الجمعة على القرار.", "صوت", None),
    # ... absolute ones are read, and the article's latest full date tells background apart
    ("اعتقلت الشرطة المتهم يوم 4 مارس 2018 بعد هجوم مماثل في عام 1945.", "اعتقلت", "2018-03-04"),
    ("اعتقلت الشرطة المتهم بعد هجوم مماثل في عام 1945 وذلك يوم 4 مارس 2018.", "هجوم", "2018-03-04"),
])
def test_event_date_without_publication(sentence, trigger, value):
    assert when(sentence, trigger, published=None)[0] == value


def test_current_call_still_works():
    """date_of(lazy, pos, start, end) as coder.py calls it today: historical years and periods
    are still dropped against the publication date LazyDates was given."""
    assert when("قتل مسلحون ثلاثة جنود في بغداد أمس.", "قتل", wired=False) == ("2015-08-05", "day")
    assert when("قصفت الطائرات المدينة كما دمرت برلين في عام 1945.", "قصفت", wired=False) == (None, None)
    assert when("أعلنت الأكاديمية إرجاء جائزة نوبل للآداب للعام 2015.", "إرجاء",
                wired=False) == (None, None)


def test_coded_event_gets_no_historical_date():
    evs = code_events(base_analysis(Document(
        title="", paragraphs=["قتل مسلحون ثلاثة جنود في هجوم على نقطة تفتيش كما حدث في عام 1982."],
        published=PUB)))
    (a,) = [e for e in evs if e.type == "ASSAULT"]
    assert a.date is None and a.date_precision is None


@pytest.mark.parametrize("value, precision", [
    ("2015-08-05", "day"),
    ("2015-07-30/2015-08-05", "week"),
    ("2015-02-01/2015-02-28", "month"),
    ("2015-01-01/2015-12-31", "year"),
    ("2014-10-25/2015-10-14", "year"),  # a Hijri year
    (None, None),
])
def test_precision(value, precision):
    assert precision_of(value) == precision


@pytest.mark.parametrize("url, value", [
    ("http://www.alarabiya.net/ar/politics/2014/02/11/-بابا-تويتر-.html", "2014-02-11"),
    ("http://www.aleqt.com/2015/08/07/article_979693.html", "2015-08-07"),
    ("https://arabic.cnn.com/middle-east/2018/05/12/iraq-elections-closing-centers", "2018-05-12"),
    ("http://www.france24.com/ar/20180319-الصحف-العالمية-بوتين", "2018-03-19"),
    ("http://www.al-jazirah.com/2015/20150723/wa3.htm", "2015-07-23"),
    ("http://www.okaz.com.sa/new/Issues/20150720/Con20150720784637.htm", "2015-07-20"),
    ("https://example.com/news/2018-03-24/story", "2018-03-24"),
    # ids, not dates
    ("https://www.skynewsarabia.com/world/1165214-%D9%81%D8%AA%D9%8A%D8%A9", None),
    ("http://www.bbc.co.uk/arabic/world-43210706", None),
    ("http://www.spa.gov.sa/details.php?id=20150720", None),  # the query is not the path
    ("http://www.alriyadh.com/1070347", None),
    ("https://example.com/2018/13/45/story", None),  # not a day
    (None, None),
])
def test_date_from_url(url, value):
    assert date_from_url(url) == value


def test_url_date_becomes_published_only_when_none_is_given():
    url = "http://www.aleqt.com/2015/07/20/article_974786.html"
    doc = build_document("عنوان", ["نص الخبر."], origin="t", url=url)
    assert doc.published == "2015-07-20" and doc.meta["published_from"] == "url"
    given = build_document("عنوان", ["نص الخبر."], origin="t", url=url, published="2015-07-21")
    assert given.published == "2015-07-21" and "published_from" not in given.meta
    none = build_document("عنوان", ["نص الخبر."], origin="t", url="http://www.alriyadh.com/1070347")
    assert none.published is None and "published_from" not in none.meta


def test_url_date_resolves_relative_dates_of_events():
    doc = build_document("", ["قتل مسلحون ثلاثة جنود في هجوم على نقطة تفتيش في بغداد أمس."],
                         origin="t", url="https://www.alarabiya.net/ar/arab-and-world/2018/05/17/x.html")
    (a,) = [e for e in code_events(base_analysis(doc)) if e.type == "ASSAULT"]
    assert a.date == "2018-05-16"
