"""Progress of long commands: a bar on a terminal, plain lines with a true rate otherwise."""

from __future__ import annotations

import io
import json
import re

from conftest import run_cli

from marsad.progress import Progress, format_duration, format_rate
from marsad.run.engine import IngestReport

LINE = re.compile(r"^ingest: (\d+)/(\d+) docs, (\d+(?:\.\d+)?) docs/s(?:, ETA \d+(?:m\d\ds|s|h\d\dm))?$")


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_rate_counts_the_work_not_the_set_up() -> None:
    clock, out = Clock(), io.StringIO()
    p = Progress("ingest", 1000, stream=out, tty=False, every=5, clock=clock)
    clock.t = 60.0  # a minute of loading models before the first document is done
    p.update(1)
    clock.t = 70.0
    p.update(200)  # 200 documents in 10 s: 20 docs/s, not 201/70
    assert out.getvalue() == "ingest: 201/1000 docs, 20.0 docs/s, ETA 40s\n"
    clock.t = 72.0
    p.update(10)  # within 5 s of the last line: nothing printed
    assert out.getvalue().count("\n") == 1
    p.close()


def test_without_a_total_the_line_has_no_eta() -> None:
    clock, out = Clock(), io.StringIO()
    p = Progress("eval", None, "articles", stream=out, tty=False, every=1, clock=clock)
    p.update(1)
    clock.t = 4.0
    p.update(1)
    assert out.getvalue() == "eval: 2 articles, 0.25 articles/s\n"


def test_a_terminal_gets_a_bar_that_ends_at_the_true_count() -> None:
    out = io.StringIO()
    with Progress("ingest", 10, stream=out, tty=True) as p:
        p.update(7)  # the total was an estimate (a feed, an archive): 7 were there
    assert "7/7" in out.getvalue().replace("\r", "\n").splitlines()[-1]


def test_formats() -> None:
    assert format_duration(5) == "5s" and format_duration(125) == "2m05s"
    assert format_duration(3 * 3600 + 7 * 60) == "3h07m"
    assert format_rate(1, 0.4, "docs") == "2.5 docs/s"
    assert format_rate(1, 2.5, "docs") == "0.40 docs/s"  # never a rounded "0 docs/s"
    assert format_rate(3000, 10, "docs") == "300 docs/s"
    assert format_rate(0, 1, "docs") is None and format_rate(5, 0, "docs") is None


def test_summary_never_says_zero_docs_per_second() -> None:
    assert IngestReport(new=1, seconds=2.5).summary() == (
        "1 new, 0 already known, 0 failed in 2.5s (0.40 docs/s)")
    assert IngestReport(seconds=0.01).summary() == "0 new, 0 already known, 0 failed in 0.0s"


def _corpus(path, n: int) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(json.dumps({"title": f"خبر رقم {i} عن الاقتصاد",
                                "text": f"قال مسؤول إن الاقتصاد نما بنسبة {i} في المئة هذا العام."},
                               ensure_ascii=False) + "\n" for i in range(n))


def test_ingest_to_a_pipe_prints_progress_lines_then_the_summary(tmp_path) -> None:
    src = tmp_path / "many.jsonl"
    _corpus(src, 400)
    db = tmp_path / "p.db"
    # stderr is a pipe here, as for a background job writing a log
    r = run_cli("ingest", str(src), "--db", str(db), "--no-analyze", "--batch", "50",
                env={"MARSAD_PROGRESS_EVERY": "0"})
    assert r.returncode == 0, r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("ingest:")]
    assert lines, r.stderr
    assert all(LINE.match(ln) for ln in lines), lines
    counts = [int(LINE.match(ln).group(1)) for ln in lines]  # type: ignore[union-attr]
    assert counts == sorted(counts) and counts[-1] == 400
    assert {LINE.match(ln).group(2) for ln in lines} == {"400"}  # type: ignore[union-attr]
    assert "\r" not in r.stderr and "\x1b[" not in r.stderr  # no bar drawn into a log
    assert r.stdout.startswith("ingest: 400 new, 0 already known, 0 failed in ")

    quiet = run_cli("ingest", str(src), "--db", str(db), "--no-analyze", "--quiet",
                    env={"MARSAD_PROGRESS_EVERY": "0"})
    assert quiet.returncode == 0 and quiet.stderr == "", quiet.stderr
    assert "0 new, 400 already known" in quiet.stdout


def test_an_estimate_that_is_passed_never_shows_more_done_than_the_total() -> None:
    clock, out = Clock(), io.StringIO()
    p = Progress("ingest", 1, stream=out, tty=False, every=1, clock=clock)
    p.update(1)
    clock.t = 2.0
    p.update(40)  # one input file held 41 documents
    assert out.getvalue() == "ingest: 41 docs, 20.0 docs/s\n"
    bar_out = io.StringIO()
    with Progress("ingest", 2, stream=bar_out, tty=True) as bar:
        bar.update(5)
    assert "5/2" not in bar_out.getvalue()


def test_compressed_json_lines_are_counted_line_by_line(tmp_path) -> None:
    import gzip
    import tarfile

    from marsad.ingest import count_inputs

    rows = "".join(json.dumps({"title": f"t{i}", "text": "نص"}) + "\n" for i in range(37))
    gz = tmp_path / "a.jsonl.gz"
    gz.write_bytes(gzip.compress(rows.encode()))
    assert count_inputs([gz]) == 37
    plain = tmp_path / "b.jsonl"
    plain.write_text(rows)
    assert count_inputs([gz, plain]) == 74
    tar = tmp_path / "c.tar.gz"
    with tarfile.open(tar, "w:gz") as tf:
        tf.add(plain, arcname="b.jsonl")
    assert count_inputs([plain, tar]) == 38  # an archive is an estimate of one
    broken = tmp_path / "d.jsonl.gz"
    broken.write_bytes(b"\x1f\x8b\x08\x00garbage")
    assert count_inputs([broken]) == 1
