"""The events filter: one validated vocabulary for the events list, map, timeline,
facets, incidents and exports, as portable SQL conditions with bound arguments (no user
text is ever spliced). Built by :func:`event_filter`, which raises QueryError with a
message that says how to write a bad value, so the web layer can answer 400."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from marsad.errors import QueryError
from marsad.model import EVENT_STATUSES, PLOVER_TYPES
from marsad.store.query import date_bound

# the date an event is filed under: its own date, else its article's publication date
EVENT_DATE = "substr(COALESCE(e.date, d.published), 1, 10)"

EVENT_COLUMNS = (
    "e.doc_id, e.idx, e.type, e.mode, e.status, e.trigger_text, e.source_text, "
    "e.source_entity, e.target_text, e.target_entity, e.location_text, e.place_name, "
    "e.country, e.lat, e.lon, e.date, e.sentence, e.confidence, e.geo_precision, "
    "e.date_precision, e.source_name, e.source_en, e.target_name, e.target_en, e.fatalities, "
    f"e.injured, {EVENT_DATE} AS event_date, d.title, d.published, d.source AS doc_source, d.url"
)

DOC_COLUMNS = (
    "d.id, d.title, d.source, d.published, d.url, d.language, d.topic, d.topic_score, "
    "d.dup_group, d.story_id"
)


# -- validation helpers -------------------------------------------------------------------
def check_page(limit: int, offset: int, *, max_limit: int = 500) -> None:
    if not (1 <= limit <= max_limit):
        raise QueryError(f"limit {limit} is out of range", fix=f"use 1 to {max_limit}")
    if offset < 0 or offset > 10_000_000:
        raise QueryError(f"offset {offset} is out of range", fix="use 0 or more")


def check_date(name: str, value: str | None, *, end: bool = False) -> str | None:
    """YYYY, YYYY-MM or YYYY-MM-DD → an ISO day (the first or last of the period)."""
    if value is None or value == "":
        return None
    return date_bound(value, end=end, label=f"{name}=")


def _split(value: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """'A,B' or ['A', 'B,C'] → ('A', 'B', 'C'), blanks dropped."""
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else list(value)
    out: list[str] = []
    for it in items:
        out += [p.strip() for p in str(it).split(",") if p.strip()]
    return tuple(dict.fromkeys(out))


def _like(text: str) -> str:
    """A LIKE pattern that matches ``text`` anywhere, its wildcards escaped (ESCAPE '\\')."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _in(column: str, values: tuple[str | float, ...]) -> tuple[str, list[Any]]:
    return f"{column} IN ({','.join('?' * len(values))})", list(values)


# -- event filters ---------------------------------------------------------------------------
@dataclass(frozen=True)
class EventFilter:
    types: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    actor: str | None = None  # entity id, or text in the source/target span or canonical name
    country: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north
    doc_id: str | None = None
    geocoded: bool = False

    def params(self) -> dict[str, str]:
        """The filter as URL parameters (for links and export URLs)."""
        p: dict[str, str] = {}
        if self.types:
            p["type"] = ",".join(self.types)
        if self.status:
            p["status"] = ",".join(self.status)
        if self.actor:
            p["actor"] = self.actor
        if self.country:
            p["country"] = ",".join(self.country)
        if self.date_from:
            p["from"] = self.date_from
        if self.date_to:
            p["to"] = self.date_to
        if self.bbox:
            p["bbox"] = ",".join(f"{x:g}" for x in self.bbox)
        if self.doc_id:
            p["doc"] = self.doc_id
        return p


def parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if not value:
        return None
    parts = value.split(",")
    try:
        w, s, e, n = (float(x) for x in parts)
    except ValueError:
        raise QueryError(
            f"bbox={value!r} is not four numbers", fix="write bbox=WEST,SOUTH,EAST,NORTH, e.g. 35,29,43,38"
        ) from None
    if not (-180 <= w <= 180 and -180 <= e <= 180 and -90 <= s <= 90 and -90 <= n <= 90):
        raise QueryError(f"bbox={value!r} is outside the globe", fix="longitudes -180..180, latitudes -90..90")
    if s > n:
        raise QueryError(f"bbox={value!r} has south above north", fix="write bbox=WEST,SOUTH,EAST,NORTH")
    return (w, s, e, n)


