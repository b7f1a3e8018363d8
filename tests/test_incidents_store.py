"""Incidents in the database (issue 18): hand-made articles fused through the real store on
SQLite and PostgreSQL, the same incidents as an in-memory Fuser given the same batches,
re-ingest changing nothing, every ingest path (in-process, Dask, web upload over HTTP, the
feed watcher) producing incidents, and an older database migrating."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import marsad
from marsad.analyze.base import base_analysis
from marsad.analyze.incidents import Fuser, reports_from_analysis
from marsad.model import Analysis, Document, Event, Place, Span
from marsad.store.schema import MIGRATIONS, SCHEMA_VERSION

NAJRAN = Place("gn:103630", "نجران", "Najran", "SA", 17.4933, 44.1277)
JIZAN = Place("gn:105299", "جازان", "Jizan", "SA", 16.8892, 42.5511)
ABHA = Place("gn:110690", "أبها", "Abha", "SA", 18.2164, 42.5053)
ALEPPO = Place("Q41183", "حلب", "Aleppo", "SY", 36.2, 37.16)
TOWNS = {"نجران": NAJRAN, "جازان": JIZAN, "أبها": ABHA, "حلب": ALEPPO}
DEMO = Path(__file__).resolve().parents[1] / "src" / "marsad" / "resources" / "demo"


def article(source: str, published: str, town: str, *, date: str | None, type_: str = "ASSAULT",
            trigger: str = "قصف", fatalities: int | None = None, actor: tuple[str, str, str] | None = None,
            extra: str = "", mode: str | None = None) -> Analysis:
    """One article whose headline tells one event at ``town`` (spans computed on the text)."""
    title = f"{trigger} على {town} " + (f"يقتل {fatalities} أشخاص " if fatalities else "") + f"({source})"
    if actor:
        title = f"{actor[0]} {title}"
    doc = Document(title, [f"تفاصيل الخبر كما نشرتها صحيفة {source}. {extra}".strip()], source=source,
                   published=published, url=f"https://{source}.example/{abs(hash((title, published, extra)))}")
    a = base_analysis(doc)
    text = a.text
    t0 = text.index(trigger)
    p0 = text.index(town)
    place = TOWNS[town]
    src = None
    if actor:
        s0 = text.index(actor[0])
        src = Span(s0, s0 + len(actor[0]), actor[0], actor[1])
    a.events.append(Event(
        type=type_, status="occurred", trigger=Span(t0, t0 + len(trigger), trigger), sentence=0,
        confidence=0.9, mode=mode, source=src, location=Span(p0, p0 + len(town), town), place=place,
        country=place.country, geo_precision="place", date=date,
        date_precision="day" if date else None, fatalities=fatalities,
        source_en=actor[2] if actor else None, source_name=actor[0] if actor else None,
    ))
    return a


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "incidents.db")
    from pg_server import require

    return str(require(request, "pg_url"))


def dump(store) -> dict[str, list]:
    """Every incident table, ordered, for before/after comparisons."""
    return {t: store.fetchall(f"SELECT * FROM {t} ORDER BY {k}") for t, k in (
        ("incidents", "id"), ("incident_reports", "doc_id, trig_start, trig_end, type"),
        ("incident_index", "type, country, week, incident_id"))}


def test_same_strike_in_three_papers_is_one_incident_with_three_sources(db) -> None:
    arts = [article(src, pub, "نجران", date="2015-07-24", fatalities=n)
            for src, pub, n in (("okaz", "2015-07-25", 3), ("sabq", "2015-07-25", 4), ("alyaum", "2015-07-26", 5))]
    with marsad.open(db) as store:
        for a in arts:  # one article per write: each loads the incident the others made
            store.add([a])
        assert store.count_incidents() == 1
        [inc] = store.incidents()
        assert (inc["n_articles"], inc["n_sources"], inc["sources"]) == (3, 3, ["alyaum", "okaz", "sabq"])
        assert (inc["type"], inc["country"], inc["place"], inc["date"], inc["date_precision"]) == \
            ("ASSAULT", "SA", "Najran", "2015-07-24", "day")
        assert inc["geo_precision"] == "place" and inc["lat"] == pytest.approx(17.4933)
        assert inc["fatalities"] == 5 and inc["fatalities_range"] == [3, 5]
        assert (inc["first_report"], inc["last_report"]) == ("2015-07-25", "2015-07-26")
        assert inc["admin1"] is None and inc["status"] == "occurred"
        full = store.incident(inc["id"])
        assert [r["source"] for r in full["reports"]] == ["okaz", "sabq", "alyaum"] or \
            sorted(r["source"] for r in full["reports"]) == ["alyaum", "okaz", "sabq"]
        assert {r["trigger_text"] for r in full["reports"]} == {"قصف"}
        assert all(r["title"] and r["sentence"] == 0 for r in full["reports"])
        assert inc["notes"] == full["reports"][0]["text"]  # the lead report's sentence
        assert store.incident("inc-nothing") is None


def test_same_day_in_two_towns_stays_two(db) -> None:
    with marsad.open(db) as store:
        store.add([article("okaz", "2015-07-25", "نجران", date="2015-07-24")])
        store.add([article("sabq", "2015-07-25", "جازان", date="2015-07-24"),
                   article("alyaum", "2015-07-25", "جازان", date="2015-07-24", extra="ثانية")])
        rows = store.incidents()
        assert sorted((r["place"], r["n_articles"]) for r in rows) == [("Jizan", 2), ("Najran", 1)]


def test_reingest_changes_nothing(db) -> None:
    arts = [article("okaz", "2015-07-25", "نجران", date="2015-07-24"),
            article("sabq", "2015-07-26", "نجران", date="2015-07-24"),
            article("okaz", "2015-08-02", "أبها", date="2015-08-01", type_="PROTEST", trigger="مظاهرة")]
    with marsad.open(db) as store:
        store.add(arts)
        before = dump(store)
        assert len(before["incidents"]) == 2
        again = store.add([Analysis.from_json(a.to_json()) for a in arts])
        assert not any(r.new for r in again)
        assert dump(store) == before


def _batches() -> list[list[Analysis]]:
    """Articles over three weeks in four towns, given in the batches a store would write."""
    towns = list(TOWNS)
    arts = []
    for i in range(36):
        day = 1 + (i * 5) % 20
        town = towns[(i * 7) % 4]
        src = ("okaz", "sabq", "alyaum", "alriyadh")[i % 4]
        arts.append(article(src, f"2015-07-{day + 1:02d}", town, date=f"2015-07-{day:02d}" if i % 3 else None,
                            fatalities=(i % 5) or None, extra=f"رقم {i}",
                            type_="ASSAULT" if i % 6 else "PROTEST", trigger="قصف" if i % 6 else "مظاهرة"))
    arts.sort(key=lambda a: (a.document.published, a.document.id))
    return [arts[i : i + 7] for i in range(0, len(arts), 7)]


def test_store_fuses_like_one_fuser_holding_everything(db) -> None:
    """Loading only the incidents of the batch's (type, country, weeks) gives the incidents a
    Fuser holding every incident gives for the same batches."""
    f = Fuser()
    with marsad.open(db) as store:
        for batch in _batches():
            store.add(batch)
            f.add([r for a in batch for r in reports_from_analysis(a, article=a.document.id)])
        mem = {i.id: i for i in f.incidents()}
        rows = {r["id"]: r for r in store.incidents(limit=1000)}
        assert len(mem) > 4 and set(rows) == set(mem)
        for iid, inc in mem.items():
            r = rows[iid]
            assert (r["date"], r["place"], r["fatalities"], r["n_articles"], r["n_sources"], r["mode"]) == \
                (inc.date, inc.place, inc.fatalities, inc.n_articles, inc.n_sources, inc.mode)
            members = {(x["doc_id"], x["trigger_text"]) for x in store.incident(iid)["reports"]}
            assert members == {(x.article, x.trigger) for x in inc.reports}
        # the creation order (the tie-break that prefers the older incident) is kept too
        stored_order = [r["id"] for r in store.fetchall("SELECT id FROM incidents ORDER BY seq")]
        assert stored_order == [k.id for k in sorted(f._clusters.values(), key=lambda k: k.seq)]


def test_a_later_article_loads_only_its_window(tmp_path) -> None:
    """A new article's write reads the incidents of its weeks, not the others."""
    from marsad.store.incidents_sql import fuse_analyses

    with marsad.open(tmp_path / "w.db") as store:
        for month in ("07", "08", "09"):
            store.add([article("okaz", f"2015-{month}-{d + 1:02d}", "نجران", date=f"2015-{month}-{d:02d}",
                               extra=f"{month}-{d}") for d in (2, 12, 22)])
        assert store.count_incidents() == 9
        late = article("sabq", "2015-09-13", "نجران", date="2015-09-12")
        store.add([late])  # stored first: fusion needs the document row
        with store.transaction() as tx:
            tx.execute("DELETE FROM incident_reports WHERE doc_id = ?", (late.document.id,))
            res = fuse_analyses(tx, [late])
        assert 1 <= res.loaded_incidents <= 2 and res.changed_incidents == 1


