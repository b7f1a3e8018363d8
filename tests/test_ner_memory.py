"""The memory of training names (``marsad train ner --memory``): what it remembers, that a
training sentence never sees its own names, the features, the file round trip, and a
model trained with it on a slice."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from marsad.analyze.ner.conll import ConllSentence
from marsad.analyze.ner.gazetteer import write_phrases
from marsad.analyze.ner.memory import (
    build_memory,
    folds,
    memory_features,
    memory_gazetteer,
    read_memory,
)
from marsad.analyze.ner.tagger import load_model
from marsad.data import corpus_or_skip


def key(tok: str) -> str:
    return tok


def S(pairs: str) -> ConllSentence:
    """'w/LABEL w/LABEL …' -> a labelled sentence."""
    toks, labs = zip(*(p.rsplit("/", 1) for p in pairs.split()))
    return ConllSentence(list(toks), list(labs))


SENTS = [
    S("قال/O نبيل/B-PERS العربي/I-PERS في/O القاهرة/B-LOC"),
    S("وزار/O نبيل/B-PERS العربي/I-PERS بغداد/B-LOC"),
    S("الامين/O العام/O نبيل/O العربي/O"),  # one occurrence the annotators left O
    S("ووصل/O الى/O والقاهرة/B-LOC"),
    S("الدولار/B-MISC ارتفع/O امام/O اليورو/B-MISC"),
]


def test_memory_keeps_type_extent_and_how_often_it_holds():
    mem = build_memory(SENTS, key)
    # tagged twice, left O once: 2 of 3 occurrences -> high share
    assert mem[("نبيل", "العربي")] == "PERS.h"
    assert mem[("القاهرة",)] == "LOC.h"
    # a leading conjunction is also remembered without it
    assert mem[("والقاهرة",)] == "LOC.h"
    assert ("نبيل",) not in mem  # only whole entities, not their words
    assert mem[("الدولار",)] == "MISC.h"


def test_share_bins_follow_the_o_occurrences():
    sents = [S("اعلن/O الاتحاد/B-ORG"), *[S("قال/O الاتحاد/O") for _ in range(4)]]
    assert build_memory(sents, key)[("الاتحاد",)] == "ORG.l"  # 1 of 5
    sents = [S("اعلن/O الاتحاد/B-ORG")] * 2 + [S("قال/O الاتحاد/O")] * 3
    assert build_memory(sents, key)[("الاتحاد",)] == "ORG.m"  # 2 of 5


def test_a_fold_never_sees_its_own_names():
    sents = [S(f"زار/O اسم{i}/B-PERS مدينة/O") for i in range(10)]
    seen = 0
    for part, gaz in folds(sents, key, k=5):
        assert len(part) == 2
        for s in part:
            own = (s.tokens[1],)
            assert own not in gaz.phrases
        seen += len(part)
        assert len(gaz.phrases) == 8
    assert seen == 10


def test_features_mark_the_match_and_its_neighbours():
    gaz = memory_gazetteer({("نبيل", "العربي"): "PERS.h", ("القاهرة",): "LOC.m"})
    f = memory_features(gaz, ["قال", "نبيل", "العربي", "في", "والقاهرة"])
    assert f[0] == ["1M=B-PERS"]
    assert f[1] == ["M=B-PERS.h", "M=B-PERS", "1M=I-PERS"]
    assert f[2] == ["M=I-PERS.h", "M=I-PERS", "-1M=B-PERS"]
    assert f[3] == ["-1M=I-PERS", "1M=B-LOC"]
    assert f[4] == ["M=B-LOC.m", "M=B-LOC"]  # the conjunction is tolerated


def test_file_round_trip(tmp_path):
    mem = build_memory(SENTS, key)
    write_phrases(tmp_path / "memory.tsv", mem)
    assert read_memory(tmp_path / "memory.tsv").phrases == mem


@pytest.mark.slow
def test_train_with_memory_on_a_slice(tmp_path):
    data = corpus_or_skip("anercorp", "train.conll")
    out = tmp_path / "model"
    r = subprocess.run([sys.executable, "-m", "marsad", "train", "ner", "--train", str(data),
                        "--limit", "150", "--iterations", "15", "--memory", "--out", str(out)],
                       capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    assert meta["features"]["memory"] is True
    mem = read_memory(out / "memory.tsv")
    assert len(mem.phrases) > 50
    m = load_model(out)
    assert m.extractor.memory is not None
    assert len(m.tag(["في", "ألمانيا", "."])) == 3
    # the memory features reach the CRF: the trained model has weights for them
    import pycrfsuite

    info = pycrfsuite.Tagger()
    info.open(str(out / "model.crfsuite"))
    attrs = {a for (a, _lab) in info.info().state_features}
    assert any(a.startswith("M=") for a in attrs)
    (out / "memory.tsv").unlink()
    from marsad.errors import ResourceMissing

    try:
        load_model(out)
    except ResourceMissing as e:
        assert "memory" in str(e)
    else:
        raise AssertionError("a model without its memory file must not load")
