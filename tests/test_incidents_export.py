"""Incidents out of the database (issue 18): ``marsad export --what incidents`` in ACLED's
column layout and the other formats, ``/api/incidents`` with the events' filters, one
incident with its reports, and the export endpoint, on a real SQLite file."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import run_cli
from test_incidents_store import article
from test_web_data import LOCAL

import marsad
from marsad.export import ACLED_INCIDENT_FIELDS

ACLED_LAYOUT = (
    "event_id_cnty", "event_date", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "actor2", "country", "admin1", "location", "latitude", "longitude",
    "geo_precision", "source", "notes", "fatalities",
)


@pytest.fixture(scope="module")
def inc_db(tmp_path_factory) -> Path:
    """Three incidents: a strike on Najran in three papers (tolls 3 to 5), a protest in Aleppo,
    and a strike on Abha no report dates (its week is known, not its day)."""
    db = tmp_path_factory.mktemp("inc") / "inc.db"
    with marsad.open(db) as store:
        store.add([
            article("okaz", "2015-07-25", "نجران", date="2015-07-24", fatalities=3,
                    actor=("الحوثيون", "Q-houthi", "Houthis")),
            article("sabq", "2015-07-25", "نجران", date="2015-07-24", fatalities=4),
            article("alyaum", "2015-07-26", "نجران", date="2015-07-24", fatalities=5),
        ])
        store.add([article("okaz", "2015-08-03", "حلب", date="2015-08-02", type_="PROTEST", trigger="مظاهرة")])
        store.add([article("sabq", "2015-08-10", "أبها", date=None, trigger="غارة جوية", mode="aerial")])
        assert store.count_incidents() == 3
    return db


def _export(db: Path, fmt: str, *extra: str) -> str:
    r = run_cli("export", "--db", str(db), "--what", "incidents", "--format", fmt, *extra)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_acled_export_is_one_row_per_incident_in_acleds_layout(inc_db) -> None:
    rows = list(csv.DictReader(io.StringIO(_export(inc_db, "acled"))))
    header = next(csv.reader(io.StringIO(_export(inc_db, "acled"))))
    assert tuple(header[: len(ACLED_LAYOUT)]) == ACLED_LAYOUT and tuple(header) == ACLED_INCIDENT_FIELDS
    assert len(rows) == 3 and len({r["event_id_cnty"] for r in rows}) == 3
    najran = next(r for r in rows if r["location"] == "Najran")
    assert najran["event_date"] == "2015-07-24" and najran["time_precision"] == "1"
    assert (najran["disorder_type"], najran["event_type"]) == ("Political violence", "Battles")
    assert najran["actor1"] == "Houthis" and najran["assoc_actor_1"] == ""
    assert najran["country"] == "SA" and najran["admin1"] == "" and najran["geo_precision"] == "1"
    assert float(najran["latitude"]) == pytest.approx(17.4933)
    assert najran["source"] == "alyaum; okaz; sabq" and najran["fatalities"] == "5"
    assert (najran["fatalities_min"], najran["fatalities_max"], najran["n_sources"]) == ("3", "5", "3")
    assert "نجران" in najran["notes"] and najran["event_id_cnty"].startswith("SA-")
    protest = next(r for r in rows if r["plover_type"] == "PROTEST")
    assert (protest["disorder_type"], protest["event_type"], protest["sub_event_type"]) == \
        ("Demonstrations", "Protests", "Peaceful protest")
    assert protest["fatalities"] == "0" and protest["fatalities_stated"] == ""  # ACLED: unknown is 0
    abha = next(r for r in rows if r["location"] == "Abha")
    assert abha["time_precision"] == "2" and abha["date_range"]
    lo, hi = abha["date_range"].split("/")
    assert lo < abha["event_date"] < hi  # the middle of the span
    assert abha["sub_event_type"] == "Air/drone strike"


def test_other_formats_and_filters(inc_db) -> None:
    lines = [json.loads(x) for x in _export(inc_db, "jsonl").splitlines()]
    assert len(lines) == 3 and {x["n_articles"] for x in lines} == {3, 1}
    assert next(x for x in lines if x["place"] == "Najran")["fatalities_range"] == [3, 5]
    # the place in both languages: English where the knowledge base has it, and Arabic
    assert {(x["place"], x["place_ar"]) for x in lines} == {("Najran", "نجران"), ("Aleppo", "حلب"), ("Abha", "أبها")}
    table = list(csv.DictReader(io.StringIO(_export(inc_db, "csv"))))
    assert len(table) == 3 and {(r["place"], r["place_ar"]) for r in table} >= {("Najran", "نجران")}
    geo = json.loads(_export(inc_db, "geojson"))
    assert len(geo["features"]) == 3 and geo["features"][0]["geometry"]["type"] == "Point"
    assert len(_export(inc_db, "jsonl", "--type", "PROTEST").splitlines()) == 1
    assert len(_export(inc_db, "jsonl", "--country", "SA", "--from", "2015-08-01").splitlines()) == 1
    assert len(_export(inc_db, "jsonl", "--entity", "Q-houthi").splitlines()) == 1


# -- the API ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def api(inc_db):
    from fastapi.testclient import TestClient

    from marsad.web import ServeSettings, create_app

    with TestClient(create_app(ServeSettings(db=str(inc_db))), base_url=LOCAL) as c:
        yield c


@pytest.mark.parametrize("params,expected", [
    ({}, 3),
    ({"type": "ASSAULT"}, 2),
    ({"type": "PROTEST,ASSAULT"}, 3),
    ({"country": "SY"}, 1),
    ({"from": "2015-08-01"}, 2),
    ({"to": "2015-07-31"}, 1),
    ({"from": "2015-08", "to": "2015-08"}, 2),
    ({"entity": "Q-houthi"}, 1),
    ({"actor": "houthis"}, 1),
    ({"entity": "Q41183"}, 1),
    ({"status": "occurred"}, 3),
    ({"status": "claimed"}, 0),
    ({"bbox": "41,16,46,19"}, 2),
    ({"min_sources": 3}, 1),
    ({"min_sources": 3, "type": "PROTEST"}, 0),
])
def test_api_incidents_filters(api, params, expected) -> None:
    body = api.get("/api/incidents", params=params).json()
    assert body["total"] == expected and len(body["items"]) == expected


def test_api_incidents_pages_and_one_incident(api) -> None:
    first = api.get("/api/incidents", params={"limit": 2}).json()
    assert len(first["items"]) == 2 and first["next"]
    rest = api.get(first["next"]).json()
    assert len(rest["items"]) == 1
    ids = [i["id"] for i in first["items"] + rest["items"]]
    assert len(set(ids)) == 3
    najran = next(i for i in first["items"] + rest["items"] if i["place"] == "Najran")
    one = api.get(f"/api/incidents/{najran['id']}").json()
    assert one["n_sources"] == 3 and len(one["reports"]) == 3
    assert {r["source"] for r in one["reports"]} == {"okaz", "sabq", "alyaum"}
    assert all(r["trigger_text"] == "قصف" and r["title"] and r["text"] for r in one["reports"])
    assert api.get("/api/incidents/inc-0000").status_code == 404


@pytest.mark.parametrize("params", [{"type": "BOMBING"}, {"country": "Saudi"}, {"from": "yesterday"},
                                    {"bbox": "x"}, {"limit": 0}])
def test_api_incidents_bad_parameters_are_400(api, params) -> None:
    r = api.get("/api/incidents", params=params)
    assert r.status_code in (400, 422) and "error" in r.json()


def test_export_endpoint_streams_incidents(api) -> None:
    r = api.get("/api/export/incidents", params={"format": "acled", "type": "ASSAULT"})
    assert r.status_code == 200 and r.headers["content-disposition"].endswith('acled.csv"')
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 2 and all(x["event_type"] for x in rows)
