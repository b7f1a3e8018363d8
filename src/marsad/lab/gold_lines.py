"""Reading a gold file of JSON lines: one parsed record per non-blank line, and one clear
error naming the file, the line and the format when a line is malformed."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from marsad.errors import InputError

T = TypeVar("T")


def gold_lines(path: str | Path, parse: Callable[[dict[str, Any]], T], *, fix: str) -> Iterator[T]:
    """``parse(record)`` of every non-blank line of ``path``; a line that is not JSON or
    that ``parse`` cannot read raises InputError with ``path:line`` and ``fix``."""
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                item = parse(json.loads(line))
            except (ValueError, KeyError, TypeError) as exc:
                raise InputError(f"malformed gold line: {exc}", source=f"{path}:{n}", fix=fix) from exc
            yield item
