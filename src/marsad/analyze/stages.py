"""All built-in stages, registered in pipeline order. Stage modules hold no registry code:
each exposes a factory that returns the stage callable."""

from __future__ import annotations

from marsad.analyze.pipeline import StageSpec, register

# Stages are appended here as they land (NER → link → events → topic → keywords/summary →
# signature). Each factory imports its module lazily so `import marsad` stays fast.
