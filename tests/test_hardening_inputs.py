"""Hostile and broken inputs (issue 21, items 2, 3, 6, 9, 10): each bad input costs itself
only. It yields one line naming it (and its line inside a file) and the fix; the rest of
the file and of the batch is read; the exit code says something failed. Dates that are not
plausible dates are dropped with a note, never fatal, by the one normalizer that the
readers, the analysis and the web API share.

Real files in tmp dirs, real `marsad ingest` processes, real HTTP on 127.0.0.1."""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest
from conftest import run_cli

from marsad.ingest import read_paths
from marsad.text.dates import parse_published
from marsad.text.published import Published, normalize_published, published_date

NOW = datetime(2026, 12, 7, tzinfo=UTC)
BODY = "عقد وزراء الخارجية العرب اجتماعا طارئا في القاهرة لبحث الأوضاع في المنطقة."


def _line(title: str, **extra: object) -> str:
    return json.dumps({"title": title, "text": BODY + " " + title, **extra}, ensure_ascii=False)


def _rows(db: Path) -> dict[str, dict]:
    """origin -> {published, body, length, meta} of every stored document."""
    con = sqlite3.connect(db)
    try:
        rows = con.execute("SELECT origin, published, body, length(body), "
                           "json_extract(analysis, '$.document.meta') FROM documents").fetchall()
    finally:
        con.close()
    return {Path(o).name if o.startswith("/") else o: {"published": p, "body": b, "length": n,
                                              "meta": json.loads(m or "{}")}
            for o, p, b, n, m in rows}


def _error_lines(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ln.strip()]


# -- dates ------------------------------------------------------------------------------------
@pytest.mark.parametrize("value, why", [
    (1e30, "not a Unix timestamp"),
    (1e15, "not a Unix timestamp"),                     # year 33658 as seconds
    (10**400, "not a Unix timestamp"),                  # too large even for a float
    (float("nan"), "not a number"),
    (float("inf"), "not a number"),
    (-5, "not a Unix timestamp"),
    (True, "not a date"),
    (["2015-07-20"], "is a list"),
    ("Tue, 03 Mar 2026 08:15:00 +99999999999999999999", "not a date marsad can read"),
    ("<svg onload=alert(1)>", "not a date marsad can read"),
    ("2015-07-20" + "x" * 500, "not a date marsad can read"),
    ("1899-12-31", "before 1900"),
    ("0001-01-01T00:00:00", "before 1900"),
    ("3000-01-01", "in the future"),
    ("2028-01-01", "in the future"),                    # NOW + more than a year
    (32503680000, "in the future"),                     # 3000-01-01 in Unix seconds
])
def test_implausible_dates_are_dropped_with_a_note(value: object, why: str) -> None:
    res = normalize_published(value, now=NOW)
    assert res.iso is None
    assert res.note and why in res.note and "dropped" in res.note


@pytest.mark.parametrize("value, iso", [
    ("2015-07-20", "2015-07-20"),
    ("Tue, 03 Mar 2026 08:15:00 +0100", "2026-03-03T08:15:00+01:00"),
    ("20/07/2015", "2015-07-20"),
    (1437350400, "2015-07-20T00:00:00+00:00"),
    (1437350400000, "2015-07-20T00:00:00+00:00"),
    ("1900-01-01", "1900-01-01"),
    ("2027-12-01", "2027-12-01"),                       # within a year of NOW
    (date(2015, 7, 20), "2015-07-20"),
])
def test_plausible_dates_are_kept(value: object, iso: str) -> None:
    assert normalize_published(value, now=NOW) == Published(iso)


@pytest.mark.parametrize("value", ["2015-07-20", "2015-07-20T10:00:00+03:00", "20/07/2015",
                                   "Mon, 20 Jul 2015 10:00:00 +0300", "3000-01-01", "1800-01-01",
                                   "<svg>", "", None, "2015-13-45"])
def test_the_analysis_reads_published_as_the_readers_do(value: object) -> None:
    """Events resolve أمس against parse_published: it must agree with what was stored."""
    assert parse_published(value) == published_date(value)  # type: ignore[arg-type]


def test_the_analysis_reads_no_implausible_date() -> None:
    assert parse_published("3000-01-01") is None
    assert parse_published("1800-01-01") is None
    assert parse_published("Mon, 20 Jul 2015 10:00:00 +0300") == date(2015, 7, 20)
    assert parse_published(1437350400) == date(2015, 7, 20)  # type: ignore[arg-type]