# -- filters -----------------------------------------------------------------------------------
def test_filters_over_incidents(db) -> None:
    from marsad.store.event_filters import event_filter

    with marsad.open(db) as store:
        store.add([
            article("okaz", "2015-07-25", "نجران", date="2015-07-24", actor=("الحوثيون", "Q-houthi", "Houthis")),
            article("sabq", "2015-07-25", "نجران", date="2015-07-24", extra="ب"),
            article("okaz", "2015-08-03", "حلب", date="2015-08-02", type_="PROTEST", trigger="مظاهرة"),
        ])
        n = store.count_incidents
        assert n() == 2
        assert n(event_filter(type="PROTEST")) == 1 and n(event_filter(country="SA")) == 1
        assert n(event_filter(date_from="2015-08-01")) == 1 and n(event_filter(date_to="2015-07-31")) == 1
        assert n(event_filter(date_from="2015-07-24", date_to="2015-07-24")) == 1
        assert n(event_filter(actor="Q-houthi")) == 1 and n(event_filter(actor="houthi")) == 1
        assert n(event_filter(actor="Q41183")) == 1  # a place entity
        assert n(event_filter(status="claimed")) == 0
        assert n(event_filter(bbox="35,35,38,37")) == 1
        [syria] = store.entity_incidents("Q41183")
        assert syria["country"] == "SY"
        doc = store.incident(syria["id"])["reports"][0]["doc_id"]
        assert [r["id"] for r in store.document_incidents(doc)] == [syria["id"]]
        assert [r["id"] for r in store.incidents(limit=1, offset=1)] != [r["id"] for r in store.incidents(limit=1)]


