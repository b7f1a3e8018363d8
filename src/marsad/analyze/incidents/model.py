"""The boundary types of incident fusion: what goes in (a :class:`Report`: one event row of
one article) and what comes out (an :class:`Incident`: one real-world happening, with the
reports it was fused from)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from marsad.model import Event


class Report(NamedTuple):
    """One event row as an article tells it. A plain ``(article, source, published, event)``
    tuple is a Report; ``text`` (the event's sentence), ``lead`` (is the sentence the
    headline or the first paragraph?) and ``text_start`` (where the sentence starts in the
    article, so the trigger's article offsets find it in ``text``) are filled by
    :func:`reports_from_analysis`."""

    article: str
    source: str | None
    published: str | None
    event: Event
    text: str | None = None
    lead: bool | None = None
    text_start: int | None = None


@dataclass(frozen=True)
class IncidentReport:
    """One report of an incident: where to read it and what it said."""

    article: str
    source: str | None
    published: str | None
    sentence: int
    text: str | None
    trigger: str
    status: str
    date: str | None
    place: str | None  # English name when known, else as written
    fatalities: int | None
    place_ar: str | None = None  # Arabic name (the knowledge base's, else as written)


@dataclass(frozen=True)
class Incident:
    """One real-world happening, fused from the reports of one or more articles (the unit of
    ACLED's rows; GDELT's article and source counts)."""

    id: str
    type: str
    mode: str | None
    status: str  # "occurred" when any report says it occurred, else "claimed"
    actor1: str | None
    actor2: str | None
    country: str
    admin1: str | None
    place: str | None
    lat: float | None
    lon: float | None
    geo_precision: str  # "place" | "region" | "country"
    date: str  # ISO day, or "start/end" when no report gives the day
    date_precision: str  # "day" | "week"
    fatalities: int | None  # best estimate: the latest report's toll
    fatalities_range: tuple[int, int] | None  # (min, max) over the reports that give one
    injured: int | None
    n_articles: int
    n_sources: int
    first_report: str | None
    last_report: str | None
    reports: tuple[IncidentReport, ...]
    place_ar: str | None = None  # the place's Arabic name (``place`` is the English one when known)
