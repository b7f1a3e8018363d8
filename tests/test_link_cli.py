"""The entity commands, run as a user would: ``python -m marsad geocode|entity``."""

from __future__ import annotations

import json
import subprocess
import sys

PY = sys.executable


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([PY, "-m", "marsad", *args], input=stdin, capture_output=True,
                          text=True, timeout=120, check=False)


def test_geocode_json():
    p = run("geocode", "وبغداد", "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["name"] == "وبغداد"
    best = out["best"]
    assert (best["name_en"], best["country"], best["kind"]) == ("Baghdad", "IQ", "capital")
    assert best["geonames_id"] == 98182 and best["lat"] and best["lon"] and best["score"]
    assert out["candidates"][0] == best


def test_geocode_text_with_context():
    p = run("geocode", "لندن", "--context", "افتتح مصنع في لندن بمقاطعة أونتاريو الكندية قرب تورنتو")
    assert p.returncode == 0, p.stderr
    first = p.stdout.splitlines()[0]
    assert "London" in first and ", CA," in first
    assert "London, GB" in p.stdout  # the runner-up is listed


def test_geocode_file_one_json_per_line_in_order(tmp_path):
    f = tmp_path / "names.txt"
    f.write_text("لندن\nبسوريا\nطرابلس\tاشتباكات في طرابلس شمال لبنان قرب بيروت\n"
                 "مكان لا وجود له إطلاقا\n", encoding="utf-8")
    p = run("geocode", "--file", str(f), "--json")
    assert p.returncode == 0, p.stderr
    rows = [json.loads(x) for x in p.stdout.splitlines()]
    assert [r["name"] for r in rows] == ["لندن", "بسوريا", "طرابلس", "مكان لا وجود له إطلاقا"]
    assert [r["best"]["country"] if r["best"] else None for r in rows] == ["GB", "SY", "LB", None]


def test_geocode_stdin():
    p = run("geocode", "--file", "-", "--json", stdin="أوروبا\n")
    assert json.loads(p.stdout)["best"]["id"] == "region:europe"


def test_geocode_errors_are_messages():
    p = run("geocode", "--file", "/nonexistent/names.txt", "--json")
    assert p.returncode == 1 and "marsad: error:" in p.stderr and "Traceback" not in p.stderr
    p = run("geocode")
    assert p.returncode == 1 and "NAME" in p.stderr
    p = run("geocode", "مكان لا وجود له إطلاقا")
    assert p.returncode == 1 and "no match" in p.stdout


def test_entity_command():
    p = run("entity", "تنظيم الدولة")
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("kb:isis") and "داعش" in p.stdout and "ISIL" in p.stdout
    p = run("entity", "السوريين", "--json")
    e = json.loads(p.stdout)
    assert e["id"] == "country:SY" and e["wikidata"] == "Q858" and "سورية" in e["aliases"]
    p = run("entity", "لا يوجد")
    assert p.returncode == 1