# -- migration -----------------------------------------------------------------------------------
def _v5_database(path: Path, analyses: list[Analysis]) -> None:
    """A database as marsad wrote it before incidents: schema 5, documents and events."""
    from marsad.store.rows import event_row
    from marsad.store.sqlite import _FTS

    with sqlite3.connect(path) as conn:
        for v in range(1, 6):
            for stmt in MIGRATIONS[v]:
                conn.execute(stmt)
            if v == 1:
                for stmt in _FTS:
                    conn.execute(stmt)
        conn.execute("INSERT INTO meta VALUES ('schema_version', '5')")
        for a in analyses:
            d = a.document
            conn.execute("INSERT INTO documents (id, url, source, published, title, body, analysis, ingested_at) "
                         "VALUES (?,?,?,?,?,?,?,?)", (d.id, d.url, d.source, d.published, d.title, d.body,
                                                       a.to_json(), "2015-08-01T00:00:00"))
            conn.executemany("INSERT INTO events (doc_id, idx, type, mode, status, trigger_text, source_text, "
                             "source_entity, target_text, target_entity, location_text, place_name, country, "
                             "lat, lon, date, sentence, confidence, geo_precision, date_precision, source_name, "
                             "source_en, target_name, target_en, fatalities, injured) VALUES "
                             f"({','.join('?' * 26)})", [event_row(d.id, i, e) for i, e in enumerate(a.events)])
    conn.close()


def test_an_older_database_migrates_and_is_fused_by_the_next_ingest(tmp_path) -> None:
    db = tmp_path / "old.db"
    old = [article("okaz", "2015-07-25", "نجران", date="2015-07-24"),
           article("sabq", "2015-07-26", "نجران", date="2015-07-24")]
    _v5_database(db, old)
    with marsad.open(db) as store:
        assert store.schema_version() == SCHEMA_VERSION >= 9
        assert store.count_incidents() == 0
        assert len(store.fetchall("SELECT doc_id FROM incident_pending")) == 2
        rep = marsad.ingest(store, [article("alyaum", "2015-07-26", "نجران", date="2015-07-24").document],
                           analyze=False, progress=False)
        assert rep.new == 1 and rep.incidents["articles"] == 2
        assert "2 earlier articles fused" in rep.summary()
        [inc] = store.incidents()
        assert inc["n_sources"] == 2
        assert not store.fetchall("SELECT doc_id FROM incident_pending")


