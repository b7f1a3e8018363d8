"""Casualty counts read from Arabic sentences: one table row per construction, the refusals
that keep numbers of other things out, the trigger's choice among several counts, and the
field gold's fatalities."""

from __future__ import annotations

import json

import pytest

from marsad.analyze.events.casualties import Casualties, casualties
from marsad.data import corpus_or_skip

CASES = [
    # digits, Arabic-Indic and Persian
    ("مقتل 5 أشخاص في هجوم على سوق", 5, None),
    ("مقتل ١٢ شخصا في انفجار", 12, None),
    ("مقتل ۱۲ شخصا في انفجار", 12, None),
    ("مقتل 1,200 شخص منذ بدء المعارك", 1200, None),
    # verbs and nouns of death and injury
    ("قتل خمسة أشخاص وأصيب ٩ آخرون", 5, 9),
    ("سقوط 3 قتلى في اشتباكات", 3, None),
    ("لقي 4 أشخاص حتفهم في الانفجار", 4, None),
    ("ولقي سبعة أشخاص على الأقل مصرعهم وأصيب ستة آخرون", 7, 6),
    ("هجوم أودى بحياة 7 مدنيين", 7, None),
    ("ارتفاع حصيلة القتلى إلى 12", 12, None),
    ("مصرع خمسة وعشرين شخصا في حادث", 25, None),
    ("استشهاد ثلاثة وإصابة سبعة من عناصر حرس الحدود", 3, 7),
    ("وقتل 5 قتلى", 5, None),
    ("5 قتلى و10 جرحى في قصف", 5, 10),
    ("أصيب 9 بجروح", None, 9),
    ("أمر بإعدام 320 مسلحا من أتباعه", 320, None),
    ("راح ضحيته رجل أمن", 1, None),
    ("أسفر عن مقتل رقيب وإصابة 6 من أفراد الدورية", 1, 6),
    # singular, dual, pronoun
    ("قتل شخص في إطلاق نار", 1, None),
    ("قتل شخصان في إطلاق نار", 2, None),
    ("قتل شخصين في إطلاق نار", 2, None),
    ("أعلنت الشرطة مقتله في الاشتباك", 1, None),
    ("لقي مصرعه في الحادث", 1, None),
    ("سقوط قتيلين وجريح", 2, 1),
    ("قتيل وثلاثة جرحى في انفجار", 1, 3),
    ("مقتل أحد الجنود في الهجوم", 1, None),
    ("مقتل جنديين عراقيين ومدني", 3, None),
    ("ان امرأة قتلت وأصيب ثمانية أشخاص بجروح", 1, 8),
    ("ان ثمانية أشخاص على الأقل قتلوا", 8, None),
    # number words
    ("قتل ثلاثة عشر جنديا", 13, None),
    ("قتل إحدى عشرة امرأة", 11, None),
    ("قتل اثنا عشر جنديا", 12, None),
    ("مقتل مئتين وخمسين شخصا", 250, None),
    ("مقتل مائة شخص", 100, None),
    ("مقتل ثلاثة آلاف شخص", 3000, None),
    ("أكثر من ألف قتيل", 1000, None),
    ("مقتل ثلاثة جنود وخمسة مدنيين", 8, None),
    # vague quantities: ACLED lower bounds
    ("مقتل العشرات في القصف", 20, None),
    ("سقوط عشرات القتلى ومئات الجرحى", 20, 100),
    ("قتل 18 شخصا وأصيب عشرات آخرون بجروح", 18, 20),
    ("مقتل آلاف المدنيين", 1000, None),
    ("مقتل عشرات الآلاف", 20000, None),
]


@pytest.mark.parametrize(("text", "killed", "injured"), CASES)
def test_constructions(text: str, killed: int | None, injured: int | None) -> None:
    assert casualties(text) == Casualties(killed, injured)


REFUSALS = [
    "نشرت الحكومة 5 آلاف جندي على الحدود",
    "الرجل البالغ 25 عاما اعتقل أمس",
    "بموجب المادة 5 من الدستور",
    "بلغت الخسائر 5 ملايين دولار",
    "ارتفعت الأسعار 10 بالمئة",
    "قتل في 5 يونيو 2015",
    "لم يقتل أحد في الهجوم",
    "لم يسفر الانفجار عن سقوط قتلى",
    "مقتل وإصابة 10 أشخاص",
    "20 بين قتيل وجريح",
    "إصابة 5 بفيروس كورونا",
    "قتلى بمداهمة أمنية",
    "أسفر الاشتباك عن إصابة عدد من المدنيين",
    "أطلق المسلحون 5 صواريخ على المدينة",
    "قتل المسلح 2.5 كيلومتر",
    "ثمانية أشخاص، بينهم طفلان، قتلوا",
    "",
]


@pytest.mark.parametrize("text", REFUSALS)
def test_no_invented_counts(text: str) -> None:
    assert casualties(text) == Casualties(None, None)


def test_subject_between_verb_and_count() -> None:
    assert casualties("قتل المسلحون خمسة جنود") == Casualties(5, None)
    assert casualties("النائب الذي قتل مع 9 مواطنين") == Casualties(None, None)


def _at(text: str, trigger: str) -> Casualties:
    k = text.index(trigger)
    return casualties(text, trigger_start=k, trigger_end=k + len(trigger))


def test_trigger_picks_the_nearest_count() -> None:
    s = ("أسفرت المداهمة عن انهيار منزل فجره إرهابيون، ومقتل ثلاثة من رجال الأمن، وذلك غداة "
         "تفجير استهدف دورية راح ضحيته رجل أمن يوم الجمعة.")
    assert _at(s, "فجره إرهابيون").killed == 3
    assert _at(s, "تفجير استهدف دورية").killed == 1


def test_trigger_ignores_counts_of_another_sentence_or_speaker() -> None:
    s = "قتل 5 أشخاص في الهجوم. واعتقلت الشرطة مشتبها به."
    assert _at(s, "واعتقلت").killed is None
    assert _at(s, "قتل").killed == 5
    s2 = "أعلنت الداخلية استشهاد ثلاثة من حرس الحدود، قال المتحدث إنه تم تدمير العناصر المعتدية."
    assert _at(s2, "تدمير") == Casualties(None, None)
    assert casualties(s2).killed == 3


def test_field_gold_fatalities() -> None:
    """Every gold event whose own sentence states its fatalities gets them exactly, and no
    killed count is read near the trigger of more than a few gold events without one."""
    path = corpus_or_skip("events-field-dev", "gold.jsonl")
    stated = exact = invented = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        for e in json.loads(line)["events"]:
            k = e["sentence"].find(e["trigger"])
            got = casualties(e["sentence"], trigger_start=k, trigger_end=k + len(e["trigger"]))
            g = e.get("fatalities")
            if g is None:
                invented += got.killed is not None
            elif str(g) in e["sentence"] or casualties(e["sentence"]).killed is not None:
                stated += 1
                exact += got.killed == g
    assert stated >= 5
    assert exact / stated >= 0.85
    assert invented <= 2
