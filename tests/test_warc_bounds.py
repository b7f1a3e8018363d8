"""Decompression inside web archives is bounded like every other input's: a record whose
gzip member (or HTTP Content-Encoding) inflates past the bound is refused with one line
naming the file and the record, the rest of its member is skipped unread, and the records
after it are read and stored. Real WARC files, written here with warcio."""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path

import pytest

import marsad
from marsad.ingest import read_paths
from marsad.ingest.warc import next_member
from marsad.run.engine import ingest

pytest.importorskip("warcio")

BOMB_BYTES = 24 << 20  # over the 8 MB floor, under the 100 MB size cap: the inflate bound trips


def _page(i: int, pad: bytes = b"") -> bytes:
    paras = "".join(f"<p>فقرة {k} من الخبر {i}: أعلنت وزارة النقل اليوم عن مشروع جديد لتوسعة "
                    "الطرق السريعة بين المدن الرئيسية خلال العامين المقبلين.</p>" for k in range(8))
    return (f"<html><head><title>الخبر رقم {i}</title></head><body><article><h1>الخبر رقم {i}"
            f"</h1>{paras}").encode() + pad + b"</article></body></html>"


def _records(pages: list[tuple[int, bytes]], *, gz: bool,
             headers: tuple[tuple[str, str], ...] = ()) -> bytes:
    """Response records (after a request record each) for ``(i, payload)``."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    w = WARCWriter(out, gzip=gz)
    for i, payload in pages:
        url = f"https://news.example.org/a{i}"
        w.write_record(w.create_warc_record(url, "request",
                                            payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
        h = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"), *headers],
                             protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(payload),
                                            http_headers=h))
    return out.getvalue()


def _read(path: Path) -> tuple[list[str], dict[str, str]]:
    docs, errors = [], {}
    for r in read_paths([path]):
        if r.document is not None:
            docs.append(r.document.url)
        else:
            errors[r.origin] = str(r.error)
    return docs, errors


def test_a_bomb_record_is_refused_and_the_next_record_stored(tmp_path: Path) -> None:
    """A .warc.gz: a good page, a page padded with 24 MB of spaces (~24 KB gzipped),
    another good page. The padded record is refused by the inflate bound (not by the
    size cap), named by file and record; the good pages are stored."""
    p = tmp_path / "crawl.warc.gz"
    p.write_bytes(_records([(0, _page(0))], gz=True)
                  + _records([(1, _page(1, b" " * BOMB_BYTES))], gz=True)
                  + _records([(2, _page(2))], gz=True))
    assert p.stat().st_size < 200_000
    docs, errors = _read(p)
    assert docs == ["https://news.example.org/a0", "https://news.example.org/a2"]
    (origin, msg), = errors.items()
    assert origin == f"{p}#record4"  # request, response, request, response: the second page
    assert "inflating over 50 times" in msg and "skipped" in msg and "too large" not in msg
    with marsad.open(tmp_path / "t.db") as store:
        said: list[str] = []
        rep = ingest(store, [p], analyze=False, progress=False, on_error=said.append)
        assert (rep.new, rep.failed) == (2, 1) and not rep.ok
        assert len(said) == 1 and f"{p.name}#record4" in said[0]
        assert store.known([], ["https://news.example.org/a2"])
        assert not store.known([], ["https://news.example.org/a1"])


def test_an_endless_gzip_member_is_cut_and_the_archive_read_on(tmp_path: Path) -> None:
    """A record whose gzip member never ends (no end of stream, no trailer; 64 MB of
    spaces promised in ~64 KB) followed by a complete member: inflating on would run the
    next member's bytes into the endless one; it is cut at the bound, skipped unread up
    to the next member that begins a record, and that record is stored."""
    plain = _records([(1, _page(1, b" " * (64 << 20)))], gz=False)
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    endless = z.compress(plain) + z.flush(zlib.Z_SYNC_FLUSH)  # no final block, no trailer
    p = tmp_path / "endless.warc.gz"
    p.write_bytes(_records([(0, _page(0))], gz=True) + endless + _records([(2, _page(2))], gz=True))
    docs, errors = _read(p)
    assert docs == ["https://news.example.org/a0", "https://news.example.org/a2"]
    (origin, msg), = errors.items()
    assert origin == f"{p}#record3"  # the endless member holds records 3 (request) and 4
    assert "inflating over" in msg


def test_a_content_encoding_bomb_in_a_plain_warc_is_refused(tmp_path: Path) -> None:
    """The HTTP layer's gzip (Content-Encoding) is bounded too: the bomb page refused by
    record, the plain page after it stored."""
    bomb = gzip.compress(_page(1, b" " * BOMB_BYTES))
    p = tmp_path / "crawl.warc"
    p.write_bytes(_records([(1, bomb)], gz=False, headers=(("Content-Encoding", "gzip"),))
                  + _records([(2, _page(2))], gz=False))
    docs, errors = _read(p)
    assert docs == ["https://news.example.org/a2"]
    (origin, msg), = errors.items()
    assert origin == f"{p}#record2" and "inflating over" in msg


def test_a_small_content_encoded_page_is_read(tmp_path: Path) -> None:
    p = tmp_path / "ok.warc.gz"
    p.write_bytes(_records([(1, gzip.compress(_page(1)))], gz=True,
                           headers=(("Content-Encoding", "gzip"),)))
    docs, errors = _read(p)
    assert docs == ["https://news.example.org/a1"] and not errors


def test_next_member_skips_to_a_member_that_begins_a_record() -> None:
    """Magic bytes inside a member's data, or a member that is not a record, are passed
    over; the bytes returned start the record's member."""
    record = _records([(3, _page(3))], gz=True)
    junk = b"\x1f\x8b\x08 not a member " + gzip.compress(b"not a record") + b"\x00" * 70_000
    assert next_member(io.BytesIO(junk + record), block=1000) == record
    assert next_member(io.BytesIO(junk)) == b""


def test_a_page_over_the_html_cap_is_refused_inside_a_warc_too(tmp_path: Path) -> None:
    """A page is parsed into a tree of ~20 bytes per byte of markup, so pages have a lower
    cap than other inputs (MAX_HTML_BYTES); a page inside a WARC is held to it like a page
    read from a file, though the archive itself is under the general size cap."""
    from marsad.ingest.paths import DEFAULT_MAX_BYTES
    from marsad.ingest.readers import MAX_HTML_BYTES

    assert MAX_HTML_BYTES < DEFAULT_MAX_BYTES
    big = _page(1, b"<b>" + b"x" * (MAX_HTML_BYTES + 1) + b"</b>")
    p = tmp_path / "big.warc"
    p.write_bytes(_records([(0, _page(0)), (1, big), (2, _page(2))], gz=False))
    assert p.stat().st_size < DEFAULT_MAX_BYTES
    docs, errors = _read(p)
    assert docs == ["https://news.example.org/a0", "https://news.example.org/a2"]
    (origin, msg), = errors.items()
    assert origin == f"{p}#record4" and "32.0 MB limit" in msg
