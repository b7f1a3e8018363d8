"""Byte streams with a size cap and a look-ahead, so inputs of any size and any origin
(file, archive member, stdin) are read the same way without loading more than needed;
decompressed streams with a bound on how much they may inflate (:func:`bounded_inflate`)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import BinaryIO, Protocol

from marsad.errors import InputError

SNIFF_BYTES = 4096


class ByteSource(Protocol):
    """What bytes are read from: an open file, a decompressor (GzipFile, BZ2File, LZMAFile),
    an archive member; only ``read`` is needed."""

    def read(self, size: int = ..., /) -> bytes: ...


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

    def readinto(self, b: memoryview) -> int:  # type: ignore[override]
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
    return head, io.BufferedReader(_Prefixed(head, stream), buffer_size=65536)


# Decompression is bounded in time through its output: no input inflates to more than
# MAX_INFLATE_RATIO times the compressed bytes read (news text compresses 3-10 times:
# SaudiNewsNet's JSONL 3.8 with gzip; a zip of 200 MB of newlines, 500 times), beyond a
# floor that small inputs never reach. The work after it (lines, records) is linear in
# what was inflated, so it is bounded too.
MAX_INFLATE_RATIO = 50
INFLATE_FLOOR = 8 * 2**20


class InflateError(InputError):
    """Decompressed data inflating past the bound; it belongs to the input named in
    ``source`` (a whole .tar.gz, not the member being read when it tripped)."""


class Counted(io.RawIOBase):
    """A stream that counts the bytes read through it (the compressed side)."""

    def __init__(self, stream: ByteSource):
        self._stream = stream
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: memoryview) -> int:  # type: ignore[override]
        data = self._stream.read(len(b))
        n = len(data)
        b[:n] = data
        self.count += n
        return n


class _InflateGuard(Counted):
    """Counts the decompressed bytes (``inflated``) and stops a stream that inflates too far."""

    def __init__(self, stream: ByteSource, *, origin: str, compressed: Callable[[], int],
                 ratio: float, floor: int, rest: str):
        super().__init__(stream)
        self._origin = origin
        self._compressed = compressed
        self._ratio = ratio
        self._floor = floor
        self._rest = rest

    @property
    def inflated(self) -> int:
        return self.count

    def readinto(self, b: memoryview) -> int:  # type: ignore[override]
        n = super().readinto(b)
        if inflates_too_far(self.inflated, self._compressed(), ratio=self._ratio, floor=self._floor):
            raise inflate_error(self._origin, self._compressed(), self.inflated, ratio=self._ratio,
                                rest=self._rest)
        return n


def inflates_too_far(inflated: int, packed: int, *, ratio: float | None = None,
                     floor: int | None = None) -> bool:
    """Whether ``inflated`` decompressed bytes from ``packed`` compressed ones are past the
    bound (by default MAX_INFLATE_RATIO beyond INFLATE_FLOOR, read when called)."""
    floor = INFLATE_FLOOR if floor is None else floor
    ratio = MAX_INFLATE_RATIO if ratio is None else ratio
    return inflated > floor and inflated > ratio * max(1, packed)


def inflate_error(origin: str, packed: int, inflated: int, *, ratio: float | None = None,
                  rest: str = "the rest was not read") -> InflateError:
    """The one message for data that inflates past the bound; ``rest`` says what was lost."""
    ratio = MAX_INFLATE_RATIO if ratio is None else ratio
    return InflateError(
        f"compressed data inflating over {ratio:.0f} times its size "
        f"({human_size(max(1, packed))} gave more than {human_size(inflated)}): "
        f"a compression bomb, or data that is not articles; {rest}",
        source=origin, fix="decompress it yourself and check what it holds")


def bounded_inflate(stream: ByteSource, *, origin: str, compressed: Callable[[], int],
                    ratio: float | None = None, floor: int | None = None,
                    rest: str = "the rest was not read") -> BinaryIO:
    """``stream`` (decompressed data), raising InputError once it has given more than
    ``floor`` bytes and more than ``ratio`` times ``compressed()`` (the compressed bytes
    consumed so far, or a member's compressed size); by default MAX_INFLATE_RATIO and
    INFLATE_FLOOR. ``rest`` ends the message: what was not read."""
    guard = _InflateGuard(stream, origin=origin, compressed=compressed,
                          ratio=MAX_INFLATE_RATIO if ratio is None else ratio,
                          floor=INFLATE_FLOOR if floor is None else floor, rest=rest)
    return io.BufferedReader(guard, buffer_size=65536)
