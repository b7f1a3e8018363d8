"""All built-in stages, registered in pipeline order. Stage modules hold no registry code:
each exposes a factory that returns the stage callable."""

from __future__ import annotations

from marsad.analyze.pipeline import StageSpec, register

# Stages are appended here as they land (NER → link → events → topic → keywords/summary →
# signature). Each factory imports its module lazily so `import marsad` stays fast.


def _ner_factory():
    from marsad.analyze.ner.stage import make_ner_stage

    return make_ner_stage()


register(StageSpec(name="ner", factory=_ner_factory, requires=("tokens", "sentences"),
                   assigns=("mentions",)))


def _link_factory():
    from marsad.analyze.link import link_stage

    return link_stage()


register(StageSpec(name="link", factory=_link_factory, requires=("mentions", "tokens"),
                   assigns=("mentions.entity_id", "entities")))


def _events_factory():
    from marsad.analyze.events import factory

    return factory()


register(StageSpec(name="events", factory=_events_factory, requires=("tokens", "sentences"),
                   assigns=("events",)))


def _topic_factory():
    from marsad.analyze.topic.stage import make_topic_stage

    return make_topic_stage()


register(StageSpec(name="topic", factory=_topic_factory, requires=(), assigns=("topic",)))


def _keywords_factory():
    from marsad.analyze.keywords import make_keywords_stage

    return make_keywords_stage()


register(StageSpec(name="keywords", factory=_keywords_factory, requires=(),
                   assigns=("keywords",)))


def _summary_factory():
    from marsad.analyze.summary import make_summary_stage

    return make_summary_stage()


register(StageSpec(name="summary", factory=_summary_factory, requires=("sentences",),
                   assigns=("summary",)))


def _signature_factory():
    from marsad.analyze.dedup import make_signature_stage

    return make_signature_stage()


# near-duplicate fingerprint; grouping happens when the store writes (marsad.store.dedup_sql)
register(StageSpec(name="signature", factory=_signature_factory, requires=(),
                   assigns=("signature",)))
