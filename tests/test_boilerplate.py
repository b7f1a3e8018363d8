"""The Arabic boilerplate pass: one table row per rule, plus the reference article."""

from __future__ import annotations

import re

import pytest

from marsad.data import shared_path
from marsad.ingest.document import split_paragraphs
from marsad.text import clean_text
from marsad.text.furniture import (
    agency_name,
    ends_sentence,
    is_headline_like,
    is_marker,
    is_utility_line,
    parse_byline,
    remove_marker_blocks,
    remove_trailing_teasers,
    split_dateline,
    split_trailing_agency,
    strip_boilerplate,
)

P1 = "أعلنت الحكومة اليوم عن خطة جديدة لدعم المزارعين في المناطق المتضررة من الجفاف."
P2 = "وقال الوزير إن الخطة تشمل قروضا ميسرة وتوزيع بذور محسنة على صغار المزارعين."
P3 = "وأضاف أن التنفيذ سيبدأ الشهر المقبل في ثلاث محافظات."
TEASER1 = "ارتفاع أسعار القمح في الأسواق العالمية"
TEASER2 = "الأمم المتحدة تحذر من موجة جفاف جديدة"


@pytest.mark.parametrize(
    "line",
    [
        "اقرأ أيضا:", "اقرأ أيضاً:", "اقرأ أيضًا", "إقرأ أيضا", "إقرا ايضًا:", "اقرا ايضا",
        "إقـرأ أيضـاً:", "اقرأ كذلك:", "اقرأ أيضا: عنوان خبر آخر عن الاقتصاد",
        "اقرأ المزيد", "اقرأ المزيد:", "قد يهمك أيضا:", "قد يهمك", "قد يعجبك أيضاً", "ربما يهمك",
        "شاهد أيضا:", "شاهد أيضاً", "شاهد:", "طالع أيضا", "طالع:", "المزيد", "المزيد:",
        "للمزيد:", "المزيد...", "المزيد من الأخبار", "تابعونا على فيسبوك وتويتر",
        "تابعونا على:", "تابعنا عبر تلغرام", "شارك", "شارك:", "شارك هذا المقال", "شارك الخبر",
        "شارك على فيسبوك", "مواضيع ذات صلة", "أخبار ذات صلة:", "مقالات ذات صلة",
        "موضوعات ذات صلة", "ذات صلة", "الأكثر قراءة", "أخبار متعلقة", "- اقرأ أيضا:",
        "«اقرأ أيضا»",
    ],
)
def test_markers(line: str) -> None:
    assert is_marker(line)


@pytest.mark.parametrize(
    "line",
    [
        "وخطط لارتكاب المزيد من الهجمات الإرهابية في الدول الغربية.",
        "المزيد من القتلى في غارات على المدينة",
        "شارك آلاف المتظاهرين في مسيرة وسط العاصمة احتجاجا على غلاء الأسعار.",
        "شارك في المؤتمر ممثلون عن عشرين دولة",
        "وشارك في الاجتماع وزراء الخارجية العرب.",
        "شاهد العالم نهائي الكأس في ملعب ممتلئ",
        "طالعتنا الصحف الصباحية بعناوين عن الأزمة.",
        "تابع الوزير جولته في المحافظات الجنوبية.",
        "تابعوا في الساحة الحفل الختامي.",
        "يطالب المحتجون بالمزيد من الوظائف.",
        "اقرأ أيضا " + "كلمة " * 40 + ".",  # a long prose line is never a marker
        "",
    ],
)
def test_not_markers(line: str) -> None:
    assert not is_marker(line)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("فيسبوك تويتر واتساب", True),
        ("فيسبوك | تويتر | واتساب | تلغرام", True),
        ("Facebook Twitter WhatsApp", True),
        ("طباعة", True),
        ("جميع الحقوق محفوظة © 2026", True),
        ("للاستفسار اضغط هنا", True),
        ("نشر الوزير تغريدة على تويتر قال فيها إن الاتفاق قريب.", False),
        (P1, False),
    ],
)
def test_utility_lines(line: str, expected: bool) -> None:
    assert is_utility_line(line) is expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (TEASER1, True),
        ('قوات سورية الديمقراطية تشنّ غارات على مواقع تابعة لتنظيم "داعش"', True),
        (P1, False),  # ends with a full stop
        ("وقال: «سنواصل العمل».", False),
        ("وأضاف المتحدث أن الاجتماع سيعقد في موعده،", False),  # a clause, not a headline
        ("كلمة " * 30, False),  # too long
        ("هل تنجح المفاوضات؟", False),
    ],
)
def test_headline_like(line: str, expected: bool) -> None:
    assert is_headline_like(line) is expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [("نص.", True), ('نص".', True), ("نص؟", True), ("نص!", True), ("نص..", False),
     ("نص…", False), ("نص", False), ("نص»", False), ("نص.»", True)],
)
def test_ends_sentence(line: str, expected: bool) -> None:
    assert ends_sentence(line) is expected


