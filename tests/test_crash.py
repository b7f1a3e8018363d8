"""Killing an ingest mid-batch and running it again leaves a complete, consistent database
with no duplicates and no half-written rows."""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

# three ingests of 6,000 articles, one of them killed mid-batch
pytestmark = pytest.mark.slow

WORDS = ("الحكومة الوزير المدينة الجيش الاقتصاد السوق المباراة الفريق المستشفى الجامعة "
         "الأمطار الطريق المؤتمر الاتفاق المفاوضات الشركة النفط الطاقة المدرسة الثقافة").split()


def _corpus(path: Path, n: int) -> set[str]:
    rng = random.Random(7)
    titles = set()
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            title = f"خبر رقم {i} عن " + " ".join(rng.choices(WORDS, k=4))
            body = "\n\n".join(" ".join(rng.choices(WORDS, k=40)) + "." for _ in range(3))
            f.write(json.dumps({"id": f"doc-{i}", "title": title, "text": body}, ensure_ascii=False) + "\n")
            titles.add(title)
    return titles


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=30) as c:
            return c.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_kill_mid_ingest_then_rerun(tmp_path: Path) -> None:
    src = tmp_path / "many.jsonl"
    titles = _corpus(src, 6000)
    db = tmp_path / "crash.db"
    cmd = [sys.executable, "-m", "marsad", "ingest", str(src), "--db", str(db), "--batch", "40",
           "--no-analyze", "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and _count(db) < 200:
        time.sleep(0.02)
    killed = proc.poll() is None
    if killed:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    partial = _count(db)
    assert partial < len(titles) or not killed

    rerun = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{partial} already known" in rerun.stdout or not killed, rerun.stdout

    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        n = c.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        assert n == len(titles)
        assert c.execute("SELECT COUNT(DISTINCT title) FROM documents").fetchone()[0] == n
        # the full-text index has exactly one row per document, and nothing orphaned
        assert c.execute("SELECT COUNT(*) FROM documents_fts").fetchone()[0] == n
        assert c.execute(
            "SELECT COUNT(*) FROM documents_fts WHERE rowid NOT IN (SELECT rowid FROM documents)"
        ).fetchone()[0] == 0
        assert c.execute(
            "SELECT COUNT(*) FROM mentions WHERE doc_id NOT IN (SELECT id FROM documents)"
        ).fetchone()[0] == 0

    # and a third run changes nothing
    third = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=600)
    assert f"0 new, {len(titles)} already known" in third.stdout, third.stdout
