"""No single input can exhaust the machine (issue 21, item 1): an article is cut at
MAX_ARTICLE_CHARS with a note, the analysis stages grow linearly with the article,
decompression is bounded by how far it inflates, the web writer analyses outside its lock,
and the fetcher reports an announced oversize and survives an absurd Retry-After."""

from __future__ import annotations

import cProfile
import email.utils
import gzip
import io
import json
import pstats
import re
import tarfile
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from test_web_data import TOKEN, LiveServer, build_web_db

from marsad.analyze.pipeline import Pipeline, get_stage
from marsad.data import corpus_or_skip
from marsad.ingest import read_paths, streams
from marsad.ingest.document import (
    MAX_ARTICLE_CHARS,
    MAX_TITLE_CHARS,
    build_document,
    document_from_text,
)
from marsad.ingest.fetch import FetchConfig, FetchError, PoliteClient, _retry_after

NOTE = re.compile(r"truncated: kept the first (\d+) of (\d+) characters")


def _words(n: int) -> list[str]:
    return [f"كلمة{i}" for i in range(n)]


# -- the article size limit -----------------------------------------------------------------
def test_long_article_keeps_its_first_characters_and_says_so() -> None:
    words = _words(60_000)  # ~470,000 characters in 60 paragraphs
    paras = [" ".join(words[i:i + 1000]) + "." for i in range(0, len(words), 1000)]
    whole = len("\n\n".join(paras))
    doc = build_document("تقرير طويل", paras, origin="long")
    kept, total = map(int, NOTE.fullmatch(doc.meta["truncated_note"]).groups())  # type: ignore[union-attr]
    assert total == whole > MAX_ARTICLE_CHARS
    assert kept == len(doc.body) <= MAX_ARTICLE_CHARS
    assert kept > MAX_ARTICLE_CHARS - 1000  # the first N characters, not a few paragraphs
    assert "\n\n".join(paras).startswith(doc.body)
    assert doc.body.split()[-1] in set(words)  # cut between words, not inside one
    short = build_document("خبر", ["نص قصير للخبر."], origin="short")
    assert "truncated_note" not in short.meta


def test_long_headline_is_cut_with_a_note() -> None:
    doc = document_from_text(" ".join(_words(40_000)) + "\n" + "نص الخبر.", origin="t")
    assert len(doc.title) <= MAX_TITLE_CHARS
    assert "of the headline" in doc.meta["truncated_note"]
    assert doc.body == "نص الخبر."


def test_jsonl_line_over_the_limit_is_read_cut_and_the_next_line_too(tmp_path: Path) -> None:
    big = " ".join(_words(120_000))  # ~950,000 characters on one line
    f = tmp_path / "dump.jsonl"
    f.write_text(json.dumps({"title": "تقرير", "text": big}, ensure_ascii=False) + "\n"
                 + json.dumps({"title": "خبر", "text": "نص خبر قصير."}, ensure_ascii=False)
                 + "\n", encoding="utf-8")
    results = list(read_paths([f]))
    assert [r.ok for r in results] == [True, True]
    first, second = (r.document for r in results)
    assert first is not None and second is not None
    assert len(first.body) <= MAX_ARTICLE_CHARS
    assert NOTE.fullmatch(first.meta["truncated_note"]).group(2) == str(len(big))  # type: ignore[union-attr]
    assert second.body == "نص خبر قصير." and "truncated_note" not in second.meta


def test_html_page_has_a_lower_byte_cap(tmp_path: Path) -> None:
    """A page's parse tree costs ~20 bytes per byte of markup (95 MB: 1.9 GB), so a page
    over MAX_HTML_BYTES is refused from its size, where a text file of that size is read."""
    from marsad.ingest.readers import MAX_HTML_BYTES

    page = tmp_path / "huge.html"
    with open(page, "wb") as f:
        f.truncate(MAX_HTML_BYTES + 1)  # sparse: costs neither time nor disk
    (err,) = list(read_paths([page]))
    assert err.error is not None and "32.0 MB limit" in str(err.error)