@pytest.mark.postgres
def test_an_older_postgres_database_migrates(request) -> None:
    import psycopg
    from pg_server import require

    from marsad.store.postgres import _FTS, _REAL

    pg = str(require(request, "pg_url"))
    with psycopg.connect(pg, autocommit=True) as conn:
        for v in range(1, 6):
            for stmt in MIGRATIONS[v]:
                conn.execute(_REAL.sub("DOUBLE PRECISION", stmt))
            if v == 1:
                for stmt in _FTS:
                    conn.execute(stmt)
        conn.execute("INSERT INTO meta VALUES ('schema_version', '5')")
    with marsad.open(pg) as store:
        assert store.schema_version() == SCHEMA_VERSION
        store.add([article("okaz", "2015-07-25", "نجران", date="2015-07-24")])
        assert store.count_incidents() == 1


def test_rebuild_command_gives_the_same_incidents(tmp_path) -> None:
    from conftest import run_cli

    db = tmp_path / "r.db"
    with marsad.open(db) as store:
        for batch in _batches():
            store.add(batch)
        before = dump(store)["incidents"]
    r = run_cli("incidents", "--db", str(db), "--rebuild", "--limit", "3")
    assert r.returncode == 0, r.stderr
    assert "fused 36 articles" in r.stderr and r.stdout.count("inc-") == 3
    with marsad.open(db) as store:  # batches differ (one of 500), so only the counts need agree
        after = dump(store)["incidents"]
    assert sum(x["n_articles"] for x in after) == sum(x["n_articles"] for x in before)


# -- every ingest path ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """The bundled demo corpus through the in-process engine (`marsad ingest`)."""
    from conftest import run_cli

    db = tmp_path_factory.mktemp("demo") / "demo.db"
    r = run_cli("ingest", str(DEMO), "--db", str(db))
    assert r.returncode == 0, r.stderr
    return db


def _incident_keys(db: str | Path) -> set[tuple]:
    with marsad.open(db, readonly=True) as store:
        return {(r["id"], r["n_articles"], r["date"], r["place"]) for r in store.incidents(limit=1000)}


def test_inprocess_ingest_makes_incidents(demo_db) -> None:
    with marsad.open(demo_db, readonly=True) as store:
        n = store.count_incidents()
        assert n >= 5
        rows = store.fetchall("SELECT COUNT(*) AS n FROM incident_reports r "
                              "LEFT JOIN documents d ON d.id = r.doc_id WHERE d.id IS NULL")
        assert rows[0]["n"] == 0  # every report is a stored article's
    from conftest import run_cli

    again = run_cli("ingest", str(DEMO), "--db", str(demo_db))
    assert again.returncode == 0 and " 0 new" in again.stderr + again.stdout
    with marsad.open(demo_db, readonly=True) as store:
        assert store.count_incidents() == n


@pytest.mark.slow
def test_dask_ingest_makes_the_same_incidents(demo_db, tmp_path) -> None:
    pytest.importorskip("distributed")
    from distributed import Client, LocalCluster

    from marsad.run.dask import ingest_dask

    db = tmp_path / "dask.db"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as c, Client(c) as client, marsad.open(db) as store:
        rep = ingest_dask(store, [DEMO], client=client, progress=False)
        assert rep.failed == 0
    # the demo corpus fits in one batch on both engines, so fusion sees the same batches
    assert _incident_keys(db) == _incident_keys(demo_db)


