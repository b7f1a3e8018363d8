"""Publication dates as ISO 8601 strings: :mod:`marsad.text.published` is the one
normalizer (readers, the web API and the analysis share it); ``to_iso`` is its ISO string
under the name the readers and the feed watcher use."""

from __future__ import annotations

from marsad.text.published import Published, normalize_published
from marsad.text.published import published_iso as to_iso

__all__ = ["Published", "normalize_published", "to_iso"]
