"""Members of .zip and .tar(.gz) archives, without extracting anything to disk.

Sizes are checked twice: the size the archive declares (cheap, rejects honest big files
at once) and the bytes actually inflated (a zip bomb may declare a small size), so no
member ever costs more than ``max_bytes`` of memory. How far a member may inflate is
bounded too (its compressed size is passed on: see ``streams.bounded_inflate``).

Members that are not read are said, never skipped in silence: a name that climbs out of
the archive (``../x``: nothing is extracted, but such an archive is hostile or broken),
symbolic and hard links and device files of a tar. Folders and hidden files (``.git/``,
``__MACOSX/``) are passed over.
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
    fix: str | None = None  # what to do about the problem
    compressed: int | None = None  # bytes it takes in the archive, when it says (zip)


def _parts(name: str) -> list[str]:
    return [p for p in name.replace("\\", "/").split("/") if p and p != "."]


def is_hidden(name: str) -> bool:
    """A dot-file or dot-folder (``./a.txt``, as ``tar -C dir -c .`` writes, is not hidden;
    ``..`` is no hidden name but a way out: see :func:`climbs_out`)."""
    return any((p.startswith(".") and p != "..") or p == "__MACOSX" for p in _parts(name))


def climbs_out(name: str) -> bool:
    return ".." in _parts(name)


_OUTSIDE = "its name leads out of the archive (../), so it was not read"
_OUTSIDE_FIX = "re-create the archive with paths inside it"


def zip_members(source: str | Path | BinaryIO) -> Iterator[Member]:
    """Files of a zip archive, sorted by name; raises zipfile.BadZipFile when it is not one."""
    with zipfile.ZipFile(source) as zf:
        infos = sorted((i for i in zf.infolist() if not i.is_dir()), key=lambda i: i.filename)
        for info in infos:
            if is_hidden(info.filename):
                continue
            if climbs_out(info.filename):
                yield Member(info.filename, info.file_size, problem=_OUTSIDE, fix=_OUTSIDE_FIX)
                continue
            if info.flag_bits & 0x1:
                yield Member(info.filename, info.file_size, problem="encrypted zip member")
                continue
            yield Member(info.filename, info.file_size,
                         open=lambda info=info: zf.open(info),  # type: ignore[misc]
                         compressed=info.compress_size)


def tar_members(fileobj: BinaryIO) -> Iterator[Member]:
    """Regular files of a tar archive (any compression), in archive order, streamed;
    raises tarfile.TarError when it is not one."""
    with tarfile.open(fileobj=fileobj, mode="r|*") as tf:
        for info in tf:
            if info.isdir() or is_hidden(info.name):
                continue
            if climbs_out(info.name):
                yield Member(info.name, info.size, problem=_OUTSIDE, fix=_OUTSIDE_FIX)
                continue
            if not info.isfile():
                yield Member(info.name, None, problem=_not_a_file(info),
                             fix="archive the file itself, not a link to it")
                continue

            def opener(info: tarfile.TarInfo = info) -> IO[bytes]:
                f = tf.extractfile(info)
                if f is None:
                    raise OSError("member cannot be read")
                return f

            yield Member(info.name, info.size, open=opener)


def _not_a_file(info: tarfile.TarInfo) -> str:
    if info.issym():
        return f"a symbolic link (to {info.linkname}), not followed"
    if info.islnk():
        return f"a hard link (to {info.linkname}), not followed"
    return "a device, FIFO or other special file, not a file"
