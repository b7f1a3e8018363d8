"""Training the topic model on a small slice of the real corpus, end to end through the
commands: train, then classify and eval with the new model."""

from __future__ import annotations

import gzip
import json
from itertools import islice

import pytest

from marsad.analyze.topic import LABELS
from marsad.analyze.topic.model import TopicModel
from marsad.cli import main
from marsad.data import corpus_or_skip


@pytest.mark.slow
def test_train_on_a_slice_then_classify_and_eval(tmp_path, capsys):
    src = corpus_or_skip("topics", "train.jsonl.gz")
    with gzip.open(src, "rt", encoding="utf-8") as fh:
        lines = list(islice(fh, 0, None, 40))  # every 40th article: ~1,160, all labels
    slice_file = tmp_path / "slice.jsonl"
    slice_file.write_text("".join(lines), encoding="utf-8")
    out_dir = tmp_path / "model"
    assert main(["train", "topic", "--train", str(slice_file), "--out", str(out_dir),
                 "--max-features", "5000"]) == 0
    err = capsys.readouterr().err
    assert "dev: accuracy" in err

    model = TopicModel.load(out_dir)
    assert model.labels == LABELS and len(model.vocab) <= 5000
    assert model.meta["dev"]["accuracy"] > 0.6  # a weak model, but far above chance (1/7)
    assert model.meta["data"]["path"] == "slice.jsonl"

    test = tmp_path / "test.jsonl"
    rows = [json.loads(x) for x in lines[:60]]
    test.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    assert main(["classify", str(test), "--json", "--model", str(out_dir)]) == 0
    out = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert len(out) == 60 and all(o["label"] in LABELS for o in out)
    assert main(["eval", "topic", str(test), "--model", str(out_dir), "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["n"] == 60 and s["accuracy"] > 0.6


def test_train_refuses_a_file_without_labels(tmp_path, capsys):
    f = tmp_path / "x.jsonl"
    f.write_text(json.dumps({"text": "نص"}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["train", "topic", "--train", str(f), "--out", str(tmp_path / "m")]) == 1
    assert "label" in capsys.readouterr().err
