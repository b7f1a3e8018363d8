"""Token forms computed once by the base analysis, and the stages that read them (keywords,
summary) or batch (NER, topic) giving the same answers as the text they replace, on the
demo corpus (real articles shipped in the package)."""

from __future__ import annotations

import pickle
from importlib.resources import files
from pathlib import Path

import pytest

from marsad.analyze.base import (
    add_forms,
    base_analysis,
    ensure_forms,
    sentence_token_ranges,
    tokens_in,
)
from marsad.analyze.keywords import (
    analysis_occurrences,
    article_keywords,
    article_occurrences,
    keywords_from_occurrences,
    term_occurrences,
    token_occurrences,
)
from marsad.analyze.pipeline import Pipeline
from marsad.ingest import read_paths
from marsad.model import Analysis, Document, Token
from marsad.text.normalize import normalize_for_match
from marsad.text.segment import tokenize
from marsad.text.stem import stem

DEMO = Path(str(files("marsad") / "resources" / "demo"))


@pytest.fixture(scope="module")
def demo_docs() -> list[Document]:
    docs = [r.document for r in read_paths([DEMO]) if r.document is not None]
    assert len(docs) >= 10
    return docs


def test_base_tokens_carry_norm_and_stem(demo_docs):
    for doc in demo_docs[:5]:
        a = base_analysis(doc)
        assert a.tokens
        for t in a.tokens:
            assert t.norm == normalize_for_match(t.text)
            assert t.stem == stem(t.text)
            assert a.text[t.start:t.end] == t.text


def test_forms_are_not_serialized_and_come_back(demo_docs):
    a = base_analysis(demo_docs[0])
    d = a.to_dict(tokens=True)
    assert set(d["tokens"][0]) == {"start", "end", "text"}
    back = Analysis.from_json(a.to_json(tokens=True))
    assert back.tokens == a.tokens  # equality ignores the derived forms
    assert not hasattr(back.tokens[0], "norm")
    toks = ensure_forms(back)
    assert toks is back.tokens and [t.norm for t in toks] == [t.norm for t in a.tokens]
    # pickled (to Dask workers) with and without forms
    assert pickle.loads(pickle.dumps(a.tokens[0])).stem == a.tokens[0].stem
    assert pickle.loads(pickle.dumps(Token(0, 1, "x"))) == Token(0, 1, "x")


def test_ensure_forms_without_tokens_does_not_assign():
    a = Analysis(document=Document("عنوان", ["قال الوزير إن الحكومة ستدعم المزارعين."]))
    toks = ensure_forms(a)
    assert a.tokens == [] and [t.text for t in toks] == [t.text for t in tokenize(a.text)]
    assert toks[1].stem == stem(toks[1].text)


def test_tokens_in_equals_tokenizing_the_slice(demo_docs):
    for doc in demo_docs:
        a = base_analysis(doc)
        spans = [(s.start, s.end) for s in a.sentences]
        for (s, e), got in zip(spans, tokens_in(a, spans)):
            assert got == tokenize(a.text[s:e], s)
    # a span that cuts a word: the slice is tokenized afresh, with forms
    a = base_analysis(Document("", ["الحكومة تدعم الزراعة"]))
    (got,) = tokens_in(a, [(2, 12)])
    assert got == tokenize(a.text[2:12], 2) and got[0].text == "حكومة"
    assert got[0].norm == normalize_for_match("حكومة")


def test_sentence_token_ranges(demo_docs):
    a = base_analysis(demo_docs[0])
    for s, r in zip(a.sentences, sentence_token_ranges(a.sentences, a.tokens)):
        assert [a.tokens[i] for i in r] == [t for t in a.tokens if s.start <= t.start < s.end]


def test_keywords_from_tokens_equal_keywords_from_text(demo_docs):
    for doc in demo_docs:
        a = base_analysis(doc)
        occ = analysis_occurrences(a)
        text_occ = article_occurrences(doc.title, doc.paragraphs)
        # offsets differ (paragraph- vs text-relative); everything else is the same
        assert [o._replace(start=0) for o in occ] == [o._replace(start=0) for o in text_occ]
        assert keywords_from_occurrences(occ) == article_keywords(doc.title, doc.paragraphs)


def test_token_occurrences_match_term_occurrences():
    text = "قال وزير الخارجية الأمريكي إن الولايات المتحدة ستواصل دعمها، وأضاف: لا تراجع."
    toks = tokenize(text)
    add_forms(toks)
    assert token_occurrences(toks) == term_occurrences(text)
    assert token_occurrences(toks, keep_stopwords=True) == term_occurrences(text, keep_stopwords=True)


def test_ner_and_topic_batched_equal_one_by_one(demo_docs):
    p = Pipeline(["ner", "topic"])
    one = [p(d) for d in demo_docs]
    many = list(Pipeline(["ner", "topic"]).pipe(demo_docs, batch_size=len(demo_docs)))
    assert [a.to_json() for a in many] == [a.to_json() for a in one]
    assert sum(len(a.mentions) for a in many) > 20 and all(a.topic for a in many)
