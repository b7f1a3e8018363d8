"""What a reader yields for each input: a Document, or an error naming the input."""

from __future__ import annotations

from dataclasses import dataclass

from marsad.errors import InputError
from marsad.model import Document


@dataclass
class ReadResult:
    """One input read: ``document`` when it was read, ``error`` when it failed.

    ``origin`` names the input: ``"path"``, ``"path:LINE"`` (JSON Lines),
    ``"archive.zip!member"``, ``"feed.xml#item3"``, ``"crawl.warc.gz#record7"``, ``"-"``.
    """

    origin: str
    document: Document | None = None
    error: InputError | None = None

    @property
    def ok(self) -> bool:
        return self.document is not None


def failed(origin: str, message: str, *, fix: str | None = None) -> ReadResult:
    return ReadResult(origin=origin, error=InputError(message, source=origin, fix=fix))
