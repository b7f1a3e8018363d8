"""Web archives (WARC / ARC, plain or gzipped): each HTML response with status 200 is
one document, its URL from WARC-Target-URI.

Only a record known to be whole becomes a document. A record is refused, with one line
naming it, when the archive ends before its declared ``Content-Length``, when its
``WARC-Block-Digest`` / ``WARC-Payload-Digest`` (written by most crawlers) does not match,
when its gzip member is corrupt, or when what follows it is not the blank line and next
record the length promised (a wrong length). Its result is held until the next record has
been found, so a damaged record is never stored and never blocks the complete copy of the
same page, read later, as "already stored". Damage that leaves the rest of the archive
unreadable is reported once, with the number of the record where reading stopped.

Decompression is bounded as for every other input (:func:`streams.inflates_too_far`), per
record: a record's gzip member, or its HTTP ``Content-Encoding``, inflating past the bound
is refused with one line naming the record; the rest of its member is skipped unread (the
next member that begins a record is found by its gzip magic bytes), so a bomb costs time in
proportion to its compressed size, and the records after it are read.
"""

from __future__ import annotations

import logging
import re
import zlib
from collections.abc import Iterator
from functools import cache
from typing import Any, BinaryIO

from marsad.errors import InputError
from marsad.ingest.readers import document_from_html, html_limit
from marsad.ingest.result import ReadResult
from marsad.ingest.streams import (
    ByteSource,
    InflateError,
    bounded_inflate,
    inflate_error,
    inflates_too_far,
    too_big,
)

_HTML = ("text/html", "application/xhtml+xml")
_DRAIN = 1 << 16
_REFETCH = "re-download or re-crawl the complete archive; the other records were read"
_SKIPPED = "the rest of this record was skipped, the records after it read"
_GZIP_MEMBER = b"\x1f\x8b\x08"  # a gzip member's magic bytes and its method (deflate)
_VERIFY = 4096  # compressed bytes looked at to tell whether a gzip member begins a record
# how a record begins: a WARC version line, or an ARC header's URL (filedesc:// first)
_RECORD_HEAD = re.compile(rb"WARC/\d|[A-Za-z][\w+.-]*://")


class _Corrupt(Exception):
    """Compressed data that cannot be decompressed (warcio would print and carry on)."""


def _begins_record(packed: bytes) -> bool:
    """Whether compressed bytes are a gzip member that inflates to a record's first line."""
    try:
        head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(packed, 64)
    except zlib.error:
        return False
    return bool(_RECORD_HEAD.match(head))


def next_member(stream: ByteSource, block: int = 1 << 16) -> bytes:
    """The compressed bytes from the next gzip member of ``stream`` that begins a record
    (b"" if none does): skips the rest of a member without inflating it."""
    buf, pos, ended = b"", 0, False
    while True:
        i = buf.find(_GZIP_MEMBER, pos)
        if i >= 0 and (ended or len(buf) - i >= _VERIFY):
            if _begins_record(buf[i : i + _VERIFY]):
                return buf[i:]
            pos = i + 1
            continue
        if ended:
            return b""
        keep = i if i >= 0 else max(0, len(buf) - len(_GZIP_MEMBER) + 1)
        buf, pos = buf[keep:], 0
        chunk = stream.read(block)
        ended = not chunk
        buf += chunk


class _Skipped:
    """Stands for the decompressor of a gzip member cut short: it holds the compressed
    bytes from the next member on, which warcio then reads as the next record."""

    eof = True

    def __init__(self, rest: bytes):
        self.unused_data = rest

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        return b""

    def flush(self) -> bytes:
        return b""


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"' ")
    return None


@cache
def _archive_class() -> Any:
    """warcio's ArchiveIterator, strict: digests checked, a corrupt gzip member raised
    instead of printed, a wrong record length counted without printing, and a record
    the archive ends inside of noted at the end."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.bufferedreaders import DecompressingBufferedReader

    # warcio logs what it repairs in damaged headers, quoting them; marsad reports the
    # damage itself, once, so these never reach a terminal through logging's last resort
    logging.getLogger("warcio").addHandler(logging.NullHandler())

    class StrictReader(DecompressingBufferedReader):
        """Raises on a corrupt gzip member; counts each member's compressed and inflated
        bytes and cuts one inflating past the bound (``cut``: its (packed, inflated))."""

        cut: tuple[int, int] | None = None
        decompressor: Any  # zlib's decompress object, or _Skipped; None: a plain archive

        def _init_decomp(self, decomp_type: str | None) -> None:
            super()._init_decomp(decomp_type)
            self.packed = 0
            self.inflated = 0

        def _decompress(self, data: bytes) -> bytes:
            d = self.decompressor
            if not d or not data or isinstance(d, _Skipped):
                return super()._decompress(data)
            if self.num_block_read:
                try:
                    out: bytes = d.decompress(data)
                except (zlib.error, ValueError, OSError) as exc:  # the member is corrupt
                    raise _Corrupt(f"corrupt gzip data ({exc})") from None
            else:  # the first block: warcio tells a gzipped archive from a plain one
                out = super()._decompress(data)
                d = self.decompressor
                if not d:
                    return out
            self.packed += max(0, len(data) - len(d.unused_data))
            self.inflated += len(out)
            if inflates_too_far(self.inflated, self.packed):
                self.cut = (self.packed, self.inflated)
                if not d.eof:
                    self.decompressor = _Skipped(next_member(self.stream, self.block_size))
                return b""
            return out

    class StrictArchive(ArchiveIterator):
        INC_RECORD = ""  # the wrong-length warning: counted in err_count, reported by us
        reader: Any  # warcio's (untyped) DecompressingBufferedReader; None once closed

        def __init__(self, fileobj: BinaryIO) -> None:
            super().__init__(fileobj, arc2warc=True, check_digests=True)
            self.reader = StrictReader(self.fh, block_size=self.reader.block_size)
            self.ended_inside: bool = False

        def close(self) -> None:
            r = self.reader
            if r is not None:
                d = r.decompressor
                left = r.rem_length() or (r.stream is not None and r.stream.read(1))
                self.ended_inside = bool(left) or (d is not None and not d.eof)
            super().close()

    return StrictArchive


def _damage(record: Any) -> str | None:
    """Why a fully read record is not whole, or None."""
    declared = getattr(record, "length", None)
    left = getattr(record.raw_stream, "limit", 0)
    if left > 0:
        size = f" ({declared - left:,} of {declared:,} bytes)" if isinstance(declared, int) else ""
        return f"record cut short{size}: the archive ends inside it"
    checker = getattr(record, "digest_checker", None)
    if checker is not None and checker.passed is False:
        return f"record corrupt ({'; '.join(checker.problems) or 'digest mismatch'})"
    return None


def _verified(record: Any) -> bool:
    """Whether the record's own digest vouches for it (else only its length does)."""
    checker = getattr(record, "digest_checker", None)
    return checker is not None and checker.passed is True


