"""Charts drawn on the server as SVG: no chart library, no script, nothing to load.

Every text that goes into the SVG is escaped with markupsafe; numbers are formatted by us.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape

from marsad.web.palette import type_color


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def stacked_bars(
    series: dict[str, Any], *, width: int = 900, height: int = 200, label_of=lambda k: k,
    color_of=type_color, css_class: str = "chart", href_of: Callable[[int], str] | None = None,
) -> Markup:
    """A stacked bar chart of ``{"periods": [...], "series": {key: [n, ...]}}`` (the output
    of :func:`marsad.store.reads.events.bucket_series`). Each bar has a <title> tooltip; with
    ``href_of``, the bars of period ``i`` link to ``href_of(i)`` (e.g. the data of that period)."""
    periods: list[str] = series.get("periods") or []
    data: dict[str, list[int]] = series.get("series") or {}
    if not periods or not data:
        return Markup("")
    pad_l, pad_r, pad_t, pad_b = 40, 10, 10, 28
    plot_w, plot_h = width - pad_l - pad_r, height - pad_t - pad_b
    totals = [sum(v[i] for v in data.values()) for i in range(len(periods))]
    top = max(totals) or 1
    step = plot_w / len(periods)
    bar_w = max(1.0, min(step * 0.8, 48.0))
    parts = [
        (f'<svg class="{escape(css_class)}" viewBox="0 0 {width} {height}" role="img" '
         f'preserveAspectRatio="none" xmlns="http://www.w3.org/2000/svg" direction="ltr">')
    ]
    # axes: baseline, max label, period labels (first, middle, last)
    parts.append(
        f'<line x1="{pad_l}" y1="{pad_t + plot_h}" x2="{width - pad_r}" y2="{pad_t + plot_h}" class="axis"/>'
        f'<text x="{pad_l - 4}" y="{pad_t + 8}" text-anchor="end" class="tick">{top}</text>'
        f'<text x="{pad_l - 4}" y="{pad_t + plot_h}" text-anchor="end" class="tick">0</text>'
    )
    for i in sorted({0, len(periods) // 2, len(periods) - 1}):
        x = pad_l + step * i + step / 2
        anchor = "start" if i == 0 else "end" if i == len(periods) - 1 else "middle"
        x = pad_l if anchor == "start" else width - pad_r if anchor == "end" else x
        parts.append(
            f'<text x="{_num(x)}" y="{height - 8}" text-anchor="{anchor}" class="tick">{escape(periods[i])}</text>'
        )
    for i, period in enumerate(periods):
        y: float = pad_t + plot_h
        x = pad_l + step * i + (step - bar_w) / 2
        if href_of is not None:
            parts.append(f'<a href="{escape(href_of(i))}">')
        for key, values in data.items():
            n = values[i]
            if not n:
                continue
            h = plot_h * n / top
            y -= h
            parts.append(
                f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(bar_w)}" height="{_num(h)}" '
                f'fill="{escape(color_of(key))}" class="bar"><title>{escape(period)} · '
                f"{escape(label_of(key))}: {n}</title></rect>"
            )
        if href_of is not None:
            parts.append("</a>")
    parts.append("</svg>")
    return Markup("".join(parts))
