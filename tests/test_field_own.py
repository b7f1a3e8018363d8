"""Own field gold: ids and offsets rebuild the guideline files from the corpora in place."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from marsad.data import corpus_or_skip
from marsad.errors import InputError
from marsad.lab.events.field_own import (
    IDS_DIR,
    NAMES,
    QUOTED_MANY,
    encode,
    read_ids,
    rebuild,
    text_hash,
)

CORPUS_FILES = {"saudinewsnet": ("saudinewsnet", "articles.jsonl.gz"),
                "topics": ("topics", "train.jsonl.gz")}


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _spans(event: dict) -> list[list]:
    return [event["trigger"], event["sentence"], *(s for k in QUOTED_MANY for s in event[k])]


@pytest.mark.parametrize("name", NAMES)
def test_offsets_are_well_formed(name: str) -> None:
    lines = read_ids(name)
    assert len(lines) == 30 and len({x["id"] for x in lines}) == 30
    for x in lines:
        assert len(x["text_sha1"]) == 12
        assert "title" not in x and "text" not in x  # no corpus text in the repository
        for e in x["events"]:
            for part, a, b in _spans(e):
                assert part in ("title", "text") and 0 <= a < b, (x["id"], e)
            # the trigger lies in its sentence
            (sp, sa, sb), (tp, ta, tb) = e["sentence"], e["trigger"]
            assert tp == sp and sa <= ta and tb <= sb, (x["id"], e)


@pytest.mark.parametrize("name", NAMES)
def test_rebuild_round_trips(name: str, tmp_path: Path) -> None:
    lines = read_ids(name)
    for corpus in {x["corpus"] for x in lines}:
        corpus_or_skip(*CORPUS_FILES[corpus])
    arts_path, gold_path = rebuild(name, tmp_path)
    arts, gold = _jsonl(arts_path), _jsonl(gold_path)
    assert [a["id"] for a in arts] == [g["id"] for g in gold] == [x["id"] for x in lines]
    refs = [{"id": x["id"], "corpus": x["corpus"], "url": x["url"], "line": x["line"]} for x in lines]
    for a, g, x, r in zip(arts, gold, lines, refs, strict=True):
        assert set(a) <= {"id", "title", "text", "published", "source", "url", "origin"}
        assert "published" not in a or name == "snn"
        for e in g["events"]:
            for s in (e["trigger"], e["sentence"], *(s for k in QUOTED_MANY for s in e[k])):
                assert s and (s in a["title"] or s in a["text"]), (a["id"], s)
            assert e["trigger"] in e["sentence"]
        # encoding the rebuilt files gives back the stored line
        a_enc = dict(a, url_date=x["url_date"]) if "url_date" in x else a
        assert encode(a_enc, g, r) == x


def _fake_corpus(root: Path, rows: list[dict]) -> None:
    d = root / "saudinewsnet"
    d.mkdir(parents=True)
    with gzip.open(d / "articles.jsonl.gz", "wt", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def _fake_ids(ids_dir: Path, text: str) -> None:
    title = "الشرطة تعتقل متظاهرين في الرياض"
    article = {"id": "t001", "title": title, "text": text, "published": "2015-07-20",
               "source": "fake", "url": "http://example.org/1", "origin": "saudinewsnet"}
    gold = {"id": "t001", "events": [{
        "incident": "i1", "trigger": "تعتقل", "sentence": title, "type": "COERCE", "mode": "arrest",
        "status": "occurred", "source": ["الشرطة"], "source_en": "police", "target": ["متظاهرين"],
        "target_en": "protesters", "place": ["الرياض"], "place_country": "SA", "place_en": "Riyadh",
        "date": "2015-07-19", "fatalities": None}], "note": "hand-made"}
    ref = {"id": "t001", "corpus": "saudinewsnet", "url": "http://example.org/1", "line": 1}
    ids_dir.mkdir(parents=True, exist_ok=True)
    line = encode(article, gold, ref)
    (ids_dir / "snn.jsonl").write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")


TEXT = "اعتقلت الشرطة أمس عشرة متظاهرين في الرياض. وقالت إنها أفرجت عن اثنين."
OTHER = {"source": "fake", "url": "http://example.org/0", "date_extracted": "2015-07-19 01:00:00",
         "title": "خبر آخر", "author": "", "content": "نص آخر لا علاقة له."}


def _row(text: str) -> dict:
    return {"source": "fake", "url": "http://example.org/1", "date_extracted": "2015-07-20 01:00:00",
            "title": "الشرطة تعتقل متظاهرين في الرياض", "author": "", "content": text}


def test_fake_corpus_rebuilds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_corpus(tmp_path / "data", [OTHER, _row(TEXT)])
    _fake_ids(tmp_path / "ids", TEXT)
    monkeypatch.setenv("MARSAD_DATA", str(tmp_path / "data"))
    arts, gold = rebuild("snn", tmp_path / "out", ids_dir=tmp_path / "ids")
    (a,), (g,) = _jsonl(arts), _jsonl(gold)
    assert a == {"id": "t001", "title": "الشرطة تعتقل متظاهرين في الرياض", "text": TEXT,
                 "published": "2015-07-20", "source": "fake", "url": "http://example.org/1",
                 "origin": "saudinewsnet"}
    (e,) = g["events"]
    assert (e["trigger"], e["source"], e["target"], e["place"]) == ("تعتقل", ["الشرطة"], ["متظاهرين"], ["الرياض"])
    assert g["note"] == "hand-made"


def test_hash_mismatch_names_article_and_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_ids(tmp_path / "ids", TEXT)
    changed = TEXT.replace("عشرة", "عشرين")
    _fake_corpus(tmp_path / "data", [OTHER, _row(changed)])
    monkeypatch.setenv("MARSAD_DATA", str(tmp_path / "data"))
    with pytest.raises(InputError) as err:
        rebuild("snn", tmp_path / "out", ids_dir=tmp_path / "ids")
    msg = str(err.value)
    assert "t001" in msg and text_hash(changed) in msg and text_hash(TEXT) in msg
    assert "MARSAD_DATA" in msg
    assert not (tmp_path / "out" / "gold.jsonl").exists()


def test_unknown_name_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="snn, ant"):
        rebuild("xyz", tmp_path, ids_dir=IDS_DIR)
