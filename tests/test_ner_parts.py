"""Pieces of the NER model on hand-made input: clitic segmentation, gazetteer matching,
name overrides and BIO-constrained decoding."""

import numpy as np
import pytest

from marsad.analyze.ner.decode import decode_marginals, log_softmax, pool
from marsad.analyze.ner.features import segment, shape
from marsad.analyze.ner.gazetteer import clitic_variants, load_gazetteer, phrase_key
from marsad.analyze.ner.neural import LABELS
from marsad.analyze.ner.overrides import apply_overrides, contradicted_entries, override_spans

GAZ = load_gazetteer()


def keys(text: str) -> list[str]:
    return list(phrase_key(text))


def test_segment_and_shape():
    assert segment("وبالمدينه")[:2] == ("وبال", "مدينه")
    assert segment("محمد") == ("", "محمد", "")
    assert shape("2002") == "digit" and shape("،") == "punct" and shape("Reuters") == "LAT"
    assert shape("سورية") == "ar"


def test_clitic_variants():
    assert clitic_variants("وبالعراق") == ("وبالعراق", "بالعراق", "العراق")
    assert "العراق" in clitic_variants("للعراق")
    assert clitic_variants("سوريا") == ("سوريا",)


def test_gazetteer_longest_match_with_clitics():
    tags = GAZ.match(keys("زار وفد الولايات المتحدة ولندن وقوات سورية الديمقراطية"))
    assert tags == ["", "", "B-LOC", "I-LOC", "B-LOC", "B-ORG", "I-ORG", "I-ORG"]


def test_kb_features_type_names_and_cue_words():
    from marsad.analyze.ner.features import FeatureExtractor, FeatureSettings
    from marsad.analyze.ner.kbfeat import load_kb_gazetteer

    kbg = load_kb_gazetteer()
    tags = kbg.match(keys("قال حزب الله في بيروت"))
    assert tags[0] == "" and tags[1].startswith("B-ORG.") and tags[2].startswith("I-ORG.")
    assert tags[4].startswith("B-LOC.")
    ext = FeatureExtractor(FeatureSettings(clusters=False, kb=True), None, GAZ)
    feats = ext.sentence(["دفع", "السوريون", "5", "دولارات", "لحزب", "الله"])
    assert "k=KNISBA" in feats[1] and "k=MISCW" in feats[3]
    assert any(f.startswith("K=B-ORG.") for f in feats[4])
    assert any(f.startswith("K=I-ORG.") for f in feats[5])
    assert any(f.startswith("-1K=B-ORG.") for f in feats[5])
    # the KB features are off unless asked for: models trained before them load unchanged
    plain = FeatureExtractor(FeatureSettings(clusters=False), None, GAZ)
    assert not any(f.startswith(("K=", "k=")) for x in plain.sentence(["لحزب", "الله"]) for f in x)


def test_function_words_are_not_places():
    # short GeoNames forms that collide with frequent words must not be in the gazetteer
    for w in ("ان", "كان", "فان", "من", "في", "على", "الى"):
        assert (w,) not in GAZ.phrases, w


def test_overrides_relabel_curated_names_only():
    k = keys("قالت قوات سورية الديمقراطية إن مجلس الوزراء اجتمع")
    labels = ["O", "O", "B-LOC", "O", "O", "B-ORG", "I-ORG", "O"]
    spans = list(override_spans(GAZ, k, frozenset({"مجلس الوزراء"})))
    assert [s[:3] for s in spans] == [(1, 4, "ORG")]
    out = apply_overrides(labels, spans)
    assert out == ["O", "B-ORG", "I-ORG", "I-ORG", "O", "B-ORG", "I-ORG", "O"]
    # a predicted entity running past the name: dropped if of another type, kept if the same
    assert apply_overrides(["O", "B-LOC", "I-LOC", "I-LOC", "I-LOC"], [(1, 3, "ORG", "x")]) == \
        ["O", "B-ORG", "I-ORG", "O", "O"]
    assert apply_overrides(["B-ORG", "I-ORG", "I-ORG"], [(0, 2, "ORG", "x")]) == \
        ["B-ORG", "I-ORG", "I-ORG"]


