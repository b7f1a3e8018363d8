"""Byte streams with a size cap and a look-ahead, so inputs of any size and any origin
(file, archive member, stdin) are read the same way without loading more than needed."""

from __future__ import annotations

import io
from typing import BinaryIO

from marsad.errors import InputError

SNIFF_BYTES = 4096


def human_size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} bytes"


def too_big(origin: str, size: int | None, max_bytes: int) -> InputError:
    what = f"{human_size(size)}, over" if size is not None else "larger than"
    return InputError(
        f"too large ({what} the {human_size(max_bytes)} limit for one document)",
        source=origin, fix="split it into smaller files",
    )


def read_capped(stream: BinaryIO, *, origin: str, max_bytes: int) -> bytes:
    """Read a whole stream, but never more than ``max_bytes`` (+1 to know it is over)."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_big(origin, None, max_bytes)
    return data


class _Prefixed(io.RawIOBase):
    """``head`` then the rest of ``stream``: un-reads the bytes used for sniffing."""

    def __init__(self, head: bytes, stream: BinaryIO):
        self._head = head
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray) -> int:  # type: ignore[override]
        if self._head:
            n = min(len(b), len(self._head))
            b[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._stream.read(len(b))
        n = len(data)
        b[:n] = data
        return n


def peek(stream: BinaryIO, n: int = SNIFF_BYTES) -> tuple[bytes, BinaryIO]:
    """The first ``n`` bytes of a stream and a stream that still starts at them."""
    head = b""
    while len(head) < n:
        chunk = stream.read(n - len(head))
        if not chunk:
            break
        head += chunk
    return head, io.BufferedReader(_Prefixed(head, stream), buffer_size=65536)  # type: ignore[type-var,arg-type]
