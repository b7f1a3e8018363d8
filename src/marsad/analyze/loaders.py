"""Expensive resources (NER model, linker knowledge base) loaded once per process and key.

Pipelines own their built stages; what those stages share is the loaded model, fetched
here by a key that names everything the load depends on (stage name and config). Building
a second pipeline, in a web request or a Dask task, therefore costs no second load.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

_LOCK = threading.RLock()  # re-entrant: a load may ask for another resource
_LOADED: dict[Hashable, Any] = {}


def shared(key: Hashable, load: Callable[[], T]) -> T:
    """``load()`` the first time ``key`` is asked for in this process, the same object after."""
    with _LOCK:  # one load per key even when threads build pipelines at once
        if key not in _LOADED:
            _LOADED[key] = load()
        return _LOADED[key]
