"""The one place analysis stages are composed and run (after spaCy's Language).

A stage is a callable ``stage(analysis) -> Analysis`` registered with a StageSpec that
says what it reads and writes, and the runner holds it to that:

* ``requires``: the Analysis fields it cannot work without. A pipeline in which neither
  the base analysis (``BASE``) nor an earlier stage fills one is refused when it is built,
  with the stage to enable.
* ``optional``: fields it reads when they are there and works without (``events`` takes
  its actors and places from the linked mentions, and still codes triggers without them).
  A pipeline that leaves one unfilled although a registered stage would fill it is
  *degraded*: ``Pipeline.degraded`` says so, and so does a note on every analysis the
  stage ran on. Nothing degrades silently.
* ``assigns``: the fields it writes (``extras.<key>`` for one key of ``Analysis.extras``).
  After each stage the runner checks, by identity, that it replaced no other field and
  added no other extras key (``notes`` is a log every stage may append to).

The run order is derived from these declarations in one place (``stage_order``), so no
list of names can disagree with them. A stage with options declares a frozen config
dataclass (``StageSpec.config`` is its default); ``Pipeline(config={...})`` overrides it
and the factory receives it. A pipeline builds its own stages the first time it runs;
what is expensive to load (the NER model, the linker's knowledge base) is shared between
pipelines through ``marsad.analyze.loaders``. ``Pipeline.pipe`` runs documents in batches,
through a stage's own ``pipe(analyses)`` where it has one.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from marsad.analyze.registry import (  # noqa: F401  (the declarations, re-exported)
    BASE,
    FIELDS,
    Stage,
    StageSpec,
    register,
    registry,
    unregister,
)
from marsad.errors import InputError, StageError
from marsad.model import Analysis, Document


def registered() -> dict[str, StageSpec]:
    """Every registered stage, in registration order."""
    from marsad.analyze import stages  # noqa: F401  (registers the built-in stages)

    return registry()


def stage_order(specs: Sequence[StageSpec]) -> list[StageSpec]:
    """``specs`` in the order their declarations demand: each stage after every other one
    of ``specs`` that assigns a field it reads (required or optional); ties keep the order
    given (registration order). A cycle is an InputError."""
    after = {s.name: {t.name for t in specs if t is not s and set(s.reads) & set(t.assigns)}
             for s in specs}
    done: set[str] = set()
    out: list[StageSpec] = []
    pending = list(specs)
    while pending:
        ready = next((s for s in pending if after[s.name] <= done), None)
        if ready is None:
            names = ", ".join(f"'{s.name}'" for s in pending)
            raise InputError(f"stages {names} each read what another of them assigns",
                             fix="disable one of them")
        pending.remove(ready)
        done.add(ready.name)
        out.append(ready)
    return out


def _assigners(field_name: str, specs: Iterable[StageSpec], but: str) -> list[str]:
    return [s.name for s in specs if field_name in s.assigns and s.name != but]


def _quoted(names: list[str], joint: str = "or") -> str:
    """"stage 'a' or 'b'" (any one of them), "stages 'a' and 'b'" (all of them)."""
    plural = "s" if joint == "and" and len(names) > 1 else ""
    return f"stage{plural} " + f" {joint} ".join(f"'{n}'" for n in names)


def _check_inputs(ordered: list[StageSpec], known: dict[str, StageSpec]) -> dict[str, str]:
    """Raise on an unmet requirement; return the note of each degraded stage."""
    have = set(BASE)
    notes: dict[str, str] = {}
    for s in ordered:
        for f in s.requires:
            if f in have:
                continue
            by = _assigners(f, known.values(), s.name)
            if by:
                raise InputError(f"stage '{s.name}' requires '{f}', which {_quoted(by)} "
                                 f"assigns: enable {'it' if len(by) == 1 else 'one of them'} "
                                 f"or disable '{s.name}'")
            raise InputError(f"stage '{s.name}' requires '{f}', which no registered stage "
                             f"assigns", fix=f"disable '{s.name}'")
        missing = {f: _assigners(f, known.values(), s.name) for f in s.optional if f not in have}
        by = list(dict.fromkeys(n for names in missing.values() for n in names))
        if by:
            fields = ", ".join(f for f, names in missing.items() if names)
            notes[s.name] = f"{s.name}: ran without {fields} ({_quoted(by, 'and')} not in the pipeline)"
        have.update(s.assigns)
    return notes


def _stage_config(spec: StageSpec, override: Any) -> Any:
    """The spec's default config with ``override`` (a config instance or a mapping of
    field values) applied."""
    if override is None:
        return spec.config
    if spec.config is None:
        raise InputError(f"stage '{spec.name}' has no options to configure")
    if isinstance(override, type(spec.config)):
        return override
    if not isinstance(override, Mapping):
        raise InputError(f"config of stage '{spec.name}' must be a "
                         f"{type(spec.config).__name__} or a mapping of its fields")
    names = {f.name for f in dataclasses.fields(spec.config)}
    bad = [k for k in override if k not in names]
    if bad:
        raise InputError(f"stage '{spec.name}' has no option {', '.join(map(repr, bad))}",
                         fix=f"options: {', '.join(sorted(names))}")
    return dataclasses.replace(spec.config, **override)


@dataclass(frozen=True)
class _Writes:
    """What one stage may write: whole fields, and keys of ``extras``."""

    fields: frozenset[str]
    extras: frozenset[str]

    @classmethod
    def of(cls, spec: StageSpec) -> _Writes:
        keys = frozenset(a.partition(".")[2] for a in spec.assigns if a.startswith("extras."))
        return cls(frozenset(a for a in spec.assigns if "." not in a), keys)

    def check(self, stage: str, before: tuple[list[Any], set[str]], after: Analysis) -> None:
        values, keys = before
        wrote = [f for f, old in zip(FIELDS, values)
                 if getattr(after, f) is not old and f not in self.fields]
        if "extras" not in self.fields:
            wrote += [f"extras.{k}" for k in sorted(set(after.extras) - keys - self.extras)]
        if wrote:
            raise StageError(stage, AttributeError(
                f"wrote {', '.join(wrote)}, which it does not assign"))


def _snapshot(a: Analysis) -> tuple[list[Any], set[str]]:
    return [getattr(a, f) for f in FIELDS], set(a.extras)


@dataclass
class Pipeline:
    """The registered stages named in ``names`` minus ``disable``, in the derived order
    (``names`` afterwards lists them as they run). ``config`` maps a stage name to its
    config (an instance of its config dataclass, or a mapping of the fields to change)."""

    names: list[str]
    disable: Iterable[str] = field(default_factory=tuple)
    config: Mapping[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # wall seconds per stage
    cpu_timings: dict[str, float] = field(default_factory=dict)  # CPU seconds (this thread)

    def __post_init__(self) -> None:
        known = registered()
        off = set(self.disable)
        unknown = [n for n in dict.fromkeys([*self.names, *off, *self.config]) if n not in known]
        if unknown:
            raise InputError(
                f"unknown stage(s) {', '.join(unknown)}", fix=f"known stages: {', '.join(known)}"
            )
        chosen = set(self.names) - off
        self._specs = stage_order([s for n, s in known.items() if n in chosen])
        self.names = [s.name for s in self._specs]
        self._configs = {s.name: _stage_config(s, self.config.get(s.name)) for s in self._specs}
        self._notes = _check_inputs(self._specs, known)
        self._writes = {s.name: _Writes.of(s) for s in self._specs}
        self._tokens = any("tokens" in s.reads for s in self._specs)
        self._built: dict[str, Stage] = {}

    @property
    def degraded(self) -> list[str]:
        """One line per stage that runs without an optional input another stage would fill."""
        return list(self._notes.values())

    def stage(self, name: str) -> Stage:
        """This pipeline's stage ``name``, built the first time it is asked for."""
        built = self._built.get(name)
        if built is None:
            spec = next((s for s in self._specs if s.name == name), None)
            if spec is None:
                raise KeyError(f"stage '{name}' is not in this pipeline ({', '.join(self.names)})")
            built = spec.factory() if spec.config is None else spec.factory(self._configs[name])
            self._built[name] = built
        return built

    def __call__(self, doc: Document | Analysis) -> Analysis:
        return self._run([self._start(doc)])[0]

    def pipe(self, docs: Iterable[Document | Analysis], *, batch_size: int = 64) -> Iterator[Analysis]:
        """The analyses of ``docs``, in order, computed ``batch_size`` documents at a time
        (a stage with a ``pipe(analyses)`` method gets the whole batch). A failing stage
        raises StageError and ends the iteration."""
        if batch_size < 1:
            raise InputError(f"batch_size {batch_size} must be at least 1")
        batch: list[Analysis] = []
        for doc in docs:
            batch.append(self._start(doc))
            if len(batch) >= batch_size:
                yield from self._run(batch)
                batch = []
        if batch:
            yield from self._run(batch)

    def _start(self, doc: Document | Analysis) -> Analysis:
        from marsad.analyze.base import base_analysis

        if not isinstance(doc, Analysis):
            return base_analysis(doc, tokens=self._tokens)
        if self._tokens and not doc.tokens and doc.text:
            from marsad.text.segment import tokenize

            doc.tokens = tokenize(doc.text)
        return doc

    def _run(self, batch: list[Analysis]) -> list[Analysis]:
        arabic = [(a.document.language or "ar") == "ar" for a in batch]
        for spec in self._specs:
            idx = [i for i, ar in enumerate(arabic) if ar or not spec.arabic_only]
            if not idx:
                continue
            stage = self.stage(spec.name)  # built (models loaded) outside the timing
            t0, c0 = time.perf_counter(), time.thread_time()
            done = self._apply(spec, stage, [batch[i] for i in idx])
            for i, a in zip(idx, done):
                batch[i] = a
            self.timings[spec.name] = self.timings.get(spec.name, 0.0) + time.perf_counter() - t0
            self.cpu_timings[spec.name] = (self.cpu_timings.get(spec.name, 0.0)
                                           + time.thread_time() - c0)
        for a, ar in zip(batch, arabic):
            if not ar:
                a.notes.append(f"language is {a.document.language!r}: Arabic stages skipped")
        return batch

    def _apply(self, spec: StageSpec, stage: Stage, todo: list[Analysis]) -> list[Analysis]:
        before = [_snapshot(a) for a in todo]
        many = getattr(stage, "pipe", None)
        try:
            out = list(many(todo)) if many is not None else [stage(a) for a in todo]
        except Exception as exc:  # wrap with the stage's name
            raise StageError(spec.name, exc) from exc
        if len(out) != len(todo):
            raise StageError(spec.name, ValueError(
                f"pipe returned {len(out)} analyses for {len(todo)} documents"))
        note = self._notes.get(spec.name)
        for result, snap in zip(out, before):
            if not isinstance(result, Analysis):
                raise StageError(spec.name, TypeError(
                    f"returned {type(result).__name__}, not Analysis"))
            self._writes[spec.name].check(spec.name, snap, result)
            if note:
                result.notes.append(note)
        return out


def get_stage(name: str) -> Stage:
    """A freshly built stage ``name`` with its default config (tests, benchmarks); its
    model is the one every pipeline shares."""
    return Pipeline([name]).stage(name)


def default_pipeline(*, disable: Iterable[str] = (), config: Mapping[str, Any] | None = None) -> Pipeline:
    """Every registered stage (but ``disable``), in the derived order."""
    return Pipeline(list(registered()), disable=disable, config=dict(config or {}))