def test_marker_block_removes_teasers_up_to_next_paragraph() -> None:
    kept, removed = remove_marker_blocks([P1, "اقرأ أيضا:", TEASER1, TEASER2, P2, P3])
    assert kept == [P1, P2, P3]
    assert removed == ["اقرأ أيضا:", TEASER1, TEASER2]


def test_marker_with_inline_teaser() -> None:
    kept, _ = remove_marker_blocks([P1, "اقرأ أيضا: " + TEASER1, P2])
    assert kept == [P1, P2]


def test_marker_block_at_end() -> None:
    kept, _ = remove_marker_blocks([P1, P2, "قد يهمك أيضا:", TEASER1, TEASER2])
    assert kept == [P1, P2]


def test_share_bar_then_text() -> None:
    kept, _ = remove_marker_blocks(["شارك", "فيسبوك تويتر واتساب", P1, P2])
    assert kept == [P1, P2]


def test_mid_sentence_marker_words_stay() -> None:
    paras = [
        "وخطط لارتكاب المزيد من الهجمات الإرهابية في الدول الغربية.",
        "شارك آلاف المتظاهرين في مسيرة وسط العاصمة.",
        "شاهد أيضا مسؤولون محليون العرض العسكري في الساحة الرئيسية وقالوا إنه كان مهيبا.",
    ]
    assert strip_boilerplate(paras).paragraphs == paras


@pytest.mark.parametrize(
    ("paras", "expected"),
    [
        ([P1, P2, TEASER1, TEASER2], [P1, P2]),
        ([P1, P2, TEASER1], [P1, P2, TEASER1]),  # a single line may be the text's own end
        ([TEASER1, TEASER2], [TEASER1, TEASER2]),  # no prose before: nothing to judge by
        # a poem's last verses, list items and clauses are not teasers
        ([P1, "وتا نطوي ذكر الكرام", "ونهنيك بكل عام"], [P1, "وتا نطوي ذكر الكرام", "ونهنيك بكل عام"]),
        ([P1, "- زيادة الرواتب للمعلمين", "- خفض الضرائب على الوقود"],
         [P1, "- زيادة الرواتب للمعلمين", "- خفض الضرائب على الوقود"]),
        ([P1, "كما تم تعيين ممثلين للشركة لدى هيئة السوق", "ثم عقد اجتماع مع المستثمرين"],
         [P1, "كما تم تعيين ممثلين للشركة لدى هيئة السوق", "ثم عقد اجتماع مع المستثمرين"]),
    ],
)
def test_trailing_teasers(paras: list[str], expected: list[str]) -> None:
    assert remove_trailing_teasers(paras)[0] == expected


@pytest.mark.parametrize(
    ("text", "rest", "place", "agency"),
    [
        ("بيروت - قال مسؤول", "قال مسؤول", "بيروت", None),
        ("القاهرة ـ أعلن الجيش", "أعلن الجيش", "القاهرة", None),
        ("عمّان - تعرضت مواقع", "تعرضت مواقع", "عمّان", None),  # a shadda in the place name
        ("لندن – (رويترز) - قال رئيس الوزراء", "قال رئيس الوزراء", "لندن", "رويترز"),
        ("بيروت (رويترز) - قال مسؤول", "قال مسؤول", "بيروت", "رويترز"),
        ("القاهرة ـ (د ب أ) ـ أعلن الجيش", "أعلن الجيش", "القاهرة", "د ب أ"),
        ("واشنطن، 5 مارس (أ ف ب) - قال البيت الأبيض", "قال البيت الأبيض", "واشنطن", "أ ف ب"),
        ("الرياض - واس - أعلنت الوزارة", "أعلنت الوزارة", "الرياض", "واس"),
        ("(أ.ف.ب) - قال مسؤول", "قال مسؤول", None, "أ ف ب"),
        ("(رويترز) قال مسؤول", "قال مسؤول", None, "رويترز"),
        ("واس- جدة: التقى ولي العهد", "التقى ولي العهد", "جدة", "واس"),
        ("رويترز- بنغازي (ليبيا): قال متحدث", "قال متحدث", "بنغازي", "رويترز"),
        ("مقديشو - (وكالات) - قتل خمسة", "قتل خمسة", "مقديشو", "وكالات"),
        # not datelines: a parenthetical dash, an unknown first word, a tatweel after لـ
        ("شهدت الحدود التركية - السورية أول اشتباك", None, None, None),
        ("أدت اتفاقية سايكس - بيكو إلى تقاسم التركة", None, None, None),
        ("أكد لـ «عكاظ» رئيس اللجنة", None, None, None),
        ("الملك عبدالعزيز - رحمه الله - وحد البلاد", None, None, None),
        ("قال الوزير، في بيان - الذي نشر أمس", None, None, None),
    ],
)
def test_split_dateline(text: str, rest: str | None, place: str | None, agency: str | None) -> None:
    got_rest, got_place, got_agency = split_dateline(text)
    assert (got_rest, got_place, got_agency) == (rest if rest is not None else text, place, agency)


