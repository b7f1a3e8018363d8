"""The import contract: the package's layers, read from the code's own import statements.

Data flows ingest → text → analyze → store → run → web/cli; a layer may import the ones
below it, never one above; ``ingest`` and ``analyze`` are siblings (neither imports the
other); the lab (training, evaluation, benchmarks) sits outside the product and nothing in
the product imports it except the CLI's one guarded registration of ``train|eval|bench``.
Every import counts, also the ones inside functions, and no two modules may import each
other, directly or round a circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import marsad

SRC = Path(marsad.__file__).resolve().parent

# may import: what each top-level part of the product may take from the others
BASE = {"errors", "model", "progress", "data", "resources"}
ALLOWED = {
    "errors": set(),
    "model": {"errors"},
    "progress": set(),
    "data": {"errors"},
    "text": BASE | {"text"},
    "ingest": BASE | {"text", "ingest"},
    "analyze": BASE | {"text", "analyze"},
    "store": BASE | {"text", "analyze", "store"},
    "run": BASE | {"text", "ingest", "analyze", "store", "run"},
    "export": BASE | {"text", "store", "export"},
    "web": BASE | {"text", "ingest", "analyze", "store", "run", "export", "web", "marsad"},
    "cli": BASE | {"text", "ingest", "analyze", "store", "run", "export", "web", "cli", "marsad"},
    "marsad": BASE | {"text", "ingest", "analyze", "store", "run", "export"},  # the facade
}
# known exceptions, each with the step of the redesign that removes it
EXCEPTIONS = {
    # Document ids hash the normalized text; the id function moves to the document builder
    ("marsad.model", "marsad.text.normalize"),
}


def _module_name(path: Path) -> str:
    parts = ("marsad", *path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in SRC.rglob("*.py")}


def _imports(path: Path, name: str, known: set[str]) -> set[str]:
    """The marsad modules ``path`` imports (a ``from X import y`` names X.y when that is
    a module, X otherwise)."""
    out: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split(".")[0] == "marsad"}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                                + ([node.module] if node.module else []))
            if base.split(".")[0] != "marsad":
                continue
            for a in node.names:
                sub = f"{base}.{a.name}"
                out.add(sub if sub in known else base)
    return out - {name}


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    known = set(mods)
    return {m: _imports(p, m, known) for m, p in mods.items()}


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "marsad"


def test_every_import_goes_down_the_layers():
    bad = []
    for mod, targets in sorted(_graph().items()):
        part = _part(mod)
        if part in ("lab", "__main__"):
            continue
        for t in sorted(targets):
            tpart = _part(t)
            if tpart == "lab":
                if mod != "marsad.cli":  # the guarded registration of train|eval|bench
                    bad.append(f"{mod} imports the lab ({t})")
                continue
            if tpart not in ALLOWED.get(part, set()) and (mod, t) not in EXCEPTIONS:
                bad.append(f"{mod} ({part}) imports {t} ({tpart})")
    assert not bad, "imports against the layers:\n" + "\n".join(bad)


def test_exceptions_still_exist():
    """An exception that the code no longer needs is taken off the list."""
    graph = _graph()
    stale = [pair for pair in EXCEPTIONS if pair[1] not in graph.get(pair[0], set())]
    assert not stale, f"remove from EXCEPTIONS: {stale}"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for root, targets in graph.items():
        if root in index:
            continue
        work = [(root, iter(sorted(targets)))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            for w in it:
                if w not in graph:
                    continue
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    if len(comp) > 1:
                        out.append(sorted(comp))
    return out


def test_no_import_circles():
    graph = _graph()
    # a package's __init__ re-exporting its own modules is not a circle of design
    for mod in graph:
        graph[mod] = {t for t in graph[mod] if not (mod.startswith(t + ".") and t in graph)}
    circles = _cycles(graph)
    assert not circles, "import circles:\n" + "\n".join(" <-> ".join(c) for c in circles)


def test_the_contract_reads_real_imports():
    """The reader is not blind: it sees known imports of each kind."""
    graph = _graph()
    assert "marsad.store.rows" in graph["marsad.store.sql"]  # module level
    assert "marsad.store.incidents_sql" in graph["marsad.store.base"]  # inside a function
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
