"""The shipped learned parts of the event coder (the role chooser, the row check) are sparse
feature weights with a little metadata, kept as JSON beside the lexicon: one file format and
one loader for them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

from marsad.analyze.events.lexicon import resource_dir


@dataclass
class Weights:
    """Feature weights (``{feature: w}``, or one such table per label) and metadata."""

    weights: dict[str, Any]
    meta: dict

    def to_json(self) -> str:
        return json.dumps({"meta": self.meta, "weights": self.weights}, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Self:
        d = json.loads(text)
        return cls(weights=d["weights"], meta=d.get("meta", {}))

    @classmethod
    def shipped(cls, name: str) -> Self | None:
        """The packaged file ``name``, or None when the package has none."""
        p = shipped_path(name)
        return cls.from_json(p.read_text(encoding="utf-8")) if p.exists() else None


def shipped_path(name: str) -> Path:
    return resource_dir() / name
