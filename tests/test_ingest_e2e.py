"""End to end: one read of a folder mixing every format, encoding and kind of bad input
(tests/data/ingest/mixed, built by make_fixtures.py), plus a 200 MB file made on the spot."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

from marsad.ingest import count_inputs, read_paths
from marsad.model import PARAGRAPH_SEP

MIXED = Path(__file__).parent / "data" / "ingest" / "mixed"

# origin (relative to the folder) -> read OK?
EXPECTED = {
    "archive.zip!news/empty.txt": False,
    "archive.zip!news/page.html": True,
    "archive.zip!news/plain.txt": True,
    "archive.zip!news/single-newlines.txt": True,
    "article-boilerplate.html": True,
    "articles.jsonl:1": True,
    "articles.jsonl:3": True,
    "articles.jsonl:4": False,  # malformed JSON
    "articles.jsonl:5": False,  # no text
    "articles.jsonl:6": False,  # not an object
    "binary.txt": False,
    "boilerplate.txt": True,
    "bom-utf8.txt": True,
    "broken-recoverable.html": True,
    "broken.html": False,
    "bundle.tar.gz!bundle/legacy-cp1256.txt": True,
    "bundle.tar.gz!bundle/articles.jsonl:1": True,
    "bundle.tar.gz!bundle/articles.jsonl:2": True,
    "crawl.warc.gz#record2": True,
    "crawl.warc.gz#record4": True,
    "empty.txt": False,
    "english.txt": True,
    "feed-atom.atom#item1": True,
    "feed-atom.atom#item2": True,
    "feed-rss.xml#item1": True,
    "feed-rss.xml#item2": True,
    "feed-rss.xml#item3": True,
    "huge.txt": False,  # 200 MB, made by the test
    "legacy-cp1256.txt": True,
    "legacy-iso8859-6.txt": True,
    "more.jsonl.gz:1": True,
    "not-a-feed.rss": False,
    "page-cp1256.html": True,
    "plain-utf8.txt": True,
    "single-newlines.txt": True,
    "undecodable.txt": False,
    "utf16-bom.txt": True,
    "utf16be-nobom.txt": True,
}


def test_mixed_folder(tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    shutil.copytree(MIXED, folder)
    with open(folder / "huge.txt", "wb") as f:
        f.truncate(200 * 2**20)  # sparse: costs neither time nor disk
    results = list(read_paths([folder]))
    got = {r.origin[len(str(folder)) + 1:]: r.document is not None for r in results}
    assert got == EXPECTED
    assert list(got) == sorted(got, key=list(EXPECTED).index)  # stable, sorted order
    docs = [r.document for r in results if r.document]
    errors = [r.error for r in results if r.error]
    assert (len(docs), len(errors)) == (28, 10)
    for r in results:
        if r.error:
            assert str(r.error).startswith(r.origin + ": ")  # names the input (and line)
        else:
            d = r.document
            assert d.origin == r.origin
            assert d.text == (d.title + PARAGRAPH_SEP if d.title else "") + PARAGRAPH_SEP.join(d.paragraphs)
    langs = Counter(d.language for d in docs)
    assert langs == {"ar": 27, "en": 1}
    # the same article read from three places has one id
    assert len({d.id for d in docs if d.title.startswith("البنك المركزي المصري")}) == 1
    # copies: the first JSONL record x3, the second x2, plain, single-newlines and the
    # cp1256 page inside and outside the archives (x2 each), and the legacy text x3 (in
    # cp1256, in the tar, and in ISO-8859-6 with another dateline, which is metadata)
    assert len({d.id for d in docs}) == 28 - 2 - 1 - 3 - 2
    n = count_inputs([folder])
    assert n is not None and abs(n - len(results)) <= 3


def test_ingesting_the_folder_that_holds_the_database_skips_the_database(tmp_path) -> None:
    import subprocess
    import sys

    (tmp_path / "a.txt").write_text("عنوان\n\nانفجار في بغداد أمس.\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "marsad", "ingest", str(tmp_path), "--db", str(tmp_path / "here.db"),
           "--no-analyze", "-q"]
    first = subprocess.run(cmd, check=False, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    # here.db, -wal, -shm now exist
    again = subprocess.run(cmd, check=False, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert "0 new, 1 already known, 0 failed" in again.stdout
    assert "here.db" not in again.stderr