def event_filter(
    *,
    type: str | list[str] | None = None,
    status: str | list[str] | None = None,
    actor: str | None = None,
    country: str | list[str] | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    bbox: str | None = None,
    doc: str | None = None,
    geocoded: bool = False,
) -> EventFilter:
    """Validate user-supplied event filters (raises QueryError naming the bad one)."""
    types = tuple(t.upper() for t in _split(type))
    bad = [t for t in types if t not in PLOVER_TYPES]
    if bad:
        raise QueryError(f"unknown event type {', '.join(bad)}", fix=f"use one of {', '.join(PLOVER_TYPES)}")
    statuses = tuple(s.lower() for s in _split(status))
    bad = [s for s in statuses if s not in EVENT_STATUSES]
    if bad:
        raise QueryError(f"unknown status {', '.join(bad)}", fix=f"use one of {', '.join(EVENT_STATUSES)}")
    countries = tuple(c.upper() for c in _split(country))
    bad = [c for c in countries if not re.fullmatch(r"[A-Z]{2}", c)]
    if bad:
        raise QueryError(f"country {', '.join(bad)} is not a two-letter code", fix="write country=SY")
    f_from = check_date("from", date_from)
    f_to = check_date("to", date_to, end=True)
    if f_from and f_to and f_from > f_to:
        raise QueryError(f"from={f_from} is after to={f_to}", fix="swap the dates")
    actor = (actor or "").strip() or None
    if actor and len(actor) > 200:
        raise QueryError("actor is longer than 200 characters", fix="shorten it")
    return EventFilter(
        types=types, status=statuses, actor=actor, country=countries, date_from=f_from,
        date_to=f_to, bbox=parse_bbox(bbox), doc_id=(doc or None), geocoded=geocoded,
    )


def _event_where(f: EventFilter) -> tuple[str, list[Any]]:
    where: list[str] = []
    args: list[Any] = []
    if f.types:
        c, a = _in("e.type", f.types)
        where.append(c)
        args += a
    if f.status:
        c, a = _in("e.status", f.status)
        where.append(c)
        args += a
    if f.country:
        c, a = _in("e.country", f.country)
        where.append(c)
        args += a
    if f.actor:
        # the entity id, or text in a span or in the linked entity's canonical names (the
        # English one case-folded, as SQLite's LIKE folds ASCII and PostgreSQL's does not)
        pat = _like(f.actor)
        texts = ("e.source_text", "e.target_text", "e.source_name", "e.target_name")
        where.append(
            "(e.source_entity = ? OR e.target_entity = ? OR "
            + " OR ".join(f"{c} LIKE ? ESCAPE '\\'" for c in texts)
            + " OR LOWER(e.source_en) LIKE ? ESCAPE '\\' OR LOWER(e.target_en) LIKE ? ESCAPE '\\')"
        )
        low = _like(f.actor.lower())
        args += [f.actor, f.actor, pat, pat, pat, pat, low, low]
    if f.date_from:
        where.append(f"{EVENT_DATE} >= ?")
        args.append(f.date_from)
    if f.date_to:
        where.append(f"{EVENT_DATE} <= ?")
        args.append(f.date_to)
    geo, geo_args = geo_where("e", f)
    where += geo
    args += geo_args
    if f.doc_id:
        where.append("e.doc_id = ?")
        args.append(f.doc_id)
    return (" WHERE " + " AND ".join(where)) if where else "", args


def geo_where(alias: str, f: EventFilter) -> tuple[list[str], list[Any]]:
    """The conditions (and their arguments) that keep rows of table ``alias`` with
    coordinates, inside ``f.bbox`` when one is given (events and incidents alike)."""
    if not (f.geocoded or f.bbox):
        return [], []
    where = [f"{alias}.lat IS NOT NULL AND {alias}.lon IS NOT NULL"]
    args: list[Any] = []
    if f.bbox:
        w, s, e, n = f.bbox
        where.append(f"{alias}.lat >= ? AND {alias}.lat <= ?")
        args += [s, n]
        if w <= e:
            where.append(f"{alias}.lon >= ? AND {alias}.lon <= ?")
        else:  # the box crosses the antimeridian
            where.append(f"({alias}.lon >= ? OR {alias}.lon <= ?)")
        args += [w, e]
    return where, args
