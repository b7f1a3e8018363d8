"""The server-rendered pages: what each shows, Arabic/English and direction, and that no
article text, title, URL or query can run as script (the XSS cases)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_web_data import LOCAL, TOKEN, build_web_db

from marsad.store.reads.events import bucket_series
from marsad.web.highlight import snippet_pieces
from marsad.web.safety import safe_url, wikidata_url

pytest_plugins = ("test_web_data",)  # the shared database and servers

HREF = re.compile(r'\b(?:href|src|action)="([^"]*)"')
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


def html(client, path: str, status: int = 200, **kw) -> str:
    r = client.get(path, **kw)
    assert r.status_code == status, (path, r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    return r.text


def assert_inert(page: str) -> None:
    """No script of ours inline, no markup from the data, no dangerous link."""
    assert not INLINE_SCRIPT.search(page), INLINE_SCRIPT.search(page)
    for bad in ("<script>alert", "<img src=x", "<svg onload", "<i>evil</i>", "<b>evil</b>", "</mark><script>"):
        assert bad not in page, bad
    for url in HREF.findall(page):
        assert url.startswith(("/", "#", "http://", "https://", "?")), url
        assert "javascript:" not in url.lower()


def all_pages(ids: dict[str, str]) -> list[str]:
    return ["/", "/?q=حلب", "/?q=حلب&all=1", f"/article/{ids['aleppo']}", f"/article/{ids['xss']}",
            "/entities", "/entity/Q41183", "/entity/local:evil", "/events", "/events?type=ASSAULT",
            "/stories", "/story/story-aleppo", "/sources", "/ingest", "/docs"]


def test_every_page_renders_arabic_rtl_and_inert(client, web_db) -> None:
    for path in all_pages(web_db["ids"]):
        status = 403 if path == "/ingest" else 200
        page = html(client, path, status)
        if path != "/docs":
            assert '<html lang="ar" dir="rtl">' in page, path
        assert_inert(page)


def test_english_switch_sets_ltr_and_remembers_it(client) -> None:
    r = client.get("/?lang=en")
    assert '<html lang="en" dir="ltr">' in r.text and ">Search<" in r.text
    assert r.cookies.get("marsad_lang") == "en" or "marsad_lang=en" in r.headers.get("set-cookie", "")
    client.cookies.clear()
    client.cookies.set("marsad_lang", "en")
    try:
        again = client.get("/events")
        assert '<html lang="en" dir="ltr">' in again.text and "Events" in again.text
        back = client.get("/events?lang=ar")
        assert '<html lang="ar" dir="rtl">' in back.text
    finally:
        client.cookies.clear()


# -- search -------------------------------------------------------------------------------------
def test_search_page_hits_facets_highlights(client, web_db) -> None:
    page = html(client, "/?q=حلب")
    assert "<mark>حلب</mark>" in page
    assert 'id="facet-topic"' in page and 'id="facet-entity"' in page and 'id="facet-country"' in page
    assert 'id="facet-type"' in page and 'id="facet-month"' in page
    # a facet link adds its filter to the query
    assert "q=%D8%AD%D9%84%D8%A8+topic%3Apolitics" in page
    if web_db["dedup"]:
        assert "+1" in page and "#copies" in page
    filtered = html(client, "/?q=%D8%AD%D9%84%D8%A8+type%3AASSAULT")
    assert 'class="active"' in filtered  # the chosen facet shows as active


def test_search_page_pagination(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from marsad.web import ServeSettings, create_app

    info = build_web_db(tmp_path / "w.db")
    with TestClient(create_app(ServeSettings(db=str(info["path"]), page_size=2)), base_url=LOCAL) as c:
        first = c.get("/?all=1").text
        assert 'rel="next"' in first and 'rel="prev"' not in first
        second = c.get("/?all=1&page=2").text
        assert 'rel="prev"' in second and 'start="3"' in second
        last = c.get("/?all=1&page=99").text  # past the end: the last page
        assert 'rel="next"' not in last


def test_search_page_date_fields_and_bad_queries(client) -> None:
    page = html(client, "/?q=&from=2015-08-01&to=2015-08-31")
    assert 'value="2015-08-01"' in page and "<strong id=\"total\">3</strong>" in page
    bad = html(client, "/?q=from:2015-13-01", 400)
    assert 'class="error"' in bad and "YYYY-MM-DD" in bad
    html(client, "/?page=0", 400)
    html(client, "/?page=abc", 400)


def test_query_is_escaped_when_reflected(client) -> None:
    page = html(client, "/?q=%3Cscript%3Ealert(5)%3C%2Fscript%3E%22%3E")
    assert "<script>alert(5)" not in page
    assert "&lt;script&gt;alert(5)&lt;/script&gt;&#34;&gt;" in page


# -- article --------------------------------------------------------------------------------------
def test_article_page_marks_entities_and_events(client, web_db) -> None:
    page = html(client, f"/article/{web_db['ids']['aleppo']}")
    assert '<a class="ent e-LOC" href="/entity/Q41183"' in page
    assert '<a class="ent e-PER" href="/entity/Q44329"' in page
    assert '<mark class="ev t-ASSAULT" id="ev-0"' in page and ">شنت</mark>" in page
    assert 'id="ev-1"' in page and 'id="ev-2"' in page
    assert 'href="#ev-0"' in page  # the events table links into the text
    # the mode in the interface's language (its code stays in the API and the exports)
    assert ">قصف جوي</small>" in page and ">aerial</small>" not in page and "حكومة بشار الأسد" in page
    assert 'title="اعتداء · وقع"' in page  # the trigger's tooltip: type and status, both in Arabic
    try:
        en = html(client, f"/article/{web_db['ids']['aleppo']}?lang=en")
        assert ">aerial attack</small>" in en and 'title="Assault · occurred"' in en
    finally:
        client.cookies.clear()  # the session's client stays Arabic for the other tests
    assert "/story/story-aleppo" in page and "الكلمات المفتاحية" in page
    assert "الملخص" in page and "سياسة" in page
    assert 'href="https://www.okaz.com.sa/news/1"' in page
    if web_db["dedup"]:
        assert 'id="copies"' in page and f"/article/{web_db['ids']['aleppo_copy']}" in page
    html(client, "/article/nope", 404)


def test_hostile_article_renders_as_text(client, web_db) -> None:
    page = html(client, f"/article/{web_db['ids']['xss']}")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    assert '<span class="ext-inert" dir="ltr">javascript:alert(1)</span>' in page
    assert 'href="javascript' not in page
    # the hostile entity name is a linked mention, its text escaped
    assert '<a class="ent e-PER" href="/entity/local%3Aevil"' in page or 'href="/entity/local:evil"' in page
    assert "&#34;&gt;&lt;svg onload=alert(7)&gt;" in page
    assert_inert(page)
    ent = html(client, "/entity/local:evil")
    assert "wikidata.org" not in ent  # its "wikidata" is javascript:…, not a Q-id
    assert_inert(ent)


# -- entity ----------------------------------------------------------------------------------------
def test_entity_page(client) -> None:
    page = html(client, "/entity/Q41183")
    assert "Aleppo" in page and 'href="https://www.wikidata.org/wiki/Q41183"' in page
    assert "<svg class=\"chart\"" in page and "<rect" in page
    assert 'data-src="/api/entities/Q41183/network"' in page
    assert 'data-src="/api/entities/Q41183/places"' in page
    assert "/static/vendor/cytoscape/cytoscape.min.js" in page and "/static/js/map.js" in page
    assert page.count('<li><a href="/article/') == 3
    html(client, "/entity/nope", 404)
    ents = html(client, "/entities?type=LOC&q=%D8%AD%D9%84%D8%A8")
    assert "/entity/Q41183" in ents and "/entity/Q44329" not in ents
    html(client, "/entities?type=BAD", 400)


# -- events --------------------------------------------------------------------------------------------
def test_events_page_filters_and_exports(client) -> None:
    page = html(client, "/events")
    assert '<strong id="events-total">10</strong>' in page
    assert 'id="map"' in page and 'data-src="/api/events/geojson"' in page
    assert "countries-50m.json" in page and "<svg class=\"chart\"" in page
    one = html(client, "/events?type=PROTEST")
    assert '<strong id="events-total">1</strong>' in one
    assert 'value="PROTEST" checked' in one
    assert 'href="/api/export/events?type=PROTEST&amp;format=csv"' in one
    assert 'data-src="/api/events/geojson?type=PROTEST"' in one
    box = html(client, "/events?bbox=35,30,40,40&status=occurred")
    assert '<strong id="events-total">3</strong>' in box and 'value="35,30,40,40"' in box
    bad = html(client, "/events?bbox=1,2,3", 400)
    assert "WEST,SOUTH,EAST,NORTH" in bad


# -- stories, sources, docs, static ------------------------------------------------------------------
def test_stories_sources_docs_static(client) -> None:
    st = html(client, "/stories")
    assert "/story/story-aleppo" in st and "/story/story-baghdad" not in st  # one article: ?singles=1
    assert "/story/story-baghdad" in html(client, "/stories?singles=1")
    assert "غارات على حلب" in st and 'href="/entity/Q41183"' in st  # from the stories table
    one = html(client, "/story/story-aleppo")
    assert one.count('<li><a href="/article/') == 2
    html(client, "/story/nope", 404)
    src = html(client, "/sources")
    assert "okaz" in src and "alriyadh" in src and "&lt;i&gt;evil&lt;/i&gt;" in src
    docs = html(client, "/docs")
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs and "/static/js/docs.js" in docs
    assert "cdn" not in docs.lower()
    for path in ("/static/vendor/leaflet/leaflet.js", "/static/vendor/markercluster/leaflet.markercluster.js",
                 "/static/vendor/cytoscape/cytoscape.min.js", "/static/vendor/topojson/topojson-client.min.js",
                 "/static/vendor/world-atlas/countries-50m.json", "/static/vendor/swagger-ui/swagger-ui-bundle.js",
                 "/static/js/map.js", "/static/js/network.js", "/static/css/marsad.css", "/types.css"):
        r = client.get(path)
        assert r.status_code == 200 and len(r.content) > 100, path
    assert ".t-ASSAULT{--c:#c0392b}" in client.get("/types.css").text


def test_no_page_or_script_loads_anything_from_outside() -> None:
    from importlib.resources import files

    web = Path(str(files("marsad") / "web"))
    for f in [*web.glob("templates/*.html"), *web.glob("static/js/*.js"), *web.glob("static/css/*.css")]:
        text = f.read_text(encoding="utf-8")
        for m in re.finditer(r'(?:src|href)="(https?:)?//', text):
            assert False, f"{f.name} loads an outside URL: {text[m.start():m.start() + 80]}"
        assert "fonts.googleapis" not in text and "unpkg" not in text and "cdn" not in text.lower(), f.name


# -- ingest page ------------------------------------------------------------------------------------------
def test_ingest_page_off_without_token(client) -> None:
    page = html(client, "/ingest", 403)
    assert 'id="ingest-disabled"' in page and "<form" not in page.split("<main>")[1]
    r = client.post("/ingest", data={"text": "عنوان\nنص", "token": "x"})
    assert r.status_code == 403


def test_ingest_page_with_token(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from marsad.web import ServeSettings, create_app

    info = build_web_db(tmp_path / "w.db")
    app = create_app(ServeSettings(db=str(info["path"]), write_token=TOKEN))
    with TestClient(app, base_url=LOCAL) as c:
        form = c.get("/ingest")
        assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text
        text = "وزير الخارجية يزور بيروت\nوصل وزير الخارجية إلى بيروت اليوم في زيارة رسمية تستمر يومين."
        assert c.post("/ingest", data={"text": text, "token": "wrong-token"}).status_code == 401
        ok = c.post("/ingest", data={"text": text, "token": TOKEN, "source": "paste",
                                     "url": "javascript:alert(9)"})
        assert ok.status_code == 200 and 'id="ingest-result"' in ok.text
        assert "1 جديد" in ok.text
        assert c.get("/api/search", params={"q": "بيروت"}).json()["total"] == 1
        up = c.post("/ingest", data={"token": TOKEN}, files=[
            ("files", ("a.txt", "اجتماع في عمان\nعقد المسؤولون اجتماعا في عمان لبحث التعاون.".encode(), "text/plain")),
            ("files", ("../../evil.txt", "خبر ثان\nنص الخبر الثاني عن الطقس في جدة.".encode(), "text/plain")),
        ])
        assert up.status_code == 200 and "2 جديد" in up.text, up.text[-2000:]
        assert not (tmp_path.parent / "evil.txt").exists()
        empty = c.post("/ingest", data={"token": TOKEN, "text": "   "})
        assert empty.status_code == 400
        # the stored javascript: URL is shown as text on the article page
        doc_id = c.get("/api/search", params={"q": "بيروت"}).json()["items"][0]["id"]
        assert 'href="javascript' not in c.get(f"/article/{doc_id}").text


# -- small pure pieces -----------------------------------------------------------------------------------
@pytest.mark.parametrize("url,ok", [
    ("https://example.org/a?b=1", True), ("http://x.y", True), ("javascript:alert(1)", False),
    ("JavaScript:alert(1)", False), (" javascript:alert(1)", False), ("data:text/html,<b>", False),
    ("//evil.example/x", False), ("/relative", False), ("https://", False), ("http://a\nb", False),
    ("vbscript:x", False), (None, False), ("", False),
])
def test_safe_url(url, ok) -> None:
    assert (safe_url(url) is not None) == ok


def test_wikidata_url_only_for_q_ids() -> None:
    assert wikidata_url("Q858") == "https://www.wikidata.org/wiki/Q858"
    for bad in ("javascript:alert(1)", "Q", "Q0", "858", "Q858/../x", None):
        assert wikidata_url(bad) is None


def test_bucket_series_picks_day_month_year() -> None:
    rows = [("2015-01-05", "A", 1), ("2015-03-02", "A", 2), ("2015-03-09", "B", 1)]
    m = bucket_series(rows)
    assert m["bucket"] == "month" and m["periods"] == ["2015-01", "2015-02", "2015-03"]
    assert m["series"]["A"] == [1, 0, 2] and m["series"]["B"] == [0, 0, 1]
    y = bucket_series([("2001-05-01", "A", 1), ("2015-01-01", "A", 1)])
    assert y["bucket"] == "year" and len(y["periods"]) == 15
    assert bucket_series([])["periods"] == []


def test_snippet_pieces_ignore_bad_ranges() -> None:
    pieces = snippet_pieces("abc def", [(4, 7), (5, 99), (-1, 2)])
    assert [(p.text, bool(p.mark)) for p in pieces] == [("abc ", False), ("def", True)]


def test_an_empty_database_renders_every_page(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    import marsad
    from marsad.web import ServeSettings, create_app

    db = tmp_path / "empty.db"
    marsad.open(db).close()
    with TestClient(create_app(ServeSettings(db=str(db))), base_url=LOCAL) as c:
        for path in ("/", "/?q=حلب", "/entities", "/events", "/stories", "/sources", "/docs",
                     "/api/search?q=x&facets=true", "/api/events/timeline", "/api/events/geojson",
                     "/api/stats", "/api/sources", "/api/export/events?format=acled"):
            r = c.get(path)
            assert r.status_code == 200, (path, r.text[:300])
        assert c.get("/api/search", params={"q": "حلب"}).json()["total"] == 0
