"""``marsad incidents`` names places in Arabic first, the English name beside it when both
exist («نجران (Najran)»), only what exists otherwise; ``--json`` is unchanged. Through the
real command (``marsad.cli.main``) on a real SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_incidents_store import article

import marsad
from marsad.cli import main as cli_main
from marsad.cli.incidents import place_label
from marsad.model import Place

# a place the knowledge base knows in Arabic only
QARYA = Place("local:qarya", "القرية الشرقية", None, "SA", 17.1, 43.9)


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "places.db"
    najran = article("okaz", "2015-07-25", "نجران", date="2015-07-24", fatalities=3)
    aleppo = article("alhayat", "2015-09-01", "حلب", date="2015-08-31", type_="PROTEST", trigger="تظاهر")
    qarya = article("sabq", "2015-08-10", "أبها", date="2015-08-09")
    qarya.events[0].place = QARYA
    with marsad.open(path) as store:
        store.add([najran, aleppo, qarya])
        # an incident fused before schema version 9: no Arabic name stored
        with store.transaction() as tx:
            tx.execute("UPDATE incidents SET place_ar = NULL WHERE place = 'Aleppo'")
    return str(path)


def _lines(db: str, capsys: pytest.CaptureFixture[str], *extra: str) -> list[str]:
    assert cli_main(["incidents", "--db", db, "--no-update", *extra]) == 0
    return capsys.readouterr().out.splitlines()


def test_text_output_names_places_in_arabic_first(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    heads = [line for line in _lines(db, capsys) if line.startswith("inc-")]
    assert len(heads) == 3
    by_date = {line.split()[1]: line for line in heads}
    assert "  نجران (Najran), SA, 3 killed" in by_date["2015-07-24"]
    assert "  القرية الشرقية, SA" in by_date["2015-08-09"] and "(" not in by_date["2015-08-09"]
    assert by_date["2015-08-31"].endswith("  Aleppo, SY")  # no Arabic name stored: the English one


def test_json_output_is_unchanged(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [json.loads(line) for line in _lines(db, capsys, "--json")]
    najran = next(r for r in rows if r["date"] == "2015-07-24")
    assert (najran["place"], najran["place_ar"]) == ("Najran", "نجران")
    qarya = next(r for r in rows if r["date"] == "2015-08-09")
    assert (qarya["place"], qarya["place_ar"]) == ("القرية الشرقية", "القرية الشرقية")


def test_place_label() -> None:
    assert place_label("الرياض", "Riyadh") == "الرياض (Riyadh)"
    assert place_label("الرياض", "الرياض") == "الرياض"
    assert place_label(None, "Riyadh") == "Riyadh"
    assert place_label("الرياض", None) == "الرياض"
    assert place_label(None, None) is None and place_label("", "") is None