# -- every stage linear in the article's length ---------------------------------------------
def _calls(fn, *args) -> int:
    """Function calls (Python and builtin) made by ``fn(*args)``: a cost measure that does
    not depend on the machine or its load."""
    prof = cProfile.Profile()
    prof.enable()
    fn(*args)
    prof.disable()
    return pstats.Stats(prof).total_calls  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def news_text() -> str:
    path = corpus_or_skip("saudinewsnet", "articles.jsonl.gz")
    paras: list[str] = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            paras.append(json.loads(line)["content"])
            if sum(map(len, paras)) > 100_000:
                break
    return "\n\n".join(paras)


@pytest.mark.parametrize("stage", ["ner", "link", "summary"])
def test_stage_cost_grows_linearly(news_text: str, stage: str) -> None:
    """Doubling the article about doubles a stage's work (pairwise comparisons of
    sentences or mentions made summary and link grow ~4x: 3.8x for summary)."""
    before = {"ner": [], "link": ["ner"], "summary": ["ner"]}[stage]
    run = get_stage(stage)
    run(Pipeline(before)(build_document("تمهيد", [news_text[:3000]], origin="warm")))
    cost = []
    for n in (40_000, 80_000):
        a = Pipeline(before)(build_document("تقرير", [news_text[:n]], origin=str(n)))
        cost.append(_calls(run, a))
    assert cost[1] / cost[0] < 2.5, cost


def test_ner_tags_a_text_without_punctuation_in_bounded_pieces() -> None:
    from marsad.analyze.ner.stage import MAX_GROUP_TOKENS, bounded_groups, sentence_groups

    text = " ".join(["قال", "الرئيس", "عبد", "الفتاح", "السيسي", "في", "القاهرة", "اليوم"] * 400)
    a = Pipeline(["ner"])(build_document("عنوان", [text], origin="nopunct"))
    groups = sentence_groups(a)
    assert max(map(len, groups)) > MAX_GROUP_TOKENS  # one "sentence" of 3,200 tokens
    cut = bounded_groups(groups)
    assert max(map(len, cut)) <= MAX_GROUP_TOKENS
    assert [t for g in cut for t in g] == [t for g in groups for t in g]
    assert any(m.text == "القاهرة" for m in a.mentions)


# -- decompression bounded ------------------------------------------------------------------
@pytest.fixture
def small_floor(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 1 MB floor, so a bomb shows itself in a few MB instead of the default's 8."""
    monkeypatch.setattr(streams, "INFLATE_FLOOR", 1 << 20)


def test_zip_of_newlines_is_refused_and_the_other_members_read(tmp_path: Path, small_floor) -> None:
    z = tmp_path / "bomb.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.jsonl", b"\n" * (16 << 20))  # 16 MB of newlines in ~16 KB
        zf.writestr("b.txt", "عنوان الخبر\nنص الخبر كاملا.")
    results = list(read_paths([z]))
    errors = [r for r in results if r.error is not None]
    assert len(errors) == 1 and errors[0].origin == f"{z}!a.jsonl"
    assert "inflating over" in str(errors[0].error)
    assert [r.document.title for r in results if r.ok] == ["عنوان الخبر"]  # type: ignore[union-attr]


def test_compressed_stream_and_tar_bombs_are_refused_once(tmp_path: Path, small_floor) -> None:
    data = b"\n" * (16 << 20)
    gz = tmp_path / "dump.jsonl.gz"
    gz.write_bytes(gzip.compress(data))
    tgz = tmp_path / "dump.tar.gz"
    with tarfile.open(tgz, "w:gz") as tf:
        for name in ("a.jsonl", "b.jsonl"):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    for path in (gz, tgz):
        results = list(read_paths([path]))
        assert len(results) == 1 and results[0].origin == str(path), results
        assert "inflating over" in str(results[0].error)


def test_real_compressed_news_is_read_under_the_bound(tmp_path: Path, small_floor) -> None:
    path = corpus_or_skip("saudinewsnet", "articles.jsonl.gz")
    lines: list[bytes] = []
    with gzip.open(path, "rb") as f:
        while sum(map(len, lines)) < 3 << 20:  # 3 MB of real articles, past the 1 MB floor
            lines.append(f.readline())
    gz = tmp_path / "news.jsonl.gz"
    gz.write_bytes(gzip.compress(b"".join(lines), compresslevel=9))
    results = list(read_paths([gz]))
    assert len(results) == len(lines) and all(r.ok for r in results)


