"""The fast paths of issue 19 give what the code they replaced gives, exactly: each is
compared here with that code (kept as the reference) on the demo corpus and on strings
built from the characters each path treats specially. tests/test_pipeline_golden.py holds
the whole pipeline's output."""

from __future__ import annotations

import random
import re
from importlib.resources import files
from pathlib import Path

import numpy as np
import pytest

from marsad.analyze.base import base_analysis
from marsad.ingest import read_paths
from marsad.model import Token
from marsad.text import normalize as N
from marsad.text.segment import _MARKS, tokenize

DEMO = Path(str(files("marsad") / "resources" / "demo"))


@pytest.fixture(scope="module")
def demo_texts() -> list[str]:
    texts = [r.document.text for r in read_paths([DEMO]) if r.document is not None]
    assert len(texts) > 20
    return texts


def _random_strings(alphabet: str, n: int, seed: int = 0) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 40))) for _ in range(n)]


# -- normalize_for_match: one search instead of three substitutions, short words cached ----

def _normalize_reference(text: str) -> str:
    text = N.remove_diacritics(N.fold_presentation_forms(N.remove_invisible(text)))
    return text.translate(N._CHAR_MAP).lower()


SPECIAL = ("\u200b\u200c\u200d\u200e\u200f\u061c\u202a\u202e\u2066\u2069\ufeff\u00ad"  # invisible
           "\ufb50\ufdfa\ufdff\ufe70\ufe71\ufe8d\ufefb\ufefc"  # presentation forms
           "\u0610\u061a\u064b\u0650\u065f\u0670\u06d6\u06dc\u06df\u06e8\u06ea\u06ed\u0640"  # marks
           "أإآىةؤئکگ٠٩۰۹٫٬،؛؟AbZ ابتثجحخ.-")


def test_normalize_for_match_equals_the_three_substitutions(demo_texts: list[str]) -> None:
    pieces = [w for t in demo_texts for w in t.split()] + [ln for t in demo_texts for ln in t.split("\n")]
    pieces += _random_strings(SPECIAL, 20_000)
    pieces += ["ﻻ", "ﷲ", "\ufe70", "عَلَى", "مسـؤول", "\u200fبغداد\u200e", "Al-Qaeda", ""]
    for p in pieces:
        assert N.normalize_for_match(p) == _normalize_reference(p), repr(p)
        assert N.normalize_for_match(p) == _normalize_reference(p), repr(p)  # cached answer


# -- tokenize: letter runs and mark runs instead of one character at a time --------------------

_TOKEN_REFERENCE = re.compile(
    r"[0-9\u0660-\u0669\u06f0-\u06f9]+(?:[.,\u066b\u066c][0-9\u0660-\u0669\u06f0-\u06f9]+)*"
    rf"|(?:[^\W\d_]|[{_MARKS}])+(?:['’][^\W\d_]+)?"
    r"|\S",
)


def _tokenize_reference(text: str, offset: int = 0) -> list[Token]:
    return [Token(m.start() + offset, m.end() + offset, m.group())
            for m in _TOKEN_REFERENCE.finditer(text)]


def test_tokenize_equals_the_character_at_a_time_pattern(demo_texts: list[str]) -> None:
    alphabet = SPECIAL + "\u0651\u0652'’_0123456789 \n«»"
    for t in demo_texts + _random_strings(alphabet, 5000, seed=1):
        assert tokenize(t) == _tokenize_reference(t), repr(t)
        assert tokenize(t, 17) == _tokenize_reference(t, 17), repr(t)


# -- the CRF's emissions: columns of rows for the batch instead of a loop over tokens ----------

@pytest.fixture(scope="module")
def ner_model():
    from marsad.analyze.ner.tagger import load_model

    return load_model()


