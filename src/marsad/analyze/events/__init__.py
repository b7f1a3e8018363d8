"""PLOVER event coding from Arabic text: a readable trigger lexicon, clitic-aware matching,
status (occurred / planned / threatened / claimed / denied), actors, reported speech,
places and dates, and merging of one event told twice in an article."""

from __future__ import annotations

from marsad.analyze.events.coder import EventCoder, code_events, default_coder
from marsad.model import Analysis


def factory(coder: EventCoder | None = None):
    """The ``events`` pipeline stage around ``coder`` (default: a new EventCoder, which
    loads the lexicon); the coder keeps no state between documents, so pipelines share one."""
    coder = coder or EventCoder()

    def events_stage(analysis: Analysis) -> Analysis:
        events = coder.code(analysis)
        analysis.events = events
        return analysis

    return events_stage


__all__ = ["EventCoder", "code_events", "default_coder", "factory"]
