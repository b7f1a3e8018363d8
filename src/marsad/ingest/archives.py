"""Members of .zip and .tar(.gz) archives, without extracting anything to disk.

Sizes are checked twice: the size the archive declares (cheap, rejects honest big files
at once) and the bytes actually inflated (a zip bomb may declare a small size), so no
member ever costs more than ``max_bytes`` of memory.
"""

from __future__ import annotations

import tarfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO


@dataclass
class Member:
    name: str
    size: int | None
    open: Callable[[], IO[bytes]] | None = None
    problem: str | None = None  # set when the member cannot be read (encrypted, ...)


def is_hidden(name: str) -> bool:
    parts = [p for p in name.replace("\\", "/").split("/") if p]
    return any(p.startswith(".") or p == "__MACOSX" for p in parts)


def zip_members(source: str | Path | BinaryIO) -> Iterator[Member]:
    """Files of a zip archive, sorted by name; raises zipfile.BadZipFile when it is not one."""
    with zipfile.ZipFile(source) as zf:
        infos = sorted((i for i in zf.infolist() if not i.is_dir()), key=lambda i: i.filename)
        for info in infos:
            if is_hidden(info.filename):
                continue
            if info.flag_bits & 0x1:
                yield Member(info.filename, info.file_size, problem="encrypted zip member")
                continue
            yield Member(info.filename, info.file_size,
                         open=lambda info=info: zf.open(info))  # type: ignore[misc]


def tar_members(fileobj: BinaryIO) -> Iterator[Member]:
    """Regular files of a tar archive (any compression), in archive order, streamed;
    raises tarfile.TarError when it is not one."""
    with tarfile.open(fileobj=fileobj, mode="r|*") as tf:
        for info in tf:
            if not info.isfile() or is_hidden(info.name):
                continue

            def opener(info: tarfile.TarInfo = info) -> IO[bytes]:
                f = tf.extractfile(info)
                if f is None:
                    raise OSError("member cannot be read")
                return f

            yield Member(info.name, info.size, open=opener)
