"""Document context for disambiguation: which countries the document is about, and which
resolved places it mentions (anchors for "near the other places" evidence).

Evidence is recorded per mention key so a mention is scored *without* its own vote
(leave-one-out): a lone «لندن» gets no help from itself, but «لندن» next to «البريطانية»
and «مانشستر» does.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

# proximity bonus by distance (km) to the nearest anchor of another mention
PROXIMITY_STEPS = ((150.0, 3.0), (400.0, 2.0), (1000.0, 1.0))


@dataclass
class Context:
    total: float = 0.0
    by_country: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    by_key: dict[str | None, float] = field(default_factory=lambda: defaultdict(float))
    by_key_country: dict[tuple[str | None, str], float] = field(
        default_factory=lambda: defaultdict(float)
    )
    anchors: list[tuple[float, float, str | None]] = field(default_factory=list)
    # each (place, key) is an anchor once, and a proximity asked again is remembered:
    # a long article names the same places over and over
    _seen: set[tuple[float, float, str | None]] = field(default_factory=set, repr=False)
    _near: dict[tuple[float, float, str | None], float] = field(default_factory=dict, repr=False)

    def add(self, k: str | None, country: str | None, weight: float) -> None:
        if not country or weight <= 0:
            return
        self.total += weight
        self.by_country[country] += weight
        self.by_key[k] += weight
        self.by_key_country[(k, country)] += weight

    def anchor(self, lat: float | None, lon: float | None, k: str | None) -> None:
        if lat is not None and lon is not None and (lat, lon, k) not in self._seen:
            self._seen.add((lat, lon, k))
            self.anchors.append((lat, lon, k))
            self._near.clear()

    def share(self, country: str | None, exclude: str | None = None) -> float:
        """Share of the evidence pointing at ``country``, leaving out key ``exclude``."""
        if not country or self.total <= 0:
            return 0.0
        total = self.total - (self.by_key.get(exclude, 0.0) if exclude is not None else 0.0)
        if total <= 1e-9:
            return 0.0
        w = self.by_country.get(country, 0.0)
        if exclude is not None:
            w -= self.by_key_country.get((exclude, country), 0.0)
        return max(0.0, w / total)

    def proximity(self, lat: float | None, lon: float | None, exclude: str | None = None) -> float:
        if lat is None or lon is None or not self.anchors:
            return 0.0
        known = self._near.get((lat, lon, exclude))
        if known is not None:
            return known
        bonus = self._proximity(lat, lon, exclude)
        self._near[(lat, lon, exclude)] = bonus
        return bonus

    def _proximity(self, lat: float, lon: float, exclude: str | None) -> float:
        best = math.inf
        for alat, alon, k in self.anchors:
            if exclude is not None and k == exclude:
                continue
            d = distance_km(lat, lon, alat, alon)
            best = min(best, d)
        for limit, bonus in PROXIMITY_STEPS:
            if best < limit:
                return bonus
        return 0.0

    def top_countries(self, n: int = 3) -> list[tuple[str, float]]:
        if self.total <= 0:
            return []
        ranked = sorted(self.by_country.items(), key=lambda kv: -kv[1])[:n]
        return [(c, round(w / self.total, 3)) for c, w in ranked]


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Equirectangular approximation: plenty for 'same region or not'."""
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return 6371.0 * math.hypot(x, y)
