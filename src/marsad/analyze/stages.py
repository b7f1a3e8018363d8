"""The built-in stages: what each reads and writes, its options, its factory.

Stage modules hold no registry code: each exposes a factory of the stage callable, and
each factory here imports its module lazily so ``import marsad`` stays fast. The run order
is not written here: the pipeline derives it from ``requires``/``optional``/``assigns``
(NER → link → events, the others in registration order). What each stage declares was
read off its code; keep the two in step (the runner refuses undeclared writes).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from marsad.analyze.loaders import shared
from marsad.analyze.registry import Stage, StageSpec, register


@dataclass(frozen=True)
class NerConfig:
    model_dir: str | None = None  # None: the model shipped in the package


def _ner_factory(config: NerConfig) -> Stage:
    from marsad.analyze.ner.stage import make_ner_stage
    from marsad.analyze.ner.tagger import load_model

    model = shared(("ner", config), lambda: load_model(config.model_dir))
    return make_ner_stage(model=model)


# tags tokens sentence by sentence
register(StageSpec(name="ner", factory=_ner_factory, requires=("tokens", "sentences"),
                   assigns=("mentions",), config=NerConfig()))


@dataclass(frozen=True)
class LinkConfig:
    index_path: str | None = None  # the GeoNames place index (None: the cached default)
    kb_path: str | None = None  # the curated knowledge base (None: the packaged one)
    spot: bool = True  # also find the knowledge base's names that NER missed


def _link_factory(config: LinkConfig) -> Stage:
    from marsad.analyze.link import link_stage

    return link_stage(index_path=config.index_path, kb_path=config.kb_path, spot=config.spot)


# resolves NER's mentions and, with `spot`, adds the knowledge base's names it finds in the
# text: without NER it still links those (degraded, not broken)
register(StageSpec(name="link", factory=_link_factory, requires=("tokens", "sentences"),
                   optional=("mentions",), assigns=("mentions", "entities", "extras.link"),
                   config=LinkConfig()))


@dataclass(frozen=True)
class EventsConfig:
    roles: bool = True  # the shipped role model picks source and target (False: rules alone)
    rowcheck: bool = True  # the shipped last check of each row (False: keep every row)


def _events_factory(config: EventsConfig) -> Stage:
    from marsad.analyze.events import EventCoder, factory

    coder = shared(("events", config),
                   lambda: EventCoder(roles=config.roles, rowcheck=config.rowcheck))
    return factory(coder)


# triggers come from the tokens alone; actors, places and the article's country come from
# the linked mentions and entities: without NER and link it codes events with fewer of them
register(StageSpec(name="events", factory=_events_factory, requires=("tokens", "sentences"),
                   optional=("mentions", "entities", "extras.link"), assigns=("events",),
                   config=EventsConfig()))


@dataclass(frozen=True)
class TopicConfig:
    model_dir: str | None = None  # None: the model shipped in the package


def _topic_factory(config: TopicConfig) -> Stage:
    from marsad.analyze.topic.stage import make_topic_stage

    return make_topic_stage(Path(config.model_dir) if config.model_dir else None)


register(StageSpec(name="topic", factory=_topic_factory, assigns=("topic",),
                   config=TopicConfig()))


@dataclass(frozen=True)
class KeywordsConfig:
    k: int = 10  # keywords per article


def _keywords_factory(config: KeywordsConfig) -> Stage:
    from marsad.analyze.keywords import make_keywords_stage

    return make_keywords_stage(config.k)


register(StageSpec(name="keywords", factory=_keywords_factory, assigns=("keywords",),
                   config=KeywordsConfig()))


@dataclass(frozen=True)
class SummaryConfig:
    max_sentences: int = 3


def _summary_factory(config: SummaryConfig) -> Stage:
    from marsad.analyze.summary import make_summary_stage

    return make_summary_stage(config.max_sentences)


register(StageSpec(name="summary", factory=_summary_factory, requires=("sentences",),
                   assigns=("summary",), config=SummaryConfig()))


def _signature_factory() -> Stage:
    from marsad.analyze.dedup import make_signature_stage

    return make_signature_stage()


# near-duplicate fingerprint; grouping happens when the store writes (marsad.store.dedup_sql).
# No options here: the store compares signatures under its own DedupConfig, so a pipeline
# must not compute them under another.
register(StageSpec(name="signature", factory=_signature_factory, assigns=("signature",)))
