"""`marsad demo` (what `make run` shows) works on the bundled corpus alone."""

from __future__ import annotations

import pytest
from conftest import run_cli

# `marsad demo` twice: every model loaded, the demo corpus analysed
pytestmark = pytest.mark.slow


def test_demo_builds_searches_and_analyses(tmp_path) -> None:
    db = tmp_path / "demo.db"
    # no shared data: the demo must not need it (it falls back to a demo article)
    r = run_cli("demo", "--db", str(db), env={"MARSAD_DATA": str(tmp_path / "absent")})
    assert r.returncode == 0, r.stderr
    assert "31 new, 0 already known, 0 failed" in r.stdout
    assert "== marsad search 'الفاشر'" in r.stdout and "0 results" not in r.stdout
    assert "events:" in r.stdout and "entities:" in r.stdout
    again = run_cli("demo", "--db", str(db), env={"MARSAD_DATA": str(tmp_path / "absent")})
    assert "0 new, 31 already known" in again.stdout
