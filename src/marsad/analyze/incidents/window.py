"""A :class:`Fuser` over a window of a stored collection: it holds only the incidents a store
loaded for the (type, country, week) keys that new reports may match, and fuses the new
reports exactly as a Fuser holding every incident would.

Why that is exact: a report is compared only with the incidents indexed under its own type,
country and the weeks around its dates (:func:`window_of`), and :func:`compatible` rejects an
incident whose dates are farther from the report's than a day, so an incident outside the
window's keys, or farther in time from every new report (:meth:`Window.may_match`), can
never be a candidate; an incident that is not loaded is not changed, so it cannot become one
during the batch either. A stored incident is rebuilt from its reports in the order they
were fused (the order its date agreement depends on); its place in the creation order
(``seq``, the tie-break that prefers the older incident) is kept by restoring the loaded
incidents oldest first, before any new one is founded.

The fusion rules are :mod:`fuser`'s and :mod:`rules`'; this module only moves incidents in
and out of a Fuser (it reaches into the Fuser's state, which is this package's own).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from marsad.analyze.incidents.fuser import Fuser, _Cluster, _weeks
from marsad.analyze.incidents.model import Report
from marsad.analyze.incidents.rules import DAY_SLACK, Observation, observe

Key = tuple[str, str, int]  # (PLOVER type, country, week number)


@dataclass(frozen=True)
class StoredIncident:
    """What a store keeps of an incident to rebuild it: its id, its creation order and its
    reports in the order they were fused, as :func:`observe` sees them."""

    id: str
    seq: int
    members: Sequence[Observation]


@dataclass(frozen=True)
class Window:
    """What new reports may match: per (type, country), the index keys to look up and the
    days (ordinal ranges, merged) an incident's dates must come near to be a candidate."""

    keys: frozenset[Key]
    days: dict[tuple[str, str], list[tuple[int, int]]]

    def may_match(self, type_: str, country: str, lo: int, hi: int) -> bool:
        """Can an incident of ``type_`` and ``country`` whose dates lie within [lo, hi] (ordinals)
        be compatible with one of the reports? (A superset of :func:`compatible`'s date test.)"""
        return any(a <= hi + DAY_SLACK and b >= lo - DAY_SLACK
                   for a, b in self.days.get((type_, country), ()))


def window_of(reports: Iterable[Report | tuple]) -> Window:
    """The window ``reports`` look into: load the incidents indexed under its keys whose dates
    it may match, and a Fuser holding them places the reports as one holding all would."""
    keys: set[Key] = set()
    spans: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for r in reports:
        o = observe(r if isinstance(r, Report) else Report(*r))
        if o is not None:
            keys.update((o.type, o.country, w) for w in _weeks(o.lo, o.hi))
            spans.setdefault((o.type, o.country), []).append((o.lo, o.hi))
    return Window(frozenset(keys), {tc: _merge(v) for tc, v in spans.items()})


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(spans):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


class WindowFuser(Fuser):
    """A Fuser seeded with stored incidents (module docstring)."""

    restored = 0  # how many incidents restore() put back: they come first in creation order

    def restore(self, stored: Iterable[StoredIncident]) -> None:
        """Put back stored incidents (before any :meth:`add`), oldest first."""
        if self._clusters or self._seen:
            raise RuntimeError("restore() must come before add()")
        for s in sorted(stored, key=lambda s: (s.seq, s.id)):
            obs = [o for o in s.members if o is not None]
            if not obs:
                continue
            k = _Cluster(id=s.id, seq=len(self._clusters), type=obs[0].type, country=obs[0].country)
            for o in obs:
                k.add(o)
                self._seen[o.key] = k.id
            self._clusters[k.id] = k
            self._reindex(k)
        self.restored = len(self._clusters)

    def members(self, incident_id: str) -> list[Observation]:
        """The reports of an incident as observed, in the order they were fused."""
        return list(self._clusters[incident_id].members)

    def keys_of(self, incident_id: str) -> set[Key]:
        """The index keys the incident is found under now."""
        k = self._clusters[incident_id]
        lo, hi = k.core()
        return {(k.type, k.country, w) for w in _weeks(lo, hi)}

    def order_of(self, incident_id: str) -> int:
        """The incident's place in this Fuser's creation order (restored ones first)."""
        return self._clusters[incident_id].seq
