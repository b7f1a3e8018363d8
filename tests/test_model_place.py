"""``Event.place`` is a typed :class:`~marsad.model.Place` (issue 19), while the Analysis JSON
stays what it was: a dict with the same keys in the same order, so databases written before
load unchanged, and JSON with a key more or less still loads."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

import marsad
from marsad.model import Analysis, Event, Place, Span
from marsad.store.incidents_sql import event_from_json, event_json
from marsad.web.i18n import country_name

pytest_plugins = ("test_web_data",)  # the shared web database and client

DEMO = Path(marsad.__file__).parent / "resources" / "demo"
# the keys the event coder has always written for a resolved place, in this order
PLACE_KEYS = ["entity_id", "name_ar", "name_en", "country", "lat", "lon", "geonames_id"]


@pytest.fixture(scope="module")
def placed() -> list[Analysis]:
    """The demo articles (real text through the real pipeline) whose events have a place."""
    read = [marsad.analyze_file(str(f)) for f in sorted(DEMO.glob("*.txt")) + sorted(DEMO.glob("*.html"))]
    out = [a for a in read if any(e.place for e in a.events)]
    assert out, "no demo article has an event with a resolved place"
    return out


def test_the_coder_gives_a_place_and_the_json_keeps_its_old_form(placed) -> None:
    for a in placed:
        for e in a.events:
            assert e.place is None or isinstance(e.place, Place)
        stored = json.loads(a.to_json())
        for e, d in zip(a.events, stored["events"], strict=True):
            if e.place is None:
                assert d["place"] is None
                continue
            assert list(d["place"]) == PLACE_KEYS
            assert d["place"]["entity_id"] and d["place"]["name_ar"]
            assert d["place"]["country"] == e.place.country and d["place"]["lat"] == e.place.lat


def test_an_analysis_with_a_place_round_trips_byte_for_byte(placed) -> None:
    for a in placed:
        for tokens in (False, True):
            s = a.to_json(tokens=tokens)
            back = Analysis.from_json(s)
            assert back.to_json(tokens=tokens) == s
            assert [e.place for e in back.events] == [e.place for e in a.events]
            assert any(isinstance(e.place, Place) for e in back.events)


def _older(d: dict[str, Any]) -> dict[str, Any]:
    """The JSON as another version might have written it: each place with a key more
    (``admin1``, ``name``) and two less (``geonames_id``, ``name_ar``)."""
    d = json.loads(json.dumps(d))
    for e in d["events"]:
        if e["place"]:
            e["place"]["admin1"] = "somewhere"
            e["place"]["name"] = "a name nobody reads"
            del e["place"]["geonames_id"], e["place"]["name_ar"]
    return d


def test_json_with_a_key_more_or_less_loads(placed) -> None:
    a = placed[0]
    back = Analysis.from_dict(_older(a.to_dict()))
    for old, new in zip(a.events, back.events, strict=True):
        if old.place is None:
            assert new.place is None
            continue
        assert isinstance(new.place, Place)
        assert (new.place.entity_id, new.place.name_en, new.place.country, new.place.lat, new.place.lon) == \
            (old.place.entity_id, old.place.name_en, old.place.country, old.place.lat, old.place.lon)
        assert new.place.geonames_id is None and new.place.name_ar == ""
        assert not hasattr(new.place, "admin1")


def _analysis_column(con: sqlite3.Connection) -> str:
    """The table holding the analysis JSON (found, not assumed: the schema may move it)."""
    for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        cols = {r[1] for r in con.execute(f"PRAGMA table_info({table})")}
        if {"analysis", "id"} <= cols:
            return table
    raise AssertionError("no table with an analysis column")


def test_a_database_holding_older_json_reads_places(placed, tmp_path: Path) -> None:
    """A real SQLite store whose stored JSON is in the older form: ``get`` gives Places,
    and the events table was filled from the typed place."""
    a = placed[0]
    db = tmp_path / "old.db"
    with marsad.open(db) as store:
        store.add([a])
    con = sqlite3.connect(db)
    table = _analysis_column(con)
    con.execute(f"UPDATE {table} SET analysis = ? WHERE id = ?",
                (json.dumps(_older(a.to_dict()), ensure_ascii=False), a.document.id))
    con.commit()
    rows = con.execute("SELECT idx, place_name, country, lat, lon FROM events WHERE doc_id = ? ORDER BY idx",
                       (a.document.id,)).fetchall()
    con.close()
    for (idx, name, country, lat, lon), e in zip(rows, a.events, strict=True):
        assert idx >= 0 and name == (e.place.name_en if e.place else None)
        assert country == (e.country or (e.place.country if e.place else None))
        assert (lat, lon) == ((e.place.lat, e.place.lon) if e.place else (None, None))
    with marsad.open(db) as store:
        got = store.get(a.document.id)
    assert got is not None
    assert [type(e.place) for e in got.events] == [type(e.place) for e in a.events]
    assert [e.place.country for e in got.events if e.place] == [e.place.country for e in a.events if e.place]


def test_an_incident_report_s_event_json_keeps_the_place() -> None:
    e = Event("ASSAULT", "occurred", Span(0, 3, "قصف"), 0, 0.9, location=Span(8, 13, "نجران"),
              place=Place("gn:103630", "نجران", "Najran", "SA", 17.4933, 44.1277), country="SA",
              mentions=[Span(20, 23, "قصف")])
    s = event_json(e)
    assert list(json.loads(s)["place"]) == PLACE_KEYS
    back = event_from_json(s)
    assert back.place == e.place and back.mentions == []


def test_the_article_page_shows_the_place_s_country(client, web_db) -> None:
    """The web fixture's Aleppo events carry a place but no country of their own: the
    events table names the place's country."""
    with marsad.open(web_db["path"], readonly=True) as store:
        a = store.get(web_db["ids"]["aleppo"])
    assert a is not None
    fallback = [e for e in a.events if e.country is None and e.place is not None]
    assert fallback and {e.place.country for e in fallback} == {"SY"}
    page = client.get(f"/article/{web_db['ids']['aleppo']}").text
    table = re.search(r'<table class="events-table">.*?</table>', page, re.DOTALL)
    assert table is not None
    assert f"<small>({country_name('SY', 'ar')})</small>" in table.group(0)
