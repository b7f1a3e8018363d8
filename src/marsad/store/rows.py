"""The write model's row shapes, shared by every SQL module: the transaction protocol,
the events-table row of an Event, and the casualty-count and timestamp conventions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from marsad.model import Event


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def casualty_count(v: Any) -> int | None:
    """A casualty count as the events table stores it: a non-negative int that fits a
    32-bit INTEGER column (PostgreSQL's), or None."""
    if v is None or isinstance(v, bool):
        return None
    try:
        n = int(v)
    except (TypeError, ValueError):
        return None
    return n if 0 <= n < 2**31 else None


def event_row(doc_id: str, idx: int, e: Event) -> tuple[Any, ...]:
    """The events-table row of ``e`` (the column order of the INSERT in ``_write_one``):
    spans as text and entity id, the resolved place flattened, the event's own country
    before its place's, then the precision flags, canonical actor names and casualties."""
    place = e.place
    return (
        doc_id, idx, e.type, e.mode, e.status, e.trigger.text,
        e.source.text if e.source else None, e.source.entity_id if e.source else None,
        e.target.text if e.target else None, e.target.entity_id if e.target else None,
        e.location.text if e.location else None,
        (place.name_en or None) if place else None,
        e.country or (place.country if place else None),
        place.lat if place else None, place.lon if place else None,
        e.date, e.sentence, e.confidence,
        e.geo_precision, e.date_precision,
        e.source_name, e.source_en, e.target_name, e.target_en,
        casualty_count(e.fatalities), casualty_count(e.injured),
    )


class Tx(Protocol):
    """One connection inside a transaction (or a read): portable SQL, ``?`` placeholders,
    rows as dicts."""

    def execute(self, sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]: ...

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...