def test_crf_emissions_equal_the_per_token_sums(ner_model, demo_texts: list[str]) -> None:
    from marsad.analyze.ner.lstm import length_batches
    from marsad.analyze.ner.neural import emissions_and_states
    from marsad.analyze.ner.stage import bounded_groups, sentence_groups
    from marsad.model import Document

    if not ner_model.ensembled:
        pytest.skip("the shipped NER model has no network: the CRF runs in crfsuite")
    sents = [[t.text for t in g] for text in demo_texts
             for g in bounded_groups(sentence_groups(base_analysis(Document(title="", paragraphs=[text]))))]
    sents += [[], ["."], ["بغداد"]]
    # an empty sentence between others, its context row empty (as context_labels gives it)
    mixed = [["قال", "الرئيس"], [], ["في", "بغداد", "."]]
    crf, context = ner_model._numpy_crf, ner_model.extractor.context
    assert crf.extractor.memory is None  # else the fast path is not the one under test
    compared = 0
    for idx in length_batches([len(s) for s in sents], 64):
        group = [sents[i] for i in idx]
        ctx = None
        if context is not None:
            ctx = context.assign(emissions_and_states(ner_model.networks, group, context)[1])
        fast = crf.emissions(group, ctx)
        slow = crf._emissions_per_token(group, ctx)
        assert len(fast) == len(slow) == len(group)
        for a, b in zip(fast, slow):
            assert a.dtype == b.dtype and a.shape == b.shape
            assert np.array_equal(a, b)  # bit for bit: the same rows summed in the same order
            compared += len(a)
    assert compared > 3000
    if context is not None:
        ctx = ner_model.extractor.context_labels(mixed)
        for a, b in zip(crf.emissions(mixed, ctx), crf._emissions_per_token(mixed, ctx)):
            assert np.array_equal(a, b)
    empty = crf.emissions([[], []], [np.zeros((0, 2), np.int64)] * 2)
    assert [e.shape for e in empty] == [(0, 9), (0, 9)]


def test_network_inputs_equal_per_token_encoding(ner_model, demo_texts: list[str]) -> None:
    """encode_many builds each word type's arrays once and gathers them to the tokens."""
    if ner_model.neural is None:
        pytest.skip("the shipped NER model has no network")
    enc = ner_model.neural.encoder
    sents = [t.split() for t in demo_texts[:8]]
    got = enc.encode_many(sents)
    types = [enc._type(t) for s in sents for t in s]
    assert np.array_equal(got["vec"], [t[1] for t in types])
    assert np.array_equal(got["svec"], [t[2] for t in types])
    assert np.array_equal(got["wid"], [t[3] for t in types])
    assert np.array_equal(got["chars"], np.array([t[4] for t in types]))
    base = np.array([t[5] for t in types])
    # the per-sentence phrase flags only add ones to the per-type rows
    assert np.array_equal(np.minimum(got["disc"], base), base)
    assert (got["disc"] != base).any()


# -- the link stage's sentence lookup: bisection instead of a scan ------------------------------

def test_sports_context_sentence_lookup_equals_the_scan(demo_texts: list[str]) -> None:
    from marsad.analyze.link import load_linker
    from marsad.analyze.link.senses import SportsContext
    from marsad.model import Document

    kb = load_linker().kb
    for text in demo_texts[:6]:
        a = base_analysis(Document(title="", paragraphs=[text]))
        sc = SportsContext(a.text, a.tokens, a.sentences, kb)
        assert sc._starts is not None

        def scan(pos: int, sc: SportsContext = sc) -> int:
            return next((i for i, (s, e) in enumerate(sc.bounds) if s <= pos < e), -1)

        for pos in range(-1, len(a.text) + 2):
            assert sc._sentence(pos) == scan(pos)
    overlapping = SportsContext("abc def", [], [], kb)
    overlapping.bounds = [(0, 5), (3, 7)]
    overlapping._starts = None
    assert [overlapping._sentence(p) for p in (0, 4, 6, 7)] == [0, 0, 1, -1]


# -- furniture paragraphs: remembered, and each caller gets its own set --------------------------

def test_furniture_paragraphs_returns_a_fresh_set() -> None:
    from marsad.text.furniture import furniture_paragraphs

    paragraphs = ["اقرأ أيضا", "عنوان خبر آخر", "نص المقال الذي يبقى في مكانه هنا."]
    first = furniture_paragraphs(paragraphs)
    first.add(99)
    assert 99 not in furniture_paragraphs(paragraphs)
    assert furniture_paragraphs(paragraphs) == furniture_paragraphs(list(paragraphs))


# -- the runner's CPU timings (what the benchmarks report) ----------------------------------------

def test_pipeline_records_cpu_time_per_stage(demo_texts: list[str]) -> None:
    from marsad.analyze.pipeline import Pipeline
    from marsad.model import Document

    p = Pipeline(["keywords", "summary"])
    list(p.pipe([Document(title="", paragraphs=[t]) for t in demo_texts[:4]], batch_size=2))
    assert set(p.cpu_timings) == set(p.timings) == {"keywords", "summary"}
    assert all(c >= 0 for c in p.cpu_timings.values())
