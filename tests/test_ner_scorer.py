"""conlleval rules on hand-made cases: exact span and type, I- after O starts an entity."""

import pytest

from marsad.analyze.ner.conll import format_conll, parse_conll
from marsad.analyze.ner.scorer import score_sentences, spans_from_bio
from marsad.errors import InputError


@pytest.mark.parametrize(
    "labels, spans",
    [
        (["O", "O"], []),
        (["B-PERS", "I-PERS", "O"], [(0, 2, "PERS")]),
        (["B-LOC", "B-LOC"], [(0, 1, "LOC"), (1, 2, "LOC")]),
        (["O", "I-ORG", "I-ORG"], [(1, 3, "ORG")]),  # I- after O starts an entity
        (["B-ORG", "I-LOC"], [(0, 1, "ORG"), (1, 2, "LOC")]),  # type change splits
        (["I-MISC"], [(0, 1, "MISC")]),
        (["B-PERS", "I-PERS", "I-PERS"], [(0, 3, "PERS")]),
    ],
)
def test_spans_from_bio(labels, spans):
    assert spans_from_bio(labels) == spans


def test_exact_span_and_type_required():
    gold = [["B-PERS", "I-PERS", "O", "B-LOC", "O", "B-ORG"]]
    pred = [["B-PERS", "O", "O", "B-LOC", "O", "B-LOC"]]
    s = score_sentences(gold, pred)
    # only the LOC matches: PERS span is too short, ORG has the wrong type
    assert (s.overall.tp, s.overall.fp, s.overall.fn) == (1, 2, 2)
    assert s.overall.precision == pytest.approx(100 / 3)
    assert s.overall.recall == pytest.approx(100 / 3)
    assert s.by_type["PERS"].tp == 0 and s.by_type["PERS"].fn == 1 and s.by_type["PERS"].fp == 1
    assert s.by_type["LOC"].f1 == pytest.approx(100 * 2 * 0.5 / 1.5)
    assert s.by_type["ORG"].fn == 1 and s.by_type["ORG"].fp == 0


def test_perfect_and_empty():
    gold = [["B-LOC", "I-LOC", "O"], ["O"]]
    s = score_sentences(gold, gold)
    assert s.overall.f1 == 100.0 and s.token_correct == s.tokens == 4
    e = score_sentences([["O"]], [["O"]])
    assert e.overall.f1 == 0.0 and e.overall.tp == e.overall.fp == e.overall.fn == 0


def test_types_filter_ignores_other_types():
    gold = [["B-MISC", "O", "B-LOC"]]
    pred = [["O", "O", "B-LOC"]]
    assert score_sentences(gold, pred, types=["LOC"]).overall.f1 == 100.0
    assert score_sentences(gold, pred).overall.recall == 50.0


def test_length_mismatch_is_an_error():
    with pytest.raises(ValueError):
        score_sentences([["O", "O"]], [["O"]])


def test_parse_conll_columns_and_breaks():
    text = "أعلن x O\nاتحاد B-ORG\n\n\n\nفي O\n"
    sents = parse_conll(text, labelled=True)
    assert [s.tokens for s in sents] == [["أعلن", "اتحاد"], ["في"]]
    assert [s.labels for s in sents] == [["O", "B-ORG"], ["O"]]
    assert format_conll((s.tokens, s.labels) for s in sents) == "أعلن O\nاتحاد B-ORG\n\nفي O\n\n"


def test_parse_conll_bad_label_names_the_line():
    with pytest.raises(InputError, match="line 2"):
        parse_conll("a O\nb B-FOO\n", labelled=True, source="x.conll")
