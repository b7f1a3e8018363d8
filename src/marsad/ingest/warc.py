"""Web archives (WARC / ARC, plain or gzipped): each HTML response with status 200 is
one document, its URL from WARC-Target-URI."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from marsad.errors import InputError
from marsad.ingest.readers import document_from_html
from marsad.ingest.result import ReadResult
from marsad.ingest.streams import too_big

_HTML = ("text/html", "application/xhtml+xml")


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"' ")
    return None


def read_warc(stream: BinaryIO, *, origin: str, max_bytes: int) -> Iterator[ReadResult]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    n = 0
    try:
        for record in ArchiveIterator(stream, arc2warc=True):
            n += 1
            if record.rec_type != "response" or record.http_headers is None:
                continue
            if record.http_headers.get_statuscode() != "200":
                continue
            ctype = record.http_headers.get_header("Content-Type") or ""
            if not ctype.lower().startswith(_HTML):
                continue
            where = f"{origin}#record{n}"
            url = record.rec_headers.get_header("WARC-Target-URI")
            data = record.content_stream().read(max_bytes + 1)
            if len(data) > max_bytes:
                yield ReadResult(where, error=too_big(where, None, max_bytes))
                continue
            try:
                doc = document_from_html(data, url=url, origin=where,
                                         declared_encoding=_charset(ctype))
            except InputError as err:
                yield ReadResult(where, error=err)
                continue
            crawled = record.rec_headers.get_header("WARC-Date")
            if crawled:
                doc.meta["crawled"] = crawled
            yield ReadResult(where, doc)
    except ArchiveLoadFailed as exc:
        raise InputError(f"not a readable WARC/ARC archive after {n} records ({exc})",
                         source=origin, fix="check the file is a complete web archive") from None
