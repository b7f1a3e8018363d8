"""What every store backend offers, and the plain records it returns."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from typing import Any, Self

from marsad.model import Analysis
from marsad.store.rows import Tx


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
    def transaction(self, *, touch: bool = True) -> AbstractContextManager[Tx]:
        """A write transaction, serialized against other writers of the same database.
        ``touch``: bump the write counter as it commits, which turns over the read caches
        of servers on this database; False only for writes no page shows (the feed
        watcher's own state)."""

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

    # -- incidents (the events of many articles fused; :mod:`marsad.store.incidents_sql`) ----
    # ``filters`` is the events' filter (:func:`marsad.store.event_filters.event_filter`: type,
    # status, actor = entity id or actor text, country, date_from/date_to overlapping the
    # incident's dates, bbox, doc); None = every incident.
    def incidents(self, filters: Any = None, *, limit: int = 50, offset: int = 0,
                  min_sources: int = 1) -> list[dict[str, Any]]:
        """A page of incidents, latest first (then the most reported): the columns of the
        ``incidents`` table with ``sources`` a list of outlets and ``fatalities_range``
        [min, max] (or None); ``min_sources`` keeps those at least that many outlets reported."""
        from marsad.store.incidents_sql import list_incidents

        return list_incidents(self, filters, limit=limit, offset=offset, min_sources=min_sources)

    def count_incidents(self, filters: Any = None, *, min_sources: int = 1) -> int:
        from marsad.store.incidents_sql import count_incidents

        return count_incidents(self, filters, min_sources=min_sources)

    def incident(self, incident_id: str) -> dict[str, Any] | None:
        """One incident (as :meth:`incidents` gives it) with ``reports``: every fused event
        row, earliest first, with its article's title and url; None if there is none."""
        from marsad.store.incidents_sql import get_incident

        return get_incident(self, incident_id)

    def entity_incidents(self, entity_id: str, *, limit: int = 20) -> list[dict[str, Any]]:
        """The latest incidents an entity takes part in (a report's source, target or place)."""
        from marsad.store.incidents_sql import entity_incidents

        return entity_incidents(self, entity_id, limit=limit)

    def document_incidents(self, doc_id: str) -> list[dict[str, Any]]:
        """The incidents an article reports."""
        from marsad.store.incidents_sql import document_incidents

        return document_incidents(self, doc_id)