def test_contradicted_entries_come_from_the_annotation():
    sents = [
        (keys("اجتمع مجلس الوزراء"), ["O", "O", "O"]),
        (keys("اجتمع مجلس الوزراء"), ["O", "B-ORG", "I-ORG"]),
        (keys("اجتمع مجلس الوزراء"), ["O", "O", "O"]),
        (keys("قال حزب الله"), ["O", "B-ORG", "I-ORG"]),
    ]
    assert contradicted_entries(GAZ, sents) == ["مجلس الوزراء"]


def test_decode_never_starts_inside_an_entity():
    p = np.full((3, len(LABELS)), 0.01)
    p[0, LABELS.index("I-PERS")] = 0.9  # an I- with nothing before it
    p[1, LABELS.index("I-PERS")] = 0.9
    p[2, LABELS.index("O")] = 0.9
    labels = decode_marginals(p)
    assert labels[0] != "I-PERS"
    for prev, cur in zip(["O", *labels], labels):
        if cur.startswith("I-"):
            assert prev[2:] == cur[2:]


def test_pooling_the_two_taggers():
    rng = np.random.default_rng(0)
    crf = rng.dirichlet(np.ones(len(LABELS)), size=4)
    em = rng.normal(size=(4, len(LABELS)))
    nn = np.exp(log_softmax(em))
    assert np.allclose(nn.sum(axis=1), 1)
    for how in ("mean", "geometric"):
        for w in (0.0, 0.3, 1.0):
            p = pool(crf, nn, w, how)
            assert np.allclose(p.sum(axis=1), 1, atol=1e-5)
        assert np.allclose(pool(crf, nn, 0.0, how), crf, atol=1e-5)
        assert np.allclose(pool(crf, nn, 1.0, how), nn, atol=1e-5)
    assert np.allclose(pool(crf, nn, 0.3, "mean"), 0.7 * crf + 0.3 * nn)
    # a label one tagger rules out: the mean keeps half its mass, the geometric mean drops it
    a = np.array([[0.5, 0.5, 0, 0, 0, 0, 0, 0, 0]], float)
    b = np.array([[0.5, 0, 0.5, 0, 0, 0, 0, 0, 0]], float)
    assert abs(pool(a, b, 0.5, "mean")[0, 1] - 0.25) < 1e-9
    g = pool(a, b, 0.5, "geometric")[0]
    assert g[0] > 0.99 and g[1] < 0.01 and g[2] < 0.01
    with pytest.raises(ValueError, match="unknown pooling"):
        pool(a, b, 0.5, "median")


def test_club_company_and_product_lists():
    # multi-word names are phrases of their own type; clitics on the first word tolerated
    tags = GAZ.match(keys("فاز دينامو كييف على ستيوا بوخارست وأعلنت هواوي ومايكروسوفت"))
    assert tags[1:3] == ["B-CLUB", "I-CLUB"] and tags[4:6] == ["B-CLUB", "I-CLUB"]
    assert tags[7] == "B-CO"
    assert tags[8] == "B-ORG"  # also in orgs.txt: the same kind of name, not ambiguous
    # a name that is also an ordinary word (نيسان the month, الاتحاد) is only a word cue
    for w in ("نيسان", "الاتحاد"):
        (k,) = keys(w)
        assert (k,) not in GAZ.phrases and "AMBNAME" in GAZ.word_cues(k), w
    # club names built on a city do not turn the city into a club
    assert GAZ.match(keys("في مانشستر"))[1] == "B-LOC"
    assert [s[2] for s in override_spans(GAZ, keys("خسر مانشستر يونايتد"))] == ["ORG"]


