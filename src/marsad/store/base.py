"""What every store backend offers, and the plain records it returns."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, Self

from marsad.model import Analysis


@dataclass
class SearchHit:
    id: str
    title: str
    source: str | None
    published: str | None
    score: float
    snippet: str
    highlights: list[tuple[int, int]] = field(default_factory=list)
    url: str | None = None
    topic: str | None = None
    dup_group: str | None = None
    copies: int = 1  # how many near-duplicate copies this hit stands for

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SearchResults:
    query: str
    total: int
    hits: list[SearchHit]
    offset: int = 0
    limit: int = 20
    # undated articles (duplicate groups when folded) that matched the rest of the query
    # but were left out by its from:/to: (``undated:yes`` keeps them); None without dates
    undated: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query, "total": self.total, "undated": self.undated,
            "offset": self.offset, "limit": self.limit, "hits": [h.to_dict() for h in self.hits],
        }

    def undated_note(self) -> str | None:
        """The line that says what from:/to: left out, for text output (None: nothing)."""
        if not self.undated:
            return None
        n = self.undated
        return (f"{n} undated {'article' if n == 1 else 'articles'} also matched and "
                f"{'was' if n == 1 else 'were'} left out by the dates (add undated:yes to "
                "include them, undated:only to see them alone)")


@dataclass
class WriteResult:
    doc_id: str
    new: bool  # False when the document (same id or same URL) was already stored
    dup_group: str | None = None


class Store(ABC):
    """A database of analysed documents. Writes are transactional per batch and
    idempotent: adding a document that is already there changes nothing."""

    url: str

    @abstractmethod
    def add(self, analyses: Iterable[Analysis]) -> list[WriteResult]:
        """Write a batch in one transaction."""

    @abstractmethod
    def known(self, doc_ids: Iterable[str], urls: Iterable[str | None] = ()) -> set[str]:
        """Which of these ids (or URLs) are already stored."""

    @abstractmethod
    def get(self, doc_id: str) -> Analysis | None: ...

    @abstractmethod
    def search(
        self, query: str, *, limit: int = 20, offset: int = 0, collapse: bool = True
    ) -> SearchResults: ...

    @abstractmethod
    def stats(self) -> dict[str, Any]: ...

    @abstractmethod
    def iter_documents(self, *, batch: int = 500) -> Iterator[Analysis]: ...

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def fetchall(self, sql: str, args: Iterable[Any] = ()) -> list[dict[str, Any]]:
        """Run a read query written in portable SQL with ``?`` placeholders (each backend
        translates them) and return rows as dicts. For the web/API/export layers."""

    @abstractmethod
    def iter_rows(self, sql: str, args: Iterable[Any] = (), *, batch: int = 1000) -> Iterator[dict[str, Any]]:
        """Like fetchall, streaming (no whole-table load)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ingest(self, inputs: Iterable[Any], **options: Any) -> Any:
        """Read, analyse and store ``inputs`` (paths, Documents or raw strings); see
        :func:`marsad.run.inprocess.ingest`."""
        from marsad.run.inprocess import ingest

        return ingest(self, inputs, **options)