@pytest.mark.parametrize(
    ("text", "rest", "agency"),
    [
        ("وأضاف أن التحقيق مستمر. (د ب أ)", "وأضاف أن التحقيق مستمر.", "د ب أ"),
        ("وأضاف أن التحقيق مستمر (رويترز).", "وأضاف أن التحقيق مستمر", "رويترز"),
        ("وأضاف أن التحقيق مستمر - واس", "وأضاف أن التحقيق مستمر", "واس"),
        ("(أ ف ب)", "", "أ ف ب"),
        ("وكالات", "", "وكالات"),
        ("المصدر: وكالات", "", "وكالات"),
        ("(وام)", "", "وام"),
        ("وقال إن الوكالة رويترز", "وقال إن الوكالة رويترز", None),  # a bare word is not a tag
        ("شارك في المؤتمر ممثلو قنا", "شارك في المؤتمر ممثلو قنا", None),
    ],
)
def test_split_trailing_agency(text: str, rest: str, agency: str | None) -> None:
    assert split_trailing_agency(text) == (rest, agency)


@pytest.mark.parametrize(
    ("tag", "name"),
    [("د ب أ", "د ب أ"), ("د.ب.أ", "د ب أ"), ("أ ف ب", "أ ف ب"), ("ا ف ب", "أ ف ب"),
     ("أ.ف.ب", "أ ف ب"), ("فرانس برس", "أ ف ب"), ("رويترز", "رويترز"), ("(رويترز)", "رويترز"),
     ("Reuters", "رويترز"), ("واس", "واس"), ("وام", "وام"), ("الأناضول", "الأناضول"),
     ("بيروت", None)],
)
def test_agency_names(tag: str, name: str | None) -> None:
    assert agency_name(tag) == name


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("الرياض - واس", ("الرياض", "واس", None)),
        ("مكة المكرمة – حامد القرشي", ("مكة المكرمة", None, "حامد القرشي")),
        ("حامد القرشي- مكة المكرمة", ("مكة المكرمة", None, "حامد القرشي")),
        ("القاهرة - قال الوزير إن الحل قريب جدا", None),  # a sentence, not a byline
        ("التركية - السورية", None),
    ],
)
def test_byline_lines(line: str, expected: tuple | None) -> None:
    assert parse_byline(line) == expected


def test_full_pass_metadata() -> None:
    paras = ["لندن – (رويترز) - " + P1, "اقرأ أيضا:", TEASER1, P2, P3 + " (رويترز)"]
    out = strip_boilerplate(paras)
    assert out.paragraphs == [P1, P2, P3]
    assert out.agency == "رويترز" and out.dateline == "لندن"


def test_byline_line_becomes_metadata() -> None:
    out = strip_boilerplate(["جدة – عين اليوم\n" + P1, P2])
    assert out.paragraphs == [P1, P2]
    assert out.dateline == "جدة" and out.byline == "عين اليوم"


def test_reference_article() -> None:
    path = shared_path("samples", "article-ar-001.txt")
    if not path.exists():
        pytest.skip(f"{path} not found (set MARSAD_DATA)")
    raw = path.read_text(encoding="utf-8")
    lines = raw.split("\n")
    body = "\n".join(lines[1:])
    # the six real paragraphs, as the file has them (only surrounding whitespace and the
    # clean_text step may differ)
    real = [clean_text(p).strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
    boiler = {"إقرا ايضًا:", "قد يهمك أيضا:"}
    teasers = [
        "انفجار في مبنى لفريق إعلامي تابع لقناة تلفزيونية في سورية",
        'باترك كوكبورن يُوضِّح كيف أُطيح بمشروع "داعش" المُتوحّش',
        'قوات سورية الديمقراطية تشنّ غارات على مواقع تابعة لتنظيم "داعش"',
    ]
    expected = [p for p in real if p not in boiler and p not in teasers]
    assert len(expected) == 6
    out = strip_boilerplate(split_paragraphs(body))
    assert out.paragraphs == expected
    assert set(out.removed) == boiler | set(teasers)
    assert "وخطط لارتكاب المزيد من الهجمات" in out.paragraphs[0]
