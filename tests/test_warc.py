"""Damaged web archives: real WARC files written here, then cut or corrupted byte-wise.
A record that is not whole is reported (naming it) and never stored, the whole records
around it are read, and the complete archive ingested later stores what the damaged copy
could not."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

import marsad
from marsad.ingest import read_paths
from marsad.run.engine import ingest

pytest.importorskip("warcio")


def _page(i: int) -> bytes:
    paras = "".join(
        f"<p>فقرة رقم {k} من الخبر رقم {i}: أعلنت السلطات المحلية اليوم عن خطة جديدة "
        f"لتطوير شبكة الطرق في المدينة والمناطق المحيطة بها خلال العام المقبل.</p>"
        for k in range(12))
    return (f"<html><head><title>عنوان الخبر رقم {i}</title></head><body><article>"
            f"<h1>عنوان الخبر رقم {i}</h1>{paras}</article></body></html>").encode()


def write_warc(path: Path, *, gz: bool, n: int = 3, digests: bool = True) -> list[int]:
    """``n`` HTML responses (with a request record before each) into ``path``; returns
    the byte offset where each response record starts, and the file's end."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    w = WARCWriter(out, gzip=gz)
    starts = []
    for i in range(n):
        url = f"https://news.example.org/a{i}"
        w.write_record(w.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
        starts.append(out.tell())
        h = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                             protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(_page(i)),
                                            http_headers=h))
    data = out.getvalue()
    if not digests:  # as some crawlers write them: lengths only
        assert not gz
        data = re.sub(rb"WARC-(Block|Payload)-Digest: [^\r]*\r\n", b"", data)
        starts = [m.start() for m in re.finditer(rb"WARC/1\.\d\r\nWARC-Type: response", data)]
    path.write_bytes(data)
    return [*starts, len(data)]


def results(path: Path) -> tuple[list[str], dict[str, str]]:
    """(URLs of the documents read, {origin: error message})."""
    docs, errors = [], {}
    for r in read_paths([path]):
        if r.document is not None:
            docs.append(r.document.url)
        else:
            errors[r.origin] = str(r.error)
    return docs, errors


def test_complete_archive_reads_every_record(tmp_path: Path) -> None:
    for gz in (False, True):
        p = tmp_path / ("ok.warc.gz" if gz else "ok.warc")
        write_warc(p, gz=gz)
        docs, errors = results(p)
        assert docs == [f"https://news.example.org/a{i}" for i in range(3)] and not errors


def test_record_cut_inside_its_text_is_reported_not_stored(tmp_path: Path) -> None:
    """The cut falls right after a paragraph, so the cut page is valid HTML that reads as a
    shorter article: exactly what must not be stored as if complete."""
    full = tmp_path / "crawl.warc"
    starts = write_warc(full, gz=False)
    data = full.read_bytes()
    cut = data.index(b"</p>", starts[2]) + len(b"</p>")
    short = tmp_path / "cut.warc"
    short.write_bytes(data[:cut])
    docs, errors = results(short)
    assert docs == ["https://news.example.org/a0", "https://news.example.org/a1"]
    (origin, msg), = errors.items()
    assert origin == f"{short}#record6"  # request, response ×3: the third response
    assert "cut short" in msg and "not stored" in msg and "re-download" in msg


def test_truncated_gzip_archive_is_reported(tmp_path: Path) -> None:
    full = tmp_path / "crawl.warc.gz"
    starts = write_warc(full, gz=True)
    data = full.read_bytes()
    for cut in (starts[2] + 40, (starts[2] + starts[3]) // 2, len(data) - 5):
        short = tmp_path / "cut.warc.gz"
        short.write_bytes(data[:cut])
        docs, errors = results(short)
        assert docs[:2] == ["https://news.example.org/a0", "https://news.example.org/a1"]
        assert len(errors) == 1, (cut, errors)
        assert "cut short" in next(iter(errors.values()))


def test_corrupt_record_is_reported_and_the_rest_read(tmp_path: Path) -> None:
    """Bytes lost from the middle of a record: its digest fails (or, without digests, its
    length runs into the next record); it is refused, the records before it are read."""
    for digests in (True, False):
        p = tmp_path / "crawl.warc"
        starts = write_warc(p, gz=False, digests=digests)
        data = p.read_bytes()
        mid = (starts[0] + starts[1]) // 2
        p.write_bytes(data[:mid] + data[mid + 300:])
        docs, errors = results(p)
        assert "https://news.example.org/a0" not in docs, digests
        assert errors and all("not stored" in m or "not read" in m for m in errors.values())
        assert any("corrupt" in m or "damaged" in m for m in errors.values()), errors


def test_complete_copy_is_stored_after_a_truncated_one(tmp_path: Path) -> None:
    """Ingest the cut archive (the cut record reported, the run marked failed), then the
    complete one: the record the cut copy lacked is stored now, nothing twice."""
    full = tmp_path / "full.warc"
    starts = write_warc(full, gz=False)
    data = full.read_bytes()
    short = tmp_path / "short.warc"
    short.write_bytes(data[: data.index(b"</p>", starts[2]) + 4])
    said: list[str] = []
    with marsad.open(tmp_path / "t.db") as store:
        first = ingest(store, [short], analyze=False, progress=False, on_error=said.append)
        assert (first.new, first.failed) == (2, 1) and not first.ok
        assert "short.warc#record6" in said[0]
        assert not store.known([], ["https://news.example.org/a2"])
        second = ingest(store, [full], analyze=False, progress=False, on_error=said.append)
        assert (second.new, second.known, second.failed) == (1, 2, 0)
        a = store.search("", limit=10)
        assert a.total == 3
        whole = [h for h in a.hits if h.url == "https://news.example.org/a2"]
        assert whole and store.get(whole[0].id).document.body.count("فقرة رقم") == 12
