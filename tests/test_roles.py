"""The learned role chooser: the shipped model, the ranker's fitting, and its place in the coder."""

from __future__ import annotations

import pytest

from marsad.analyze.base import base_analysis
from marsad.analyze.events.coder import EventCoder
from marsad.analyze.events.roles import ROLES, RoleModel, default_role_model, model_path
from marsad.data import corpus_or_skip
from marsad.lab.events.roles_train import Example, choice_accuracy, fit
from marsad.model import Document

TEXTS = [
    "قتل مسلحون خمسة جنود في هجوم على نقطة تفتيش شمال بغداد أمس.",
    "اتهمت منظمة العفو الدولية الحكومة باعتقال مئات المعارضين.",
    "دعت الأمم المتحدة الأطراف إلى وقف إطلاق النار فورا.",
    "تظاهر آلاف الطلاب أمام البرلمان احتجاجا على قانون التعليم الجديد.",
    "وأصيب الجندي برصاصة خلال الاشتباكات مع المسلحين في الأنبار.",
]


def _roles(coder: EventCoder, text: str) -> list[tuple]:
    a = base_analysis(Document(title="", paragraphs=[text], language="ar"))
    return [(e.type, e.trigger.text, e.source and e.source.text, e.target and e.target.text) for e in coder.code(a)]


def test_the_shipped_model_is_there_and_says_how_it_was_made():
    assert model_path().exists()
    m = default_role_model()
    assert m is not None
    assert set(m.weights) == set(ROLES) and all(m.weights[r] for r in ROLES)
    assert m.meta["examples"] >= 500 and m.meta["margin"] >= 0


def test_a_model_without_weights_keeps_every_rule_pick():
    rules = EventCoder(roles=None)
    empty = EventCoder(roles=RoleModel({"source": {}, "target": {}}, {"margin": 0.0}))
    for text in TEXTS:
        assert _roles(empty, text) == _roles(rules, text)


def test_a_model_that_prefers_nobody_can_override_the_rules():
    """The hook is live: a model whose only weight favours "nobody" empties the roles."""
    nobody = EventCoder(roles=RoleModel({"source": {"none": 50.0}, "target": {"none": 50.0}}, {"margin": 1.0}))
    rules = EventCoder(roles=None)
    text = TEXTS[1]
    assert any(src for _t, _tr, src, _tg in _roles(rules, text))
    assert all(src is None and tgt is None for _t, _tr, src, tgt in _roles(nobody, text))


def test_fit_learns_the_feature_that_marks_the_right_candidate():
    exs = []
    for i in range(40):
        right = i % 3
        cands = [["T=X", "noise" if j % 2 else "other"] + (["good"] if j == right else []) for j in range(3)]
        exs.append(Example(f"a{i}", cands, {"source": [right], "target": [right]}))
    w = fit(exs, "source", l2=1.0, steps=200)
    assert w["good"] > 1.0
    model = RoleModel({"source": w, "target": w}, {})
    assert choice_accuracy(model, exs) == {"source": 1.0, "target": 1.0}


def test_grammatical_roles_survive_the_model():
    coder = EventCoder()
    (ev,) = [r for r in _roles(coder, TEXTS[0]) if r[0] == "ASSAULT"][:1]
    assert ev[2] and "مسلحون" in ev[2] and ev[3] and "جنود" in ev[3]
    for _t, _tr, src, _tg in _roles(coder, TEXTS[4]):
        assert src is None or "الجندي" not in src  # أصيب الجندي: the wounded is no source


@pytest.mark.slow
def test_cross_validation_runs_on_the_corpora(capsys):
    corpus_or_skip("events-field-dev", "gold.jsonl")
    corpus_or_skip("events-gold-dev", "arabic_events_dev.xml")
    from marsad.lab.events.roles_train import main

    assert main(["--cv-only", "--sets", "dev", "--check-sets", "", "--folds", "3", "--steps", "60"]) == 0
    out = capsys.readouterr().out
    assert "held-out choice accuracy, source" in out and "dev        cv" in out and "sentences  cv" in out


@pytest.mark.parametrize("text", TEXTS)
def test_roles_are_never_the_trigger_itself(text):
    for _t, trig, src, tgt in _roles(EventCoder(), text):
        assert src != trig and tgt != trig


@pytest.mark.parametrize("ner", [True, False])
def test_the_fast_scores_are_the_sums_of_the_features_weights(ner):
    """Inference sums a phrase's own features once per sentence; training reads every feature:
    both must give the same score to every candidate."""
    from dataclasses import replace

    from marsad.analyze.events.roles import candidates, features

    model = default_role_model()
    coder = EventCoder(roles=None)
    seen = []

    def observe(ctx, v, trig, info):
        info = replace(info, ner=ner)
        cands = candidates(v, info)
        fast = model.scores(v, info, cands)
        for c, (a, b) in zip(cands, fast, strict=True):
            fs = features(v, info, c)
            assert a == pytest.approx(model.score("source", fs)) and b == pytest.approx(model.score("target", fs))
        seen.append(len(cands))

    coder.role_observer = observe
    for text in TEXTS:
        coder.code(base_analysis(Document(title="", paragraphs=[text], language="ar")))
    assert sum(seen) > 20
