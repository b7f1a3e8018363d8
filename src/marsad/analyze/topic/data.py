"""Reading articles for topic training, evaluation and classification (JSON lines).

A line is an object with ``text`` and optionally ``title``, ``id``, ``label`` (one of
:data:`LABELS`), ``corpus`` and ``source``. ``.gz`` files are read transparently.
"""

from __future__ import annotations

import gzip
import json
import random
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from marsad.analyze.topic.model import LABELS
from marsad.errors import InputError


@dataclass(frozen=True)
class Article:
    id: str
    text: str
    title: str | None = None
    label: str | None = None
    corpus: str | None = None
    source: str | None = None


def _open(path: Path):
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def iter_articles(path: Path, *, require_label: bool = False,
                  on_bad_line: Callable[[InputError], None] | None = None) -> Iterator[Article]:
    """Articles of a JSON-lines file. A malformed line raises InputError naming it, or,
    with ``on_bad_line``, is handed to it and skipped (a batch goes on past one bad line;
    training and evaluation data should rather be fixed than silently thinned)."""
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", source=str(path))
    try:
        with _open(path) as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    obj = _parse_line(line, f"{path}:{n}", require_label)
                except InputError as exc:
                    if on_bad_line is None:
                        raise
                    on_bad_line(exc)
                    continue
                label = obj.get("label")
                title = obj.get("title")
                yield Article(
                    id=str(obj["id"]) if obj.get("id") is not None else str(n),
                    text=obj["text"],
                    title=title if isinstance(title, str) and title else None,
                    label=label if label in LABELS else None,
                    corpus=obj.get("corpus"),
                    source=obj.get("source"),
                )
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", source=str(path)) from None
    except (OSError, EOFError) as exc:
        raise InputError(f"cannot read ({exc})", source=str(path)) from None


def _parse_line(line: str, where: str, require_label: bool) -> dict:
    """One JSON-lines record, checked: an object with a "text" string (and a known
    "label" when ``require_label``)."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON ({exc.msg})", source=where,
                         fix="one JSON object a line") from None
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise InputError('each line needs a "text" string', source=where,
                         fix='e.g. {"id": "1", "title": "…", "text": "…"}')
    label = obj.get("label")
    if require_label and label not in LABELS:
        raise InputError(f'"label" must be one of {", ".join(LABELS)} (got {label!r})',
                         source=where)
    return obj


def read_articles(path: Path, *, require_label: bool = False, limit: int | None = None) -> list[Article]:
    out = []
    for a in iter_articles(path, require_label=require_label):
        out.append(a)
        if limit is not None and len(out) >= limit:
            break
    return out


def stratified_split(
    keys: Sequence[Hashable], *, fraction: float = 0.2, seed: int = 0
) -> tuple[list[int], list[int]]:
    """(train, held-out) index lists: ``fraction`` of every key's items held out."""
    by_key: dict[Hashable, list[int]] = defaultdict(list)
    for i, k in enumerate(keys):
        by_key[k].append(i)
    rng = random.Random(seed)
    held: list[int] = []
    for k in sorted(by_key, key=str):
        idx = by_key[k]
        rng.shuffle(idx)
        held.extend(idx[: round(len(idx) * fraction)])
    held_set = set(held)
    return [i for i in range(len(keys)) if i not in held_set], sorted(held)
