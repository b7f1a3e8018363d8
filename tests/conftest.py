"""Shared fixtures: real SQLite files in tmp dirs, the reference article when present."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# PostgreSQL fixtures (a throwaway server on 127.0.0.1, or $MARSAD_TEST_PG): the store suite
# runs against both backends
pytest_plugins = ["pg_server"]

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.db"


@pytest.fixture
def reference_article() -> Path:
    from marsad.data import shared_path

    p = shared_path("samples", "article-ar-001.txt")
    if not p.exists():
        pytest.skip(f"reference article not found at {p} (set MARSAD_DATA to shared/data)")
    return p


def run_cli(*args: str, input: str | None = None, cwd: Path | None = None, env: dict | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the real `marsad` command (python -m marsad) and capture its output."""
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "marsad", *args], check=False, input=input, capture_output=True,
        text=True, cwd=cwd, env=e, timeout=timeout,
    )