def test_bad_dates_in_files_are_never_fatal(tmp_path: Path) -> None:
    """1e30 in one JSON line, 1e15 in another and a pubDate with a 20-digit time zone
    once stopped the whole run with a traceback (0 documents stored, good files included)."""
    (tmp_path / "a.jsonl").write_text("\n".join([
        _line("خبر أول", published=1e30),
        _line("خبر ثان", published=1e15),
        _line("خبر ثالث", published="3000-01-01"),
        _line("خبر رابع", published="1850-06-01"),
        _line("خبر خامس", published="2015-07-20"),
    ]) + "\n", encoding="utf-8")
    (tmp_path / "feed.rss").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>موقع</title>'
        f"<item><title>خبر الموجز</title><description>{BODY}</description>"
        "<pubDate>Tue, 03 Mar 2026 08:15:00 +99999999999999999999</pubDate></item>"
        f"<item><title>خبر الموجز الثاني</title><description>{BODY} ثان</description>"
        "<pubDate>Tue, 03 Mar 2026 08:15:00 +0100</pubDate></item></channel></rss>",
        encoding="utf-8")
    (tmp_path / "good.txt").write_text("خبر سليم\n" + BODY + " سليم", encoding="utf-8")
    db = tmp_path / "t.db"
    r = run_cli("ingest", "a.jsonl", "feed.rss", "good.txt", "--db", str(db), "--no-analyze",
                "--quiet", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    rows = _rows(db)
    assert len(rows) == 8, rows.keys()
    for where in ("a.jsonl:1", "a.jsonl:2", "a.jsonl:3", "a.jsonl:4", "feed.rss#item1"):
        assert rows[where]["published"] is None, where
        assert "dropped" in rows[where]["meta"]["published_note"], where
        assert rows[where]["meta"]["published_raw"]
    assert rows["a.jsonl:5"]["published"] == "2015-07-20"
    assert rows["feed.rss#item2"]["published"] == "2026-03-03T08:15:00+01:00"


def test_the_analysis_runs_on_a_dropped_date(tmp_path: Path) -> None:
    """The whole pipeline (events resolve relative dates against `published`)."""
    (tmp_path / "a.jsonl").write_text(
        _line("انفجار في بغداد أمس", published=1e30) + "\n"
        + _line("مظاهرة في القاهرة أمس", published="2015-07-20") + "\n", encoding="utf-8")
    db = tmp_path / "t.db"
    r = run_cli("ingest", "a.jsonl", "--db", str(db), "--quiet", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert {k: v["published"] for k, v in _rows(db).items()} == {
        "a.jsonl:1": None, "a.jsonl:2": "2015-07-20"}


def test_a_date_is_not_taken_from_navigation_links(tmp_path: Path) -> None:
    page = tmp_path / "nav.html"
    paras = "".join(f"<p>{BODY} {i}</p>" for i in range(4))
    page.write_text(
        '<html><head><title>اجتماع في القاهرة</title></head><body><nav><ul>'
        '<li><a href="/archive/1995/01/index.html">أرشيف 1995</a></li>'
        '<li><a href="/archive/1996/02/">أرشيف</a></li></ul></nav>'
        f"<article><h1>اجتماع في القاهرة</h1>{paras}</article></body></html>", encoding="utf-8")
    [res] = list(read_paths([page]))
    assert res.document is not None and res.document.published is None
    dated = tmp_path / "dated.html"
    dated.write_text(page.read_text(encoding="utf-8").replace(
        "<head>", '<head><meta property="article:published_time" content="2015-07-20T10:00:00+03:00">'),
        encoding="utf-8")
    [res] = list(read_paths([dated]))
    assert res.document is not None and res.document.published == "2015-07-20T10:00:00+03:00"


# -- one bad line, one bad record --------------------------------------------------------------
def test_one_bad_line_costs_that_line_only(tmp_path: Path) -> None:
    """A 100k-deep array (RecursionError), a lone surrogate (UnicodeEncodeError) and fields
    of the wrong type each cost their own line, named with its number and a fix."""
    lines = [
        _line("السطر الأول"),
        "[" * 100_000,
        _line("السطر الثالث").replace("الثالث", "الثالث\\ud800"),
        json.dumps({"title": ["عنوان", "قائمة"], "text": BODY}, ensure_ascii=False),
        json.dumps({"title": "نص رقمي", "text": 12345}, ensure_ascii=False),
        json.dumps({"title": "مصدر", "text": [BODY, {"p": 1}]}, ensure_ascii=False),
        "{not json",
        _line("السطر الأخير"),
    ]
    (tmp_path / "bad.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "other.txt").write_text("ملف آخر\n" + BODY + " آخر", encoding="utf-8")
    db = tmp_path / "t.db"
    r = run_cli("ingest", "bad.jsonl", "other.txt", "--db", str(db), "--no-analyze", "--quiet",
                cwd=tmp_path)
    assert r.returncode == 1
    errors = _error_lines(r.stderr)
    assert len(errors) == 6, r.stderr
    for n, line in zip((2, 3, 4, 5, 6, 7), errors, strict=True):
        assert line.startswith(f"bad.jsonl:{n}: "), line
        assert line.rstrip().endswith(")"), line  # the fix, in parentheses
        assert "Traceback" not in line and "could not be read" not in line
    assert "nested too deeply" in errors[0]
    assert 'field "title" holds a lone UTF-16 surrogate' in errors[1]
    assert 'field "title" is a list, expected a string' in errors[2]
    assert 'field "text" is a number' in errors[3]
    assert 'field "text" is a list' in errors[4]
    assert set(_rows(db)) == {"bad.jsonl:1", "bad.jsonl:8", "other.txt"}
    assert "ingest: 3 new, 0 already known, 6 failed" in r.stdout


def test_json_array_items_fail_one_by_one(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps([
        {"title": "أول", "text": BODY},
        {"title": 5, "text": BODY},
        {"title": "ثالث", "text": BODY + " ثالث", "published": 1e30},
    ], ensure_ascii=False), encoding="utf-8")
    results = list(read_paths([tmp_path / "a.json"]))
    assert [r.ok for r in results] == [True, False, True]
    assert 'a.json#item2: field "title" is a number' in str(results[1].error)
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    [res] = list(read_paths([deep]))
    assert res.error is not None and "nested too deeply" in str(res.error)


def test_a_nul_anywhere_never_reaches_the_database(tmp_path: Path) -> None:
    """The binary check reads the first 64 KB; a NUL after them cut SQLite's length()."""
    para = BODY + "\n"
    text = "عنوان الخبر\n" + para * 1500 + "\x00 بقية النص بعد الصفر.\n"
    assert len(text.encode()) > 65536 and text.encode().index(b"\x00") > 65536
    (tmp_path / "nul.txt").write_text(text, encoding="utf-8")
    (tmp_path / "nul.jsonl").write_text(
        json.dumps({"title": "عنوان\u0000", "text": "نص\u0000 فيه\u001b[31m صفر"}) + "\n",
        encoding="utf-8")
    db = tmp_path / "t.db"
    r = run_cli("ingest", "nul.txt", "nul.jsonl", "--db", str(db), "--no-analyze", "--quiet",
                cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    rows = _rows(db)
    for where in ("nul.txt", "nul.jsonl:1"):
        assert "\x00" not in rows[where]["body"] and "\x1b" not in rows[where]["body"]
        assert rows[where]["length"] == len(rows[where]["body"])
    assert rows["nul.txt"]["body"].endswith("بقية النص بعد الصفر.")


def test_the_size_fix_names_no_option_that_does_not_exist(tmp_path: Path) -> None:
    (tmp_path / "big.jsonl").write_text(_line("x" * 5000) + "\n" + _line("صغير") + "\n",
                                        encoding="utf-8")
    (tmp_path / "big.txt").write_text("عنوان\n" + "ن" * 5000, encoding="utf-8")
    results = list(read_paths([tmp_path / "big.jsonl", tmp_path / "big.txt"], max_bytes=2000))
    assert [r.ok for r in results] == [False, True, False]
    for r in (results[0], results[2]):
        assert r.error is not None and r.error.fix
        assert "max_bytes" not in str(r.error) and "split" in r.error.fix


# -- paths from the command line ------------------------------------------------------------------
def test_a_path_with_a_newline_is_a_path_not_text(tmp_path: Path) -> None:
    named = tmp_path / "two\nlines.txt"
    named.write_text("خبر الملف\n" + BODY, encoding="utf-8")
    db = tmp_path / "t.db"
    r = run_cli("ingest", "missing\nالنص هنا عنوان", "two\nlines.txt", "--db", str(db),
                "--no-analyze", "--quiet", cwd=tmp_path)
    assert r.returncode == 1
    [err] = _error_lines(r.stderr)
    assert err == "missing\\nالنص هنا عنوان: no such file or folder (check the path)"
    rows = _rows(db)
    assert list(rows) == ["two\nlines.txt"] and rows["two\nlines.txt"]["body"] == BODY


def _unprivileged() -> list[str]:
    """A command prefix under which permissions hold: none for a normal user; for root,
    setpriv without the capabilities that bypass file permissions."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root and setpriv is absent: permissions cannot be tested")
    prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search"]
    probe = subprocess.run([*prefix, "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"running as root and setpriv cannot drop capabilities: {probe.stderr!r}")
    return prefix


def test_an_unreadable_sub_folder_is_reported(tmp_path: Path) -> None:
    prefix = _unprivileged()
    top = tmp_path / "news"
    (top / "locked").mkdir(parents=True)
    (top / "a.txt").write_text("خبر أ\n" + BODY, encoding="utf-8")
    (top / "locked" / "b.txt").write_text("خبر ب\n" + BODY + " ب", encoding="utf-8")
    (top / "z.txt").write_text("خبر ي\n" + BODY + " ي", encoding="utf-8")
    (top / "locked").chmod(0)
    db = tmp_path / "t.db"
    try:
        r = subprocess.run([*prefix, sys.executable, "-m", "marsad", "ingest", str(top), "--db",
                            str(db), "--no-analyze", "--quiet"], capture_output=True, text=True,
                           check=False, timeout=300)
    finally:
        (top / "locked").chmod(0o755)
    assert r.returncode == 1, r.stdout + r.stderr
    [err] = _error_lines(r.stderr)
    assert err.startswith(f"{top / 'locked'}: cannot read this folder (Permission denied)")
    assert "permissions" in err
    assert set(_rows(db)) == {"a.txt", "z.txt"}


def test_file_names_are_printed_safely(tmp_path: Path) -> None:
    """Newlines, terminal escape sequences and bidi overrides in a name reach the terminal
    as escapes: one line per bad input, nothing the terminal would act on."""
    names = ["evil\x1b[2J\x1b[31mred", "x\u202etxt.exe", "two\nlines", "bell\x07"]
    r = run_cli("ingest", *names, "--db", str(tmp_path / "t.db"), "--no-analyze", "--quiet",
                cwd=tmp_path)
    assert r.returncode == 1
    errors = _error_lines(r.stderr)
    assert len(errors) == len(names), r.stderr
    for bad in ("\x1b", "\u202e", "\x07"):
        assert bad not in r.stderr and bad not in r.stdout
    assert errors[0].startswith("evil\\x1b[2J\\x1b[31mred: no such file or folder")
    assert errors[1].startswith("x\\u202etxt.exe: ")
    assert errors[2].startswith("two\\nlines: ")


def test_a_file_name_that_is_not_utf8_is_read(tmp_path: Path) -> None:
    """A name of Windows-1256 bytes: Python gives them as surrogates, which no database
    stores; the whole run once died on the write."""
    folder = tmp_path / "news"
    folder.mkdir()
    raw = os.path.join(os.fsencode(folder), "خبر".encode("cp1256") + b"\x1b.txt")
    with open(raw, "wb") as f:
        f.write(("خبر الملف\n" + BODY).encode("utf-8"))
    db = tmp_path / "t.db"
    r = run_cli("ingest", str(folder), "--db", str(db), "--no-analyze", "--quiet")
    assert r.returncode == 0, r.stderr
    [(origin, row)] = _rows(db).items()
    assert row["body"] == BODY and "\ufffd" in origin


def test_archive_members_that_are_not_read_are_named(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "a.zip", "w") as z:
        z.writestr("../evil.txt", "خبر خبيث\n" + BODY)
        z.writestr("ok.txt", "خبر سليم\n" + BODY + " سليم")
        z.writestr(".hidden/skip.txt", "مخفي\n" + BODY)
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("خبر المجلد\n" + BODY + " المجلد", encoding="utf-8")
    (src / "link.txt").symlink_to("a.txt")
    os.link(src / "a.txt", src / "hard.txt")
    with tarfile.open(tmp_path / "b.tar.gz", "w:gz") as t:
        t.add(src, arcname=".")  # as `tar -C src -czf b.tar.gz .` writes it: ./a.txt
        data = ("خبر صاعد\n" + BODY).encode()
        info = tarfile.TarInfo("../../up.txt")
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    db = tmp_path / "t.db"
    r = run_cli("ingest", "a.zip", "b.tar.gz", "--db", str(db), "--no-analyze", "--quiet",
                cwd=tmp_path)
    assert r.returncode == 1
    errors = sorted(_error_lines(r.stderr))
    assert len(errors) == 4, r.stderr
    by = {e.split(": ", 1)[0]: e for e in errors}
    assert "leads out of the archive" in by["a.zip!../evil.txt"]
    assert "leads out of the archive" in by["b.tar.gz!../../up.txt"]
    assert "symbolic link (to a.txt)" in by["b.tar.gz!./link.txt"]
    hard = [e for k, e in by.items() if "hard link" in e]
    assert len(hard) == 1
    assert set(_rows(db)) == {"a.zip!ok.txt", "b.tar.gz!./a.txt"}


# -- the web API -------------------------------------------------------------------------------
@pytest.fixture
def api(tmp_path: Path):
    from test_web_data import TOKEN, LiveServer, build_web_db

    from marsad.web import ServeSettings, create_app

    info = build_web_db(tmp_path / "w.db")
    app = create_app(ServeSettings(db=str(info["path"]), write_token=TOKEN))
    with LiveServer(app) as srv, httpx.Client(base_url=srv.url, trust_env=False, timeout=60,
                                              headers={"Authorization": f"Bearer {TOKEN}"}) as c:
        yield c


def _post(c: httpx.Client, body: str) -> httpx.Response:
    return c.post("/api/documents", content=body.encode("utf-8"),
                  headers={"content-type": "application/json"})


def test_api_refuses_a_lone_surrogate_with_a_400(api: httpx.Client) -> None:
    for body in ('{"title": "عنوان \\ud800", "text": "نص"}',
                 '[{"title": "سليم", "text": "نص"}, {"title": "ب", "paragraphs": ["أ", "\\udfff"]}]',
                 '{"title": "ت", "text": "نص", "source": "\\ud83d"}'):
        r = _post(api, body)
        assert r.status_code == 400, r.text
        err = r.json()["error"]
        assert "lone UTF-16 surrogate" in err["message"] and err["fix"]
        assert err["message"].startswith("item ")
    assert api.get("/api/health").json()["documents"] == 6  # nothing stored, server fine


def test_api_normalizes_published_like_the_readers(api: httpx.Client) -> None:
    arts = [
        {"title": "خبر بتاريخ RFC", "text": BODY, "published": "Tue, 03 Mar 2026 08:15:00 +0100"},
        {"title": "خبر بتاريخ مريب", "text": BODY + " ب", "published": "<svg onload=alert(1)>"},
        {"title": "خبر من المستقبل", "text": BODY + " ج", "published": "3000-01-01"},
        {"title": "خبر فيه صفر", "paragraphs": [BODY + "\u0000 د"], "published": "2015-07-20"},
    ]
    r = api.post("/api/documents", json=arts)
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["new"] == 4
    assert len(out["notes"]) == 2
    assert out["notes"][0].startswith("item 1: published '<svg onload=alert(1)>'")
    assert out["notes"][1].startswith("item 2: published '3000-01-01' is more than a year")
    docs = [api.get(f"/api/documents/{i}").json()["analysis"]["document"] for i in out["ids"]]
    assert [d["published"] for d in docs] == [
        "2026-03-03T08:15:00+01:00", None, None, "2015-07-20"]
    assert "\x00" not in json.dumps(docs[3]) and "\\u0000" not in json.dumps(docs[3])
    found = api.get("/api/documents", params={"from": "2026-03-01", "to": "2026-03-31"}).json()
    assert out["ids"][0] in [d["id"] for d in found["items"]]


def test_api_sources_pages(api: httpx.Client) -> None:
    every = api.get("/api/sources", params={"limit": 200}).json()
    assert every["total"] == len(every["items"]) >= 3
    page = api.get("/api/sources", params={"limit": 1, "offset": 1}).json()
    assert page["items"] == every["items"][1:2]
    assert page["total"] == every["total"] and page["next"]
    assert api.get("/api/sources", params={"limit": 0}).status_code == 400


def test_a_foreign_host_gets_the_json_error_shape(api: httpx.Client) -> None:
    r = api.get("/api/health", headers={"Host": "evil.example"})
    assert r.status_code == 400 and r.headers["content-type"].startswith("application/json")
    err = r.json()["error"]
    assert err["status"] == 400 and err["code"] == "bad_host" and err["message"] and err["fix"]
    page = api.get("/", headers={"Host": "evil.example"})
    assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
    assert api.get("/api/health").status_code == 200
