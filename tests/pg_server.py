"""pytest plugin: a PostgreSQL server for the tests that need one.

``MARSAD_TEST_PG=postgresql://user@host:port/db`` uses that server (the user must be
allowed to CREATE DATABASE); otherwise a throwaway server is started once per session
(:class:`marsad.lab.pg_local.LocalPostgres`: initdb in a temporary directory, 127.0.0.1
only, a free port). Without either, tests that need PostgreSQL are skipped with the reason.
Each test gets its own fresh database from ``pg_url``.

Enabled from tests/conftest.py with ``pytest_plugins = ["pg_server"]``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest


class _Server:
    def __init__(self) -> None:
        self.base: str | None = None
        self.error: str | None = None
        self.local = None

    def database(self) -> str:
        import psycopg

        if self.base is None:
            pytest.skip(f"PostgreSQL tests skipped: {self.error}")
        name = "marsad_test_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.base, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return _with_db(self.base, name)

    def drop(self, url: str) -> None:
        import psycopg

        name = url.rsplit("/", 1)[1].split("?")[0]
        try:
            with psycopg.connect(self.base, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except psycopg.Error:
            pass


def _with_db(url: str, name: str) -> str:
    head, _, tail = url.partition("?")
    base = head.rsplit("/", 1)[0] if head.count("/") > 2 else head
    return f"{base}/{name}" + (f"?{tail}" if tail else "")


def require(request: pytest.FixtureRequest, name: str = "pg_url") -> object:
    """A fixture of this plugin, or a skip saying how to enable it: test modules can use
    PostgreSQL whether or not tests/conftest.py loads the plugin."""
    try:
        return request.getfixturevalue(name)
    except pytest.FixtureLookupError:
        pytest.skip("PostgreSQL fixtures not enabled (tests/conftest.py needs "
                    "pytest_plugins = ['pg_server'])")


def backend_db(request: pytest.FixtureRequest, sqlite_path: object) -> object:
    """For a fixture parametrized with "sqlite"/"postgres": the SQLite path, or a fresh
    PostgreSQL database URL (skipped, saying why, when no server or plugin is there)."""
    if request.param == "sqlite":
        return sqlite_path
    return require(request, "pg_url")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[_Server]:
    srv = _Server()
    given = os.environ.get("MARSAD_TEST_PG")
    if given:
        srv.base = given
        yield srv
        return
    try:
        from marsad.lab.pg_local import LocalPostgres

        srv.local = LocalPostgres().start()
        srv.base = srv.local.url
    except Exception as exc:  # noqa: BLE001 - any reason becomes the skip message
        srv.error = (f"no server ({exc}); install Debian's postgresql package or set "
                     "MARSAD_TEST_PG=postgresql://…")
    try:
        yield srv
    finally:
        if srv.local is not None:
            srv.local.stop()


@pytest.fixture
def pg_url(pg_server: _Server) -> Iterator[str]:
    """The URL of a fresh, empty database on the test server."""
    url = pg_server.database()
    yield url
    pg_server.drop(url)
