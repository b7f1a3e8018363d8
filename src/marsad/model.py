"""The data contract between stages: Document in, Analysis out.

Every offset (``start``/``end``) in an :class:`Analysis` indexes ``analysis.text``, which is
``document.text``: the headline, a blank line, then the body paragraphs joined by blank
lines. The original characters are never altered, so the UI can highlight exactly and
``text[start:end] == span.text`` always holds.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from typing import Any

PARAGRAPH_SEP = "\n\n"

ENTITY_TYPES = ("PER", "ORG", "LOC", "MISC")
EVENT_STATUSES = ("occurred", "planned", "threatened", "claimed", "denied")
PLOVER_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)


def document_id(title: str, paragraphs: list[str]) -> str:
    """Stable id: a hash of the normalized headline and body, so copies that differ only in
    spelling variants, diacritics or whitespace get the same id."""
    from marsad.text.normalize import normalize_for_match

    norm = normalize_for_match(title) + "\n" + normalize_for_match(" ".join(paragraphs))
    norm = " ".join(norm.split())
    return hashlib.sha1(norm.encode("utf-8")).hexdigest()[:16]


def _plain(x: Any) -> Any:
    """JSON-ready copy of dataclasses/lists/dicts (dataclasses.asdict deep-copies every
    leaf and was the slowest step of ingest)."""
    if isinstance(x, (str, int, float, bool)) or x is None:
        return x
    if isinstance(x, list | tuple):
        return [_plain(i) for i in x]
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if hasattr(x, "__dataclass_fields__"):
        return {k: _plain(getattr(x, k)) for k in x.__dataclass_fields__}
    return x


@dataclass
class Document:
    """A clean article: what ingest produces and analyze consumes."""

    title: str
    paragraphs: list[str]
    id: str = ""
    url: str | None = None
    source: str | None = None
    published: str | None = None  # ISO date or datetime
    language: str | None = None  # ISO 639-1, e.g. "ar"
    author: str | None = None
    site_name: str | None = None
    agency: str | None = None  # e.g. "رويترز" taken out of the body
    dateline: str | None = None  # e.g. "بيروت" taken out of the body
    origin: str | None = None  # where it was read from: path, path:line, archive member
    external_id: str | None = None  # the id the input gave (jsonl "id")
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.id:
            self.id = document_id(self.title, self.paragraphs)

    @property
    def body(self) -> str:
        return PARAGRAPH_SEP.join(self.paragraphs)

    @property
    def text(self) -> str:
        """Headline + blank line + body: the string every Analysis offset refers to. Joined
        once and kept while the headline and paragraphs stay the same objects (stages read
        it per sentence; joining it each time made long articles quadratic)."""
        key = (self.title, tuple(self.paragraphs))
        cached = self.__dict__.get("_text")
        if cached is not None and cached[0] == key:
            return cached[1]
        text = self.title + PARAGRAPH_SEP + self.body if self.title else self.body
        self.__dict__["_text"] = (key, text)
        return text

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (to Dask workers) without the joined text: it is rebuilt on demand."""
        return {k: v for k, v in self.__dict__.items() if k != "_text"}

    @property
    def body_offset(self) -> int:
        return len(self.title) + len(PARAGRAPH_SEP) if self.title else 0

    def to_dict(self) -> dict[str, Any]:
        return _plain(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Document:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


@dataclass(slots=True)
class Span:
    start: int
    end: int
    text: str
    entity_id: str | None = None


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    paragraph: int  # -1 for the headline, else index into document.paragraphs


class _TokenForms:
    """The derived forms of a :class:`Token`, declared here, outside the dataclass, so that
    they are typed attributes without being dataclass fields (a dataclass collects fields
    only from its own body and from dataclass bases)."""

    __slots__ = ("norm", "stem")
    norm: str
    stem: str


@dataclass
class Token(_TokenForms):
    """A word, number or punctuation mark: ``text == analysis.text[start:end]``.

    ``norm`` (the matching form: :func:`marsad.text.normalize.normalize_for_match`) and
    ``stem`` (its light stem: :func:`marsad.text.stem.stem`) are what most stages compare,
    so the base analysis sets them once per token (``marsad.analyze.base.add_forms``) and
    stages read them instead of normalizing the text again. They are slots, not fields
    (declared in :class:`_TokenForms`): derived from ``text``, so they are neither
    serialized nor compared, and a Token built from stored JSON gets them from
    ``add_forms`` when a pipeline next runs on it."""

    __slots__ = ("end", "start", "text")
    start: int
    end: int
    text: str


@dataclass(slots=True)
class Mention:
    start: int
    end: int
    text: str
    type: str  # PER | ORG | LOC | MISC
    entity_id: str | None = None
    score: float | None = None


@dataclass
class Entity:
    id: str
    type: str
    name_ar: str
    name_en: str | None = None
    aliases: list[str] = field(default_factory=list)
    wikidata: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    lat: float | None = None
    lon: float | None = None
    geonames_id: int | None = None
    kind: str | None = None  # e.g. city, country, region, armed_group, government, media
    local: bool = False  # True when not in the knowledge base (id from name + type)


@dataclass(frozen=True, slots=True)
class Place:
    """Where an event happened, resolved: the linked LOC entity's id, names, country and
    coordinates, copied onto the event so that readers of one Analysis (store rows,
    incidents, pages) need not look the entity up. Stored in the Analysis JSON as a dict
    with these keys in this order."""

    entity_id: str
    name_ar: str
    name_en: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    lat: float | None = None
    lon: float | None = None
    geonames_id: int | None = None

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Place:
        """From stored JSON: a missing key is empty, an unknown key is ignored (databases
        hold the JSON of older versions)."""
        return cls(
            entity_id=d.get("entity_id") or "", name_ar=d.get("name_ar") or "",
            name_en=d.get("name_en"), country=d.get("country"), lat=d.get("lat"),
            lon=d.get("lon"), geonames_id=d.get("geonames_id"),
        )


@dataclass
class Event:
    type: str  # PLOVER
    status: str  # occurred | planned | threatened | claimed | denied
    trigger: Span
    sentence: int
    confidence: float
    mode: str | None = None
    source: Span | None = None
    target: Span | None = None
    location: Span | None = None
    place: Place | None = None  # the location resolved to a linked place
    date: str | None = None  # ISO date, or "start/end" range
    reporter: Span | None = None  # who reported it ("قالت الرسالة إن ...")
    mentions: list[Span] = field(default_factory=list)  # further mentions of the same event
    country: str | None = None  # ISO 3166-1 alpha-2 of where it happened, named place or not
    geo_precision: str | None = None  # "place" | "region" | "country" (as ACLED's geo_precision)
    date_precision: str | None = None  # "day" | "week" | "month" | "year" (ACLED's time_precision)
    source_name: str | None = None  # the source's linked entity: canonical Arabic name
    source_en: str | None = None  # ... and English name
    target_name: str | None = None
    target_en: str | None = None
    fatalities: int | None = None  # killed, as the text states it
    injured: int | None = None

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Event:
        """From its JSON (``Analysis.to_dict``'s event, or the store's incident reports)."""
        e = dict(d)
        e["trigger"] = Span(**e["trigger"])
        for k in ("source", "target", "location", "reporter"):
            e[k] = Span(**e[k]) if e.get(k) else None
        e["mentions"] = [Span(**m) for m in e.get("mentions") or []]
        e["place"] = Place.from_dict(e["place"]) if e.get("place") else None
        return cls(**e)


@dataclass
class Topic:
    label: str
    score: float


@dataclass
class Analysis:
    """Everything marsad learned about one document; stages fill it in turn."""

    document: Document
    sentences: list[Sentence] = field(default_factory=list)
    tokens: list[Token] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    topic: Topic | None = None
    keywords: list[str] = field(default_factory=list)
    summary: list[int] = field(default_factory=list)  # sentence indexes
    signature: list[int] | None = None  # near-duplicate fingerprint (MinHash values)
    story_id: str | None = None
    notes: list[str] = field(default_factory=list)  # e.g. "skipped: language is en"
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.document.text

    def sentence_text(self, i: int) -> str:
        s = self.sentences[i]
        return self.text[s.start : s.end]

    def to_dict(self, *, tokens: bool = False) -> dict[str, Any]:
        d = {k: _plain(v) for k, v in vars(self).items() if tokens or k != "tokens"}
        return d

    def to_json(self, *, indent: int | None = None, tokens: bool = False) -> str:
        return json.dumps(self.to_dict(tokens=tokens), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Analysis:
        topic = d.get("topic")
        return cls(
            document=Document.from_dict(d["document"]),
            sentences=[Sentence(**s) for s in d.get("sentences", [])],
            tokens=[Token(**t) for t in d.get("tokens", [])],
            mentions=[Mention(**m) for m in d.get("mentions", [])],
            entities=[Entity(**e) for e in d.get("entities", [])],
            events=[Event.from_dict(e) for e in d.get("events", [])],
            topic=Topic(**topic) if topic else None,
            keywords=list(d.get("keywords", [])),
            summary=list(d.get("summary", [])),
            signature=d.get("signature"),
            story_id=d.get("story_id"),
            notes=list(d.get("notes", [])),
            extras=dict(d.get("extras", {})),
        )

    @classmethod
    def from_json(cls, s: str) -> Analysis:
        return cls.from_dict(json.loads(s))
