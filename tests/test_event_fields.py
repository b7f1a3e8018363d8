"""The event fields beside the spans — where it happened (country), how precise the place and
date are, the linked actors' canonical names, fatalities and injured — carried through the
store (SQLite and PostgreSQL, new and migrated databases), the listings and filters, the
exports (jsonl, csv, geojson, ACLED), the API, the pages and the terminal line."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import urllib.request

import pytest
from pg_server import backend_db, require
from test_web_data import LOCAL, LiveServer

import marsad
from marsad.analyze.base import base_analysis
from marsad.cli.render import format_event
from marsad.errors import StoreError
from marsad.export import (
    ACLED_FIELDS,
    EVENT_FIELDS,
    acled_row,
    geo_precision,
    time_precision,
    writer_for,
)
from marsad.model import Analysis, Document, Entity, Event, Mention, Place, Span
from marsad.store import event_filters
from marsad.store.reads.events import iter_events, list_events
from marsad.store.schema import EVENT_COLUMNS_V5, MIGRATIONS, SCHEMA_VERSION

NEW_COLUMNS = {name for name, _ in EVENT_COLUMNS_V5}
EVIL = "<script>alert(9)</script>"

TITLE = "مقتل 5 في غارة إسرائيلية على غزة"
BODY = [
    "قتل خمسة فلسطينيين وأصيب ثلاثة أمس في غارة شنتها طائرات إسرائيلية على مدينة غزة.",
    "ودعت الأمم المتحدة إلى ضبط النفس، فيما تظاهر مئات في رام الله الشهر الماضي.",
]


def _span(text: str, needle: str, entity_id: str | None = None) -> Span:
    s = text.index(needle)
    return Span(s, s + len(needle), needle, entity_id)


def coded() -> Analysis:
    """One article with three events: every new field filled (an air strike, 5 killed and 3
    injured, both actors linked — the target's English name hostile markup), a stated zero
    with coarse precision, and one with none of the new fields (as the coder may leave it)."""
    doc = Document(TITLE, BODY, url="https://news.example/gaza", source="example",
                   published="2018-05-16")
    a = base_analysis(doc)
    t = a.text
    a.entities += [
        Entity("Q801", "LOC", "إسرائيل", "Israel", country="IL"),
        Entity("local:gaza", "LOC", "غزة", EVIL, country="PS", lat=31.5, lon=34.47),
        Entity("Q1065", "ORG", "الأمم المتحدة", "United Nations"),
    ]
    un = _span(t, "الأمم المتحدة")
    a.mentions.append(Mention(un.start, un.end, un.text, "ORG", "Q1065", 0.9))
    a.events = [
        Event("ASSAULT", "occurred", _span(t, "غارة"), 0, 0.95, mode="aerial",
              source=_span(t, "طائرات إسرائيلية", "Q801"), target=_span(t, "مدينة غزة", "local:gaza"),
              location=_span(t, "مدينة غزة", "local:gaza"),
              place=Place("gn:281133", "غزة", "Gaza", "PS", 31.5, 34.47),
              date="2018-05-15", country="PS", geo_precision="place", date_precision="day",
              source_name="إسرائيل", source_en="Israel", target_name="غزة", target_en=EVIL,
              fatalities=5, injured=3),
        Event("PROTEST", "occurred", _span(t, "تظاهر"), 1, 0.8, date="2018-04",
              location=_span(t, "رام الله"), country="PS", geo_precision="region",
              date_precision="month", fatalities=0),
        Event("REQUEST", "occurred", _span(t, "ودعت"), 1, 0.7,
              source=_span(t, "الأمم المتحدة", "Q1065")),
    ]
    return a


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request, db_path):
    return backend_db(request, db_path)


@pytest.fixture
def stored(db):
    a = coded()
    with marsad.open(db) as s:
        s.add([a])
    return {"db": db, "id": a.document.id}


def _rows(db, **filters) -> list[dict]:
    with marsad.open(db, readonly=True) as s:
        return sorted(list_events(s, event_filters.event_filter(**filters)), key=lambda r: r["idx"])


# -- the store ------------------------------------------------------------------------------------
def test_fields_are_stored_and_listed(stored) -> None:
    full, zero, bare = _rows(stored["db"])
    assert (full["country"], full["geo_precision"], full["date_precision"]) == ("PS", "place", "day")
    assert (full["source_name"], full["source_en"], full["target_name"], full["target_en"]) == (
        "إسرائيل", "Israel", "غزة", EVIL)
    assert (full["fatalities"], full["injured"]) == (5, 3)
    assert (zero["fatalities"], zero["injured"], zero["date_precision"]) == (0, None, "month")
    assert all(bare[c] is None for c in NEW_COLUMNS)
    assert bare["source_text"] == "الأمم المتحدة"


def test_fields_read_back_in_the_analysis(stored) -> None:
    with marsad.open(stored["db"], readonly=True) as s:
        back = s.get(stored["id"])
    assert [(e.fatalities, e.injured, e.geo_precision, e.source_en) for e in back.events] == [
        (5, 3, "place", "Israel"), (0, None, "region", None), (None, None, None, None)]


def test_actor_filter_finds_canonical_names(stored) -> None:
    for actor in ("israel", "ISRAEL", "إسرائيل", "Q801", "إسرائيلية"):
        assert [r["type"] for r in _rows(stored["db"], actor=actor)] == ["ASSAULT"], actor
    assert [r["type"] for r in _rows(stored["db"], actor="الأمم")] == ["REQUEST"]
    assert _rows(stored["db"], actor="Lebanon") == []
    assert _rows(stored["db"], actor="%") == []  # a wildcard is text, not a pattern


def test_counts_that_do_not_fit_are_not_stored(db) -> None:
    a = coded()
    a.events[0].fatalities, a.events[0].injured = 10**12, -4
    with marsad.open(db) as s:
        s.add([a])
    row = _rows(db)[0]
    assert (row["fatalities"], row["injured"]) == (None, None)


def _old_event_row(doc_id: str) -> tuple:
    return (doc_id, 0, "ASSAULT", "firearms", "occurred", "اشتباكات", "الجيش", None, "مسلحين",
            None, "حلب", "Aleppo", "SY", 36.2, 37.16, "2015-07-09", 0, 0.9)


_V4_DOC = ("INSERT INTO documents (id, title, body, published, analysis, ingested_at) "
           "VALUES ('old1', 'خبر قديم', 'نص', '2015-07-10', '{}', '2015-07-10T00:00:00')")
_V4_EVENT = ("INSERT INTO events (doc_id, idx, type, mode, status, trigger_text, source_text, "
             "source_entity, target_text, target_entity, location_text, place_name, country, lat, "
             "lon, date, sentence, confidence) VALUES (" + ",".join(["{}"] * 18) + ")")


def _check_migrated(db) -> None:
    """Opened by this marsad: the version-4 database has the new columns, its old event
    reads back with NULLs in them, and new articles store theirs."""
    with pytest.raises(StoreError, match="schema version 4"):
        marsad.open(db, readonly=True)
    with marsad.open(db) as s:
        assert s.schema_version() == SCHEMA_VERSION
        s.add([coded()])
    old = [r for r in _rows(db) if r["doc_id"] == "old1"]
    assert len(old) == 1 and old[0]["trigger_text"] == "اشتباكات" and old[0]["country"] == "SY"
    assert all(old[0][c] is None for c in NEW_COLUMNS)
    assert [r["fatalities"] for r in _rows(db) if r["doc_id"] != "old1"] == [5, 0, None]
    # the ACLED row of the old event: unknown fatalities are 0, the day is exact, the place of
    # unknown precision has no geo_precision
    row = acled_row(old[0])
    assert (row["fatalities"], row["fatalities_stated"], row["time_precision"], row["geo_precision"]) == (
        0, None, 1, None)


def test_migrates_a_version_4_sqlite_file(db_path) -> None:
    from marsad.store.sqlite import _FTS

    conn = sqlite3.connect(db_path)
    for v in range(1, 5):
        for stmt in MIGRATIONS[v] + (_FTS if v == 1 else []):
            conn.execute(stmt)
    conn.execute("INSERT INTO meta VALUES ('schema_version', '4')")
    conn.execute(_V4_DOC)
    conn.execute(_V4_EVENT.format(*["?"] * 18), _old_event_row("old1"))
    conn.commit()
    conn.close()
    _check_migrated(db_path)
    with sqlite3.connect(db_path) as conn:
        cols = {r[1]: r[2] for r in conn.execute("PRAGMA table_info(events)")}
    conn.close()
    assert NEW_COLUMNS <= set(cols) and cols["fatalities"] == "INTEGER"


@pytest.mark.postgres
def test_migrates_a_version_4_postgres_database(request) -> None:
    pg = require(request, "pg_url")
    import psycopg

    from marsad.store.postgres import _FTS, _REAL

    with psycopg.connect(pg, autocommit=True) as conn:
        for v in range(1, 5):
            for stmt in MIGRATIONS[v] + (_FTS if v == 1 else []):
                conn.execute(_REAL.sub("DOUBLE PRECISION", stmt))
        conn.execute("INSERT INTO meta VALUES ('schema_version', '4')")
        conn.execute(_V4_DOC)
        conn.execute(_V4_EVENT.format(*["%s"] * 18), _old_event_row("old1"))
    _check_migrated(pg)
    with psycopg.connect(pg) as conn:
        cols = {r[0]: r[1] for r in conn.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'events'")}
    assert NEW_COLUMNS <= set(cols) and cols["fatalities"] == "integer"


def test_the_real_coder_s_fields_are_what_the_store_lists(db) -> None:
    """Whatever the event coder finds in a real article, the listing gives back unchanged."""
    a = marsad.analyze(Document(TITLE, BODY[:1], published="2018-05-16"))
    assert a.events, "the coder found no event in a plain air-strike report"
    with marsad.open(db) as s:
        s.add([a])
    rows = _rows(db)
    assert len(rows) == len(a.events)
    for e, r in zip(a.events, rows, strict=True):
        assert {c: r[c] for c in NEW_COLUMNS} == {c: getattr(e, c) for c in NEW_COLUMNS}
        assert r["country"] == (e.country or (e.place.country if e.place else None))


# -- exports --------------------------------------------------------------------------------------
@pytest.mark.parametrize("date,precision,expected", [
    ("2018-05-15", "day", 1), ("2018-05-14/2018-05-18", "week", 2), ("2018-04", "month", 3),
    ("2018", "year", 3),
    # stored before the coder recorded precision: read from the date itself
    ("2018-05-15", None, 1), ("2018-05", None, 3), ("2018-05-10/2018-05-14", None, 2),
    ("2018-05-01/2018-05-31", None, 3), ("2018-05-15/2018-05-15", None, 1),
    # no date of its own: filed under the publication date, so within days of it
    (None, None, 2),
])
def test_time_precision(date, precision, expected) -> None:
    assert time_precision(date, precision) == expected


def test_geo_precision() -> None:
    assert [geo_precision(p, has_place=True, country="SY") for p in ("place", "region", "country")] == [1, 2, 3]
    assert geo_precision(None, has_place=False, country="SY") == 3
    assert geo_precision(None, has_place=True, country="SY") is None
    assert geo_precision(None, has_place=False, country=None) is None


def _export(db, fmt: str) -> str:
    with marsad.open(db, readonly=True) as s:
        return "".join(writer_for("events", fmt)(iter_events(s, event_filters.event_filter())))


def test_acled_export_carries_the_fields(stored) -> None:
    rows = list(csv.DictReader(io.StringIO(_export(stored["db"], "acled"))))
    assert tuple(rows[0]) == ACLED_FIELDS
    by_type = {r["plover_type"]: r for r in rows}
    strike, protest, call = by_type["ASSAULT"], by_type["PROTEST"], by_type["REQUEST"]
    assert (strike["actor1"], strike["actor1_ar"], strike["actor1_text"]) == ("Israel", "إسرائيل", "طائرات إسرائيلية")
    assert strike["actor2"] == EVIL and strike["actor2_ar"] == "غزة"
    assert (strike["time_precision"], strike["geo_precision"]) == ("1", "1")
    assert (strike["fatalities"], strike["fatalities_stated"], strike["injured"]) == ("5", "5", "3")
    assert (protest["time_precision"], protest["geo_precision"], protest["event_date"]) == ("3", "2", "2018-04")
    assert (protest["fatalities"], protest["fatalities_stated"]) == ("0", "0")
    # nothing stated: ACLED's 0, and the blank that says it was not stated
    assert (call["fatalities"], call["fatalities_stated"], call["injured"]) == ("0", "", "")
    assert call["actor1"] == "الأمم المتحدة" and call["time_precision"] == "2"  # the publication date
    assert call["actor2"] == "" and call["geo_precision"] == ""


def test_acled_actor_falls_back_to_arabic_then_text() -> None:
    ev = {"type": "ASSAULT", "status": "occurred", "event_date": "2015-07-09", "source_text": "مسلحون",
          "source_name": "تنظيم الدولة", "target_text": "قرية"}
    row = acled_row(ev)
    assert (row["actor1"], row["actor2"]) == ("تنظيم الدولة", "قرية")


def test_jsonl_csv_geojson_carry_the_fields(stored) -> None:
    lines = [json.loads(x) for x in _export(stored["db"], "jsonl").splitlines()]
    assert set(EVENT_FIELDS) == set(lines[0])
    strike = next(x for x in lines if x["type"] == "ASSAULT")
    assert (strike["fatalities"], strike["injured"], strike["source_en"]) == (5, 3, "Israel")
    rows = list(csv.DictReader(io.StringIO(_export(stored["db"], "csv"))))
    assert {r["type"]: r["fatalities"] for r in rows} == {"ASSAULT": "5", "PROTEST": "0", "REQUEST": ""}
    assert {r["type"]: r["date_precision"] for r in rows}["PROTEST"] == "month"
    gj = json.loads(_export(stored["db"], "geojson"))
    (feat,) = gj["features"]  # the only geocoded event
    assert feat["properties"]["geo_precision"] == "place" and feat["properties"]["target_en"] == EVIL


# -- the web --------------------------------------------------------------------------------------
@pytest.fixture
def client(stored):
    from fastapi.testclient import TestClient

    from marsad.web import ServeSettings, create_app

    with TestClient(create_app(ServeSettings(db=str(stored["db"]))), base_url=LOCAL) as c:
        yield c


def test_api_events_and_geojson(client) -> None:
    items = client.get("/api/events").json()["items"]
    strike = next(x for x in items if x["type"] == "ASSAULT")
    assert {k: strike[k] for k in ("fatalities", "injured", "geo_precision", "date_precision",
                                   "source_name", "source_en", "target_en")} == {
        "fatalities": 5, "injured": 3, "geo_precision": "place", "date_precision": "day",
        "source_name": "إسرائيل", "source_en": "Israel", "target_en": EVIL}
    assert [x["type"] for x in client.get("/api/events", params={"actor": "israel"}).json()["items"]] == ["ASSAULT"]
    props = client.get("/api/events/geojson").json()["features"][0]["properties"]
    assert props["fatalities"] == 5 and props["source_en"] == "Israel"


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_events_page_shows_the_fields_escaped(client, lang) -> None:
    page = client.get("/events", params={"lang": lang}).text
    assert EVIL not in page
    if lang == "en":  # the target's English name is shown, as text
        assert "&lt;script&gt;alert(9)&lt;/script&gt;</a>" in page
    killed, injured = ("قتلى", "جرحى") if lang == "ar" else ("killed", "injured")
    assert f'<span class="killed">{killed}: 5</span>' in page and f'<span class="injured">{injured}: 3</span>' in page
    assert f'<span class="killed">{killed}: 0</span>' in page  # a stated zero is shown
    assert page.count('class="killed"') == 2  # nothing for the event that states no number
    assert ("إسرائيل" if lang == "ar" else "Israel") + "</a>" in page
    assert "«طائرات إسرائيلية»" in page  # the text as written, beside the canonical name
    assert ("الشهر فقط" if lang == "ar" else "month only") in page
    assert ("مكان محدد" if lang == "ar" else "exact place") in page


def test_article_page_shows_the_fields_escaped(client, stored) -> None:
    page = client.get(f"/article/{stored['id']}", params={"lang": "en"}).text
    assert EVIL not in page and "&lt;script&gt;alert(9)&lt;/script&gt;" in page
    assert '<span class="killed">killed: 5</span>' in page and '<span class="injured">injured: 3</span>' in page
    assert "Israel</a>" in page and "exact day" in page and "region only" in page


def test_a_real_server_answers_with_the_fields(stored) -> None:
    from marsad.web import ServeSettings, create_app

    with LiveServer(create_app(ServeSettings(db=str(stored["db"])))) as srv, \
            urllib.request.urlopen(f"{srv.url}/api/events?type=ASSAULT", timeout=30) as r:
        body = json.load(r)
    assert [(x["fatalities"], x["country"]) for x in body["items"]] == [(5, "PS")]


# -- the terminal ---------------------------------------------------------------------------------
def test_format_event_adds_country_and_casualties() -> None:
    full, zero, bare = coded().events
    line = format_event(full)
    assert "country=PS" in line and "killed=5" in line and "injured=3" in line
    assert "killed=0" in format_event(zero) and "injured=" not in format_event(zero)
    assert "killed=" not in format_event(bare) and "country=" not in format_event(bare)
