"""Colours by event type and entity type: one table used by the CSS, the map and the charts."""

from __future__ import annotations

from marsad.model import PLOVER_TYPES

# violent types in reds/oranges, protest/pressure in purples, cooperation in greens/blues
TYPE_COLORS: dict[str, str] = {
    "ASSAULT": "#c0392b", "COERCE": "#e67e22", "THREATEN": "#d35400", "MOBILIZE": "#a04000",
    "SANCTION": "#8e44ad", "PROTEST": "#9b59b6", "ACCUSE": "#b03a77", "REJECT": "#7d3c98",
    "REQUEST": "#2e86c1", "CONSULT": "#1f618d", "AGREE": "#1e8449", "COOPERATE": "#27ae60",
    "SUPPORT": "#16a085", "AID": "#0e6655", "CONCEDE": "#5d6d7e", "RETREAT": "#7f8c8d",
}
ENTITY_COLORS: dict[str, str] = {"PER": "#1f618d", "ORG": "#1e8449", "LOC": "#b9770e", "MISC": "#6c3483"}

assert set(TYPE_COLORS) == set(PLOVER_TYPES)


def type_color(t: str | None) -> str:
    return TYPE_COLORS.get(t or "", "#555555")


def stylesheet() -> str:
    """CSS classes .t-TYPE / .e-TYPE (text and fills) from the tables above."""
    out = []
    for t, c in TYPE_COLORS.items():
        out.append(
            f".t-{t}{{--c:{c}}} .sw-{t}{{background:{c}}} svg .f-{t}{{fill:{c}}} "
            f".cluster-{t} div{{background:{c}cc}} .cluster-{t}{{background:{c}55}}"
        )
    for t, c in ENTITY_COLORS.items():
        out.append(f".e-{t}{{--c:{c}}} .sw-e-{t}{{background:{c}}} .cluster-{t} div{{background:{c}cc}} "
                   f".cluster-{t}{{background:{c}55}}")
    return "\n".join(out) + "\n"
