"""Streaming exports of documents, entities, events and incidents: JSON Lines, CSV, GeoJSON,
ACLED.

Each writer turns an iterator of rows (from :mod:`marsad.store.reads`) into an iterator of
text chunks, so the CLI writes them to a file and the web app streams them to the browser
with no whole-table load.

CSV cells that start with ``= + - @`` (or a tab/return) get a leading ``'`` so a
spreadsheet does not run them as formulas (OWASP "CSV injection"); numbers are left as
they are.

ACLED-style export
------------------
``--format acled`` writes the columns analysts who use ACLED know, in ACLED's order:
event_date, time_precision, event_type, sub_event_type, actor1, actor2, country, location,
latitude, longitude, geo_precision, source, notes, fatalities — then marsad's own columns,
so nothing is lost: status, plover_type, plover_mode, doc_id, fatalities_stated, injured,
actor1_ar, actor2_ar, actor1_text, actor2_text. ACLED records events that took place, so
only events whose status is ``occurred`` or ``claimed`` are written (a claimed attack is
still an attack someone reports); planned, threatened and denied events are left out.

- ``actor1`` is the PLOVER source, ``actor2`` the target: the linked entity's canonical
  name (English when the knowledge base has one, as ACLED's actor names are, else Arabic),
  else the text as written. ``actor1_ar``/``actor2_ar`` give the canonical Arabic name (else
  the text), ``actor1_text``/``actor2_text`` the text as written.
- ``country`` is the ISO 3166-1 alpha-2 code of where the event happened; ``location`` the
  resolved place's name, else the place as written; ``source`` the article's source;
  ``notes`` the trigger and the headline.
- ``time_precision`` follows ACLED's codebook: 1 the day is known, 2 the week (or a range
  of days within a week), 3 only the month — and, for ACLED has no coarser code, only the
  year. An event without a date of its own is filed under its article's publication date:
  it happened then or in the days before, so 2. A range date (``start/end``) stored before
  the coder recorded precision gets 1 for one day, 2 up to a week, else 3.
- ``geo_precision``: 1 a named place (town, village, site), 2 a region (province, area),
  3 the country alone. Blank when there is no place and no country.
- ``fatalities`` is ACLED's: the number killed, **0 when the text gives no number** (ACLED
  codes unknown as 0). ``fatalities_stated`` keeps the difference — the number as the text
  states it, blank when it states none — and ``injured`` likewise.

Incidents (``--what incidents``)
--------------------------------
An incident is one real-world happening fused from the event rows of one or more articles
(:mod:`marsad.store.incidents_sql`). ``jsonl``, ``csv`` and ``geojson`` write the incidents
table's columns (:data:`INCIDENT_FIELDS`: ``place`` is the English name where the knowledge
base has one, ``place_ar`` the Arabic name); ``acled`` writes one row per incident in ACLED's
own column layout and order (:data:`ACLED_INCIDENT_FIELDS`), then marsad's:

- ``event_id_cnty``: the country code and the incident's stable id (``SA-0741a245b937a8e7``;
  ACLED numbers events per country, an id that does not change when more articles arrive is
  what a re-export needs);
- ``event_date``: the day; when the reports agree only on a span of days (time_precision 2)
  its middle day, and ``date_range`` gives the span;
- ``disorder_type``: "Political violence" for Battles, Explosions/Remote violence and
  Violence against civilians, "Demonstrations" for Protests and Riots, else "Strategic
  developments"; ``event_type``/``sub_event_type`` from PLOVER type and mode (table below);
- ``actor1``/``actor2``: the incident's actors (canonical names when linked);
  ``assoc_actor_1`` stays blank (marsad does not code associated actors);
- ``admin1``: the first-level region when a report's place gave one (a resolved
  region's name; a town's :class:`~marsad.model.Place` has no region yet, so mostly blank); ``location`` the place, else the region;
- ``source``: the outlets that reported it, ``; ``-separated; ``notes``: the lead report's
  sentence; ``fatalities``: the best estimate (the latest report's toll), 0 when no report
  gives one (ACLED's convention) — ``fatalities_stated``, ``fatalities_min`` and
  ``fatalities_max`` keep what the reports say.

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
import datetime as dt
import io
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from marsad.errors import InputError

FORMATS = ("jsonl", "csv", "geojson", "acled")
WHATS = ("documents", "entities", "events", "incidents")

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
    "geo_precision", "date_precision", "source_name", "source_en", "target_name", "target_en",
    "fatalities", "injured",
)
ACLED_FIELDS = (
    "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2", "country",
    "location", "latitude", "longitude", "geo_precision", "source", "notes", "fatalities",
    "status", "plover_type", "plover_mode", "doc_id", "fatalities_stated", "injured",
    "actor1_ar", "actor2_ar", "actor1_text", "actor2_text",
)
ACLED_STATUSES = ("occurred", "claimed")
INCIDENT_FIELDS = (
    "id", "type", "mode", "status", "actor1", "actor2", "country", "admin1", "place", "place_ar", "lat",
    "lon", "geo_precision", "date", "date_precision", "date_start", "date_end", "fatalities",
    "fatalities_range", "injured", "n_articles", "n_sources", "first_report", "last_report",
    "sources", "lead_doc", "lead_sentence", "notes",
)
ACLED_INCIDENT_FIELDS = (
    "event_id_cnty", "event_date", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "actor2", "country", "admin1", "location",
    "latitude", "longitude", "geo_precision", "source", "notes", "fatalities",
    "incident_id", "status", "plover_type", "plover_mode", "date_range", "fatalities_stated",
    "fatalities_min", "fatalities_max", "injured", "n_articles", "n_sources", "first_report",
    "last_report",
)
DISORDER_TYPES = {
    "Battles": "Political violence", "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence", "Protests": "Demonstrations",
    "Riots": "Demonstrations",
}

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


# ACLED's codes for the precision words the event coder records (see the module docstring)
TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3}
GEO_PRECISION = {"place": 1, "region": 2, "country": 3}
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}$")


def time_precision(date: str | None, precision: str | None) -> int:
    """ACLED's time_precision of an event with its own ``date`` (ISO day, month, year or a
    ``start/end`` range) and the coder's ``precision`` word; 2 for an undated event filed
    under its article's publication date."""
    if precision in TIME_PRECISION:
        return TIME_PRECISION[precision]
    if not date:
        return 2
    if "/" in date:  # a range stored without a precision word: its length says it
        lo, _, hi = date.partition("/")
        try:
            days = (dt.date.fromisoformat(hi[:10]) - dt.date.fromisoformat(lo[:10])).days
        except ValueError:
            return 3
        return 1 if days <= 0 else 2 if days <= 7 else 3
    return 1 if _DAY.match(date[:10]) else 3


