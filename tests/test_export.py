"""Exports: the streaming writers, the ACLED mapping, and `marsad export` as a user runs it."""

from __future__ import annotations

import csv
import io
import json
import types

import pytest
from conftest import run_cli

import marsad
from marsad.errors import InputError
from marsad.export import (
    ACLED_FIELDS,
    acled_row,
    acled_type,
    iter_csv,
    iter_geojson,
    iter_json_array,
    iter_jsonl,
    writer_for,
)
from marsad.store import event_filters
from marsad.store.reads.documents import doc_filter, iter_documents
from marsad.store.reads.entities import entity_filter, iter_entities
from marsad.store.reads.events import iter_events

pytest_plugins = ("test_web_data",)  # the shared database and servers


@pytest.mark.parametrize("plover,mode,expected", [
    ("ASSAULT", "aerial", ("Explosions/Remote violence", "Air/drone strike")),
    ("ASSAULT", "suicide", ("Explosions/Remote violence", "Suicide bomb")),
    ("ASSAULT", "explosives", ("Explosions/Remote violence", "Remote explosive/landmine/IED")),
    ("ASSAULT", "shelling", ("Explosions/Remote violence", "Shelling/artillery/missile attack")),
    ("ASSAULT", "abduct", ("Violence against civilians", "Abduction/forced disappearance")),
    ("ASSAULT", "firearms", ("Battles", "Armed clash")),
    ("ASSAULT", None, ("Battles", "Armed clash")),
    ("PROTEST", "demonstration", ("Protests", "Peaceful protest")),
    ("PROTEST", "Hunger-Strike", ("Protests", "Peaceful protest")),
    ("PROTEST", "riot", ("Riots", "Violent demonstration")),
    ("COERCE", "arrest", ("Strategic developments", "Arrests")),
    ("COERCE", "seize", ("Strategic developments", "Looting/property destruction")),
    ("COERCE", "curfew", ("Strategic developments", "Other")),
    ("AGREE", None, ("Strategic developments", "Agreement")),
    ("RETREAT", None, ("Strategic developments", "Non-violent transfer of territory")),
    ("ACCUSE", None, ("Strategic developments", "Other")),
])
def test_acled_mapping(plover, mode, expected) -> None:
    assert acled_type(plover, mode) == expected


def test_acled_rows_keep_only_what_happened() -> None:
    ev = {"type": "ASSAULT", "mode": "aerial", "status": "occurred", "event_date": "2015-07-09",
          "source_text": "طائرات روسية", "target_text": "حلب", "country": "SY", "place_name": "Aleppo",
          "lat": 36.2, "lon": 37.16, "doc_source": "okaz", "trigger_text": "شنت", "title": "غارات", "doc_id": "d"}
    row = acled_row(ev)
    assert row["actor1"] == "طائرات روسية" and row["latitude"] == 36.2 and row["source"] == "okaz"
    assert set(row) == set(ACLED_FIELDS)
    assert acled_row({**ev, "status": "claimed"}) is not None
    for status in ("planned", "threatened", "denied"):
        assert acled_row({**ev, "status": status}) is None


def test_csv_writer_quotes_and_defuses_formulas() -> None:
    rows = [{"a": "=HYPERLINK(\"http://x\")", "b": -5, "c": "نص, مع \"فاصلة\"\nوسطر"},
            {"a": "@SUM(A1)", "b": None, "c": ["x", "y"]}]
    text = "".join(iter_csv(iter(rows), ("a", "b", "c")))
    back = list(csv.reader(io.StringIO(text)))
    assert back[0] == ["a", "b", "c"]
    assert back[1] == ["'=HYPERLINK(\"http://x\")", "-5", "نص, مع \"فاصلة\"\nوسطر"]
    assert back[2] == ["'@SUM(A1)", "", '["x", "y"]']


