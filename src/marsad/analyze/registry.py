"""Stage declarations and the registry they go into. Separate from the runner
(:mod:`marsad.analyze.pipeline`) so that the module declaring the built-in stages
(:mod:`marsad.analyze.stages`) and the runner that loads it do not import each other."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from marsad.model import Analysis

Stage = Callable[[Analysis], Analysis]

FIELDS = tuple(f.name for f in dataclasses.fields(Analysis))
BASE = frozenset({"document", "sentences", "tokens"})  # what base_analysis fills


@dataclass(frozen=True)
class StageSpec:
    name: str
    factory: Callable[..., Stage]  # factory() builds the stage; factory(config) if config
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()  # read when present; the stage works without them
    config: Any = None  # the default config (a frozen dataclass); None: no options
    arabic_only: bool = True  # skipped for documents in other languages

    def __post_init__(self) -> None:
        for name in (*self.requires, *self.assigns, *self.optional):
            head, dot, key = name.partition(".")
            if head not in FIELDS or (dot and (head != "extras" or not key)):
                raise ValueError(f"stage '{self.name}': '{name}' is neither an Analysis "
                                 f"field nor extras.<key>")
        if self.config is not None and not dataclasses.is_dataclass(self.config):
            raise ValueError(f"stage '{self.name}': config must be a dataclass instance")

    @property
    def reads(self) -> tuple[str, ...]:
        return (*self.requires, *self.optional)


_REGISTRY: dict[str, StageSpec] = {}


def register(spec: StageSpec) -> None:
    _REGISTRY[spec.name] = spec


def unregister(name: str) -> None:
    """Forget a stage (tests that register their own)."""
    _REGISTRY.pop(name, None)


def registry() -> dict[str, StageSpec]:
    """The registered stages so far, in registration order (the built-in ones register
    when :func:`marsad.analyze.pipeline.registered` first loads them)."""
    return dict(_REGISTRY)
