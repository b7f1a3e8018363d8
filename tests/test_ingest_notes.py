"""What ingest keeps but changes is said on the terminal: a cut article, a dropped date."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from marsad.ingest.document import MAX_ARTICLE_CHARS

# the whole pipeline on a 200,000-character article (about a minute)
pytestmark = pytest.mark.slow


def test_ingest_says_when_it_cuts_an_article_or_drops_a_date(tmp_path):
    src = tmp_path / "in.jsonl"
    long_text = ("قتل ثلاثة أشخاص في هجوم على سوق في بغداد. " * (MAX_ARTICLE_CHARS // 40 + 50)).strip()
    src.write_text(
        json.dumps({"id": "long", "title": "هجوم", "text": long_text}, ensure_ascii=False) + "\n"
        + json.dumps({"id": "baddate", "title": "خبر", "text": "اعتقلت الشرطة شخصين في القاهرة.",
                      "published": 1e30}, ensure_ascii=False) + "\n",
        encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "marsad", "ingest", str(src), "--db", str(tmp_path / "n.db")],
                         check=False, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    assert "in.jsonl:1: note: truncated" in out.stderr
    assert "in.jsonl:2: note:" in out.stderr
    assert "2 new" in out.stdout + out.stderr
