"""The README's commands run as written: every shell command and the Python snippet of its
"Quick start", "Using it" and "Python API" sections, on a database built from the bundled
demo corpus by the README's own `marsad ingest` line, in a fresh folder, as real processes.
`make` lines are checked with `make -n` (they would install, serve or run this suite)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SECTIONS = ("Quick start", "Using it", "Python API")
_HEADING = re.compile(r"^(#{2,3}) (.+?)\s*$", re.MULTILINE)
_FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def readme_blocks(text: str) -> dict[str, list[tuple[str, str]]]:
    """(language, code) of the fenced blocks under each of SECTIONS (up to the next heading)."""
    heads = list(_HEADING.finditer(text))
    out: dict[str, list[tuple[str, str]]] = {}
    for i, h in enumerate(heads):
        if h.group(2) in SECTIONS:
            end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
            out[h.group(2)] = [(m.group(1), m.group(2)) for m in _FENCE.finditer(text, h.end(), end)]
    return out


def shell_commands(code: str) -> list[str]:
    """One command per line, its trailing comment dropped (quotes respected)."""
    cmds = []
    for line in code.splitlines():
        words = shlex.split(line, comments=True)
        if words:
            cmds.append(shlex.join(words))
    return cmds


BLOCKS = readme_blocks(README.read_text(encoding="utf-8"))
SHELL = [(sec, cmd) for sec, blocks in BLOCKS.items() for lang, code in blocks if lang == "sh"
         for cmd in shell_commands(code)]
PYTHON = [code for blocks in BLOCKS.values() for lang, code in blocks if lang == "python"]
MAKE = [c for _, c in SHELL if c.startswith("make ")]
MARSAD = [c for _, c in SHELL if not c.startswith("make ")]


def test_the_readme_has_the_sections_and_commands_this_test_runs() -> None:
    assert set(BLOCKS) == set(SECTIONS), f"README sections found: {sorted(BLOCKS)}"
    assert MAKE and any(c.startswith("marsad ingest") for c in MARSAD) and len(PYTHON) == 1
    assert all(c.startswith(("make ", "marsad ", "source ")) for _, c in SHELL), SHELL


@pytest.mark.parametrize("cmd", MAKE)
def test_make_targets_exist(cmd: str) -> None:
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    target = shlex.split(cmd)[1:]
    r = subprocess.run(["make", "-n", *target, "PORT=8010"], cwd=ROOT, capture_output=True,
                       text=True, check=False, timeout=60)
    assert r.returncode == 0, r.stderr
    if target == ["run"]:
        assert "--port 8010" in r.stdout  # make run PORT=… reaches the server


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MARSAD_DB", "VIRTUAL_ENV")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONUNBUFFERED"] = "1"
    return env


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> dict[str, subprocess.CompletedProcess]:
    """Run the README's marsad commands in order in a fresh folder that has the checkout's
    src/ and .venv/ as a fresh clone does (the `ingest` line builds news.db)."""
    work = tmp_path_factory.mktemp("readme")
    (work / "src").symlink_to(ROOT / "src")
    (work / ".venv").symlink_to(Path(sys.prefix))
    results = {}
    for cmd in MARSAD:
        results[cmd] = subprocess.run(["bash", "-c", cmd], cwd=work, env=_env(),
                                      capture_output=True, text=True, check=False, timeout=600)
    results["<python>"] = subprocess.run([sys.executable, "-c", PYTHON[0]], cwd=work, env=_env(),
                                         capture_output=True, text=True, check=False, timeout=600)
    return results


@pytest.mark.slow  # the README's commands: every model loaded, the demo analysed
@pytest.mark.parametrize("cmd", MARSAD)
def test_readme_command_runs(cmd: str, ran: dict[str, subprocess.CompletedProcess]) -> None:
    if cmd.startswith("source ") and not (Path(sys.prefix) / "bin" / "activate").exists():
        pytest.skip(f"the tests do not run in a virtual environment ({sys.prefix})")
    r = ran[cmd]
    assert r.returncode == 0, f"{cmd}\n{r.stdout}\n{r.stderr}"
    assert "Traceback" not in r.stderr, r.stderr
    if cmd.startswith("marsad "):
        assert r.stdout.strip(), f"{cmd} printed nothing"
    if cmd.startswith("marsad search"):
        assert "no results" not in r.stdout and re.search(r"^1\. ", r.stdout, re.MULTILINE), r.stdout
    if cmd.startswith("marsad ingest"):
        assert re.search(r"\b[1-9]\d* new, 0 already known, 0 failed", r.stdout), r.stdout


@pytest.mark.slow  # the README's commands: every model loaded, the demo analysed
def test_readme_python_snippet_runs(ran: dict[str, subprocess.CompletedProcess]) -> None:
    r = ran["<python>"]
    assert r.returncode == 0, r.stderr
    # the snippet re-ingests what the README's ingest line stored, then finds and opens a hit
    assert re.search(r"0 new, [1-9]\d* already known, 0 failed", r.stdout), r.stdout
    assert re.search(r" \d+ events$", r.stdout, re.MULTILINE), r.stdout
