"""Date normalization: Gregorian (three naming families), Levantine, Hijri, weekdays and
relative expressions resolved against the publication date."""

from __future__ import annotations

import random
from datetime import date

import pytest

from marsad.text.dates import find_dates, gregorian_to_hijri, hijri_to_gregorian, normalize_date

PUB = "2008-12-06"  # a Saturday


@pytest.mark.parametrize("text, value", [
    # Gregorian: Egyptian/Gulf, Maghreb and Levantine month names, ordinal day words
    ("10 أبريل 2007", "2007-04-10"),
    ("10 أبريل (نيسان) 2007", "2007-04-10"),
    ("في 3 جانفي 2011", "2011-01-03"),
    ("يوم 14 جويلية 2010", "2010-07-14"),
    ("في 27 كانون الثاني 2006", "2006-01-27"),
    ("في الخامس من تشرين الأول 2005", "2005-10-05"),
    ("في التاسع عشر من يوليو (تموز) الماضي", "2008-07-19"),
    ("الحادي والعشرين من آذار 2003", "2003-03-21"),
    ("27 يوليو", "2008-07-27"),  # year of publication
    ("في 20 ديسمبر", "2007-12-20"),  # would be after publication: the year before
    ("في يناير / كانون الثاني", "2008-01-01/2008-01-31"),
    ("شهر مارس", "2008-03-01/2008-03-31"),
    ("كانون الأول 2006", "2006-12-01/2006-12-31"),
    ("في شهر أغسطس (آب) الماضي", "2008-08-01/2008-08-31"),
    ("عام 2005", "2005-01-01/2005-12-31"),
    ("12/3/2008", "2008-03-12"),
    ("2008/03/12", "2008-03-12"),
    # Hijri (tabular calendar)
    ("15 رمضان 1429 هـ", "2008-09-16"),
    ("1 محرم 1441 هـ", "2019-09-01"),
    ("في العاشر من ذي الحجة 1440", "2019-08-12"),
    ("ربيع الأول 1430", "2009-02-26/2009-03-27"),  # Mawlid 12 Rabi I = 9 March 2009
    # relative expressions
    ("أمس", "2008-12-05"),
    ("وأمس", "2008-12-05"),
    ("أول من أمس", "2008-12-04"),
    ("اليوم", "2008-12-06"),
    ("غدا", "2008-12-07"),
    ("الليلة الماضية", "2008-12-05"),
    ("الليلة قبل الماضية", "2008-12-04"),
    ("الأسبوع الماضي", "2008-11-29/2008-12-05"),
    ("الأسبوع المقبل", "2008-12-07/2008-12-13"),
    ("الشهر الماضي", "2008-11-01/2008-11-30"),
    ("الشهر المقبل", "2009-01-01/2009-01-31"),
    ("العام الماضي", "2007-01-01/2007-12-31"),
    ("قبل ثلاثة أيام", "2008-12-03"),
    ("قبل يومين", "2008-12-04"),
    ("قبل أسبوعين", "2008-11-22"),
    # weekdays: the most recent one (today counts), or the next with المقبل
    ("يوم الخميس", "2008-12-04"),
    ("الخميس الماضي", "2008-12-04"),
    ("السبت الماضي", "2008-11-29"),
    ("يوم الاثنين المقبل", "2008-12-08"),
    ("يوم الأحد", "2008-11-30"),
])
def test_normalize(text, value):
    assert normalize_date(text, PUB) == value


@pytest.mark.parametrize("text", [
    "رجب طيب أردوغان",  # a name, not a Hijri month
    "مارس الضغط على الحكومة",  # a verb, not March
    "أحد المسؤولين",  # 'one of', not Sunday
    "صفر من الأهداف",
    "قال إن آب لم يعلق",
])
def test_words_that_are_not_dates(text):
    assert normalize_date(text, PUB) is None


def test_relative_needs_a_publication_date():
    assert normalize_date("أمس") is None
    assert normalize_date("10 أبريل 2007") == "2007-04-10"


def test_offsets_index_the_text():
    text = "وقتل ثلاثة أشخاص أمس في انفجار، بعد هجوم مماثل في 10 أبريل (نيسان) 2007."
    found = find_dates(text, PUB)
    assert [d.value for d in found] == ["2008-12-05", "2007-04-10"]
    for d in found:
        assert text[d.start:d.end] == d.text


def test_hijri_calendar_round_trip_and_anchors():
    assert hijri_to_gregorian(1, 1, 1) == date(622, 7, 19)  # 16 July 622 Julian
    assert hijri_to_gregorian(1440, 9, 1) == date(2019, 5, 6)  # 1 Ramadan 1440
    assert gregorian_to_hijri(date(2019, 5, 6)) == (1440, 9, 1)
    rng = random.Random(7)
    for _ in range(500):
        d = date.fromordinal(rng.randint(date(700, 1, 1).toordinal(), date(2100, 1, 1).toordinal()))
        assert hijri_to_gregorian(*gregorian_to_hijri(d)) == d
    with pytest.raises(ValueError):
        hijri_to_gregorian(1440, 13, 1)


@pytest.mark.parametrize("text, published, value", [
    # Hijri years are converted, marked or not (a Hijri year is never a Gregorian one)
    ("عام 1436 هـ", None, "2014-10-25/2015-10-14"),
    ("في عام 1436 الهجري", None, "2014-10-25/2015-10-14"),
    ("عام 1436", "2015-08-06", "2014-10-25/2015-10-14"),  # within a decade of 1436 AH
    ("عام 1436", None, "2014-10-25/2015-10-14"),  # undated: the Hijri years of living memory
    ("1436/10/5هـ", None, "2015-07-22"),  # numeric Hijri dates of the Saudi press
    ("5 شوال 1436 هـ", None, "2015-07-22"),
    # day-before-yesterday, a named today, a bare year closing its phrase
    ("أمس الأول", PUB, "2008-12-04"),
    ("اليوم الأربعاء", PUB, "2008-12-03"),
    ("اليوم الجمعة", PUB, "2008-12-05"),
    ("واعتقلت في 2016، وظل في السجن", None, "2016-01-01/2016-12-31"),
    ("عام 1945", None, "1945-01-01/1945-12-31"),
])
def test_hijri_years_and_more_relative_forms(text, published, value):
    assert normalize_date(text, published) == value


@pytest.mark.parametrize("text", [
    "رمضان 1530 هـ",  # a Hijri year beyond 1500 AH (2077 CE): a number, not a date
    "12/3/2108",  # beyond 2100
    "عام 1492",  # a medieval year: neither a plausible Hijri nor a news year
    "في 2000 موقع",  # a count, not a year
])
def test_implausible_years_are_not_dates(text):
    assert normalize_date(text, PUB) is None