# -- the fetcher's two leftovers ------------------------------------------------------------
HUGE_ZONE = "Wed, 21 Oct 2015 07:28:00 +99999999999999999999"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/robots.txt":
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/announced":
            self.send_response(200)
            self.send_header("Content-Length", str(300 * 2**20))
            self.end_headers()
            self.wfile.write(b"x" * 1024)
        else:
            self.send_response(503)
            self.send_header("Retry-After", HUGE_ZONE)
            self.send_header("Content-Length", "0")
            self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def http_site():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def test_announced_oversize_says_what_the_server_announced(http_site: str) -> None:
    cfg = FetchConfig(timeout=2, retries=0, host_interval=0.0, max_bytes=2**20)
    with PoliteClient(cfg) as c, pytest.raises(FetchError) as e:
        c.get(f"{http_site}/announced")
    msg = str(e.value)
    assert e.value.kind == "too_large"
    assert f"announced {300 * 2**20} bytes" in msg and "aborted" not in msg


def test_retry_after_with_an_absurd_zone_is_no_retry_after(http_site: str) -> None:
    with pytest.raises(OverflowError):  # what the header used to raise through
        email.utils.parsedate_to_datetime(HUGE_ZONE) - email.utils.parsedate_to_datetime(
            "Wed, 21 Oct 2015 07:28:00 GMT")
    assert _retry_after(HUGE_ZONE) == 0.0
    cfg = FetchConfig(timeout=2, retries=1, backoff=0.01, host_interval=0.0)
    with PoliteClient(cfg) as c, pytest.raises(FetchError) as e:
        c.get(f"{http_site}/busy")
    assert e.value.kind == "status" and e.value.status == 503


# -- the web write path ---------------------------------------------------------------------
def _article(title: str, words: int) -> dict:
    return {"title": title, "text": " ".join(f"قال المتحدث في بيروت إن الوضع {i} مستقر."
                                             for i in range(words // 8))}


def test_request_size_fits_the_article_limit() -> None:
    from marsad.web import ServeSettings

    longest = json.dumps({"title": "ع" * MAX_TITLE_CHARS, "text": "ن" * MAX_ARTICLE_CHARS})
    limit = ServeSettings(db="x.db").max_body_bytes
    assert len(longest.encode()) <= limit < 20 * 2**20


@pytest.mark.slow
def test_small_post_does_not_wait_behind_a_big_one(tmp_path: Path) -> None:
    """Two real concurrent requests: while a long article is analysed, a short one posted
    after it is analysed and stored, and readable, before the long one is answered."""
    from marsad.web import ServeSettings, create_app

    info = build_web_db(tmp_path / "w.db")
    app = create_app(ServeSettings(db=str(info["path"]), write_token=TOKEN))
    state = app.state.marsad
    auth = {"Authorization": f"Bearer {TOKEN}"}
    big = _article("تقرير طويل جدا عن الأوضاع", 40_000)  # cut to 200,000 characters
    small = _article("خبر قصير عن بيروت", 40)
    with LiveServer(app) as srv, httpx.Client(base_url=srv.url, trust_env=False, timeout=300) as c, \
            ThreadPoolExecutor(2) as pool:
        c.post("/api/documents", json=_article("إحماء النماذج", 40), headers=auth)  # load models
        slow = pool.submit(c.post, "/api/documents", json=big, headers=auth)
        while not state.analysing() and not slow.done():
            time.sleep(0.01)
        assert not slow.done(), "the long article was analysed before it could be overtaken"
        assert not state.write_lock.locked()  # analysing does not hold the writer
        quick = c.post("/api/documents", json=small, headers=auth)
        assert quick.status_code == 201, quick.text
        assert not slow.done()  # the short one was stored while the long one was analysed
        doc_id = quick.json()["ids"][0]
        assert c.get(f"/api/documents/{doc_id}").status_code == 200
        done = slow.result()
    assert done.status_code == 201, done.text
    assert any(NOTE.search(n) for n in done.json()["notes"])