def geo_precision(precision: str | None, *, has_place: bool, country: str | None) -> int | None:
    """ACLED's geo_precision of an event: from the coder's word, else 3 when only a country
    is known; None when nothing is (or a place of unknown precision, stored before the
    coder recorded one)."""
    if precision in GEO_PRECISION:
        return GEO_PRECISION[precision]
    return 3 if country and not has_place else None


def acled_row(ev: dict[str, Any]) -> dict[str, Any] | None:
    """One ACLED-style row from an event row, or None when ACLED would not record it."""
    if ev.get("status") not in ACLED_STATUSES:
        return None
    etype, sub = acled_type(ev["type"], ev.get("mode"))
    notes = f"{ev.get('trigger_text') or ''} — {ev.get('title') or ''}".strip(" —")
    location = ev.get("place_name") or ev.get("location_text")
    fatalities = ev.get("fatalities")
    return {
        "event_date": ev.get("event_date"),
        "time_precision": (time_precision(ev.get("date"), ev.get("date_precision"))
                           if ev.get("event_date") else None),
        "event_type": etype, "sub_event_type": sub,
        "actor1": ev.get("source_en") or ev.get("source_name") or ev.get("source_text"),
        "actor2": ev.get("target_en") or ev.get("target_name") or ev.get("target_text"),
        "country": ev.get("country"), "location": location,
        "latitude": ev.get("lat"), "longitude": ev.get("lon"),
        "geo_precision": geo_precision(ev.get("geo_precision"), has_place=bool(location),
                                       country=ev.get("country")),
        "source": ev.get("doc_source"), "notes": notes,
        "fatalities": fatalities if fatalities is not None else 0,
        "status": ev.get("status"), "plover_type": ev["type"], "plover_mode": ev.get("mode"),
        "doc_id": ev.get("doc_id"), "fatalities_stated": fatalities, "injured": ev.get("injured"),
        "actor1_ar": ev.get("source_name") or ev.get("source_text"),
        "actor2_ar": ev.get("target_name") or ev.get("target_text"),
        "actor1_text": ev.get("source_text"), "actor2_text": ev.get("target_text"),
    }


