"""The incidents pages (issue 18) over a real SQLite database of hand-made articles fused by
the store, served on 127.0.0.1: the list (map points, histogram over the real range with a
misdated incident counted apart, sortable table, filters), one incident with its reports side
by side, the entity page's incidents, the empty and undated-only states, hostile text staying
text — and in Chromium, the page opened, the map drawn, a sort and a click to an incident.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_incidents_store import article
from test_web_data import LiveServer

import marsad
from marsad.model import Entity
from marsad.web import ServeSettings, create_app
from marsad.web.timeaxis import histogram

HOUTHI = Entity("Q271240", "ORG", "الحوثيون", "Houthis", ["جماعة الحوثي"], "Q271240", "YE")
EVIL = "<script>alert(5)</script>"
ROW = re.compile(r'<tr class="t-[A-Z]+">.*?</tr>', re.DOTALL)
LINK = re.compile(r'href="/incidents/(inc-[0-9a-f]+)"')


def build(path: Path) -> dict[str, Any]:
    """Five incidents: one strike told by three papers (tolls 3, 4, 5), one by a single
    paper naming the Houthis, one whose actor is hostile markup, one in Aleppo, and one
    misdated to 1975 (a bad date that must not stretch the timeline)."""
    najran = [article(src, pub, "نجران", date="2015-07-24", fatalities=n)
              for src, pub, n in (("okaz", "2015-07-25", 3), ("sabq", "2015-07-25", 4), ("alyaum", "2015-07-26", 5))]
    jizan = article("okaz", "2015-08-03", "جازان", date="2015-08-02", fatalities=1, trigger="هجوم",
                    actor=("الحوثيون", HOUTHI.id, "Houthis"))
    jizan.entities.append(HOUTHI)
    evil = article("sabq", "2015-08-10", "أبها", date="2015-08-09", trigger="قصف", actor=(EVIL, None, None))
    aleppo = article("alhayat", "2015-09-01", "حلب", date="2015-08-31", type_="PROTEST", trigger="تظاهر")
    old = article("okaz", "1975-03-02", "حلب", date="1975-03-01", fatalities=2)
    with marsad.open(path) as store:
        for a in [*najran, jizan, evil, aleppo, old]:
            store.add([a])
        incs = {i["place"] or i["id"]: i for i in store.incidents(limit=100)}
    return {"path": path, "incidents": incs}


@pytest.fixture(scope="module")
def inc_db(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return build(tmp_path_factory.mktemp("incidents") / "incidents.db")


@pytest.fixture(scope="module")
def live(inc_db):
    with LiveServer(create_app(ServeSettings(db=str(inc_db["path"])))) as srv:
        yield srv


@pytest.fixture(scope="module")
def http(live):
    with httpx.Client(base_url=live.url, timeout=30) as c:
        yield c


def get(http: httpx.Client, path: str, status: int = 200) -> str:
    r = http.get(path)
    assert r.status_code == status, (path, r.status_code, r.text[:300])
    return r.text


def by_place(inc_db: dict[str, Any], place: str) -> dict[str, Any]:
    return next(i for i in inc_db["incidents"].values() if i["place"] == place)


def test_the_database_holds_the_incidents(inc_db) -> None:
    with marsad.open(inc_db["path"], readonly=True) as store:
        assert store.count_incidents() == 5
    najran = by_place(inc_db, "Najran")
    assert (najran["n_articles"], najran["n_sources"]) == (3, 3)


def test_incidents_page_shows_map_histogram_and_table(http) -> None:
    page = get(http, "/incidents")
    assert '<html lang="ar" dir="rtl">' in page and 'href="/incidents" aria-current="page"' in page
    assert re.search(r'id="incidents-total">5<', page)
    assert len(ROW.findall(page)) == 5
    assert 'data-kind="incidents"' in page and 'data-src="/api/incidents/geojson"' in page
    # the 1975 incident is counted apart, not drawn: the axis covers 2015 only
    hist = re.search(r'id="histogram" data-bucket="(\w+)" data-first="([\d-]+)" data-last="([\d-]+)"', page)
    assert hist and hist.group(2) == "2015-07-24" and hist.group(3) == "2015-08-31"
    assert hist.group(1) == "day"
    assert re.search(r'id="outside-count"><strong>1</strong>', page)
    assert 'id="undated-count"' not in page
    # each bar links to its period's incidents, the range selector offers the periods
    assert 'href="/incidents?from=2015-07-24&amp;to=2015-07-24"' in page
    assert '<option value="2015-08-31" selected>' in page
    # the latest first by default
    first = ROW.findall(page)[0]
    assert "2015-08-31" in first


def test_table_sorts_by_each_column(http, inc_db) -> None:
    tolls = re.compile(r'<td class="num casualties">(\d+|—)')
    page = get(http, "/incidents?sort=fatalities&dir=desc")
    assert tolls.findall(page) == ["5", "2", "1", "—", "—"]  # blanks last whichever the direction
    page = get(http, "/incidents?sort=fatalities&dir=asc")
    assert tolls.findall(page) == ["1", "2", "5", "—", "—"]
    assert 'aria-sort="ascending"' in page
    page = get(http, "/incidents?sort=sources")
    assert LINK.findall(page)[0] == by_place(inc_db, "Najran")["id"]
    page = get(http, "/incidents?sort=date&dir=asc")
    assert "1975-03-01" in ROW.findall(page)[0]
    assert "cannot sort incidents by" in get(http, "/incidents?sort=evil", 400)


def test_filters_by_type_entity_country_and_dates(http, inc_db) -> None:
    assert re.search(r'id="incidents-total">1<', get(http, "/incidents?type=PROTEST"))
    page = get(http, f"/incidents?entity={HOUTHI.id}")
    assert LINK.findall(page) == [by_place(inc_db, "Jizan")["id"]]
    assert f'name="entity" value="{HOUTHI.id}"' in page
    assert re.search(r'id="incidents-total">3<', get(http, "/incidents?country=SA"))
    page = get(http, "/incidents?from=2015-08-01&to=2015-08-31")
    assert re.search(r'id="incidents-total">3<', page)
    # the range selector keeps the other filters
    page = get(http, "/incidents?country=SA&type=ASSAULT")
    form = re.search(r'<form class="filters range".*?</form>', page, re.DOTALL).group(0)
    assert 'name="country" value="SA"' in form and 'name="type" value="ASSAULT"' in form
    assert "unknown event type" in get(http, "/incidents?type=NOPE", 400)
    page = get(http, "/incidents?type=AID")
    assert 'id="incidents-empty"' in page and 'href="/incidents"' in page


def test_week_bucket_starts_on_monday(http) -> None:
    page = get(http, "/incidents?by=week")
    hist = re.search(r'id="histogram" data-bucket="(\w+)"', page)
    assert hist and hist.group(1) == "week"
    assert '<option value="2015-07-20" selected>' in page  # the Monday of 2015-07-24's week


def test_map_points_are_geojson(http, inc_db) -> None:
    fc = http.get("/api/incidents/geojson").json()
    assert len(fc["features"]) == 5 and fc["truncated"] is False
    najran = next(f for f in fc["features"] if f["properties"]["place"] == "Najran")
    assert najran["geometry"]["coordinates"] == [44.1277, 17.4933]
    assert najran["properties"]["fatalities"] == 5 and najran["properties"]["n_articles"] == 3
    assert len(http.get("/api/incidents/geojson?type=PROTEST").json()["features"]) == 1
    assert http.get("/api/incidents/geojson?type=NOPE").status_code == 400
    assert "/api/incidents/geojson" in http.get("/openapi.json").json()["paths"]


def test_incident_page_shows_every_report_side_by_side(http, inc_db) -> None:
    inc = by_place(inc_db, "Najran")
    page = get(http, f"/incidents/{inc['id']}")
    reports = re.findall(r'<article class="report.*?</article>', page, re.DOTALL)
    assert len(reports) == 3
    outlets = [re.search(r'class="outlet">([^<]+)<', r).group(1) for r in reports]
    assert sorted(outlets) == ["alyaum", "okaz", "sabq"]
    for r in reports:
        assert '<mark class="ev t-ASSAULT">قصف</mark>' in r
        assert re.search(r'href="/article/[0-9a-f]+"', r)
        assert 'class="ext" href="https://' in r
    assert re.search(r'id="incident-sources">3: alyaum، okaz، sabq<', page)
    assert "(3–5)" in page  # the range of tolls the reports give
    get(http, "/incidents/inc-0000", 404)


def test_entity_page_lists_its_incidents(http, inc_db) -> None:
    page = get(http, f"/entity/{HOUTHI.id}")
    section = re.search(r'<section class="panel" id="entity-incidents">.*?</section>', page, re.DOTALL).group(0)
    assert LINK.findall(section) == [by_place(inc_db, "Jizan")["id"]]
    assert f'href="/incidents?entity={HOUTHI.id}"' in section


def test_hostile_text_stays_text(http, inc_db) -> None:
    inc = by_place(inc_db, "Abha")
    assert inc["actor1"] and EVIL in inc["actor1"]
    for path in ("/incidents", f"/incidents/{inc['id']}", "/incidents?entity=%3Cscript%3E"):
        page = get(http, path)
        assert EVIL not in page and "&lt;script&gt;alert(5)&lt;/script&gt;" in page


def test_english_labels(http) -> None:
    page = get(http, "/incidents?lang=en")
    assert '<html lang="en" dir="ltr">' in page and "<h1>Incidents</h1>" in page
    assert ">Outlets</a>" in page and "dated far from the rest" in page


def test_empty_database_reads_well(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    marsad.open(db).close()
    with LiveServer(create_app(ServeSettings(db=str(db)))) as srv, httpx.Client(base_url=srv.url) as c:
        page = get(c, "/incidents")
        assert 'id="incidents-empty"' in page and "لا وقائع بعد" in page
        assert 'id="map"' not in page  # no empty map and chart for nothing
        assert get(c, "/incidents?lang=en").count("No incidents yet") == 1
        assert c.get("/api/incidents/geojson").json()["features"] == []


def test_undated_incidents_are_counted_apart(tmp_path: Path, inc_db) -> None:
    db = tmp_path / "undated.db"
    shutil.copy(inc_db["path"], db)
    with sqlite3.connect(db) as conn:  # as an older writer might have left them
        conn.execute("UPDATE incidents SET date_start = '', date_end = ''")
    conn.close()
    with LiveServer(create_app(ServeSettings(db=str(db)))) as srv, httpx.Client(base_url=srv.url) as c:
        page = get(c, "/incidents?lang=en")
        assert re.search(r'id="incidents-total">5<', page)
        assert 'id="no-timeline"' in page and 'id="histogram"' not in page
        assert re.search(r'id="undated-count"><strong>5</strong> incidents without a usable date', page)
        assert page.count('<span class="undated">undated</span>') == 5


# -- the time axis ---------------------------------------------------------------------------------
LATEST = date(2026, 1, 1)


def test_histogram_counts_bad_and_missing_dates_apart() -> None:
    days = [("2015-07-24", 3), ("2015-07-26", 1), ("2015-08-02", 2), ("1975-03-01", 1), (None, 2),
            ("2015-02-30", 1), ("2999-01-01", 1), ("soon", 1)]
    h = histogram(days, latest=LATEST)
    assert (h.first, h.last, h.bucket) == ("2015-07-24", "2015-08-02", "day")
    assert (h.dated, h.outside, h.undated) == (6, 1, 5)
    assert len(h.bars) == 10 and [b.n for b in h.bars][:3] == [3, 0, 1]  # gaps drawn as gaps


def test_histogram_keeps_a_real_spread_and_picks_week_then_month() -> None:
    # a collection spread evenly over three years loses nothing
    days = [(f"{y}-{m:02d}-15", 1) for y in (2013, 2014, 2015) for m in range(1, 13)]
    h = histogram(days, latest=LATEST)
    assert h.outside == 0 and (h.first, h.last) == ("2013-01-15", "2015-12-15")
    assert h.bucket == "week" and h.bars[0].start == "2013-01-14"  # a Monday
    assert histogram(days, latest=LATEST, bucket="day").bucket == "week"  # 1,065 days is too many bars
    assert histogram(days, latest=LATEST, max_bars=100).bucket == "month"
    m = histogram(days, latest=LATEST, bucket="month")
    assert len(m.bars) == 36 and m.series()["periods"][0] == "2013-01"
    assert histogram([], latest=LATEST).bars == ()


# -- in a browser ----------------------------------------------------------------------------------
@pytest.mark.browser
def test_browser_opens_incidents_map_sort_and_an_incident(live, inc_db) -> None:
    from test_browser import ARGS, CHROMIUM, shot

    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the Python package playwright is not installed")
    problems: list[str] = []
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        ctx = b.new_context(viewport={"width": 1366, "height": 900}, base_url=live.url)
        page = ctx.new_page()
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
        page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
        page.on("request", lambda r: problems.append(f"outside request: {r.url}")
                if not r.url.startswith((live.url, "data:", "blob:")) else None)
        try:
            page.goto("/incidents")
            page.wait_for_selector("#map[data-points]")
            page.wait_for_selector("#map[data-atlas-loaded='1']")
            assert page.get_attribute("#map", "data-points") == "5"
            assert page.locator(".leaflet-interactive, .marker-cluster").count() >= 1
            assert page.locator("#histogram svg rect.bar").count() >= 3
            # markers sized by toll; switching to reports re-sizes them
            page.select_option("#map-size-by", "reports")
            assert page.get_attribute("#map", "data-size-by") == "reports"
            page.wait_for_timeout(300)
            shot(page, "10-incidents")
            # a cluster clicked zooms in until it splits; the markers then name their places
            # (clicked again while clusters remain: re-sizing rebuilds the cluster icons, and on
            # a loaded machine a click can land on an icon being replaced)
            for _ in range(8):
                if page.locator(".leaflet-tooltip.place-label").count():
                    break
                clusters = page.locator(".marker-cluster")
                if clusters.count():
                    clusters.first.click()
                page.wait_for_timeout(800)
            page.wait_for_selector(".leaflet-tooltip.place-label")
            labels = set(page.locator(".leaflet-tooltip.place-label").all_inner_texts())
            assert labels & {"نجران", "جازان", "أبها", "حلب"}  # an Arabic page names places in Arabic
            assert not labels & {"Najran", "Jizan", "Abha", "Aleppo"}

            page.click("#incidents-table a.sort[data-sort='fatalities']")
            page.wait_for_url("**/incidents?*sort=fatalities*")
            assert page.locator("#incidents-table tbody td.casualties").first.inner_text().startswith("5")
            page.locator("#incidents-table a.incident-link").first.click()
            page.wait_for_url("**/incidents/inc-*")
            assert page.locator("#reports article.report").count() == 3
            assert page.locator("#reports mark.ev").first.inner_text() == "قصف"
            # its small map: the incident's marker, its reports' markers, the place named
            page.wait_for_selector("#map[data-points]")
            page.wait_for_selector("#map[data-atlas-loaded='1']")
            assert page.get_attribute("#map", "data-points") == "4"  # the incident and its 3 reports
            assert page.locator("#map path.incident-marker").count() == 1
            assert page.locator("#map path.report-marker").count() == 3
            assert page.locator("#map .leaflet-tooltip.place-label").inner_text() == "نجران"
            # the reports' dots lie over the incident's: a click on one opens that report
            page.locator("#map path.report-marker").last.click(force=True)
            page.wait_for_selector("#map .leaflet-popup-content .popup a[href^='/article/']")
            assert page.locator("#map .leaflet-popup-content").inner_text().split()[0] in ("okaz", "sabq", "alyaum")
            # the incident's own popup, from its ring around them
            box = page.locator("#map path.incident-marker").bounding_box()
            page.mouse.click(box["x"] + 4, box["y"] + box["height"] / 2)
            page.wait_for_selector("#map .leaflet-popup-content .popup .killed")
            assert "نجران" in page.locator("#map .leaflet-popup-content:has(.killed)").inner_text()
            shot(page, "11-incident")
        finally:
            ctx.close()
            b.close()
    assert problems == [], problems
