"""Load the event resources (triggers, stop patterns, cues, generic agents) and compile
every entry into a :class:`Pattern` held in one token index.

All resource files share one readable syntax (see ``resources/events/README.md``)::

    [SECTION]                      # e.g. a PLOVER type, a cue set, an agent class
    mode flags : spec, spec, ...   # triggers
    spec, spec, ...                # cues and agents

A *spec* is a space-separated sequence of tokens; each token is

* ``قتل/يقتل``   a verb: perfect/imperfect third person (either side may be empty);
* ``هجوم*``      a noun or participle with its regular inflections;
* ``النار``      a literal word (clitics still peeled: بالنار matches);
* ``a|b|c``      alternatives, each of the kinds above;
* ``ب+``         any word carrying that proclitic (not as the first token);
* ``…``          a gap of up to three words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from marsad.analyze.events.forms import LIT, NOUN, norm, noun_forms, verb_forms
from marsad.errors import ResourceMissing

GAP = 5  # words a … may skip
_GAP_TOKENS = ("…", "...")


@dataclass(frozen=True)
class TokenSpec:
    forms: dict[str, str]  # normalized form -> kind (perf/impf/noun/lit)
    pre: str = ""  # "ب+": any word carrying this proclitic


@dataclass(frozen=True)
class Pattern:
    group: str  # "trigger", "stop", "cue:<name>", "agent:<class>", ...
    pid: int
    tokens: tuple[TokenSpec | None, ...]  # None = gap
    text: str  # the spec as written, for debugging and reports
    ptype: str | None = None  # PLOVER type (triggers) or action (stops)
    mode: str | None = None
    flags: str = ""
    sector: str | None = None  # agents

    @property
    def length(self) -> int:
        return sum(1 for t in self.tokens if t is not None)


@dataclass
class Lexicon:
    patterns: list[Pattern] = field(default_factory=list)
    index: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # form -> [(pid, kind)]
    words: set[str] = field(default_factory=set)  # every form of every pattern word
    source_files: dict[str, str] = field(default_factory=dict)

    def add(self, p: Pattern) -> None:
        self.patterns.append(p)
        for t in p.tokens:
            if t is not None:
                self.words.update(t.forms)
        first = p.tokens[0]
        assert first is not None
        for form, kind in first.forms.items():
            self.index.setdefault(form, []).append((p.pid, kind))

    def groups(self, prefix: str) -> list[Pattern]:
        return [p for p in self.patterns if p.group.startswith(prefix)]


def _token_spec(tok: str) -> TokenSpec:
    forms: dict[str, str] = {}
    if tok.endswith("+") and len(tok) == 2:
        return TokenSpec({}, pre=norm(tok[0]))
    for alt in tok.split("|"):
        alt = alt.strip()
        if not alt:
            continue
        if "/" in alt:
            perf, impf = alt.split("/", 1)
            for f, k in verb_forms(perf, impf).items():
                forms.setdefault(f, k)
        elif alt.endswith("*"):
            for f in noun_forms(alt[:-1]):
                forms.setdefault(f, NOUN)
        else:
            f = norm(alt)
            if f.startswith("ال") and len(f) > 3:
                f = f[2:]
            forms.setdefault(f, LIT)
    if not forms:
        raise ValueError(f"empty token spec {tok!r}")
    return TokenSpec(forms)


def compile_spec(spec: str) -> tuple[TokenSpec | None, ...]:
    toks: list[TokenSpec | None] = []
    for t in spec.split():
        if t in _GAP_TOKENS:
            if toks and toks[-1] is not None:
                toks.append(None)
            continue
        toks.append(_token_spec(t))
    while toks and toks[-1] is None:
        toks.pop()
    if not toks or toks[0] is None or toks[0].pre:
        raise ValueError(f"bad spec {spec!r}")
    return tuple(toks)


_SECTION = re.compile(r"^\[([^\]]+)\]\s*$")


def parse_file(text: str) -> list[tuple[str, str, int]]:
    """(section, line, line number) for every non-empty, non-comment line."""
    out = []
    section = ""
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        m = _SECTION.match(line)
        if m:
            section = m.group(1).strip()
            continue
        out.append((section, line, n))
    return out


def _split_specs(s: str) -> list[str]:
    return [x.strip() for x in re.split(r"[,،]", s) if x.strip()]


def resource_dir() -> Path:
    return Path(str(resources.files("marsad") / "resources" / "events"))


def _read(name: str, base: Path) -> str:
    p = base / name
    if not p.exists():
        raise ResourceMissing(f"event resource {p}", fix="reinstall marsad (pip install -e .)")
    return p.read_text(encoding="utf-8")


def build_lexicon(base: Path | None = None) -> Lexicon:
    base = base or resource_dir()
    lex = Lexicon()
    pid = 0

    def add(**kw) -> None:
        nonlocal pid
        spec = kw.pop("spec")
        where = kw.pop("where")
        try:
            toks = compile_spec(spec)
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from None
        lex.add(Pattern(pid=pid, tokens=toks, text=spec, **kw))
        pid += 1

    # triggers: [TYPE] then "mode flags : specs"
    name = "triggers.txt"
    for section, line, n in parse_file(_read(name, base)):
        head, _, specs = line.partition(":")
        parts = head.split()
        if len(parts) != 2 or not specs.strip():
            raise ValueError(f"{name}:{n}: expected 'mode flags : specs'")
        mode = None if parts[0] == "-" else parts[0]
        flags = "" if parts[1] == "-" else parts[1]
        for spec in _split_specs(specs):
            add(group="trigger", ptype=section, mode=mode, flags=flags, spec=spec, where=f"{name}:{n}")
    # stop patterns: "action : specs"
    name = "stops.txt"
    for section, line, n in parse_file(_read(name, base)):
        action, _, specs = line.rpartition(":")
        for spec in _split_specs(specs):
            add(group="stop", ptype=action.strip(), spec=spec, where=f"{name}:{n}")
    # cues: [name] then specs
    name = "cues.txt"
    for section, line, n in parse_file(_read(name, base)):
        for spec in _split_specs(line):
            add(group="cue:" + section, spec=spec, where=f"{name}:{n}")
    # agents: [class SECTOR] then specs
    name = "agents.txt"
    for section, line, n in parse_file(_read(name, base)):
        cls, _, sector = section.partition(" ")
        for spec in _split_specs(line):
            add(group="agent:" + cls, sector=sector.strip() or None, spec=spec, where=f"{name}:{n}")
    return lex


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return build_lexicon()
