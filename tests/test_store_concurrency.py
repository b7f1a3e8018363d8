"""Several `marsad ingest` processes writing into one database at once, on both backends:
nothing lost, nothing doubled (by id or by URL), the index complete."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from pg_server import backend_db

import marsad

ROOT = Path(__file__).resolve().parents[1]
WORDS = ["الحكومة", "الوزير", "المدينة", "الجيش", "الاقتصاد", "السوق", "المباراة", "الفريق", "المستشفى", "الجامعة", "الأمطار", "الطريق", "المؤتمر", "الاتفاق", "المفاوضات", "الشركة", "النفط", "الطاقة", "المدرسة", "الثقافة"]
N = 240
PROCESSES = 4


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request, db_path):
    return backend_db(request, db_path)


def _records(rng: random.Random) -> list[dict]:
    out = []
    for i in range(N):
        title = f"خبر رقم {i} عن " + " ".join(rng.choices(WORDS, k=4))
        body = "\n\n".join(" ".join(rng.choices(WORDS, k=30)) + "." for _ in range(2))
        out.append({"title": title, "text": body, "url": f"https://news.example/{i}"})
    return out


def test_concurrent_ingest_processes(db, tmp_path: Path) -> None:
    rng = random.Random(11)
    records = _records(rng)
    # a later edit of 20 articles under the same URLs: must never be stored beside them
    edits = [{**r, "text": r["text"] + "\n\nتحديث: أضيفت تفاصيل جديدة."} for r in records[:20]]
    files = []
    for p in range(PROCESSES):  # overlapping shares in different orders
        share = [r for i, r in enumerate(records) if i % PROCESSES != p] + edits
        rng.shuffle(share)
        f = tmp_path / f"part{p}.jsonl"
        f.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in share) + "\n",
                     encoding="utf-8")
        files.append(f)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    with marsad.open(db):  # create the schema once, as a deployment would
        pass
    procs = [subprocess.Popen([sys.executable, "-m", "marsad", "ingest", str(f), "--db", str(db),
                               "--no-analyze", "--batch", "8", "-q"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for f in files]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
    new = sum(int(out.split(" new")[0].split()[-1]) for out, _ in outs)
    assert new == N, outs  # each article written by exactly one process
    with marsad.open(db) as store:
        assert store.stats()["documents"] == N
        rows = store.fetchall("SELECT url, COUNT(*) AS n FROM documents GROUP BY url HAVING COUNT(*) > 1")
        assert rows == []
        assert {r["url"] for r in store.fetchall("SELECT url FROM documents")} == \
               {r["url"] for r in records}
        fts = "documents_fts"
        assert store.fetchall(f"SELECT COUNT(*) AS n FROM {fts}")[0]["n"] == N
        assert store.search("الحكومة", limit=1).total == store.fetchall(
            "SELECT COUNT(*) AS n FROM documents WHERE title LIKE ? OR body LIKE ?",
            ["%الحكومة%", "%الحكومة%"])[0]["n"]
