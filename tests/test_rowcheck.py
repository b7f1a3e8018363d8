"""The learned last check of each event row: shipped, live, and trained by a command."""

from __future__ import annotations

import pytest

from marsad.analyze.base import base_analysis
from marsad.analyze.events.coder import EventCoder
from marsad.analyze.events.rowcheck import RowCheck, default_row_check, model_path, row_features
from marsad.data import corpus_or_skip
from marsad.model import Document

TEXT = ("قتل مسلحون خمسة جنود في هجوم على نقطة تفتيش شمال بغداد أمس. "
        "واعتقلت الشرطة ثلاثة مشتبه بهم بعد الهجوم. وقال مسؤول أمني إن التحقيقات جارية.")


def _analysis():
    return base_analysis(Document(title="هجوم على نقطة تفتيش في بغداد", paragraphs=[TEXT], language="ar"))


def test_the_shipped_check_is_there_and_says_how_it_was_made():
    assert model_path().exists()
    c = default_row_check()
    assert c is not None and c.weights and 0 < c.meta["threshold"] < 1 and c.meta["rows"] >= 300


def test_a_check_that_doubts_everything_drops_every_row_and_none_keeps_them():
    keep_all = EventCoder(rowcheck=None).code(_analysis())
    assert keep_all
    doubt = RowCheck({"_bias": -20.0}, {"threshold": 0.5})
    assert EventCoder(rowcheck=doubt).code(_analysis()) == []
    trust = RowCheck({"_bias": 20.0}, {"threshold": 0.5})
    assert [e.trigger for e in EventCoder(rowcheck=trust).code(_analysis())] == [e.trigger for e in keep_all]


def test_a_lone_sentence_is_not_judged():
    one = base_analysis(Document(title="", paragraphs=["تعتزم المعارضة تنظيم مسيرة حاشدة الأسبوع المقبل."], language="ar"))
    doubt = RowCheck({"_bias": -20.0}, {"threshold": 0.5})
    assert EventCoder(rowcheck=doubt).code(one) == EventCoder(rowcheck=None).code(one) != []


def test_features_describe_the_row_in_its_article():
    a = _analysis()
    rows = EventCoder(rowcheck=None).code(a)
    head = len(a.document.title)
    feats = [row_features(a, e, rows, head) for e in rows]
    assert all(f"T={e.type}" in f for e, f in zip(rows, feats, strict=True))
    assert any("at=head" in f for f in feats)  # the headline's telling says so
    assert feats == [row_features(a, e, rows, head) for e in rows]  # pure


def test_the_reference_sentences_keep_their_events_with_the_shipped_check():
    types = {e.type for e in EventCoder().code(_analysis())}
    assert {"ASSAULT", "COERCE"} <= types


@pytest.mark.slow
def test_cross_validation_runs_on_the_corpora(capsys, tmp_path):
    corpus_or_skip("events-field-dev", "gold.jsonl")
    from marsad.lab.events.rowcheck_train import main

    out_file = tmp_path / "rowcheck.json"
    assert main(["--sets", "dev", "--check-sets", "", "--folds", "3", "--thresholds", "0.3",
                 "--out", str(out_file)]) == 0
    out = capsys.readouterr().out
    assert "dev        cv@0.3" in out and out_file.exists()
    assert RowCheck.from_json(out_file.read_text()).meta["threshold"] == 0.3