def test_network_inputs_are_versioned():
    """Networks trained before the KB/list inputs read the legacy input list; newer ones
    carry theirs in neural.json. New gazetteer types must not break either."""
    from marsad.analyze.ner.features import FeatureExtractor, FeatureSettings
    from marsad.analyze.ner.neural import _DISC, DISC_V2, Encoder

    ext = FeatureExtractor(FeatureSettings(clusters=False, kb=True), None, GAZ)
    sent = ["فاز", "دينامو", "كييف", "على", "حزب", "الله"]
    legacy = Encoder({}, {}, {}, ext).encode(sent)["disc"]
    assert legacy.shape == (6, len(_DISC))
    v2 = Encoder({}, {}, {}, ext, DISC_V2)
    disc = v2.encode(sent)["disc"]
    assert disc.shape == (6, len(DISC_V2))
    assert disc[1, v2.disc_index["G=B-CLUB"]] == 1 and disc[2, v2.disc_index["G=I-CLUB"]] == 1
    assert disc[4, v2.disc_index["K=B-ORG"]] == 1 and disc[5, v2.disc_index["K=I-ORG"]] == 1


def test_mention_replacement_keeps_labels_aligned():
    from marsad.analyze.ner.conll import ConllSentence
    from marsad.analyze.ner.scorer import spans_from_bio
    from marsad.lab.ner.neural_train import mention_replacement

    sents = [ConllSentence(["زار", "محمد", "علي", "بغداد", "."], ["O", "B-PERS", "I-PERS", "B-LOC", "O"]),
             ConllSentence(["قال", "سمير", "في", "دمشق"], ["O", "B-PERS", "O", "B-LOC"]),
             ConllSentence(["لا", "أسماء", "هنا"], ["O", "O", "O"])] * 20
    extra = mention_replacement(sents, 0.5, seed=3)
    assert 5 < len(extra) < 40  # about half of the 40 sentences with names
    names = {"PERS": {("محمد", "علي"), ("سمير",)}, "LOC": {("بغداد",), ("دمشق",)}}
    for x in extra:
        assert len(x.tokens) == len(x.labels)
        spans = spans_from_bio(x.labels)
        assert spans and all(tuple(x.tokens[a:b]) in names[t] for a, b, t in spans)
    # names really move between sentences, and the same seed gives the same copies
    assert any(x.tokens[:2] == ["قال", "محمد"] for x in extra)
    assert mention_replacement(sents, 0.5, seed=3) == extra
    assert mention_replacement(sents, 0.0, seed=3) == []


def test_an_organization_head_joins_the_name_it_governs():
    from marsad.analyze.ner.construct import join_construct_heads

    # جامعة القاهرة: [جامعة]ORG [القاهرة]LOC -> one ORG
    assert join_construct_heads(["O", "B-ORG", "B-LOC", "O"], [False, True, False, False],
                                ["", "", "ال", ""]) == ["O", "B-ORG", "I-ORG", "O"]
    # جامعة محمد الخامس: a person name of two words joins whole
    assert join_construct_heads(["B-ORG", "B-PERS", "I-PERS"], [True, False, False],
                                ["", "", "ال"]) == ["B-ORG", "I-ORG", "I-ORG"]
    # the head with the article is not in construct state: الناتو بأفغانستان stays two names
    assert join_construct_heads(["B-ORG", "B-LOC"], [False, False], ["ال", "ب"]) == \
        ["B-ORG", "B-LOC"]
    # a preposition or conjunction on the next word starts a new phrase
    assert join_construct_heads(["B-ORG", "B-LOC"], [True, False], ["", "ب"]) == \
        ["B-ORG", "B-LOC"]
    # a head the taggers left outside any name, or one inside a longer name, stays as it is
    assert join_construct_heads(["O", "B-LOC"], [True, False], ["", ""]) == ["O", "B-LOC"]
    assert join_construct_heads(["B-ORG", "I-ORG", "B-LOC"], [False, True, False],
                                ["", "", ""]) == ["B-ORG", "I-ORG", "B-LOC"]
    # only places and persons join: two organizations side by side stay two
    assert join_construct_heads(["B-ORG", "B-ORG"], [True, False], ["", ""]) == \
        ["B-ORG", "B-ORG"]
