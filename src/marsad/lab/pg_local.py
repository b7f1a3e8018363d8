"""A throwaway PostgreSQL server for tests and benchmarks: ``initdb`` in a temporary
directory, ``pg_ctl start`` listening on 127.0.0.1 only, on a free port, trust auth for
one user; stopped and deleted on exit.

PostgreSQL refuses to run as root, so when this process is root the server runs as an
unprivileged user (``postgres`` if it exists, else ``marsadpg``, created with useradd).
Needs Debian's ``postgresql`` package (or any install with initdb and pg_ctl on PATH or
under /usr/lib/postgresql/*/bin).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Self

from marsad.errors import ResourceMissing, StoreError

USER = "marsad"  # the database superuser the server is created with


def pg_bindir() -> Path | None:
    """Where initdb and pg_ctl live (newest version first), or None."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                    key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0,
                    reverse=True):
        if (Path(d) / "initdb").exists():
            return Path(d)
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_user() -> str | None:
    """None when not root; else an unprivileged account to run the server as."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "marsadpg"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                    "marsadpg"], check=True, capture_output=True)
    return "marsadpg"


class LocalPostgres:
    """``with LocalPostgres() as pg: pg.url`` → ``postgresql://marsad@127.0.0.1:PORT/postgres``."""

    def __init__(self, *, fast: bool = True):
        self.fast = fast  # fsync off: fine for throwaway data, not for anything kept
        bindir = pg_bindir()
        if bindir is None:
            raise ResourceMissing("PostgreSQL (initdb, pg_ctl)",
                                  fix="apt-get install -y postgresql")
        self.bindir: Path = bindir
        self.dir: Path | None = None
        self.port = 0
        self.user = _server_user()

    @property
    def url(self) -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/postgres"

    def database_url(self, name: str) -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{name}"

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        r = subprocess.run([*args], check=False, capture_output=True, text=True, timeout=timeout,
                           user=self.user, cwd="/")
        if r.returncode != 0:
            raise StoreError(f"{Path(args[0]).name} failed: {r.stderr.strip() or r.stdout.strip()}")
        return r

    def start(self) -> Self:
        self.dir = Path(tempfile.mkdtemp(prefix="marsad-pg-"))
        if self.user:
            pw = pwd.getpwnam(self.user)
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        data = self.dir / "data"
        self._run(str(self.bindir / "initdb"), "-D", str(data), "-U", USER, "--auth=trust",
                  "-E", "UTF8", "--locale=C.UTF-8")
        opts = ["-c listen_addresses=127.0.0.1", f"-k {self.dir}", "-c max_connections=100"]
        if self.fast:
            opts += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        for _ in range(5):  # the port may be taken between choosing and binding it
            self.port = _free_port()
            try:
                self._run(str(self.bindir / "pg_ctl"), "-D", str(data), "-l",
                          str(self.dir / "server.log"), "-w", "-t", "60", "-o",
                          " ".join([f"-p {self.port}", *opts]), "start")
                return self
            except StoreError:
                continue
        log = (self.dir / "server.log").read_text(errors="replace")[-2000:]
        raise StoreError(f"could not start a throwaway PostgreSQL server: {log}")

    def postmaster_pid(self) -> int | None:
        try:
            return int((self.dir / "data" / "postmaster.pid").read_text().split()[0])  # type: ignore[operator]
        except (OSError, ValueError, IndexError, TypeError):
            return None

    def stop(self) -> None:
        if self.dir is None:
            return
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast",
                      "-w", "stop", timeout=60)
        except (StoreError, subprocess.TimeoutExpired):
            pass
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.database_url(name)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