def test_writers_stream_and_round_trip() -> None:
    def gen():
        yield {"id": 1, "lat": 1.5, "lon": 2.5, "name": "أ"}
        yield {"id": 2, "lat": None, "lon": None, "name": "ب"}
        yield {"id": 3, "lat": float("nan"), "lon": 0.0, "name": "ج"}

    out = iter_jsonl(gen(), ("id", "name"))
    assert isinstance(out, types.GeneratorType)
    assert [json.loads(x)["name"] for x in out] == ["أ", "ب", "ج"]
    gj = json.loads("".join(iter_geojson(gen(), ("id", "lat", "lon", "name"))))
    assert [f["properties"]["id"] for f in gj["features"]] == [1, 3]
    assert gj["features"][0]["geometry"]["coordinates"] == [2.5, 1.5]
    assert [x["id"] for x in json.loads("".join(iter_json_array(gen(), ("id",))))] == [1, 2, 3]
    assert json.loads("".join(iter_json_array(iter([]), ("id",)))) == []


@pytest.mark.parametrize("what,fmt", [("documents", "geojson"), ("entities", "acled"),
                                      ("documents", "acled"), ("people", "csv"), ("events", "xml")])
def test_writer_for_refuses_impossible_pairs(what, fmt) -> None:
    with pytest.raises(InputError):
        writer_for(what, fmt)


def test_views_iterators_do_not_load_whole_tables(web_db) -> None:
    with marsad.open(web_db["path"], readonly=True) as store:
        it = iter_events(store, event_filters.event_filter())
        assert isinstance(it, types.GeneratorType)
        first = next(it)
        assert first["type"] and first["event_date"]
        assert isinstance(iter_documents(store, doc_filter()), types.GeneratorType)
        assert isinstance(iter_entities(store, entity_filter()), types.GeneratorType)


# -- the command -------------------------------------------------------------------------------------
def test_cli_export_events_csv_with_filters(web_db, tmp_path) -> None:
    out = tmp_path / "ev.csv"
    r = run_cli("export", "--db", str(web_db["path"]), "--what", "events", "--format", "csv",
                "--type", "ASSAULT,PROTEST", "--from", "2015-07-01", "--to", "2015-07-31", "--out", str(out))
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert sorted(x["type"] for x in rows) == ["ASSAULT", "ASSAULT", "PROTEST"]
    assert not (tmp_path / "ev.csv.part").exists()


def test_cli_export_geojson_acled_jsonl(web_db, tmp_path) -> None:
    db = str(web_db["path"])
    r = run_cli("export", "--db", db, "--what", "events", "--format", "geojson", "--bbox", "35,30,40,40")
    assert r.returncode == 0, r.stderr
    gj = json.loads(r.stdout)
    assert len(gj["features"]) == 3 and all(f["properties"]["country"] == "SY" for f in gj["features"])
    r = run_cli("export", "--db", db, "--what", "events", "--format", "acled", "--country", "IQ")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert {(x["event_type"], x["sub_event_type"]) for x in rows} == {
        ("Protests", "Peaceful protest"), ("Strategic developments", "Arrests")}
    assert rows[0]["country"] == "IQ" and rows[0]["latitude"] == "33.31"
    r = run_cli("export", "--db", db, "--what", "documents", "--format", "jsonl", "--q", "حلب", "--source", "okaz")
    docs = [json.loads(x) for x in r.stdout.splitlines()]
    assert [d["id"] for d in docs] == [web_db["ids"]["aleppo"]] and docs[0]["body"]
    r = run_cli("export", "--db", db, "--what", "entities", "--format", "csv", "--type", "PER")
    assert {x["id"] for x in csv.DictReader(io.StringIO(r.stdout))} == {"Q44329", "local:evil"}


@pytest.mark.parametrize("args,needle", [
    (["--what", "events", "--type", "BOMB"], "unknown event type"),
    (["--what", "documents", "--format", "geojson"], "no coordinates"),
    (["--what", "events", "--bbox", "1,2"], "bbox"),
    (["--what", "documents", "--q", "from:2015-99-01"], "date"),
])
def test_cli_export_errors_are_one_line(web_db, args, needle) -> None:
    r = run_cli("export", "--db", str(web_db["path"]), *args)
    assert r.returncode == 1 and needle in r.stderr and "Traceback" not in r.stderr


def test_cli_export_missing_database(tmp_path) -> None:
    r = run_cli("export", "--db", str(tmp_path / "none.db"), "--what", "events")
    assert r.returncode == 1 and "no such database" in r.stderr
