"""The GeoNames place index: built once, idempotent, rebuilt when corrupt or missing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from marsad.analyze.link.geoindex import arabic_names, build_index, open_index
from marsad.analyze.link.keys import key

SMALL = Path(__file__).parent / "data" / "link" / "cities_small.json"


def test_arabic_names_drop_persian_urdu_kurdish_and_qualified():
    names = ["لندن", "لندن، انتاریو", "منچستر", "بەغداد", "دهکده", "بغداد", "London"]
    assert arabic_names(names) == ["لندن", "بغداد"]


def test_build_then_lookup(tmp_path):
    path = tmp_path / "geo.sqlite"
    rep = build_index(path, source=SMALL, quiet=True)
    assert rep.built and rep.places == 4  # Dehkadeh (Persian-only, tiny) and Smallville dropped
    geo = open_index(path, source=SMALL)
    found = {p.cc for p in geo.lookup(key("لندن"))}
    assert found == {"GB", "CA"}
    assert [p.name for p in geo.lookup(key("بغداد"))] == ["Baghdad"]
    assert geo.lookup(key("بەغداد")) == ()  # the Kurdish spelling was filtered out
    assert [p.cc for p in geo.lookup("london")] == ["GB", "CA"] or \
        {p.cc for p in geo.lookup("london")} == {"GB", "CA"}
    geo.close()


def test_build_is_idempotent(tmp_path):
    path = tmp_path / "geo.sqlite"
    first = build_index(path, source=SMALL, quiet=True)
    stamp = path.stat().st_mtime_ns
    again = build_index(path, source=SMALL, quiet=True)
    assert first.built and not again.built
    assert (again.places, again.names) == (first.places, first.names)
    assert path.stat().st_mtime_ns == stamp  # the file was not rewritten
    forced = build_index(path, source=SMALL, force=True, quiet=True)
    assert forced.built and forced.places == first.places


def test_corrupt_index_is_rebuilt_with_a_message(tmp_path, capsys):
    path = tmp_path / "geo.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    geo = open_index(path, source=SMALL)
    err = capsys.readouterr().err
    assert "corrupt" in err and "rebuilding" in err
    assert [p.name for p in geo.lookup(key("بغداد"))] == ["Baghdad"]
    geo.close()


def test_incomplete_index_is_rebuilt(tmp_path, capsys):
    path = tmp_path / "geo.sqlite"
    build_index(path, source=SMALL, quiet=True)
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET v = '0' WHERE k = 'complete'")
    con.commit()
    con.close()
    geo = open_index(path, source=SMALL)
    assert "rebuilding" in capsys.readouterr().err
    assert geo.meta()["complete"] == "1"
    geo.close()


def test_missing_index_is_built_with_a_message(tmp_path, capsys):
    path = tmp_path / "sub" / "geo.sqlite"
    geo = open_index(path, source=SMALL)
    assert "building the place index" in capsys.readouterr().err
    assert path.exists() and geo.meta()["places"] == "4"
    geo.close()


def test_stale_index_is_rebuilt_by_build(tmp_path):
    path = tmp_path / "geo.sqlite"
    build_index(path, source=SMALL, quiet=True)
    other = tmp_path / "cities_other.json"
    other.write_text(SMALL.read_text(encoding="utf-8").replace("7216000", "7216001"),
                     encoding="utf-8")
    rep = build_index(path, source=other, quiet=True)
    assert rep.built and rep.reason == "built from other data"


def test_no_temporary_files_left(tmp_path):
    build_index(tmp_path / "geo.sqlite", source=SMALL, quiet=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["geo.sqlite"]


@pytest.mark.parametrize("name", ["بغداد", "لندن"])
def test_default_index_knows_capitals(name):
    from marsad.analyze.link import load_linker

    geo = load_linker().resolver.geo
    assert geo is not None and geo.lookup(key(name))


def test_older_format_indexes_are_removed(tmp_path):
    from marsad.analyze.link.geoindex import INDEX_NAME

    old = tmp_path / "geonames-ar-v1.sqlite"
    old.write_bytes(b"old")
    build_index(tmp_path / INDEX_NAME, source=SMALL, quiet=True)
    assert not old.exists() and (tmp_path / INDEX_NAME).exists()
