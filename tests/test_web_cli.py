"""`marsad serve` and `marsad bench serve` as a user runs them: real processes, real
sockets on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
import pytest
from conftest import run_cli
from test_web_data import free_port

pytest_plugins = ("test_web_data",)  # the shared database and servers


def _start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "marsad", "serve", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=dict(os.environ, PYTHONUNBUFFERED="1"))


def _wait(url: str, proc: subprocess.Popen) -> None:
    deadline = time.time() + 30
    while time.time() < deadline:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        try:
            if httpx.get(url + "/api/health", timeout=1, trust_env=False).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError("server did not start")


def test_serve_binds_loopback_and_prints_the_url(web_db) -> None:
    port = free_port()
    proc = _start("--db", str(web_db["path"]), "--port", str(port))
    try:
        url = f"http://127.0.0.1:{port}"
        _wait(url, proc)
        assert httpx.get(url + "/", trust_env=False).status_code == 200
        assert httpx.get(url + "/ingest", trust_env=False).status_code == 403  # no token: read-only
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=15)
    assert f"http://127.0.0.1:{port}/" in out


def test_serve_with_token_accepts_writes(tmp_path) -> None:
    port = free_port()
    db = tmp_path / "new.db"  # a write token creates the database
    proc = _start("--db", str(db), "--port", str(port), "--write-token", "a-long-enough-token")
    try:
        url = f"http://127.0.0.1:{port}"
        _wait(url, proc)
        r = httpx.post(url + "/api/documents", trust_env=False, timeout=60,
                       json={"title": "اختبار الخادم", "text": "نص قصير للاختبار عن مدينة حمص."},
                       headers={"Authorization": "Bearer a-long-enough-token"})
        assert r.status_code == 201, r.text
        assert httpx.get(url + "/api/health", trust_env=False).json()["documents"] == 1
    finally:
        proc.terminate()
        proc.communicate(timeout=15)


def test_serve_errors_are_one_line(tmp_path, web_db) -> None:
    r = run_cli("serve", "--db", str(tmp_path / "missing.db"))
    assert r.returncode == 1 and "no such database" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("serve", "--db", str(web_db["path"]), "--write-token", "short")
    assert r.returncode == 1 and "8 characters" in r.stderr
    r = run_cli("serve", "--db", str(web_db["path"]), "--workers", "2", "--write-token", "long-enough-token")
    assert r.returncode == 1 and "one worker" in r.stderr


@pytest.mark.slow
def test_bench_serve_prints_latency_and_throughput(web_db) -> None:
    r = run_cli("bench", "serve", "--db", str(web_db["path"]), "--requests", "60", "--concurrency", "2",
                "--seconds", "60", timeout=180)
    assert r.returncode == 0, r.stderr + r.stdout
    assert "p50" in r.stdout and "p95" in r.stdout and "requests/s" in r.stdout
    assert "from a second process" in r.stdout and "page:article" in r.stdout
    assert "status codes: {'200': 60}" in r.stdout
