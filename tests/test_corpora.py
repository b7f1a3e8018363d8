"""The lab's one corpus reader: the Documents it yields are those `marsad ingest` builds
from the same lines (read_paths), boilerplate pass, dates and rejected lines included."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from marsad.data import corpus_or_skip
from marsad.errors import InputError
from marsad.ingest import read_paths
from marsad.lab.corpora import corpus_file, documents, stored_url, texts
from marsad.model import Document

# SaudiNewsNet's fields; contents with the furniture production removes (a dateline, an
# «اقرأ أيضا» teaser), a row production rejects (no text), an URL with an invisible mark
ROWS = [
    {"source": "spa", "url": "http://example.org/a/1", "date_extracted": "2015-07-21 02:51:32",
     "title": "افتتاح مستشفى جديد في المدينة", "author": "",
     "content": "الرياض - واس: أعلنت وزارة الصحة اليوم عن افتتاح مستشفى جديد في المدينة.\n"
                "اقرأ أيضا: وزير الصحة يزور جدة\n"
                "وأضافت الوزارة أن المستشفى يضم ثلاثمائة سرير."},
    {"source": "okaz", "url": "http://example.org/b/2", "date_extracted": "2015-07-22 10:00:00",
     "title": "", "author": "", "content": ""},
    {"source": "sabq", "url": "http://example.org/c/\u200eخبر-3.html",
     "date_extracted": "2015-07-23 08:15:00", "title": "أمطار غزيرة على جدة",
     "author": "جدة: محمد", "content": "شهدت محافظة جدة أمطارا غزيرة.\n\nوعلقت الدراسة غدا."},
    {"source": "alyaum", "url": "http://example.org/d/4", "date_extracted": "2015-07-24 09:00:00",
     "title": "سقوط قذيفة على منزل في جازان", "author": None,
     "content": "أعلن الدفاع المدني أن قذيفة سقطت أمس على منزل في جازان."},
]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "articles.jsonl.gz"
    lines = [json.dumps(r, ensure_ascii=False) for r in ROWS]
    lines.insert(3, "{not json")  # line 4: production reports it and reads on
    lines.insert(1, "")  # line 2: blank
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    return path


def production(path: Path, lines: int | None = None) -> list[tuple[int, Document]]:
    """(line, Document) of what `marsad ingest` reads from ``path`` (its first ``lines``)."""
    out = []
    for r in read_paths([path]):
        n = int(r.origin.rsplit(":", 1)[1])
        if lines is not None and n > lines:
            break
        if r.document is not None:
            out.append((n, r.document))
    return out


def test_documents_are_what_ingest_builds(corpus: Path):
    got = list(documents(corpus))
    assert got == production(corpus)
    assert [n for n, _ in got] == [1, 4, 6]  # blank line 2, empty row 3, bad JSON 5 skipped
    first = got[0][1]
    # the boilerplate pass ran: dateline taken out, teaser removed
    assert first.dateline == "الرياض" and first.meta.get("boilerplate_removed") == 1
    assert "اقرأ أيضا" not in first.text
    assert first.published == "2015-07-21T02:51:32" and first.language == "ar"
    assert first.origin == f"{corpus}:1"


def test_lines_limit_and_where_select_the_same_documents(corpus: Path):
    full = dict(production(corpus))
    assert list(documents(corpus, lines={6, 3, 1})) == [(1, full[1]), (6, full[6])]
    assert list(documents(corpus, lines=set())) == []
    assert list(documents(corpus, limit=2)) == [(1, full[1]), (4, full[4])]
    assert list(documents(corpus, limit=0)) == []
    sabq = list(documents(corpus, where=lambda row: row.get("source") == "sabq"))
    assert sabq == [(4, full[4])]


def test_texts_and_urls_are_production_forms(corpus: Path):
    docs = [d for _, d in documents(corpus)]
    assert list(texts(corpus)) == [d.text for d in docs]
    raw = ROWS[2]["url"]
    assert docs[1].url != raw and docs[1].url == stored_url(raw)


def test_unknown_corpus_is_a_clear_error(tmp_path: Path):
    with pytest.raises(InputError, match="no such corpus file"):
        corpus_file(tmp_path / "missing.jsonl.gz")


def test_real_saudinewsnet_lines_match_ingest():
    path = corpus_or_skip("saudinewsnet", "articles.jsonl.gz")
    assert corpus_file("saudinewsnet") == path
    ingest = production(path, 1300)
    got = list(documents("saudinewsnet", lines=range(1, 1301)))
    assert got == ingest and len(got) > 1200
    assert len(got) < 1300  # production rejects some lines of this range (no text at all)
    assert list(documents("saudinewsnet", limit=50)) == ingest[:50]
