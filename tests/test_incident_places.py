"""Incidents' places in both languages and each report's own trigger (issue 18, follow-up): the
fuser keeps the place's Arabic and English names, the store keeps both (schema version 9) and
where each report's sentence starts, an older database migrates (SQLite and PostgreSQL) and
``marsad incidents --rebuild`` refills the new columns; the pages name places in their own
language and mark the event's own trigger when its sentence says the word twice."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_incidents_store import NAJRAN, article, db  # noqa: F401  (db: the sqlite/postgres fixture)
from test_web_data import LiveServer

import marsad
from marsad.analyze.base import base_analysis
from marsad.analyze.incidents import fuse, reports_from_analysis
from marsad.cli import main as cli_main
from marsad.model import Analysis, Document, Event, Span
from marsad.store.incidents_sql import trigger_offset
from marsad.store.schema import SCHEMA_VERSION
from marsad.web import ServeSettings, create_app

TWICE = "قال شهود إن قصف الأمس لم يوقع ضحايا، وإن قصف اليوم على نجران قتل ثلاثة."
MARKED = 'قال شهود إن قصف الأمس لم يوقع ضحايا، وإن <mark class="ev t-ASSAULT">قصف</mark> اليوم على نجران قتل ثلاثة.'
SENTENCE = re.compile(r'<p class="sentence"[^>]*>(.*?)</p>', re.DOTALL)


def twice(source: str = "okaz", published: str = "2015-07-25") -> Analysis:
    """An article whose lead sentence (not the headline: it starts well into the text) says
    «قصف» twice; the event is the second, the one on Najran."""
    doc = Document("أخبار المنطقة الجنوبية", [TWICE + " وأضافوا أن الوضع هادئ."], source=source,
                   published=published, url=f"https://{source}.example/twice")
    a = base_analysis(doc)
    t0 = a.text.index("قصف", a.text.index("قصف") + 1)
    p0 = a.text.index("نجران")
    sent = next(i for i, s in enumerate(a.sentences) if s.start <= t0 < s.end)
    assert a.sentence_text(sent) == TWICE and a.sentences[sent].start > 0
    a.events.append(Event(
        type="ASSAULT", status="occurred", trigger=Span(t0, t0 + 3, "قصف"), sentence=sent, confidence=0.9,
        location=Span(p0, p0 + 5, "نجران"), place=NAJRAN, country="SA", geo_precision="place",
        date="2015-07-24", date_precision="day", fatalities=3,
    ))
    return a


# -- the fuser ------------------------------------------------------------------------------------
def test_the_fuser_keeps_both_names_and_the_sentence_start() -> None:
    arts = [article("okaz", "2015-07-25", "نجران", date="2015-07-24"),
            article("sabq", "2015-07-25", "نجران", date="2015-07-24")]
    unresolved = article("alyaum", "2015-08-03", "جازان", date="2015-08-02")
    unresolved.events[0].place = None  # a place named but not linked: its name as written
    reports = [r for a in [*arts, unresolved] for r in reports_from_analysis(a)]
    assert [r.text_start for r in reports] == [0, 0, 0]
    r = reports_from_analysis(twice())[0]
    assert r.text_start and r.text is not None and r.text[r.event.trigger.start - r.text_start:].startswith("قصف اليوم")
    incs = {i.place: i for i in fuse(reports)}
    assert incs["Najran"].place_ar == "نجران"
    assert [(x.place, x.place_ar) for x in incs["Najran"].reports] == [("Najran", "نجران")] * 2
    assert incs["جازان"].place_ar == "جازان"  # no English name known: as written in both


# -- finding the trigger in its sentence ------------------------------------------------------------
def test_trigger_offset_uses_the_events_own_span() -> None:
    at = TWICE.index("قصف", TWICE.index("قصف") + 1)
    first = TWICE.index("قصف")
    assert trigger_offset(TWICE, "قصف", 100 + at, 100) == at  # the stored sentence start
    assert trigger_offset(TWICE, "قصف", 100 + first, 100) == first
    assert trigger_offset(TWICE, "قصف", 100 + at + 1, 100) is None  # offsets that do not fit: nothing marked
    assert trigger_offset(TWICE, "قصف", 5, 100) is None
    assert trigger_offset(None, "قصف", 0, 0) is None and trigger_offset(TWICE, "", 0, 0) is None
    # an older row (no sentence start): the occurrence where the event's other spans fall on their words
    loc = TWICE.index("نجران")
    place = {"start": 100 + loc, "end": 100 + loc + 5, "text": "نجران"}
    assert trigger_offset(TWICE, "قصف", 100 + at, None, [place, None]) == at
    assert trigger_offset(TWICE, "قصف", 100 + at, None, []) == first  # nothing to tell: the first
    assert trigger_offset(TWICE, "غارة", 100 + at, None, [place]) is None


# -- the store: both names, version 9, rebuild ------------------------------------------------------
def _columns(store: Any, table: str, *cols: str) -> list[tuple]:
    return [tuple(r[c] for c in cols) for r in store.fetchall(f"SELECT {', '.join(cols)} FROM {table} ORDER BY 1")]


def test_the_store_keeps_both_names_and_the_sentence_start(db) -> None:  # noqa: F811
    with marsad.open(db) as store:
        store.add([article("okaz", "2015-07-25", "نجران", date="2015-07-24"),
                   article("sabq", "2015-07-25", "نجران", date="2015-07-24")])
        store.add([twice("alyaum", "2015-07-26")])
        assert _columns(store, "incidents", "place", "place_ar") == [("Najran", "نجران")]
        rows = _columns(store, "incident_reports", "source", "place", "place_ar", "text_start", "trig_start")
        start = twice().sentences[1].start
        assert sorted(r[:4] for r in rows) == [("alyaum", "Najran", "نجران", start), ("okaz", "Najran", "نجران", 0),
                                              ("sabq", "Najran", "نجران", 0)]
        [inc] = store.incidents()
        assert inc["place_ar"] == "نجران"
        full = store.incident(inc["id"])
        tw = next(r for r in full["reports"] if r["source"] == "alyaum")
        assert tw["trigger_at"] == TWICE.index("قصف", TWICE.index("قصف") + 1) and tw["place_ar"] == "نجران"
        assert (tw["lat"], tw["lon"], tw["geo_precision"]) == (NAJRAN.lat, NAJRAN.lon, "place")
        assert "event" not in tw and "text_start" not in tw


def _make_version_8(url: str) -> None:
    """Drop what version 9 added, as a database written by the previous marsad."""
    drops = ["ALTER TABLE incidents DROP COLUMN place_ar", "ALTER TABLE incident_reports DROP COLUMN place_ar",
             "ALTER TABLE incident_reports DROP COLUMN text_start",
             "UPDATE meta SET value = '8' WHERE key = 'schema_version'"]
    if url.startswith("postgresql"):
        import psycopg

        with psycopg.connect(url, autocommit=True) as pg:
            for stmt in drops:
                pg.execute(stmt)
    else:
        conn = sqlite3.connect(url)
        with conn:
            for stmt in drops:
                conn.execute(stmt)
        conn.close()


def test_a_version_8_database_migrates_and_rebuild_refills(db, capsys) -> None:  # noqa: F811
    with marsad.open(db) as store:
        store.add([article("okaz", "2015-07-25", "نجران", date="2015-07-24"), twice("sabq", "2015-07-26")])
        before = _columns(store, "incidents", "id", "place", "n_articles")
    _make_version_8(db)
    with pytest.raises(marsad.StoreError, match="schema version 8"):
        marsad.open(db, readonly=True)  # a reader does not migrate
    with marsad.open(db) as store:
        assert store.schema_version() == SCHEMA_VERSION >= 9
        assert _columns(store, "incidents", "id", "place", "n_articles") == before
        assert _columns(store, "incidents", "place_ar") == [(None,)]
        assert {r[0] for r in _columns(store, "incident_reports", "text_start")} == {None}
        # readers fall back until the rebuild: the Arabic name from the stored event, the
        # trigger where the event's location also falls on its word
        inc = store.incident(before[0][0])
        assert inc["place_ar"] == "نجران" and {r["place_ar"] for r in inc["reports"]} == {"نجران"}
        tw = next(r for r in inc["reports"] if r["source"] == "sabq")
        assert tw["trigger_at"] == TWICE.index("قصف", TWICE.index("قصف") + 1)
    assert cli_main(["incidents", "--db", db, "--rebuild", "--json"]) == 0
    assert '"place_ar": "نجران"' in capsys.readouterr().out
    with marsad.open(db) as store:
        assert _columns(store, "incidents", "id", "place", "n_articles") == before  # the same incident
        assert _columns(store, "incidents", "place_ar") == [("نجران",)]
        assert sorted(_columns(store, "incident_reports", "place_ar", "text_start")) == \
            [("نجران", 0), ("نجران", twice().sentences[1].start)]


# -- the pages ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("places") / "places.db"
    with marsad.open(path) as store:
        store.add([article("okaz", "2015-07-25", "نجران", date="2015-07-24", fatalities=2)])
        store.add([twice("sabq", "2015-07-25")])
        store.add([article("alyaum", "2015-08-03", "جازان", date="2015-08-02")])
        store.add([article("alhayat", "2015-09-01", "حلب", date="2015-08-31")])
        incs = {i["place"]: i for i in store.incidents()}
    with LiveServer(create_app(ServeSettings(db=str(path)))) as srv, \
            httpx.Client(base_url=srv.url, timeout=30) as http:
        yield {"path": path, "http": http, "incidents": incs}


def get(http: httpx.Client, path: str) -> str:
    r = http.get(path)
    assert r.status_code == 200, (path, r.status_code, r.text[:300])
    return r.text


def test_pages_name_places_in_their_language(site) -> None:
    http = site["http"]
    page = get(http, "/incidents?lang=ar")
    table = re.search(r'<table class="events-table incidents-table".*?</table>', page, re.DOTALL).group(0)
    assert '<span class="place-name" lang="ar" dir="auto">نجران</span>' in table and "Najran" not in table
    table = re.search(r'<table class="events-table incidents-table".*?</table>',
                      get(http, "/incidents?lang=en"), re.DOTALL).group(0)
    assert '<span class="place-name" lang="en" dir="auto">Najran</span>' in table and "نجران" not in table
    inc = site["incidents"]["Najran"]
    ar = get(http, f"/incidents/{inc['id']}?lang=ar")
    head = re.search(r"<h1>.*?</h1>", ar, re.DOTALL).group(0)
    assert "نجران" in head and "Najran" not in head
    en = get(http, f"/incidents/{inc['id']}?lang=en")
    head = re.search(r"<h1>.*?</h1>", en, re.DOTALL).group(0)
    assert "Najran" in head and "نجران" not in head
    reports = re.findall(r'<article class="report.*?</article>', en, re.DOTALL)
    assert len(reports) == 2 and all('lang="en" dir="auto">Najran</span>' in r for r in reports)
    # the list map's points carry both names (the script picks the page's)
    fc = http.get("/api/incidents/geojson").json()
    assert {(f["properties"]["place"], f["properties"]["place_ar"]) for f in fc["features"]} == \
        {("Najran", "نجران"), ("Jizan", "جازان"), ("Aleppo", "حلب")}


def test_places_sort_by_the_name_the_page_shows(site) -> None:
    names = re.compile(r'<span class="place-name" lang="\w+" dir="auto">([^<]+)</span>')
    en = names.findall(get(site["http"], "/incidents?sort=place&dir=asc&lang=en"))
    ar = names.findall(get(site["http"], "/incidents?sort=place&dir=asc&lang=ar"))
    assert en == ["Aleppo", "Jizan", "Najran"]
    assert ar == ["جازان", "حلب", "نجران"]  # ج before ح: not the English order


def test_the_report_marks_its_own_trigger(site) -> None:
    inc = site["incidents"]["Najran"]
    page = get(site["http"], f"/incidents/{inc['id']}?lang=ar")
    sentences = SENTENCE.findall(page)
    assert MARKED in sentences, sentences
    # a report stored before its sentence's start was kept: the same word, from the event's spans
    with sqlite3.connect(site["path"]) as conn:
        conn.execute("UPDATE incident_reports SET text_start = NULL")
    conn.close()
    with LiveServer(create_app(ServeSettings(db=str(site["path"])))) as srv, httpx.Client(base_url=srv.url) as c:
        assert MARKED in SENTENCE.findall(get(c, f"/incidents/{inc['id']}"))


def test_the_incident_page_has_a_small_map(site) -> None:
    http = site["http"]
    inc = site["incidents"]["Najran"]
    page = get(http, f"/incidents/{inc['id']}?lang=ar")
    m = re.search(r'<div id="map" dir="ltr" class="map small" data-kind="incident" data-features="([^"]+)"', page)
    assert m, "no map"
    import html
    import json

    fc = json.loads(html.unescape(m.group(1)))
    roles = sorted((f["properties"]["role"], f["properties"]["place"], tuple(f["geometry"]["coordinates"]))
                   for f in fc["features"])
    assert roles == [("incident", "نجران", (NAJRAN.lon, NAJRAN.lat))] + [("report", "نجران", (NAJRAN.lon, NAJRAN.lat))] * 2
    assert '<script src="/static/js/map.js"></script>' in page and "leaflet.css" in page
    assert "<script>" not in page  # nothing inline: the CSP holds
    # an incident with no point has no map
    path = Path(site["path"])
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE incidents SET lat = NULL, lon = NULL WHERE id = ?", (site["incidents"]["Jizan"]["id"],))
        conn.execute("UPDATE incident_reports SET event = replace(event, '\"lat\": 16.8892', '\"lat\": null') "
                     "WHERE incident_id = ?", (site["incidents"]["Jizan"]["id"],))
    conn.close()
    with LiveServer(create_app(ServeSettings(db=str(path)))) as srv, httpx.Client(base_url=srv.url) as c:
        page = get(c, f"/incidents/{site['incidents']['Jizan']['id']}")
        assert 'id="map"' not in page and "leaflet" not in page


def test_the_region_is_named_in_the_pages_language(tmp_path: Path) -> None:
    from marsad.model import Place

    region = Place("gn:108179", "منطقة نجران", "Najran Region", "SA", 17.75, 45.5)
    town = article("okaz", "2015-07-25", "نجران", date="2015-07-24")
    wide = article("sabq", "2015-07-25", "نجران", date="2015-07-24")
    wide.events[0].place, wide.events[0].geo_precision = region, "region"
    path = tmp_path / "region.db"
    with marsad.open(path) as store:
        store.add([town, wide])
        [inc] = store.incidents()
    assert (inc["place"], inc["place_ar"], inc["admin1"]) == ("Najran", "نجران", "Najran Region")
    with LiveServer(create_app(ServeSettings(db=str(path)))) as srv, httpx.Client(base_url=srv.url) as c:
        dd = re.compile(r"<dt>(?:المكان|Place)</dt><dd>(.*?)</dd>", re.DOTALL)
        ar = dd.search(get(c, f"/incidents/{inc['id']}?lang=ar")).group(1)
        assert "نجران" in ar and "منطقة نجران" in ar and "Najran" not in ar
        en = dd.search(get(c, f"/incidents/{inc['id']}?lang=en")).group(1)
        assert "Najran" in en and "Najran Region" in en and "نجران" not in en


def test_the_small_map_leaves_out_reports_that_name_only_the_country() -> None:
    from marsad.web.pages.incidents import incident_features

    inc = {"type": "ASSAULT", "lat": 12.78, "lon": 45.03, "place": "Aden", "place_ar": "عدن", "date": "2015-07-19",
           "fatalities": 43}
    base = {"doc_id": "d1", "source": "okaz", "published": "2015-07-20T10:00:00", "title": "t"}
    reports = [{**base, "lat": 12.78, "lon": 45.03, "geo_precision": "place", "place": "Aden", "place_ar": "عدن"},
               {**base, "lat": 15.5, "lon": 47.5, "geo_precision": "country", "place": "Yemen", "place_ar": "اليمن"},
               {**base, "lat": None, "lon": None, "geo_precision": None, "place": None, "place_ar": None}]
    fc = incident_features(inc, reports, "en")
    assert [(f["properties"]["role"], f["properties"]["place"]) for f in fc["features"]] == \
        [("incident", "Aden"), ("report", "Aden")]
    assert fc["features"][1]["properties"]["published"] == "2015-07-20"
    assert incident_features({**inc, "lat": None, "lon": None}, reports[1:], "ar")["features"] == []
