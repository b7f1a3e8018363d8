"""What the CLI says, as a user reads it: a mistyped database is named, not created; text
output says what --json says; counts agree between commands; a busy port is handled before
any work is done. Real processes over a demo database."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import pytest
from conftest import run_cli

from marsad.cli.demo import demo_corpus
from marsad.cli.web import choose_port
from marsad.errors import InputError


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("msgs") / "demo.db"
    r = run_cli("ingest", str(demo_corpus()), "--db", str(db), "--quiet")
    assert r.returncode == 0, r.stderr
    return db


@pytest.mark.parametrize("cmd", [
    ["stats"], ["search", "سوريا"], ["show", "0123456789abcdef"], ["export", "--what", "events"],
    ["serve", "--port", "1"],
])
def test_a_database_that_does_not_exist_is_named_not_created(tmp_path: Path, cmd: list[str]) -> None:
    r = run_cli(*cmd, "--db", "typo.db", cwd=tmp_path)
    assert r.returncode == 1, r.stdout
    assert "no such database: typo.db" in r.stderr
    assert "marsad ingest PATH --db typo.db" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "typo.db").exists()


def test_stats_text_lists_what_json_lists(demo_db: Path) -> None:
    text = run_cli("stats", "--db", str(demo_db))
    data = json.loads(run_cli("stats", "--db", str(demo_db), "--json").stdout)
    assert text.returncode == 0, text.stderr
    [types_line] = [ln for ln in text.stdout.splitlines() if ln.strip().startswith("events by type:")]
    assert len(data["events_by_type"]) > 0
    for t, n in data["events_by_type"].items():
        assert f"{t} {n}" in types_line
    [sources_line] = [ln for ln in text.stdout.splitlines() if ln.strip().startswith("by source:")]
    assert len(sources_line.split(",")) == len(data["by_source"])
    assert "?" not in text.stdout  # a missing source is said in words


def test_show_counts_the_tokens_analyze_counts(demo_db: Path) -> None:
    path = demo_corpus() / "taiz-cholera.txt"
    analyzed = run_cli("analyze", str(path))
    [doc_id] = re.findall(r"id ([0-9a-f]{16})", analyzed.stdout)[:1]
    shown = run_cli("show", doc_id, "--db", str(demo_db))
    assert shown.returncode == 0, shown.stderr

    def tokens(out: str) -> int:
        return int(re.search(r"(\d+) tokens?\b", out).group(1))  # type: ignore[union-attr]

    assert tokens(shown.stdout) == tokens(analyzed.stdout) > 0


def test_search_wording(demo_db: Path) -> None:
    one = run_cli("search", "الكوليرا", "--db", str(demo_db))
    assert one.returncode == 0, one.stderr
    m = re.match(r"(\d+) (results?) for", one.stdout)
    assert m and (m.group(2) == "result") == (m.group(1) == "1"), one.stdout
    none = run_cli("search", "كلمةغيرموجودةأبدا", "--db", str(demo_db))
    assert none.stdout.startswith("no results for")
    # a filter-only query ranks nothing: no "score 0.00" on every hit
    filt = run_cli("search", "type:ASSAULT", "--db", str(demo_db))
    assert filt.returncode == 0 and "1. " in filt.stdout and "score" not in filt.stdout


def test_a_busy_port_chosen_by_the_user_stops_before_the_work(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        busy = s.getsockname()[1]
        with pytest.raises(InputError, match=r"already in use.*make run PORT=N"):
            choose_port("127.0.0.1", busy)
        # the default port falls to the next free one, and says so
        assert choose_port("127.0.0.1", None, default=busy) > busy
        r = run_cli("demo", "--db", str(tmp_path / "d.db"), "--serve", "--port", str(busy))
    assert r.returncode == 1 and f"port {busy}" in r.stderr and "PORT=" in r.stderr
    assert "ingesting" not in r.stdout and not (tmp_path / "d.db").exists()
