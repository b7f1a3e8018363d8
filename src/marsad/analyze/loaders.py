"""Expensive resources (NER model, linker knowledge base) loaded once per process and key.

Pipelines own their built stages; what those stages share is the loaded model, fetched
here by a key that names everything the load depends on (stage name and config). Building
a second pipeline, in a web request or a Dask task, therefore costs no second load.

A loaded model is millions of long-lived objects (strings, tuples, dicts of word forms);
left in the cyclic garbage collector's generations, every full collection walks them all
again, ~2 CPU ms per article of a batched ingest (issue 19). After a load, the garbage it
left is collected and everything alive is frozen (``gc.freeze``): the collector then
scans only what analyses allocate. A frozen object is never collected, which is what
the models (kept until the process ends) are anyway.
"""

from __future__ import annotations

import gc
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
            gc.collect()
            gc.freeze()
        return _LOADED[key]
