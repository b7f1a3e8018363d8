"""From what the user names (files, folders, archives, ``-``) to ReadResults.

One dispatcher serves files on disk, archive members and stdin alike: it picks a reader by
name or by sniffing the first bytes, streams what can be streamed (JSON Lines, WARC,
archives) and reads the rest whole under the ``max_bytes`` cap. Failures become error
results naming the input, and the next input is read.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import sys
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from marsad.errors import InputError
from marsad.ingest.archives import Member, is_hidden, tar_members, zip_members
from marsad.ingest.encoding import binary_kind
from marsad.ingest.feeds import read_feed
from marsad.ingest.formats import COMPRESSED, SUPPORTED, WHOLE_KINDS, kind_from_name, sniff
from marsad.ingest.jsonl import read_jsonl
from marsad.ingest.readers import html_limit, read_html, read_json, read_txt
from marsad.ingest.result import ReadResult
from marsad.ingest.streams import (
    SNIFF_BYTES,
    ByteSource,
    Counted,
    InflateError,
    bounded_inflate,
    peek,
    read_capped,
    too_big,
)
from marsad.ingest.warc import read_warc

DEFAULT_MAX_BYTES = 100 * 2**20
MAX_NESTING = 3  # archives inside archives inside archives
SUPPORTED_FIX = f"marsad reads {SUPPORTED}"


def whole_limit(kind: str | None, max_bytes: int) -> int:
    """The byte cap of an input read whole: ``max_bytes``, lower for HTML pages."""
    return html_limit(max_bytes) if kind == "html" else max_bytes


def _whole(kind: str, data: bytes, origin: str) -> Iterator[ReadResult]:
    if not data:
        raise InputError("empty file (0 bytes)", source=origin, fix="nothing to read")
    if kind == "html":
        return read_html(data, origin=origin)
    if kind == "feed":
        return read_feed(data, origin=origin)
    if kind == "json":
        return read_json(data, origin=origin)
    return read_txt(data, origin=origin)


def read_stream(
    stream: BinaryIO,
    *,
    name: str,
    origin: str,
    max_bytes: int,
    size: int | None = None,
    path: Path | None = None,
    depth: int = 0,
) -> Iterator[ReadResult]:
    """Read one input given as a binary stream; ``name`` decides the format (by extension;
    sniffed when it has none marsad knows)."""
    kind = kind_from_name(name)
    if kind is None:
        head, stream = peek(stream, SNIFF_BYTES)
        if not head:
            raise InputError("empty file (0 bytes)", source=origin, fix="nothing to read")
        kind = sniff(head)
        what = binary_kind(head)
        if kind in WHOLE_KINDS and what:
            raise InputError(f"binary file ({what}), not text", source=origin, fix=SUPPORTED_FIX)
    if kind in WHOLE_KINDS:
        cap = whole_limit(kind, max_bytes)
        if size is not None and size > cap:
            raise too_big(origin, size, cap)
        data = read_capped(stream, origin=origin, max_bytes=cap)
        yield from _whole(kind, data, origin)
    elif kind == "jsonl":
        yield from read_jsonl(stream, origin=origin, max_bytes=max_bytes)
    elif kind == "warc":
        yield from read_warc(stream, origin=origin, max_bytes=max_bytes)
    elif kind in COMPRESSED:
        suffix = COMPRESSED[kind]
        inner = name[: -len(suffix)] if name.lower().endswith(suffix) else ""
        unpacked = _inflate(kind, stream, origin)
        try:
            yield from read_stream(unpacked, name=inner, origin=origin,
                                   max_bytes=max_bytes, depth=depth)
        except (OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
            raise InputError(f"broken {kind} data ({exc})", source=origin,
                             fix="re-compress or re-download the file") from None
    elif kind in ("zip", "tar"):
        if depth >= MAX_NESTING:
            raise InputError("archive nested too deeply", source=origin,
                             fix="extract the inner archive first")
        yield from _read_archive(kind, stream, origin=origin, max_bytes=max_bytes, path=path,
                                 depth=depth)
    else:  # pragma: no cover - formats.py lists every kind
        raise InputError(f"unsupported input kind {kind}", source=origin, fix=SUPPORTED)


# openers, not opened files: the caller closes what they return
_DECOMPRESS = {
    "gzip": lambda f: gzip.GzipFile(fileobj=f, mode="rb"),
    "bzip2": lambda f: bz2.BZ2File(f, mode="rb"),
    "xz": lambda f: lzma.LZMAFile(f, mode="rb"),  # noqa: SIM115
}


def _inflate(kind: str, stream: BinaryIO, origin: str) -> BinaryIO:
    """The decompressed ``stream``, bounded in how far it may inflate (so in time too)."""
    counted = Counted(stream)
    unpacked = _DECOMPRESS[kind](io.BufferedReader(counted))
    return bounded_inflate(unpacked, origin=origin, compressed=lambda: counted.count)


def _read_archive(kind: str, stream: BinaryIO, *, origin: str, max_bytes: int,
                  path: Path | None, depth: int) -> Iterator[ReadResult]:
    try:
        if kind == "zip":
            source: str | Path | BinaryIO
            if path is not None:
                source = path
            else:  # zip needs random access: hold it in memory, capped
                source = io.BytesIO(read_capped(stream, origin=origin, max_bytes=max_bytes))
            members: Iterator[Member] = zip_members(source)
        else:
            head, stream = peek(stream, SNIFF_BYTES)
            packed = sniff(head)
            if packed in _DECOMPRESS:  # a .tar.gz: inflate it here, bounded
                stream = _inflate(packed, stream, origin)
            members = tar_members(stream)
        for m in members:
            yield from _read_member(m, origin=origin, max_bytes=max_bytes, depth=depth)
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise InputError(f"not a readable zip archive ({exc})", source=origin,
                         fix="check the file is a complete .zip") from None
    except (tarfile.TarError, EOFError, zlib.error) as exc:
        raise InputError(f"not a readable tar archive ({exc})", source=origin,
                         fix="check the file is a complete .tar/.tar.gz") from None


def _read_member(m: Member, *, origin: str, max_bytes: int, depth: int) -> Iterator[ReadResult]:
    where = f"{origin}!{m.name}"
    if m.problem or m.open is None:
        yield ReadResult(where, error=InputError(m.problem or "cannot be read", source=where,
                                                 fix=m.fix or "extract it and read the file itself"))
        return
    kind = kind_from_name(m.name)
    cap = whole_limit(kind, max_bytes)
    if (kind in WHOLE_KINDS or kind is None) and m.size is not None and m.size > cap:
        yield ReadResult(where, error=too_big(where, m.size, cap))
        return
    try:
        with m.open() as f:
            stream: BinaryIO = f  # type: ignore[assignment]
            if m.compressed is not None:
                packed = m.compressed
                stream = bounded_inflate(stream, origin=where, compressed=lambda: packed)
            yield from _guarded(read_stream(stream, name=m.name, origin=where,
                                            max_bytes=max_bytes, size=m.size, depth=depth + 1),
                                where)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        # a corrupt member: report it, keep reading the archive
        yield ReadResult(where, error=InputError(f"corrupt archive member ({exc})", source=where,
                                                 fix="re-create the archive"))


def _guarded(results: Iterator[ReadResult], origin: str) -> Iterator[ReadResult]:
    """Turn an exception raised while reading one input into one error result, so bad
    input never stops a batch. Unexpected exceptions are reported with their type so that
    they can be told apart from user errors (and fixed)."""
    try:
        yield from results
    except InflateError as err:
        if err.source not in (None, origin):
            raise  # the archive around this member is the input that inflates too far
        yield ReadResult(origin, error=err)
    except InputError as err:
        yield ReadResult(err.source or origin, error=err)
    except PermissionError:
        yield ReadResult(origin, error=InputError("permission denied", source=origin,
                                                  fix="check the file's permissions"))
    except (MemoryError, RecursionError, ValueError, TypeError, LookupError, OSError,
            UnicodeError, ArithmeticError, zlib.error, EOFError) as exc:
        yield ReadResult(origin, error=InputError(
            f"could not be read ({type(exc).__name__}: {exc})", source=origin,
            fix="check the file; if it looks fine, report this as a marsad bug"))


def _read_file(path: Path, origin: str, max_bytes: int) -> Iterator[ReadResult]:
    try:
        size = path.stat().st_size
    except OSError as exc:
        yield ReadResult(origin, error=InputError(f"cannot read ({exc.strerror})", source=origin,
                                                  fix="check the path and permissions"))
        return
    kind = kind_from_name(path.name)
    if size == 0:
        yield ReadResult(origin, error=InputError("empty file (0 bytes)", source=origin,
                                                  fix="nothing to read"))
        return
    cap = whole_limit(kind, max_bytes)
    if (kind in WHOLE_KINDS or kind is None) and size > cap:
        # rejected from its size alone, before reading a byte
        yield ReadResult(origin, error=too_big(origin, size, cap))
        return
    try:
        f = open(path, "rb")  # noqa: SIM115 - closed below, after the generator is drained
    except OSError as exc:
        yield ReadResult(origin, error=InputError(f"cannot open ({exc.strerror})", source=origin,
                                                  fix="check the path and permissions"))
        return
    with f:
        yield from _guarded(read_stream(f, name=path.name, origin=origin, max_bytes=max_bytes,
                                        size=size, path=path), origin)


def walk(folder: Path, *, on_error: Callable[[OSError], None] | None = None) -> Iterator[Path]:
    """Files under a folder, recursively, sorted, hidden files and folders skipped; a
    folder that cannot be listed is passed to ``on_error`` (os.walk drops it otherwise)."""
    for root, dirs, files in os.walk(folder, onerror=on_error):
        dirs[:] = sorted(d for d in dirs if not is_hidden(d))
        for name in sorted(files):
            if not is_hidden(name):
                yield Path(root) / name


def _folder_errors(problems: list[OSError]) -> Iterator[ReadResult]:
    for exc in problems:
        where = str(exc.filename)
        yield ReadResult(where, error=InputError(
            f"cannot read this folder ({exc.strerror or exc}); its files were not read",
            source=where, fix="check its permissions (it needs r and x), or leave it out"))
    problems.clear()


def _read_folder(folder: Path, max_bytes: int) -> Iterator[ReadResult]:
    problems: list[OSError] = []
    for file in walk(folder, on_error=problems.append):
        yield from _folder_errors(problems)
        yield from _read_file(file, str(file), max_bytes)
    yield from _folder_errors(problems)


def read_paths(paths: Iterable[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES
               ) -> Iterator[ReadResult]:
    """Read every input named: files, folders (recursively), archives, ``-`` (stdin).

    Yields one ReadResult per document or per failure, in order; never raises for bad
    input."""
    for item in paths:
        given = str(item)
        if given == "-":
            yield from _guarded(
                read_stream(sys.stdin.buffer, name="", origin="-", max_bytes=max_bytes), "-")
            continue
        path = Path(given)
        if path.is_dir():
            yield from _read_folder(path, max_bytes)
        elif path.exists():
            yield from _read_file(path, given, max_bytes)
        else:
            yield ReadResult(given, error=InputError(
                "no such file or folder", source=given, fix="check the path"))


COUNT_COMPRESSED_MAX = 512 << 20  # compressed bytes worth decompressing once to count lines


def _count_lines(f: ByteSource) -> int:
    n = 0
    last = b"\n"
    while chunk := f.read(1 << 20):
        n += chunk.count(b"\n")
        last = chunk[-1:]
    return max(1, n + (last != b"\n"))


# gzip.open, bz2.open and lzma.open give GzipFile, BZ2File and LZMAFile: buffered binary streams
_OPENERS: dict[str, Callable[..., io.BufferedIOBase]] = {
    "gzip": gzip.open, "bzip2": bz2.open, "xz": lzma.open}


def _count_file(path: Path) -> int | None:
    """Results a file will give: its line count for JSON Lines (also one compressed file of
    them, decompressed once up to :data:`COUNT_COMPRESSED_MAX`), its items for a feed, its
    members for a zip; 1 for a WARC or an archive (they would need parsing to count), and None
    for a compressed JSON Lines file too large to count."""
    kind = kind_from_name(path.name)
    try:
        if kind == "jsonl":
            with open(path, "rb") as f:
                return _count_lines(f)
        if kind in _OPENERS and kind_from_name(path.name[: path.name.lower().rfind(".")]) == "jsonl":
            if path.stat().st_size > COUNT_COMPRESSED_MAX:
                return None
            with _OPENERS[kind](path, "rb") as f:
                return _count_lines(f)
        if kind == "feed" and path.stat().st_size <= DEFAULT_MAX_BYTES:
            data = path.read_bytes()
            return max(1, data.count(b"<item") + data.count(b"<entry"))
        if kind == "zip":
            with zipfile.ZipFile(path) as zf:
                return max(1, sum(1 for i in zf.infolist()
                                  if not i.is_dir() and not is_hidden(i.filename)))
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error, lzma.LZMAError):
        return 1
    return 1  # one document, or an archive/WARC counted as one (an estimate the bar outgrows)


def count_inputs(paths: Iterable[str | Path]) -> int | None:
    """About how many results :func:`read_paths` will yield, for a progress bar: exact for
    text and HTML files, JSON Lines (a line count, blank lines included) and zips of single
    documents, compressed JSON Lines; close for feeds; WARC and archives count as 1 each (an
    estimate: the progress line drops the total once it is passed). None for stdin."""
    total = 0
    for item in paths:
        given = str(item)
        if given == "-":
            return None
        path = Path(given)
        if not path.exists():
            total += 1  # one error result
            continue
        for f in walk(path) if path.is_dir() else [path]:
            n = _count_file(f)
            if n is None:
                return None
            total += n
    return total
