"""JSON Lines: one article object per line, streamed, each line its own result.

Whatever one line holds (malformed JSON, nesting deep enough to exhaust the parser's
stack, a field of the wrong type, a value no encoder accepts), it costs that line only: it
becomes an error result naming ``file:LINE``, and the next line is read."""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from marsad.errors import InputError
from marsad.ingest.encoding import decode_bytes
from marsad.ingest.records import document_from_record
from marsad.ingest.result import ReadResult
from marsad.ingest.streams import human_size, peek


def parse_json(s: str, origin: str, *, what: str = "line") -> Any:
    """``json.loads`` with its failures as InputErrors that say what to fix."""
    try:
        return json.loads(s)
    except json.JSONDecodeError as exc:
        where = f"column {exc.colno}" if what == "line" else f"line {exc.lineno} column {exc.colno}"
        raise InputError(f"malformed JSON {what} ({where}: {exc.msg})", source=origin,
                         fix="fix or remove that line; each line must be one JSON object"
                         if what == "line" else "fix the JSON, or write one object per line "
                         "(.jsonl)") from None
    except RecursionError:
        raise InputError(f"JSON {what} nested too deeply to read", source=origin,
                         fix="an article is an object of strings: flatten or remove it") from None


def record_result(obj: Any, origin: str) -> ReadResult:
    """One parsed record as a result; any failure is an error result naming ``origin``."""
    try:
        return ReadResult(origin, document_from_record(obj, origin=origin))
    except InputError as err:
        return ReadResult(origin, error=err)
    except (RecursionError, ValueError, TypeError, OverflowError, UnicodeError) as exc:
        return ReadResult(origin, error=InputError(
            f"could not be read ({type(exc).__name__}: {exc})", source=origin,
            fix="check that record; if it looks fine, report this as a marsad bug"))


def _line_result(line: str, origin: str) -> ReadResult | None:
    s = line.strip().lstrip("\ufeff")
    if not s:
        return None
    try:
        obj = parse_json(s, origin)
    except InputError as err:
        return ReadResult(origin, error=err)
    return record_result(obj, origin)


def read_jsonl_text(text: str, *, origin: str) -> Iterator[ReadResult]:
    for lineno, line in enumerate(text.split("\n"), 1):
        res = _line_result(line, f"{origin}:{lineno}")
        if res:
            yield res


def read_jsonl(stream: BinaryIO, *, origin: str, max_bytes: int) -> Iterator[ReadResult]:
    """Stream lines (each at most ``max_bytes``); a bad line is reported with its number
    and the next line is read."""
    head, stream = peek(stream, 4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        data = stream.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise InputError(f"UTF-16 JSON Lines file over {human_size(max_bytes)}", source=origin,
                             fix="re-save it as UTF-8 (then it is streamed, whatever its size)")
        yield from read_jsonl_text(data.decode("utf-16"), origin=origin)
        return
    lineno = 0
    while True:
        raw = stream.readline(max_bytes + 1)
        if not raw:
            break
        lineno += 1
        where = f"{origin}:{lineno}"
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            while True:  # skip the rest of the oversized line
                rest = stream.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
            yield ReadResult(where, error=InputError(
                f"line longer than {human_size(max_bytes)}", source=where,
                fix="split that record into smaller ones"))
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                line = decode_bytes(raw, source=where).text
            except InputError as err:
                yield ReadResult(where, error=err)
                continue
        res = _line_result(line, where)
        if res:
            yield res