def _middle_day(start: str, end: str) -> str:
    try:
        a, b = dt.date.fromisoformat(start[:10]), dt.date.fromisoformat(end[:10])
    except ValueError:
        return start
    return dt.date.fromordinal((a.toordinal() + b.toordinal()) // 2).isoformat()


def acled_incident_row(inc: dict[str, Any]) -> dict[str, Any]:
    """One ACLED row from an incident (:func:`marsad.store.incidents_sql.incident_dict`)."""
    etype, sub = acled_type(inc["type"], inc.get("mode"))
    start, end = inc.get("date_start") or inc["date"], inc.get("date_end") or inc["date"]
    rng = inc.get("fatalities_range") or [None, None]
    fatalities = inc.get("fatalities")
    return {
        "event_id_cnty": f"{inc['country']}-{inc['id'].removeprefix('inc-')}",
        "event_date": start if start == end else _middle_day(start, end),
        "time_precision": TIME_PRECISION.get(inc.get("date_precision") or "", 2),
        "disorder_type": DISORDER_TYPES.get(etype, "Strategic developments"),
        "event_type": etype, "sub_event_type": sub,
        "actor1": inc.get("actor1"), "assoc_actor_1": None, "actor2": inc.get("actor2"),
        "country": inc["country"], "admin1": inc.get("admin1"),
        "location": inc.get("place") or inc.get("admin1"),
        "latitude": inc.get("lat"), "longitude": inc.get("lon"),
        "geo_precision": GEO_PRECISION.get(inc.get("geo_precision") or "", 3),
        "source": "; ".join(inc.get("sources") or ()), "notes": inc.get("notes"),
        "fatalities": fatalities if fatalities is not None else 0,
        "incident_id": inc["id"], "status": inc.get("status"), "plover_type": inc["type"],
        "plover_mode": inc.get("mode"), "date_range": None if start == end else f"{start}/{end}",
        "fatalities_stated": fatalities, "fatalities_min": rng[0], "fatalities_max": rng[1],
        "injured": inc.get("injured"), "n_articles": inc.get("n_articles"),
        "n_sources": inc.get("n_sources"), "first_report": inc.get("first_report"),
        "last_report": inc.get("last_report"),
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
    fields = {"documents": DOCUMENT_FIELDS, "entities": ENTITY_FIELDS, "events": EVENT_FIELDS,
              "incidents": INCIDENT_FIELDS}[what]
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
    if what == "incidents":
        return lambda rows: iter_csv((acled_incident_row(r) for r in rows), ACLED_INCIDENT_FIELDS)
    if what != "events":
        raise InputError("only events and incidents have an ACLED form",
                         fix="use --what incidents --format acled (or --what events)")
    return lambda rows: iter_csv(acled_rows(rows), ACLED_FIELDS)


MEDIA_TYPES = {
    "jsonl": "application/x-ndjson; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "acled": "text/csv; charset=utf-8",
    "geojson": "application/geo+json; charset=utf-8",
}
EXTENSIONS = {"jsonl": "jsonl", "json": "json", "csv": "csv", "acled": "acled.csv", "geojson": "geojson"}
