"""Table-driven tests of the Arabic text core."""

from __future__ import annotations

import pytest

from marsad.text import (
    clean_text,
    document_sentences,
    normalize_for_match,
    split_sentences,
    stem,
    tokenize,
)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("أحمد", "احمد"), ("إسلام", "اسلام"), ("آمال", "امال"), ("ٱلله", "الله"),
        ("مستشفى", "مستشفي"), ("مدرسة", "مدرسه"), ("مسؤول", "مسءول"), ("مسئول", "مسءول"),
        ("كـــتاب", "كتاب"), ("مُحَمَّدٌ", "محمد"), ("٢٠٢٦", "2026"), ("۱۴۰۵", "1405"),
        ("کتاب", "كتاب"), ("ISIS", "isis"), ("ﻻ", "لا"), ("\u200fسوريا\u200e", "سوريا"),
    ],
)
def test_normalize_for_match(raw: str, expected: str) -> None:
    assert normalize_for_match(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("سو\u200bريا", "سوريا"),  # zero-width space
        ("\u202bبيروت\u202c", "بيروت"),  # bidi embedding
        ("\ufeffنص", "نص"),  # BOM
        ("ﺍﻟﺴﻼﻡ", "السلام"),  # presentation forms from a PDF
        ("a\r\nb", "a\nb"),
        ("مرحبا… عالم", "مرحبا… عالم"),  # the ellipsis is not a presentation form
        ("كُتِبَ", "كُتِبَ"),  # diacritics are kept in stored text
    ],
)
def test_clean_text(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    "query, forms",
    [
        ("سوريا", ["وسوريا", "بسوريا", "سورية", "لسوريا", "سوريا"]),
        ("المقاتلين", ["مقاتلي", "مقاتلون", "المقاتلين", "والمقاتلين", "مقاتلين"]),
        ("مسؤول", ["مسئول", "المسؤول", "والمسؤول"]),
        ("بغداد", ["وبغداد", "بغداد"]),
        ("المدينة", ["للمدينة", "بالمدينة", "والمدينة", "مدينة"]),
    ],
)
def test_stem_conflates_clitics_and_inflections(query: str, forms: list[str]) -> None:
    for f in forms:
        assert stem(f) == stem(query), (f, stem(f), stem(query))


@pytest.mark.parametrize("a, b", [("سوريا", "روسيا"), ("مقاتل", "قتل"), ("كتاب", "كاتب")])
def test_stem_keeps_different_words_apart(a: str, b: str) -> None:
    assert stem(a) != stem(b)


def test_tokens_round_trip_offsets() -> None:
    text = "قال الرئيس (د. محمد) إن 3.5% من «السكان» في وسوريا—نعم؟ ISIS's"
    toks = tokenize(text)
    assert toks
    for t in toks:
        assert text[t.start : t.end] == t.text
    words = [t.text for t in toks]
    assert "3.5" in words and "وسوريا" in words and "«" in words and "؟" in words


def test_tokens_keep_diacritics_inside_words() -> None:
    text = "عُثر عليها"
    assert [t.text for t in tokenize(text)] == ["عُثر", "عليها"]


@pytest.mark.parametrize(
    "text, n",
    [
        ("قال الوزير إن النمو بلغ 3.5 في المئة. وأضاف أن الأسعار ستنخفض.", 2),
        ("هل انتهت الحرب؟ لا أحد يعرف!", 2),
        ("التقى د. محمد بالوفد. ثم غادر.", 2),
        ("قال: «سنقاتل حتى النهاية. لن نتراجع». ثم غادر القاعة.", 2),
        ("الجملة الأولى، والثانية؛ والثالثة", 1),
        ("انتظروا... ثم عادوا.", 2),
        ("عنوان بلا نقطة\n\nفقرة أولى. فقرة ثانية.", 3),
    ],
)
def test_split_sentences(text: str, n: int) -> None:
    sents = split_sentences(text)
    assert len(sents) == n, [text[s.start : s.end] for s in sents]
    for s in sents:
        piece = text[s.start : s.end]
        assert piece == piece.strip() and piece


def test_document_sentences_headline_is_its_own_sentence() -> None:
    title = "القضاء على مقاتلي داعش في سوريا"
    paras = ["كشفت وثائق عن خطط. وأكدت المصادر ذلك.", "فقرة ثانية"]
    sents = document_sentences(title, paras)
    text = title + "\n\n" + "\n\n".join(paras)
    assert sents[0].paragraph == -1 and text[sents[0].start : sents[0].end] == title
    assert [s.paragraph for s in sents] == [-1, 0, 0, 1]
    assert [text[s.start : s.end] for s in sents[1:]] == ["كشفت وثائق عن خطط.", "وأكدت المصادر ذلك.", "فقرة ثانية"]


def test_reference_article_sentences(reference_article) -> None:
    text = reference_article.read_text(encoding="utf-8")
    sents = split_sentences(text)
    pieces = [text[s.start : s.end] for s in sents]
    assert pieces[0] == "القضاء على مقاتلي داعش في سوريا"
    # the quoted letter keeps its closing quote with its sentence
    assert any(p.endswith('ومصداقية".') for p in pieces)
    for s in sents:
        assert text[s.start : s.end].strip() == text[s.start : s.end]


@pytest.mark.parametrize(
    "word, stemmed_like",
    [("وزير", "الوزير"), ("وفد", "الوفد"), ("بغداد", "وبغداد"), ("فرنسا", "وفرنسا"), ("قال", "وقال")],
)
def test_letters_that_look_like_clitics_but_are_not(word: str, stemmed_like: str) -> None:
    # و of وزير, ف of فرنسا, ب of بغداد belong to the word (word frequencies decide)
    assert stem(word) == stem(stemmed_like)
