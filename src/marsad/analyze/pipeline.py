"""The one place analysis stages are composed (after spaCy's Language).

A stage is a callable ``stage(analysis) -> Analysis`` registered under a name with what it
reads and writes. Stages compute first and write their results onto the Analysis last, so
they stay testable on their own. Stages are built lazily: a model loads the first time
a pipeline that uses it runs, once per process (so once per Dask worker).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from marsad.errors import InputError, StageError
from marsad.model import Analysis, Document

Stage = Callable[[Analysis], Analysis]


@dataclass(frozen=True)
class StageSpec:
    name: str
    factory: Callable[[], Stage]  # builds the stage (loads its model); called once
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()
    arabic_only: bool = True  # skipped for documents in other languages


_REGISTRY: dict[str, StageSpec] = {}
_BUILT: dict[str, Stage] = {}


def register(spec: StageSpec) -> None:
    _REGISTRY[spec.name] = spec


def registered() -> dict[str, StageSpec]:
    from marsad.analyze import stages  # noqa: F401  (registers the built-in stages)

    return dict(_REGISTRY)


def get_stage(name: str) -> Stage:
    if name not in _BUILT:
        specs = registered()
        if name not in specs:
            raise KeyError(f"unknown stage '{name}'; known: {', '.join(specs)}")
        _BUILT[name] = specs[name].factory()
    return _BUILT[name]


@dataclass
class Pipeline:
    """An ordered list of stage names; ``disable`` drops some by name."""

    names: list[str]
    disable: Iterable[str] = field(default_factory=tuple)
    timings: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        specs = registered()
        off = set(self.disable)
        unknown = [n for n in [*self.names, *off] if n not in specs]
        if unknown:
            raise InputError(
                f"unknown stage(s) {', '.join(unknown)}", fix=f"known stages: {', '.join(specs)}"
            )
        self.names = [n for n in self.names if n not in off]
        self._specs = [specs[n] for n in self.names]

    def __call__(self, doc: Document | Analysis) -> Analysis:
        from marsad.analyze.base import base_analysis

        if isinstance(doc, Analysis):
            analysis = doc
        else:
            analysis = base_analysis(doc, tokens=any("tokens" in s.requires for s in self._specs))
        arabic = (analysis.document.language or "ar") == "ar"
        for spec in self._specs:
            if spec.arabic_only and not arabic:
                continue
            stage = get_stage(spec.name)
            t0 = time.perf_counter()
            try:
                result = stage(analysis)
            except Exception as exc:  # wrap with the stage's name
                raise StageError(spec.name, exc) from exc
            if not isinstance(result, Analysis):
                raise StageError(spec.name, TypeError(f"returned {type(result).__name__}, not Analysis"))
            analysis = result
            self.timings[spec.name] = self.timings.get(spec.name, 0.0) + time.perf_counter() - t0
        if not arabic:
            analysis.notes.append(
                f"language is {analysis.document.language!r}: Arabic stages skipped"
            )
        return analysis


# the data flow: each stage may read what the ones before it wrote
STAGE_ORDER = ("ner", "link", "events", "topic", "keywords", "summary", "signature")


def default_pipeline(*, disable: Iterable[str] = ()) -> Pipeline:
    """Every registered stage, in STAGE_ORDER (any others after them)."""
    names = list(registered())
    rank = {n: i for i, n in enumerate(STAGE_ORDER)}
    names.sort(key=lambda n: rank.get(n, len(rank)))
    return Pipeline(names, disable=disable)
