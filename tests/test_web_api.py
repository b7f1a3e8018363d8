"""The JSON API: every endpoint and its errors, through FastAPI's client and through a real
uvicorn server on 127.0.0.1."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from test_web_data import LOCAL, TOKEN, LiveServer, build_web_db

import marsad

pytest_plugins = ("test_web_data",)  # the shared database and servers


def _err(r: httpx.Response, status: int) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()["error"]
    assert body["status"] == status and body["message"]
    assert "Traceback" not in r.text
    return body


# -- meta ------------------------------------------------------------------------------------
def test_health_and_stats(client) -> None:
    h = client.get("/api/health").json()
    assert h["status"] == "ok" and h["documents"] == 6 and h["writable"] is False
    s = client.get("/api/stats").json()
    assert s["documents"] == 6 and s["events"] == 10
    assert "database" not in s  # the server's file path stays on the server
    assert s["events_by_type"]["ASSAULT"] == 3


def test_openapi_schema_is_served_with_our_error_shape(client) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/api/search", "/api/documents", "/api/documents/{doc_id}", "/api/entities",
                 "/api/events", "/api/stories", "/api/stats", "/api/health", "/api/export/{what}"):
        assert path in spec["paths"], path
    ev = spec["paths"]["/api/events"]["get"]
    names = {p["name"] for p in ev["parameters"]}
    assert {"type", "status", "actor", "country", "from", "to", "bbox", "limit", "offset"} <= names
    assert "400" in ev["responses"] and "422" not in ev["responses"]
    assert "Error" in spec["components"]["schemas"]


# -- search and documents -----------------------------------------------------------------------
def test_search_collapses_copies_and_highlights(client, web_db) -> None:
    r = client.get("/api/search", params={"q": "حلب"}).json()
    ids = [h["id"] for h in r["items"]]
    aleppo = {web_db["ids"]["aleppo"], web_db["ids"]["aleppo_copy"]}
    if web_db["dedup"]:
        assert len(aleppo & set(ids)) == 1  # two copies, one hit
        hit = next(h for h in r["items"] if h["id"] in aleppo)
        assert hit["copies"] == 2
    hit = r["items"][0]
    assert any(hit["snippet"][s:e].endswith("حلب") for s, e in hit["highlights"])
    every = client.get("/api/search", params={"q": "حلب", "collapse": "false"}).json()
    assert aleppo <= {h["id"] for h in every["items"]}


def test_search_filters_and_facets(client, web_db) -> None:
    r = client.get("/api/search", params={"q": "type:PROTEST", "facets": "true"}).json()
    assert [h["id"] for h in r["items"]] == [web_db["ids"]["baghdad"]]
    assert r["facets"]["type"][0]["value"] in ("PROTEST", "COERCE")
    f = client.get("/api/search", params={"q": "حلب", "facets": "true"}).json()["facets"]
    assert {x["value"] for x in f["topic"]} == {"politics"}
    assert any(x["value"] == "Q41183" and x["n"] >= 2 for x in f["entity"])
    assert any(x["value"] == "SY" for x in f["country"])
    months = {x["value"]: x["n"] for x in f["month"]}
    assert months.get("2015-07", 0) >= 1


@pytest.mark.parametrize("params", [
    {"q": "from:2015-13-01"},          # not a date
    {"q": "-روسيا"},                    # only exclusions
    {"q": "x", "limit": "0"},
    {"q": "x", "limit": "abc"},
    {"q": "x", "offset": "-1"},
    {"q": "x" * 2500},
])
def test_search_bad_parameters_are_400(client, params) -> None:
    _err(client.get("/api/search", params=params), 400)


def test_documents_list_filters_and_pagination(client, web_db) -> None:
    r = client.get("/api/documents", params={"limit": 2}).json()
    assert r["total"] == 6 and len(r["items"]) == 2 and r["next"]
    assert r["items"][0]["published"] >= r["items"][1]["published"]
    nxt = client.get(r["next"]).json()
    assert nxt["offset"] == 2 and {d["id"] for d in nxt["items"]}.isdisjoint({d["id"] for d in r["items"]})
    assert client.get("/api/documents", params={"source": "sabq"}).json()["total"] == 2
    assert client.get("/api/documents", params={"topic": "sport"}).json()["items"][0]["id"] == web_db["ids"]["sport"]
    assert client.get("/api/documents", params={"from": "2015-08-01", "to": "2015-08-16"}).json()["total"] == 2
    assert client.get("/api/documents", params={"story": "story-aleppo"}).json()["total"] == 2
    assert client.get("/api/documents", params={"entity": "Q1530"}).json()["total"] == 1
    assert client.get("/api/documents", params={"q": "هرمز"}).json()["items"][0]["id"] == web_db["ids"]["hormuz"]
    _err(client.get("/api/documents", params={"from": "2015-02-30"}), 400)
    _err(client.get("/api/documents", params={"from": "2015-09-01", "to": "2015-08-01"}), 400)


def test_document_detail(client, web_db) -> None:
    doc_id = web_db["ids"]["aleppo"]
    r = client.get(f"/api/documents/{doc_id}").json()
    a = marsad.Analysis.from_dict(r["analysis"])
    assert a.document.id == doc_id and len(a.events) == 3 and a.topic.label == "politics"
    assert r["story"]["id"] == "story-aleppo" and r["story"]["article_count"] == 2
    assert r["summary_text"] and "الأمين العام" in r["summary_text"][0] or r["summary_text"]
    if web_db["dedup"]:
        assert [c["id"] for c in r["copies"]] == [web_db["ids"]["aleppo_copy"]]
    _err(client.get("/api/documents/nope"), 404)


# -- entities --------------------------------------------------------------------------------------
def test_entities_list_and_filters(client) -> None:
    r = client.get("/api/entities").json()
    assert r["total"] == 11
    assert r["items"][0]["documents"] >= r["items"][-1]["documents"]
    assert {e["id"] for e in client.get("/api/entities", params={"type": "PER"}).json()["items"]} == {
        "Q44329", "local:evil"}
    assert [e["id"] for e in client.get("/api/entities", params={"q": "Aleppo"}).json()["items"]] == ["Q41183"]
    assert [e["id"] for e in client.get("/api/entities", params={"q": "حلب"}).json()["items"]] == ["Q41183"]
    assert {e["id"] for e in client.get("/api/entities", params={"country": "IQ"}).json()["items"]} == {"Q1530"}
    _err(client.get("/api/entities", params={"type": "ANIMAL"}), 400)
    _err(client.get("/api/entities", params={"country": "1"}), 400)


def test_entity_detail_network_places(client) -> None:
    e = client.get("/api/entities/Q41183").json()
    assert e["name_en"] == "Aleppo" and e["wikidata"] == "Q41183" and e["documents"] == 3
    assert e["timeline"]["periods"] and sum(e["timeline"]["series"]["articles"]) == 3
    assert {t["text"] for t in e["written_as"]} == {"حلب"}
    assert len(e["latest_documents"]) == 3 and e["events"][0]["type"] == "ASSAULT"
    net = client.get("/api/entities/Q41183/network").json()
    ids = {n["id"] for n in net["nodes"]}
    assert {"Q41183", "Q858", "Q159", "Q1065", "Q44329"} <= ids and "Q1530" not in ids
    assert any({x["source"], x["target"]} == {"Q41183", "Q858"} for x in net["edges"])
    places = client.get("/api/entities/Q41183/places").json()
    assert places["type"] == "FeatureCollection"
    coords = {tuple(f["geometry"]["coordinates"]) for f in places["features"]}
    assert (37.16, 36.2) in coords and (38.99, 34.8) in coords
    assert (105.3, 61.5) not in coords  # Russia: named with Aleppo in one report (and its copy) only
    small = client.get("/api/entities/Q41183/network", params={"size": 2}).json()
    assert len(small["nodes"]) == 3 and small["available"] == len(ids) - 1 > 2
    _err(client.get("/api/entities/Q41183/network", params={"size": 101}), 400)
    for path in ("/api/entities/nope", "/api/entities/nope/network", "/api/entities/nope/places"):
        _err(client.get(path), 404)


# -- events ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("params,expected", [
    ({}, 10),
    ({"type": "ASSAULT"}, 3),
    ({"type": "ASSAULT,PROTEST"}, 4),
    ({"status": "threatened"}, 1),
    ({"actor": "Q44329"}, 2),            # target entity id
    ({"actor": "الشرطة"}, 1),            # source text
    ({"actor": "%"}, 0),                 # LIKE wildcards are literal
    ({"country": "IQ"}, 2),
    ({"from": "2015-08-01"}, 2),
    ({"from": "2015-07-10", "to": "2015-07-11"}, 4),
    ({"bbox": "35,30,40,40"}, 3),        # around Aleppo
    ({"bbox": "40,20,60,40"}, 3),        # Baghdad and Hormuz
    ({"bbox": "170,-10,-170,10"}, 0),    # across the antimeridian
])
def test_events_filters(client, params, expected) -> None:
    r = client.get("/api/events", params=params).json()
    assert r["total"] == expected, params
    assert len(r["items"]) == min(expected, 20)


def test_events_rows_and_pagination(client, web_db) -> None:
    r = client.get("/api/events", params={"limit": 3}).json()
    assert r["next"] and len(r["items"]) == 3
    first = r["items"][0]
    assert first["event_date"] == "2015-08-19" and first["type"] == "ASSAULT" and first["mode"] == "firearms"
    both = client.get("/api/events", params=[("type", "PROTEST"), ("type", "COERCE")]).json()
    assert {e["type"] for e in both["items"]} == {"PROTEST", "COERCE"}
    assert client.get("/api/events", params={"doc": web_db["ids"]["baghdad"]}).json()["total"] == 2


@pytest.mark.parametrize("params", [
    {"type": "BOMB"}, {"status": "rumoured"}, {"country": "Syria"}, {"from": "yesterday"},
    {"bbox": "1,2,3"}, {"bbox": "a,b,c,d"}, {"bbox": "0,50,10,40"}, {"bbox": "0,0,200,10"},
    {"limit": "201"}, {"actor": "x" * 300},
])
def test_events_bad_parameters_are_400(client, params) -> None:
    _err(client.get("/api/events", params=params), 400)


def test_events_timeline_and_geojson(client) -> None:
    tl = client.get("/api/events/timeline").json()
    assert tl["bucket"] == "day"  # six weeks of events: one bar a day
    assert tl["periods"][0] == "2015-07-09" and tl["periods"][-1] == "2015-08-19"
    assert len(tl["periods"]) == 42  # empty days are kept, so gaps show
    assert sum(tl["series"]["ASSAULT"]) == 3 and tl["series"]["ASSAULT"][0] == 2
    one = client.get("/api/events/timeline", params={"type": "PROTEST"}).json()
    assert one["series"] == {"PROTEST": [1]}
    g = client.get("/api/events/geojson", params={"type": "ASSAULT"})
    assert g.headers["content-type"].startswith("application/geo+json")
    feats = g.json()["features"]
    assert len(feats) == 3 and all(f["properties"]["type"] == "ASSAULT" for f in feats)
    assert len(client.get("/api/events/geojson").json()["features"]) == 6  # the geocoded ones
    _err(client.get("/api/events/geojson", params={"limit": "0"}), 400)


# -- stories and sources -------------------------------------------------------------------------------
def test_stories_and_sources(client, web_db) -> None:
    st = client.get("/api/stories").json()
    assert st["total"] == 3
    top = {s["id"]: s for s in st["items"]}
    assert top["story-aleppo"]["article_count"] == 2 and top["story-aleppo"]["headline"]
    one = client.get("/api/stories/story-aleppo").json()
    assert {d["id"] for d in one["documents"]} == {web_db["ids"]["aleppo"], web_db["ids"]["aleppo_copy"]}
    assert one["first_date"] == "2015-07-10" and one["last_date"] == "2015-07-11"
    assert one["headline"] == "غارات على حلب" and one["top_entities"][0]["id"] == "Q41183"
    _err(client.get("/api/stories/nope"), 404)
    src = client.get("/api/sources").json()
    assert {s["source"]: s["documents"] for s in src["items"]}["okaz"] == 2


# -- exports ---------------------------------------------------------------------------------------
def test_export_endpoint_formats(client) -> None:
    r = client.get("/api/export/events", params={"format": "csv", "type": "ASSAULT"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    lines = r.text.strip().splitlines()
    assert lines[0].startswith("doc_id,idx,event_date,type") and len(lines) == 4
    js = client.get("/api/export/events", params={"format": "json", "country": "IQ"}).json()
    assert {e["type"] for e in js} == {"PROTEST", "COERCE"}
    gj = client.get("/api/export/events", params={"format": "geojson"}).json()
    assert len(gj["features"]) == 6
    acled = client.get("/api/export/events", params={"format": "acled"}).text.splitlines()
    assert acled[0].startswith("event_date,time_precision,event_type,sub_event_type,actor1,actor2,country,"
                               "location,latitude,longitude,geo_precision,source,notes,fatalities")
    assert len(acled) == 1 + 9  # the threatened event is not an ACLED event
    assert any("Air/drone strike" in line for line in acled)
    docs = client.get("/api/export/documents", params={"format": "jsonl", "q": "الكهرباء"}).text.splitlines()
    assert len(docs) == 1 and json.loads(docs[0])["source"] == "sabq"
    ents = client.get("/api/export/entities", params={"format": "geojson", "country": "SY"}).json()
    assert {f["properties"]["id"] for f in ents["features"]} == {"Q858", "Q41183", "local:evil"}


@pytest.mark.parametrize("path,params", [
    ("/api/export/events", {"format": "xml"}),
    ("/api/export/people", {"format": "csv"}),
    ("/api/export/documents", {"format": "geojson"}),
    ("/api/export/entities", {"format": "acled"}),
    ("/api/export/events", {"format": "csv", "type": "NOPE"}),
    ("/api/export/documents", {"format": "csv", "q": "from:2015-99-99"}),
])
def test_export_bad_requests(client, path, params) -> None:
    r = client.get(path, params=params)
    assert r.status_code in (400, 404)
    _err(r, r.status_code)


# -- generic errors and limits ----------------------------------------------------------------------
def test_unknown_route_and_method_are_json(client) -> None:
    _err(client.get("/api/nothing"), 404)
    _err(client.delete("/api/documents"), 405)


def test_writes_are_off_without_a_token(client) -> None:
    body = _err(client.post("/api/documents", json={"title": "عنوان", "text": "نص"}), 403)
    assert "write-token" in (body.get("fix") or "")


@pytest.fixture
def writable(tmp_path: Path):
    from fastapi.testclient import TestClient

    from marsad.web import ServeSettings, create_app

    info = build_web_db(tmp_path / "w.db")
    app = create_app(ServeSettings(db=str(info["path"]), write_token=TOKEN, max_body_bytes=64 * 1024))
    with TestClient(app, base_url=LOCAL) as c:
        yield c


def test_write_endpoint_needs_the_token_and_stores(writable) -> None:
    art = {"title": "اجتماع وزراء الخارجية العرب في القاهرة", "paragraphs": [
        "عقد وزراء الخارجية العرب اجتماعا طارئا في القاهرة لبحث الأوضاع في المنطقة."],
        "source": "api-test", "published": "2015-09-01", "url": "https://example.org/a"}
    _err(writable.post("/api/documents", json=art), 401)
    _err(writable.post("/api/documents", json=art, headers={"Authorization": "Bearer wrong-token"}), 401)
    ok = writable.post("/api/documents", json=art, headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 201, ok.text
    doc_id = ok.json()["ids"][0]
    assert writable.get(f"/api/documents/{doc_id}").json()["analysis"]["document"]["source"] == "api-test"
    assert writable.get("/api/search", params={"q": "القاهرة"}).json()["items"][0]["id"] == doc_id
    again = writable.post("/api/documents", json=[art], headers={"Authorization": f"Bearer {TOKEN}"})
    assert again.status_code == 200 and again.json()["known"] == 1


@pytest.mark.parametrize("body,headers", [
    (b"{not json", {"content-type": "application/json"}),
    (b"[]", {"content-type": "application/json"}),
    (b'{"title": 5, "text": "x"}', {"content-type": "application/json"}),
    (b'{"paragraphs": "not a list"}', {"content-type": "application/json"}),
    (b'{"title": "", "text": ""}', {"content-type": "application/json"}),
    (json.dumps([{"title": "t", "text": "x"}] * 101).encode(), {"content-type": "application/json"}),
])
def test_malformed_writes_are_400(writable, body, headers) -> None:
    h = {**headers, "Authorization": f"Bearer {TOKEN}"}
    _err(writable.post("/api/documents", content=body, headers=h), 400)


def test_large_bodies_and_urls_are_refused(writable) -> None:
    big = json.dumps({"title": "t", "text": "ن" * 100_000}).encode()
    _err(writable.post("/api/documents", content=big, headers={
        "content-type": "application/json", "Authorization": f"Bearer {TOKEN}"}), 413)
    _err(writable.get("/api/search", params={"q": "x" * 9000}), 414)


# -- a real server on loopback --------------------------------------------------------------------------
def test_real_server_answers_with_security_headers(live) -> None:
    with httpx.Client(base_url=live.url, trust_env=False, timeout=10) as c:
        r = c.get("/api/health")
        assert r.status_code == 200 and r.json()["documents"] == 6
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        page = c.get("/")
        assert page.headers["content-security-policy"] == csp
        bad = c.get("/api/events", params={"bbox": "x"})
        assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_parameter"
        csv = c.get("/api/export/events", params={"format": "csv"})
        assert csv.status_code == 200 and csv.text.count("\n") == 11


def test_foreign_host_header_is_refused(live) -> None:
    """A page whose name was rebound to 127.0.0.1 sends its own Host: refused."""
    with httpx.Client(base_url=live.url, trust_env=False, timeout=10) as c:
        assert c.get("/api/health", headers={"Host": "evil.example"}).status_code == 400
        assert c.get("/api/health", headers={"Host": f"localhost:{live.port}"}).status_code == 200


def test_real_server_concurrent_requests(live, web_db) -> None:
    urls = ["/api/search?q=حلب", "/", f"/article/{web_db['ids']['aleppo']}", "/events",
            "/entity/Q41183", "/api/events?type=ASSAULT", "/api/entities/Q41183/network", "/sources"] * 5

    def get(u: str) -> int:
        with httpx.Client(base_url=live.url, trust_env=False, timeout=20) as c:
            return c.get(u).status_code

    with ThreadPoolExecutor(8) as pool:
        assert set(pool.map(get, urls)) == {200}


def test_real_server_refuses_oversized_upload(tmp_path: Path) -> None:
    from marsad.web import ServeSettings, create_app

    info = build_web_db(tmp_path / "w.db")
    app = create_app(ServeSettings(db=str(info["path"]), write_token=TOKEN, max_body_bytes=10_000))
    with LiveServer(app) as srv, httpx.Client(base_url=srv.url, trust_env=False, timeout=10) as c:
        r = c.post("/api/documents", content=b"x" * 50_000,
                   headers={"content-type": "application/json", "Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 413
        # a chunked body with no Content-Length is counted as it arrives
        r = c.post("/api/documents", content=iter([b"x" * 8000] * 5),
                   headers={"content-type": "application/json", "Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 413
        assert c.get("/api/health").status_code == 200


@pytest.mark.parametrize("query", ["حلب", "", "سوريا OR بغداد", "topic:politics", "source:sabq",
                                   '"الأمم المتحدة"', "حلب -روسيا", "type:ASSAULT from:2015-08-01",
                                   "entity:Q41183", "country:IQ", "لاشيء_هنا"])
@pytest.mark.parametrize("collapse", [True, False])
def test_web_search_gives_the_store_results(web_db, web_app, query, collapse) -> None:
    from marsad.web.searching import search

    st = web_app.state.marsad
    fast, _ = search(st, query, limit=50, offset=0, collapse=collapse)
    with marsad.open(web_db["path"], readonly=True) as store:
        ref = store.search(query, limit=50, offset=0, collapse=collapse)
    assert fast.total == ref.total
    assert [(h.id, h.copies, h.snippet, h.highlights) for h in fast.hits] == [
        (h.id, h.copies, h.snippet, h.highlights) for h in ref.hits]
    assert [h.score for h in fast.hits] == pytest.approx([h.score for h in ref.hits])
