"""The event commands as a user runs them: marsad events, marsad eval events, marsad bench events."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from marsad.cli import main

DATA = Path(__file__).parent / "data" / "events"


def test_events_json_keeps_jsonl_ids_in_input_order(tmp_path, capsys):
    src = tmp_path / "news.jsonl"
    rows = [
        {"id": "a-1", "title": "مقتل ثلاثة جنود في هجوم شمال بغداد",
         "text": "قتل مسلحون ثلاثة جنود في هجوم على نقطة تفتيش شمال بغداد أمس.", "published": "2019-03-10"},
        {"id": "b-2", "title": "معرض الكتاب", "text": "افتتح معرض الكتاب أبوابه بمشاركة مئات الناشرين."},
        {"id": "c-3", "title": "مظاهرات في الخرطوم",
         "text": "تظاهر آلاف السودانيين في الخرطوم احتجاجا على ارتفاع الأسعار."},
    ]
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    assert main(["events", str(src), "--json", "--no-ner"]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert [o["id"] for o in out] == ["a-1", "b-2", "c-3"]
    assert {e["type"] for e in out[0]["events"]} == {"ASSAULT"}
    assert out[1]["events"] == []
    assert {e["type"] for e in out[2]["events"]} == {"PROTEST"}
    ev = out[0]["events"][0]
    assert ev["status"] == "occurred" and ev["date"] == "2019-03-09"
    assert ev["trigger"]["text"] and ev["source"]["text"] == "مسلحون"


def test_events_text_output_and_bad_input(tmp_path, capsys):
    src = tmp_path / "article.txt"
    src.write_text("اعتقال خمسة مشتبه بهم\n\nاعتقلت الشرطة خمسة أشخاص يشتبه في تورطهم في الهجوم.\n",
                   encoding="utf-8")
    missing = tmp_path / "nope.txt"
    assert main(["events", str(src), str(missing), "--no-ner"]) == 0
    cap = capsys.readouterr()
    assert "COERCE/arrest" in cap.out
    assert "nope.txt" in cap.err


def test_eval_events_on_a_small_gold_file(capsys):
    code = main(["eval", "events", str(DATA / "gold_small.xml"),
                 "--negatives", str(DATA / "negatives_sport.txt"), "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    a, p = out["by_type"]["ASSAULT"], out["by_type"]["PROTEST"]
    # the third ASSAULT sentence (ووقع الحادث ...) names no event the coder can see
    assert (a["sentences"], a["recall"], p["sentences"], p["recall"]) == (3, 0.6667, 3, 1.0)
    assert out["total"]["source_match"] == 1.0 and out["total"]["with_source"] == 4
    assert a["target_match"] == 1.0 and a["with_target"] == 2
    neg = out["negatives"][str(DATA / "negatives_sport.txt")]
    assert neg["sentences"] >= 100 and neg["false_alarm_rate"] <= 0.02


def test_eval_events_gate_fails_below_floor(capsys):
    code = main(["eval", "events", str(DATA / "gold_small.xml"), "--min-recall", "0.9"])
    assert code == 1
    assert "below --min-recall" in capsys.readouterr().err


def test_eval_events_human_readable(capsys):
    assert main(["eval", "events", str(DATA / "gold_small.xml"), "--misses", "5"]) == 0
    out = capsys.readouterr().out
    assert "ASSAULT" in out and "PROTEST" in out and "MISS ASSAULT" in out


def test_bench_events_prints_throughput(tmp_path):
    sents = tmp_path / "s.txt"
    sents.write_text("قتل مسلحون ثلاثة جنود في هجوم شمال بغداد.\nتظاهر آلاف الطلاب أمام البرلمان.\n",
                     encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "marsad", "bench", "events", str(sents), "--seconds", "0.2"],
                       capture_output=True, text=True, timeout=120, check=False)
    assert r.returncode == 0, r.stderr
    assert "sentences/s" in r.stdout
