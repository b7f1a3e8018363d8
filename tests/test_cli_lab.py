"""The lab outside the product: ``marsad train|eval|bench`` come from ``marsad.lab.commands``
when it is there, and ``marsad`` works without it (no verbs, every product command)."""

from __future__ import annotations

import argparse
import ast
import json
import os
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

from marsad.cli import build_parser

PRODUCT = ["ingest", "analyze", "search", "show", "stats", "demo", "tag", "geocode", "entity",
           "events", "incidents", "classify", "stories", "serve", "export", "watch"]
# every lab command, in --help order (the order of marsad.lab.commands.COMMAND_MODULES)
LAB = {
    "train": ["vocab", "ner", "ner-resources", "ner-context", "topic", "keywords", "stories"],
    "eval": ["ner", "link", "events", "incidents", "topic", "dedup", "stories"],
    "bench": ["ingest", "ner", "link", "events", "incidents", "topic", "dedup", "serve",
              "scale"],
}
SRC = Path(str(files("marsad")))

# runs `marsad ARGS…` with every import of marsad.lab refused, as in an install without the
# lab; the refused names are written to the file $LAB_ASKED so the test sees who asked
BLOCKED = """
import importlib.abc, json, os, sys

asked = []

class NoLab(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "marsad.lab" or name.startswith("marsad.lab."):
            asked.append(name)
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NoLab())
try:
    from marsad.cli import main

    sys.exit(main(sys.argv[1:]))
finally:
    with open(os.environ["LAB_ASKED"], "w") as f:
        json.dump(asked, f)
"""


def _choices(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _without_lab(*args: str, cwd: Path) -> tuple[subprocess.CompletedProcess, list[str]]:
    """``marsad ARGS…`` without the lab; its result and the lab modules it asked for."""
    asked = cwd / "lab-asked.json"
    asked.unlink(missing_ok=True)
    r = subprocess.run([sys.executable, "-c", BLOCKED, *args], capture_output=True, text=True,
                       cwd=cwd, timeout=300, check=False,
                       env={**os.environ, "LAB_ASKED": str(asked)})
    assert asked.exists(), r.stderr
    return r, json.loads(asked.read_text())


def test_lab_verbs_have_every_command_in_order(capsys) -> None:
    top = _choices(build_parser())
    assert list(top) == ["train", "eval", "bench", *PRODUCT]
    for verb, expected in LAB.items():
        whats = _choices(top[verb])
        assert list(whats) == expected, verb
        for what, p in whats.items():  # each handled by the lab, not the product
            handler = p.get_default("func")
            assert handler.__module__.startswith("marsad.lab.commands."), (verb, what)
    for name in PRODUCT:
        assert top[name].get_default("func").__module__.startswith("marsad.cli."), name
    assert "warning" not in capsys.readouterr().err  # no lab or product module failed to load


def test_product_cli_works_without_the_lab(tmp_path) -> None:
    r, asked = _without_lab("--help", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""  # an absent lab is not an error worth a warning
    assert asked == ["marsad.lab"]  # the one guarded look in marsad.cli, nothing else
    listed = r.stdout.split("positional arguments:")[1].split("options:")[0]
    for name in PRODUCT:
        assert f"\n    {name} " in listed or f"\n    {name}\n" in listed, name
    for verb in LAB:
        assert f"\n    {verb} " not in listed, verb
    r, _ = _without_lab("train", "vocab", cwd=tmp_path)
    assert r.returncode == 2 and "invalid choice: 'train'" in r.stderr

    article = SRC / "resources" / "demo" / "taiz-cholera.txt"
    db = tmp_path / "nolab.db"
    r, asked = _without_lab("ingest", str(article), "--db", str(db), "-q", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "1 new, 0 already known, 0 failed" in r.stdout
    assert asked == ["marsad.lab"]  # the full analysis pipeline never reached for the lab
    r, asked = _without_lab("search", "الكوليرا", "--db", str(db), "--json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    hits = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(hits) == 1 and "تعز" in hits[0]["title"]
    assert asked == ["marsad.lab"]


def test_the_product_never_imports_the_lab() -> None:
    """Only ``marsad/lab`` may import ``marsad.lab``; ``marsad.cli`` looks for it by name,
    guarded, and nothing else in the product names it in an import statement."""
    offenders = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC)
        if rel.parts[0] == "lab":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            offenders += [f"{rel}:{node.lineno}" for n in names
                          if n == "marsad.lab" or n.startswith("marsad.lab.")]
    assert offenders == []
