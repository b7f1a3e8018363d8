"""The learned trigger-sense chooser: its weights, its margin, its place in the coder, and one
homograph it learns to read from the training articles."""

from __future__ import annotations

import pytest

from marsad.analyze.base import base_analysis
from marsad.analyze.events.coder import EventCoder
from marsad.analyze.events.typesense import NONE, TypeSense, default_type_sense, model_path
from marsad.data import corpus_or_skip
from marsad.model import Document

# أدان is both "condemned" (ACCUSE) and, read as the passive أُدين / يُدان, "was convicted"
# (SANCTION): the lexicon gives the head word both readings and the rules keep both.
CONDEMN = "أدان وزير الخارجية الهجوم الذي استهدف السفارة أمس."
TEXTS = [
    CONDEMN,
    "قتل مسلحون خمسة جنود في هجوم على نقطة تفتيش شمال بغداد أمس.",
    "تظاهر آلاف الطلاب أمام البرلمان احتجاجا على قانون التعليم الجديد.",
    "دعت الأمم المتحدة الأطراف إلى وقف إطلاق النار فورا.",
]


def _rows(coder: EventCoder, text: str) -> list[tuple[str, str]]:
    a = base_analysis(Document(title="", paragraphs=[text], language="ar"))
    return sorted((e.type, e.trigger.text) for e in coder.code(a))


def test_the_rules_read_the_homograph_both_ways():
    """The case the chooser exists for: without it, one condemnation makes two rows."""
    types = {t for t, trig in _rows(EventCoder(typesense=None), CONDEMN) if trig == "أدان"}
    assert types == {"ACCUSE", "SANCTION"}


def test_the_shipped_model_loads_and_says_how_it_was_made():
    """The file is optional (without it the rules decide); when shipped it carries its margins."""
    if not model_path().exists():
        assert default_type_sense() is None
        return
    m = default_type_sense()
    assert m is not None and m.weights
    assert m.meta["examples"] >= 1000 and m.meta["margin"] > 0 and m.meta["none_margin"] > m.meta["margin"]
    assert all(isinstance(v, list) for v in m.meta["partners"].values())


def test_an_empty_model_keeps_every_type_the_rules_chose():
    empty = EventCoder(typesense=TypeSense({}, {"margin": 0.0, "none_margin": 0.0}))
    for text in TEXTS:
        assert _rows(empty, text) == _rows(EventCoder(typesense=None), text)


def test_a_type_changes_only_by_more_than_the_margin():
    """A weight of 2 for ACCUSE on أدان: the SANCTION reading becomes ACCUSE (one row) under a
    margin of 1, and stays under a margin of 3."""
    w = {"ACCUSE|base=ادان": 2.0}
    below = _rows(EventCoder(typesense=TypeSense(w, {"margin": 1.0})), CONDEMN)
    above = _rows(EventCoder(typesense=TypeSense(w, {"margin": 3.0})), CONDEMN)
    assert ("ACCUSE", "أدان") in below and ("SANCTION", "أدان") not in below
    assert ("ACCUSE", "أدان") in above and ("SANCTION", "أدان") in above


def test_no_event_wins_only_by_its_own_margin():
    w = {f"{NONE}|base=ادان": 2.0}
    dropped = _rows(EventCoder(typesense=TypeSense(w, {"margin": 0.5, "none_margin": 1.0})), CONDEMN)
    kept = _rows(EventCoder(typesense=TypeSense(w, {"margin": 0.5, "none_margin": 5.0})), CONDEMN)
    assert not any(trig == "أدان" for _t, trig in dropped)
    assert ("ACCUSE", "أدان") in kept


def test_weights_round_trip_through_json(tmp_path):
    m = TypeSense({"ACCUSE|base=ادان": 2.0, "rule": 0.5},
                  {"margin": 1.0, "none_margin": 2.0, "partners": {"ASSAULT": ["THREATEN"]}})
    p = tmp_path / "typesense.json"
    p.write_text(m.to_json(), encoding="utf-8")
    back = TypeSense.from_json(p.read_text(encoding="utf-8"))
    assert back.weights == m.weights and back.meta == m.meta
    assert _rows(EventCoder(typesense=back), CONDEMN) == _rows(EventCoder(typesense=m), CONDEMN)


def test_a_noun_retyped_to_its_governors_type_folds_into_the_governor():
    """دعت ... إلى الإفراج عن: read as part of the call, the release noun makes no second REQUEST row."""
    text = "ودعت منظمة العفو الدولية الحكومة إلى الإفراج عن الصحفيين المعتقلين."
    m = TypeSense({"REQUEST|gov=REQUEST": 5.0}, {"margin": 1.0, "partners": {"RETREAT": ["REQUEST"]}})
    rules = _rows(EventCoder(typesense=None), text)
    read = _rows(EventCoder(typesense=m), text)
    assert any(t == "RETREAT" for t, _ in rules)
    assert [t for t, _ in read].count("REQUEST") == 1 and not any(t == "RETREAT" for t, _ in read)


def test_partners_add_a_candidate_the_lexicon_does_not_give():
    """A learned partner type is a candidate: an attack noun governed by a threat verb can be
    read as the threat (توعد بالهجوم)."""
    from marsad.analyze.events.typesense import candidates

    m = TypeSense({}, {"partners": {"ASSAULT": ["THREATEN"]}})
    seen = []
    coder = EventCoder(typesense=None)
    coder.type_observer = lambda ctx, v, readings: seen.extend(
        candidates(readings, i, m.meta["partners"]) for i, r in enumerate(readings) if r.type == "ASSAULT")
    coder.code(base_analysis(Document(title="", paragraphs=[TEXTS[1]], language="ar")))
    assert seen and all(c[0] == "ASSAULT" and "THREATEN" in c and c[-1] == NONE for c in seen)


@pytest.mark.slow
def test_a_model_fitted_on_training_articles_reads_a_held_out_homograph():
    """Fitted on the field dev articles but one, the model re-types the SANCTION reading of
    «وأدان» in the article it did not see (fd016: politicians condemned a decision) as ACCUSE."""
    corpus_or_skip("events-field-dev", "gold.jsonl")
    from marsad.lab.events.roles_train import load_sets
    from marsad.lab.events.typesense_train import collect, train

    (dev,) = load_sets(["dev"])
    held = "fd016"
    obs = collect([dev])
    model, _ = train([o for o in obs if o.article != f"dev:{held}"], l2=3.0, steps=300,
                     margin=1.0, none_margin=99.0, min_partner=3)
    a = dict(dev.pairs)[held]

    def types(ts: TypeSense | None) -> set[str]:
        coder = EventCoder(typesense=ts, roles=None, rowcheck=None)
        return {e.type for e in coder.code(a, merge_mentions=False) if "أدان" in e.trigger.text}

    assert types(None) == {"ACCUSE", "SANCTION"}
    assert types(model) == {"ACCUSE"}


@pytest.mark.slow
def test_the_trainer_cross_validates_on_the_corpora(capsys):
    corpus_or_skip("events-field-dev", "gold.jsonl")
    from marsad.lab.events.typesense_train import main

    assert main(["--cv-only", "--sets", "dev", "--check-sets", "", "--folds", "3", "--steps", "60",
                 "--margins", "1", "--none-margins", "99", "--cv-rowcheck", "0"]) == 0
    out = capsys.readouterr().out
    assert "held-out choice accuracy" in out and "ALL        rules" in out and "ALL        cv 1/99" in out
