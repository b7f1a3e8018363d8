"""Language identification: the languages an Arabic news feed meets, and short inputs."""

from __future__ import annotations

import pytest

from marsad.text.lang import LANGUAGES, UNDETERMINED, detect_language


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("أعلنت وزارة الصحة انطلاق حملة وطنية للتطعيم تستهدف مليون طفل في عشر محافظات.", "ar"),
        ("این یک متن فارسی است که برای آزمایش تشخیص زبان نوشته شده است.", "fa"),
        ("یہ ایک اردو جملہ ہے جو زبان کی شناخت کی جانچ کے لیے لکھا گیا ہے۔", "ur"),
        ("Le président a annoncé de nouvelles mesures économiques hier soir à Paris.", "fr"),
        ("The president announced new economic measures in a speech yesterday evening.", "en"),
        ("Der Präsident kündigte gestern Abend neue wirtschaftliche Maßnahmen an.", "de"),
        ("El presidente anunció ayer nuevas medidas económicas en un discurso.", "es"),
        ("Cumhurbaşkanı dün akşam yaptığı konuşmada yeni ekonomik önlemler açıkladı.", "tr"),
        ("הממשלה הודיעה אתמול על צעדים כלכליים חדשים בעקבות המשבר.", "he"),
    ],
)
def test_languages(text: str, lang: str) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("سلام", "ar"),  # one Arabic word
        ("داعش", "ar"),
        ("ایران", "fa"),  # Persian ye in a short word
        ("OK", "en"),  # too short for statistics: Latin defaults to English
        ("", UNDETERMINED),
        ("123 456 - 2026", UNDETERMINED),
        ("שלום", "he"),
    ],
)
def test_short_texts(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_arabic_with_foreign_names_and_a_stray_persian_letter() -> None:
    text = ("قال رئيس الوزراء البريطاني Keir Starmer في مؤتمر صحفي في لندن إن حكومته ستدعم "
            "خطة الأمم المتحدة، مضيفا أن وزير الخارجية سيزور طهران وبیروت الأسبوع المقبل "
            "لبحث الملفات العالقة مع المسؤولين هناك.")
    assert detect_language(text) == "ar"


def test_arabic_article_with_long_english_passage() -> None:
    text = ("للمرة الأولى يلعب فريقان عربيان مباراة رسمية في العاصمة البريطانية، وسط حضور جماهيري "
            "كبير من الجاليات العربية المقيمة هناك، وقال مدرب الفريق الأول إن المباراة فرصة مهمة. "
            + "The match was played in front of a large crowd at the stadium in west London. " * 4)
    assert detect_language(text) == "ar"


def test_mixed_document_follows_its_main_language() -> None:
    text = "Reuters reported on Monday that talks would resume. " * 5 + "قال مسؤول."
    assert detect_language(text) == "en"


def test_answers_are_from_the_restricted_set() -> None:
    for text in ("Ciao a tutti, come state oggi?", "Привет, как дела?", "你好世界"):
        assert detect_language(text) in LANGUAGES + (UNDETERMINED,)
