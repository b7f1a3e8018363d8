"""Streaming exports of documents, entities and events: JSON Lines, CSV, GeoJSON, ACLED.

Each writer turns an iterator of rows (from :mod:`marsad.store.views`) into an iterator of
text chunks, so the CLI writes them to a file and the web app streams them to the browser
with no whole-table load.

CSV cells that start with ``= + - @`` (or a tab/return) get a leading ``'`` so a
spreadsheet does not run them as formulas (OWASP "CSV injection"); numbers are left as
they are.

ACLED-style export
------------------
``--format acled`` writes the columns analysts who use ACLED know: event_date, event_type,
sub_event_type, actor1, actor2, country, location, latitude, longitude, source, notes
(plus ``status``, ``plover_type``, ``plover_mode`` and ``doc_id`` at the end, so nothing is
lost). ACLED records events that took place, so only events whose status is ``occurred`` or
``claimed`` are written (a claimed attack is still an attack someone reports); planned,
threatened and denied events are left out. ``actor1`` is the PLOVER source, ``actor2`` the
target; ``country`` is the ISO code of the resolved place; ``source`` is the article's
source; ``notes`` holds the trigger and the headline.

PLOVER type and mode are mapped as follows (modes are matched by keyword, so
``hunger strike``, ``hunger_strike`` and ``Hunger-Strike`` are one mode):

==========  ===========================================  ================================  ===================================
PLOVER      mode contains                                ACLED event_type                  ACLED sub_event_type
==========  ===========================================  ================================  ===================================
ASSAULT     aerial, air, drone                           Explosions/Remote violence        Air/drone strike
ASSAULT     suicide                                      Explosions/Remote violence        Suicide bomb
ASSAULT     explosive, bomb, ied, mine                   Explosions/Remote violence        Remote explosive/landmine/IED
ASSAULT     shell, artillery, missile, rocket, mortar    Explosions/Remote violence        Shelling/artillery/missile attack
ASSAULT     chemical, cbrn                               Explosions/Remote violence        Chemical weapon
ASSAULT     abduct, kidnap                               Violence against civilians        Abduction/forced disappearance
ASSAULT     sexual                                       Violence against civilians        Sexual violence
ASSAULT     beat, torture, execut, assassinat            Violence against civilians        Attack
ASSAULT     firearms, clash, armed, (none, other)        Battles                           Armed clash
PROTEST     riot, violent                                Riots                             Violent demonstration
PROTEST     (any other: demonstration, strike, ...)      Protests                          Peaceful protest
COERCE      arrest, detain                               Strategic developments            Arrests
COERCE      seize, confiscat, destroy, demolish, loot    Strategic developments            Looting/property destruction
COERCE      (any other: ban, curfew, expel, censor, ...) Strategic developments            Other
MOBILIZE    (any)                                        Strategic developments            Change to group/activity
AGREE       (any)                                        Strategic developments            Agreement
RETREAT     (any)                                        Strategic developments            Non-violent transfer of territory
THREATEN,   (any)                                        Strategic developments            Other
SANCTION,
CONSULT,
SUPPORT,
CONCEDE,
COOPERATE,
AID,
REQUEST,
ACCUSE,
REJECT
==========  ===========================================  ================================  ===================================
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from marsad.errors import InputError

FORMATS = ("jsonl", "csv", "geojson", "acled")
WHATS = ("documents", "entities", "events")

DOCUMENT_FIELDS = (
    "id", "title", "source", "published", "url", "language", "topic", "topic_score",
    "dup_group", "story_id", "author", "agency", "dateline", "body",
)
ENTITY_FIELDS = (
    "id", "type", "name_ar", "name_en", "aliases", "wikidata", "country", "lat", "lon",
    "geonames_id", "kind", "local", "mentions", "documents",
)
EVENT_FIELDS = (
    "doc_id", "idx", "event_date", "type", "mode", "status", "trigger_text", "source_text",
    "source_entity", "target_text", "target_entity", "location_text", "place_name", "country",
    "lat", "lon", "date", "sentence", "confidence", "title", "published", "doc_source", "url",
)
ACLED_FIELDS = (
    "event_date", "event_type", "sub_event_type", "actor1", "actor2", "country", "location",
    "latitude", "longitude", "source", "notes", "status", "plover_type", "plover_mode", "doc_id",
)
ACLED_STATUSES = ("occurred", "claimed")

# (PLOVER type, keywords any of which the mode contains, ACLED event_type, sub_event_type);
# the first matching line wins, a line with no keywords matches any mode.
ACLED_RULES: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("ASSAULT", ("aerial", "air", "drone"), "Explosions/Remote violence", "Air/drone strike"),
    ("ASSAULT", ("suicide",), "Explosions/Remote violence", "Suicide bomb"),
    ("ASSAULT", ("explosive", "bomb", "ied", "mine"), "Explosions/Remote violence",
     "Remote explosive/landmine/IED"),
    ("ASSAULT", ("shell", "artillery", "missile", "rocket", "mortar"), "Explosions/Remote violence",
     "Shelling/artillery/missile attack"),
    ("ASSAULT", ("chemical", "cbrn"), "Explosions/Remote violence", "Chemical weapon"),
    ("ASSAULT", ("abduct", "kidnap"), "Violence against civilians", "Abduction/forced disappearance"),
    ("ASSAULT", ("sexual",), "Violence against civilians", "Sexual violence"),
    ("ASSAULT", ("beat", "torture", "execut", "assassinat"), "Violence against civilians", "Attack"),
    ("ASSAULT", (), "Battles", "Armed clash"),
    ("PROTEST", ("riot", "violent"), "Riots", "Violent demonstration"),
    ("PROTEST", (), "Protests", "Peaceful protest"),
    ("COERCE", ("arrest", "detain"), "Strategic developments", "Arrests"),
    ("COERCE", ("seize", "confiscat", "destroy", "demolish", "loot"), "Strategic developments",
     "Looting/property destruction"),
    ("COERCE", (), "Strategic developments", "Other"),
    ("MOBILIZE", (), "Strategic developments", "Change to group/activity"),
    ("AGREE", (), "Strategic developments", "Agreement"),
    ("RETREAT", (), "Strategic developments", "Non-violent transfer of territory"),
)


def acled_type(plover: str, mode: str | None) -> tuple[str, str]:
    """(ACLED event_type, sub_event_type) of a PLOVER type and mode (table above)."""
    m = (mode or "").lower().replace("_", " ").replace("-", " ")
    for ptype, keys, etype, sub in ACLED_RULES:
        if ptype == plover and (not keys or any(k in m for k in keys)):
            return etype, sub
    return "Strategic developments", "Other"


def acled_row(ev: dict[str, Any]) -> dict[str, Any] | None:
    """One ACLED-style row from an event row, or None when ACLED would not record it."""
    if ev.get("status") not in ACLED_STATUSES:
        return None
    etype, sub = acled_type(ev["type"], ev.get("mode"))
    notes = f"{ev.get('trigger_text') or ''} — {ev.get('title') or ''}".strip(" —")
    return {
        "event_date": ev.get("event_date"), "event_type": etype, "sub_event_type": sub,
        "actor1": ev.get("source_text"), "actor2": ev.get("target_text"),
        "country": ev.get("country"), "location": ev.get("place_name") or ev.get("location_text"),
        "latitude": ev.get("lat"), "longitude": ev.get("lon"), "source": ev.get("doc_source"),
        "notes": notes, "status": ev.get("status"), "plover_type": ev["type"],
        "plover_mode": ev.get("mode"), "doc_id": ev.get("doc_id"),
    }


# -- writers --------------------------------------------------------------------------------------
def _json_default(o: Any) -> Any:
    return str(o)


def _clean(v: Any) -> Any:
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    return v


def iter_jsonl(rows: Iterable[dict[str, Any]], fields: tuple[str, ...]) -> Iterator[str]:
    for r in rows:
        yield json.dumps({k: _clean(r.get(k)) for k in fields}, ensure_ascii=False, default=_json_default) + "\n"


def iter_json_array(rows: Iterable[dict[str, Any]], fields: tuple[str, ...]) -> Iterator[str]:
    """A JSON array written element by element (for a browser download)."""
    yield "["
    first = True
    for r in rows:
        yield ("\n" if first else ",\n") + json.dumps(
            {k: _clean(r.get(k)) for k in fields}, ensure_ascii=False, default=_json_default
        )
        first = False
    yield "\n]\n"


def _csv_cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (list, dict)):
        v = json.dumps(v, ensure_ascii=False)
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + v
    return v


def iter_csv(rows: Iterable[dict[str, Any]], fields: tuple[str, ...], *, chunk: int = 200) -> Iterator[str]:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(fields)
    for n, r in enumerate(rows, 1):
        w.writerow([_csv_cell(r.get(k)) for k in fields])
        if n % chunk == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def iter_geojson(
    rows: Iterable[dict[str, Any]], fields: tuple[str, ...], *, lat: str = "lat", lon: str = "lon"
) -> Iterator[str]:
    """A FeatureCollection of the rows that have coordinates, one Feature at a time."""
    yield '{"type": "FeatureCollection", "features": ['
    first = True
    for r in rows:
        y, x = r.get(lat), r.get(lon)
        if y is None or x is None:
            continue
        feat = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(x), float(y)]},
            "properties": {k: _clean(r.get(k)) for k in fields if k not in (lat, lon)},
        }
        yield ("\n" if first else ",\n") + json.dumps(feat, ensure_ascii=False, default=_json_default)
        first = False
    yield "\n]}\n"


def acled_rows(events: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for ev in events:
        row = acled_row(ev)
        if row is not None:
            yield row


def writer_for(what: str, fmt: str) -> Callable[[Iterable[dict[str, Any]]], Iterator[str]]:
    """The chunk writer for exporting ``what`` as ``fmt``; InputError for a pair that does
    not exist (documents have no coordinates; only events map to ACLED)."""
    if what not in WHATS:
        raise InputError(f"cannot export {what!r}", fix=f"use one of {', '.join(WHATS)}")
    if fmt not in (*FORMATS, "json"):
        raise InputError(f"unknown format {fmt!r}", fix=f"use one of {', '.join(FORMATS)}")
    fields = {"documents": DOCUMENT_FIELDS, "entities": ENTITY_FIELDS, "events": EVENT_FIELDS}[what]
    if fmt == "jsonl":
        return lambda rows: iter_jsonl(rows, fields)
    if fmt == "json":
        return lambda rows: iter_json_array(rows, fields)
    if fmt == "csv":
        return lambda rows: iter_csv(rows, fields)
    if fmt == "geojson":
        if what == "documents":
            raise InputError("documents have no coordinates", fix="export events or entities as geojson")
        return lambda rows: iter_geojson(rows, fields)
    if what != "events":
        raise InputError("only events have an ACLED form", fix="use --what events --format acled")
    return lambda rows: iter_csv(acled_rows(rows), ACLED_FIELDS)


MEDIA_TYPES = {
    "jsonl": "application/x-ndjson; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "acled": "text/csv; charset=utf-8",
    "geojson": "application/geo+json; charset=utf-8",
}
EXTENSIONS = {"jsonl": "jsonl", "json": "json", "csv": "csv", "acled": "acled.csv", "geojson": "geojson"}
