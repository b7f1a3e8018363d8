"""All built-in stages, registered in pipeline order. Stage modules hold no registry code:
each exposes a factory that returns the stage callable."""

from __future__ import annotations

from marsad.analyze.pipeline import StageSpec, register

# Stages are appended here as they land (NER → link → events → topic → keywords/summary →
# signature). Each factory imports its module lazily so `import marsad` stays fast.


def _events_factory():
    from marsad.analyze.events import factory

    return factory()


register(StageSpec(name="events", factory=_events_factory, requires=("tokens", "sentences"),
                   assigns=("events",)))