def _read_record(record: Any, where: str, max_bytes: int) -> ReadResult | None:
    """The record's document or error (None: not an HTML 200 response)."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    if record.http_headers.get_statuscode() != "200":
        return None
    ctype = record.http_headers.get_header("Content-Type") or ""
    if not ctype.lower().startswith(_HTML):
        return None
    content = record.content_stream()
    raw = record.raw_stream
    if content is not raw:  # Content-Encoding (or chunks) decoded as it is read: bounded
        start = raw.limit
        content = bounded_inflate(content, origin=where, compressed=lambda: start - raw.limit,
                                  rest=_SKIPPED)
    cap = html_limit(max_bytes)  # a page: the HTML cap, as for a page read from a file
    try:
        data = content.read(cap + 1)
    except InflateError as err:
        return ReadResult(where, error=err)
    if len(data) > cap:
        return ReadResult(where, error=too_big(where, None, cap))
    while record.raw_stream.read(_DRAIN):  # to its declared end: length and digests checked
        pass
    damage = _damage(record)
    if damage:
        return ReadResult(where, error=InputError(f"{damage}; not stored", source=where,
                                                  fix=_REFETCH))
    try:
        doc = document_from_html(data, url=record.rec_headers.get_header("WARC-Target-URI"),
                                 origin=where, declared_encoding=_charset(ctype))
    except InputError as err:
        return ReadResult(where, error=err)
    crawled = record.rec_headers.get_header("WARC-Date")
    if crawled:
        doc.meta["crawled"] = crawled
    doc.meta["warc_verified"] = _verified(record)
    return ReadResult(where, doc)


def _wrong_length(held: ReadResult) -> ReadResult:
    msg = ("record corrupt (its Content-Length does not end where a next record starts); "
           "not stored")
    return ReadResult(held.origin, error=InputError(msg, source=held.origin, fix=_REFETCH))


def read_warc(stream: BinaryIO, *, origin: str, max_bytes: int) -> Iterator[ReadResult]:
    from warcio.exceptions import ArchiveLoadFailed
    from warcio.statusandheaders import StatusAndHeadersParserException as BadHeaders

    archive = _archive_class()(stream)
    n = 0
    held: ReadResult | None = None  # the last record's result, until its end is confirmed
    inside = False  # reading record n (else: looking for the next one)
    seen_errors = 0

    def settle(result: ReadResult, *, next_ok: bool) -> ReadResult:
        """A held document stands when its digest vouches for it, or when the bytes after
        it began a record (or ended the archive) where its length said."""
        nonlocal seen_errors
        wrong_length = archive.err_count > seen_errors  # no blank line where it should end
        seen_errors = archive.err_count
        d = result.document
        if d is None:
            return result
        verified = d.meta.pop("warc_verified", False)
        if not verified and (wrong_length or not next_ok):
            return _wrong_length(result)
        return result

    try:
        for record in archive:
            if held is not None:
                yield settle(held, next_ok=True)
                held = None
            n += 1
            inside = True
            held = _read_record(record, f"{origin}#record{n}", max_bytes)
            inside = False
            archive.read_to_end()  # (else done when the next record is looked for)
            cut, archive.reader.cut = archive.reader.cut, None
            if cut is not None:
                where = f"{origin}#record{n}"
                held = ReadResult(where, error=inflate_error(where, *cut, rest=_SKIPPED))
        if held is not None:
            yield settle(held, next_ok=True)
            held = None
        if archive.ended_inside:
            yield ReadResult(origin, error=InputError(
                f"the archive is cut short or damaged after record {n}: what follows was "
                "not read", source=origin, fix=_REFETCH))
    except (_Corrupt, ArchiveLoadFailed, BadHeaders, ValueError, AttributeError, EOFError,
            OSError) as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        if n == 0 and not inside and isinstance(exc, ArchiveLoadFailed):
            raise InputError(f"not a readable WARC/ARC archive ({reason})", source=origin,
                             fix="check the file is a complete web archive") from None
        if held is not None:  # no record where its length ended: the length may be wrong
            yield settle(held, next_ok=not isinstance(exc, ArchiveLoadFailed))
        where = f"{origin}#record{n if inside else n + 1}"
        cut = getattr(archive.reader, "cut", None)  # a record's headers inflating past the bound
        if cut is not None:
            yield ReadResult(where, error=inflate_error(
                where, *cut, rest="what follows could not be found as records, not read"))
            return
        yield ReadResult(where, error=InputError(
            f"archive damaged here after {n - inside} records ({reason}); the rest not read",
            source=where, fix=_REFETCH))
