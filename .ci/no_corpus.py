"""Run the test suite as on a fresh clone without ../shared: MARSAD_DATA points to an empty
folder, so every test that reads a corpus must skip with its reason, and none may fail or
error. Exits non-zero otherwise (pytest's exit 5, "no tests collected", is a failure here:
the whole suite was asked for).

    python .ci/no_corpus.py [PYTEST ARGS …]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NO_TESTS = 5  # pytest.ExitCode.NO_TESTS_COLLECTED


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="marsad-no-corpus-") as tmp:
        # an empty shared/data: its parent (where samples/ would be) is empty too
        data = Path(tmp) / "shared" / "data"
        data.mkdir(parents=True)
        report = Path(tmp) / "junit.xml"
        env = dict(os.environ, MARSAD_DATA=str(data))
        print(f"== the test suite without the corpora (MARSAD_DATA={data})", flush=True)
        rc = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
             f"--junitxml={report}", *argv],
            cwd=ROOT, env=env, check=False,
        ).returncode
        if rc == NO_TESTS:
            print("no-corpus run: no tests were collected", file=sys.stderr)
            return 1
        if not report.exists():
            print(f"no-corpus run: pytest exited {rc} without a report", file=sys.stderr)
            return rc or 1
        skipped, bad = _read(report)
    corpus = sum(n for reason, n in skipped.items() if "MARSAD_DATA" in reason)
    print(f"no-corpus run: pytest exit {rc}; {sum(skipped.values())} skipped, {corpus} of them "
          "for a missing corpus:")
    for reason, n in skipped.most_common():
        print(f"  {n:4d} × {reason}")
    for name in bad:
        print(f"  FAILED without the corpus: {name}", file=sys.stderr)
    if rc != 0 or bad:
        return rc or 1
    if not argv and corpus == 0:  # MARSAD_DATA did not reach the tests: nothing was proved
        print("no-corpus run: no test skipped for a missing corpus", file=sys.stderr)
        return 1
    return 0


def _read(report: Path) -> tuple[Counter[str], list[str]]:
    """Skip reasons (with counts) and the tests that failed or errored, from a JUnit report."""
    skipped: Counter[str] = Counter()
    bad: list[str] = []
    for case in ET.parse(report).getroot().iter("testcase"):
        name = f"{case.get('classname')}::{case.get('name')}"
        for child in case:
            if child.tag == "skipped":
                skipped[_reason(child.get("message") or "")] += 1
            elif child.tag in ("failure", "error"):
                bad.append(name)
    return skipped, bad


def _reason(message: str) -> str:
    # pytest writes "Skipped: why"; the temporary path differs from run to run
    return message.removeprefix("Skipped: ").strip()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