def test_web_upload_over_http_makes_incidents(demo_db, tmp_path) -> None:
    import httpx
    from test_web_data import TOKEN, LiveServer

    from marsad.ingest import read_paths
    from marsad.web import ServeSettings, create_app

    db = tmp_path / "web.db"
    with marsad.open(db):
        pass
    docs = [r.document for r in read_paths([DEMO]) if r.document is not None]
    body = [{"title": d.title, "paragraphs": d.paragraphs, "url": d.url, "source": d.source,
             "published": d.published} for d in docs]
    app = create_app(ServeSettings(db=str(db), write_token=TOKEN))
    with LiveServer(app) as srv, httpx.Client(base_url=srv.url, trust_env=False, timeout=120) as c:
        r = c.post("/api/documents", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 201, r.text
        listed = c.get("/api/incidents", params={"limit": 200}).json()
        assert listed["total"] >= 5 and len(listed["items"]) == listed["total"]
        one = c.get(f"/api/incidents/{listed['items'][0]['id']}").json()
        assert one["reports"] and one["reports"][0]["doc_id"]
        again = c.post("/api/documents", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
        assert again.status_code == 200 and c.get("/api/incidents").json()["total"] == listed["total"]


def test_feed_watcher_makes_incidents(tmp_path) -> None:
    from test_watch import FAST, Server, Site, rss

    from marsad.analyze.pipeline import default_pipeline
    from marsad.run.watch import Feed, WatchConfig, Watcher

    title = "مسيرة في رام الله للمطالبة بالإفراج عن الأسرى"
    para = ("شارك آلاف الفلسطينيين الجمعة في مسيرة انطلقت من دوار المنارة وسط رام الله، للمطالبة "
            "بالإفراج عن الأسرى في السجون الإسرائيلية والتنديد بظروف احتجازهم.")
    srv = Server(Site())
    try:
        page = (f'<!doctype html><html lang="ar"><head><meta charset="utf-8"><title>{title}</title></head>'
                f"<body><article><h1>{title}</h1><p>{para}</p></article></body></html>").encode()
        srv.site.static("/news/1", page)
        srv.site.static("/feed.xml", rss([("g1", srv.url("/news/1"), title)]), ctype="application/rss+xml")
        with marsad.open(tmp_path / "watch.db") as store:
            w = Watcher(store, [Feed(srv.url("/feed.xml"), "src")], config=WatchConfig(fetch=FAST),
                        analyze=default_pipeline())
            assert w.run_round(force=True).stored == 1
            w.close()
            [inc] = [i for i in store.incidents() if i["type"] == "PROTEST"]
            assert inc["country"] == "PS" and inc["n_articles"] == 1
    finally:
        srv.close()


def test_two_databases_in_one_process_do_not_share_reports(tmp_path) -> None:
    """The same article text stored with other dates in another database is fused on its
    own dates (the observation cache is per database)."""
    def pair(published: str, day: str) -> list[Analysis]:
        a = article("okaz", published, "نجران", date=day)
        b = article("sabq", published, "نجران", date=day)
        return [a, b]

    first, second = pair("2015-07-25", "2015-07-24"), pair("2015-09-02", "2015-09-01")
    assert first[0].document.id == second[0].document.id  # same text, other dates
    for name, (a, b) in (("one.db", first), ("two.db", second)):
        with marsad.open(tmp_path / name) as store:
            store.add([a])
            store.add([b])  # loads a's incident (from the cache when a was fused here)
            [inc] = store.incidents()
            assert inc["n_articles"] == 2 and inc["date"] == a.events[0].date


def test_bench_command_measures_on_a_copy(tmp_path) -> None:
    from conftest import run_cli

    db = tmp_path / "b.db"
    with marsad.open(db) as store:
        for batch in _batches():
            store.add(batch)
        before = dump(store)
    r = run_cli("bench", "incidents", "--db", str(db), "--batch", "5")
    assert r.returncode == 0, r.stderr
    assert "fused 36 articles" in r.stdout and "reports/s" in r.stdout and "articles/s" in r.stdout
    assert "peak RSS" in r.stdout and "first fifth" in r.stdout
    with marsad.open(db) as store:
        assert dump(store) == before  # the database given is only read


def test_stats_count_incidents_and_say_what_waits(tmp_path) -> None:
    from conftest import run_cli

    db = tmp_path / "old.db"
    _v5_database(db, [article("okaz", "2015-07-25", "نجران", date="2015-07-24")])
    with marsad.open(db) as store:
        s = store.stats()
        assert (s["incidents"], s["incidents_pending"]) == (0, 1)
    out = run_cli("stats", "--db", str(db)).stdout
    assert "incidents: 0 (1 articles waiting: run marsad incidents)" in out
    run_cli("incidents", "--db", str(db))
    with marsad.open(db) as store:
        assert (store.stats()["incidents"], store.stats()["incidents_pending"]) == (1, 0)
    assert "incidents: 1\n" in run_cli("stats", "--db", str(db)).stdout
