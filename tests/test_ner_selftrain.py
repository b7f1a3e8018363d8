"""Self-training the NER network on pseudo-labelled news (marsad.lab.ner.selftrain)."""

from __future__ import annotations

import pytest

from marsad.analyze.ner.tagger import load_model
from marsad.data import corpus_or_skip
from marsad.lab.ner.selftrain import SelfTrainSettings, news_sentences, pseudo_label
from marsad.model import Document

NEWS = [
    Document(title="", paragraphs=[
        ("التقى الرئيس الفرنسي إيمانويل ماكرون في باريس اليوم رئيس الوزراء العراقي. "
         "وبحث الجانبان العلاقات بين فرنسا والعراق."),
        "قصير جدا.",
    ]),
    Document(title="", paragraphs=[
        "ارتفعت أسعار النفط في الأسواق العالمية خلال تعاملات يوم الثلاثاء الماضي بشكل ملحوظ.",
    ]),
    Document(title="", paragraphs=[
        "أعلنت منظمة الصحة العالمية في جنيف عن برنامج جديد لمكافحة الكوليرا في اليمن.",
    ]),
]


def test_news_sentences_are_sampled_and_bounded():
    s = SelfTrainSettings(articles=3, min_tokens=6, max_tokens=50, seed=1)
    sents = news_sentences(NEWS, s)
    assert sents and all(6 <= len(t) <= 50 for t in sents)
    assert ["قصير", "جدا", "."] not in sents  # too short
    assert any(t[:2] == ["التقى", "الرئيس"] for t in sents)
    assert len(news_sentences(NEWS, SelfTrainSettings(articles=1, seed=1))) < len(sents)
    assert news_sentences(NEWS, s) == sents  # seeded


def test_pseudo_label_keeps_confident_sentences_with_names():
    model = load_model()
    sents = news_sentences(NEWS, SelfTrainSettings(articles=3))
    kept, stats = pseudo_label(model.tag_with_scores_many, sents, SelfTrainSettings(min_score=0.0))
    assert stats["news_sentences"] == len(sents)
    assert stats["used"] == len(kept) == stats["confident"] == stats["with_names"] >= 2
    for x in kept:
        assert len(x.tokens) == len(x.labels) and any(lab != "O" for lab in x.labels)
    # the oil-price sentence has no name: never a training example
    assert not any("النفط" in x.tokens for x in kept)
    tagged = {tuple(x.tokens): x.labels for x in kept}
    paris = next(t for t in tagged if "باريس" in t)
    assert tagged[paris][paris.index("باريس")] == "B-LOC"
    strict, st = pseudo_label(model.tag_with_scores_many, sents, SelfTrainSettings(min_score=1.01))
    assert strict == [] and st["with_names"] == stats["with_names"]
    capped, _ = pseudo_label(model.tag_with_scores_many, sents,
                             SelfTrainSettings(min_score=0.0, sentences=1))
    assert len(capped) == 1


def test_self_train_flags_are_checked(tmp_path):
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "marsad", "train", "ner", "--self-train",
                        "--out", str(tmp_path / "m")], capture_output=True, text=True, check=False)
    assert r.returncode != 0 and "--neural" in r.stderr and "Traceback" not in r.stderr
    r = subprocess.run([sys.executable, "-m", "marsad", "train", "ner", "--neural", "--self-train",
                        "--reuse-neural", str(tmp_path), str(tmp_path), "--out", str(tmp_path / "m")],
                       capture_output=True, text=True, check=False)
    assert r.returncode != 0 and "--reuse-neural" in r.stderr and "Traceback" not in r.stderr
    r = subprocess.run([sys.executable, "-m", "marsad", "train", "ner", "--neural",
                        "--self-train-sentences", "10", "--out", str(tmp_path / "m")],
                       capture_output=True, text=True, check=False)
    assert r.returncode != 0 and "--self-train" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.slow
def test_self_training_recipe_on_a_slice(tmp_path):
    """Teacher, pseudo labels, student, split and refit (needs torch, a training-only
    extra: skipped without it)."""
    pytest.importorskip("torch")
    data = corpus_or_skip("anercorp", "train.conll")
    from marsad.analyze.ner.clusters import default_vectors_path

    if not default_vectors_path().exists():
        pytest.skip(f"news word vectors {default_vectors_path()} not built "
                    "(marsad train ner-resources)")
    from marsad.analyze.ner.conll import read_conll
    from marsad.lab.ner.neural_train import NeuralSettings
    from marsad.lab.ner.train import TrainSettings, split_dev, train_ner

    train, dev = split_dev(read_conll(data, labelled=True)[:220], 0.1)
    out = tmp_path / "model"
    meta = train_ner(train, dev, out, TrainSettings(max_iterations=10), neural=True, refit=True,
                     neural_settings=NeuralSettings(epochs=2),
                     self_train=SelfTrainSettings(articles=3, min_score=0.0), news=NEWS)
    st = meta["self_training"]
    assert st["settings"]["articles"] == 3
    assert st["split"]["used"] >= 1 and st["refit"]["used"] >= 1
    assert st["teacher"]["ensemble"]["neural_weight"] > 0
    assert meta["refit"]["network_epochs"] == [meta["neural"]["best_epoch"]]
    m = load_model(out)
    assert m.ensembled and len(m.tag(["زار", "الرئيس", "ألمانيا", "."])) == 4
