"""What the event coder needs from the whole Analysis, computed once per document.

The article's country (``DocContext.country``) is a weighted vote over the document's
evidence for where its news happens:

* every linked place (a country, a province, a city) votes for its country, and a nisba
  adjective («البلجيكية», «اليمني») votes for its country: a news article names the country
  of its events far more often than any other, and tells it in the headline and the lead;
* an actor with a country (an army, a ministry: ``kb:army-iq``) votes with a third of that;
* a vote counts ``HEADLINE_WEIGHT`` in the headline, ``LEAD_WEIGHT`` in the first body
  sentence, 1 elsewhere;
* mentions inside a dateline or an outlet tag at the start of the body («واشنطن (CNN)--»)
  do not vote: they say where the reporter was, not where the news was.

The leader is the article's country when it holds at least ``MIN_SHARE`` of the votes and
leads the runner-up by ``MIN_LEAD``; otherwise the article is about several countries and
has none (multi-country diplomacy: an event of it gets a country only from its own
sentence). A headline's leading place tag («هولندا: القبض على …», «سوريا.. …») overrides the
vote: the desk files the story under that place.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from marsad.analyze.events.view import SentenceView
from marsad.analyze.link.kb import outlet_countries
from marsad.model import Analysis, Entity, Mention, Span
from marsad.text.dates import parse_published

HEADLINE_WEIGHT = 3.0
LEAD_WEIGHT = 2.0
ACTOR_WEIGHT = 1 / 3
NISBA_WEIGHT = 0.5
MIN_SHARE = 0.3
MIN_LEAD = 1.5  # the leader's votes over the runner-up's, as a ratio

PLACE_KINDS = frozenset({"country", "city", "province", "region", "territory", "district",
                         "governorate", "town", "village", "site", "capital", "state"})
REGION_KINDS = frozenset({"province", "region", "territory", "district", "governorate", "state"})

# «واشنطن، الولايات المتحدة الأمريكية (CNN)--», «بيروت - (أ ف ب) -»: a short head of the body
# closed by a bracketed tag and a dash (ingest cuts most; this catches the rest)
# a headline opening with one to three words and a colon or «..»: its place tag
_LABEL = re.compile(r"^\s*([^\s:.،]+(?:\s[^\s:.،]+){0,2})\s*(?::|\.\.)")
# matched at the body's start (``pattern.match(text, pos)``: no ``^``, which would only
# match at the text's very start, and the blank line after the headline skipped)
_DATELINE = re.compile(r"\s*[^\n.()«»\"]{2,60}?\([^()\n]{1,30}\)\s*[-–—ـ]+")


class DocContext:
    """The document-level facts every sentence's coding reads: text, entities, mentions in
    order, the publication date, the article's country."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.text = analysis.text
        self.entities: dict[str, Entity] = {e.id: e for e in analysis.entities}
        self.mentions = sorted(analysis.mentions, key=lambda m: m.start)
        self._mstarts = [m.start for m in self.mentions]
        self.published = parse_published(analysis.document.published)
        self.article_dates: Any = None  # when.ArticleDates, made the first time an event is dated
        self.sport = False  # a sport article (the coder decides, EventCoder._is_sport_doc)

    @cached_property
    def body_start(self) -> int:
        return self.analysis.document.body_offset

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        i = bisect.bisect_left(self._mstarts, start)
        out = []
        while i < len(self.mentions) and self.mentions[i].start < end:
            out.append(self.mentions[i])
            i += 1
        return out

    def span(self, v: SentenceView, first: int, last: int, mention: Mention | None = None) -> Span:
        s, e = v.toks[first].start, v.toks[last].end
        eid = mention.entity_id if mention else None
        return Span(s, e, self.text[s:e], eid)

    # -- places and countries ---------------------------------------------------------------
    @cached_property
    def dateline_end(self) -> int:
        """End offset of a dateline/outlet tag left at the head of the body (else -1)."""
        m = _DATELINE.match(self.text, self.body_start)
        return m.end() if m else -1

    @cached_property
    def lead_end(self) -> int:
        """End offset of the body's first sentence (the lead)."""
        for s in self.analysis.sentences:
            if s.start >= self.body_start:
                return s.end
        return self.body_start

    @cached_property
    def nisbas(self) -> list[tuple[int, int, str]]:
        """Nisba adjectives the link stage saw: (start, end, ISO2)."""
        link = self.analysis.extras.get("link") or {}
        return [(int(s), int(e), str(c)) for s, e, c in link.get("nisbas", ())]

    def nisba_of_place(self, start: int, end: int) -> str | None:
        """The country of a nisba that qualifies the place named at [start, end): the word
        right after it («بلدة اميزبيري الإنجليزية») or its own last word."""
        for s, e, cc in self.nisbas:
            if start < s and e == end or s >= end and not self.text[end:s].strip():
                return cc
        return None

    def entity_of(self, mention: Mention | None) -> Entity | None:
        if mention is None or not mention.entity_id:
            return None
        return self.entities.get(mention.entity_id)

    def place_country(self, mention: Mention) -> str | None:
        """The country a LOC mention names or lies in (None for seas, continents, unknowns)."""
        e = self.entity_of(mention)
        if e is None or not e.country or mention.type != "LOC":
            return None
        return e.country

    @cached_property
    def label_end(self) -> int:
        """End offset of a headline's leading place tag («هولندا: القبض على …», «سوريا.. …»),
        else -1: the desk files the story under that place."""
        m = _LABEL.match(self.text[: self.body_start])
        return m.end(1) if m else -1

    def position_weight(self, start: int) -> float:
        if start < self.body_start:
            return HEADLINE_WEIGHT
        if start < self.lead_end:
            return LEAD_WEIGHT
        return 1.0

    def votes(self, start: int, end: int, *, weighted: bool = False) -> dict[str, float]:
        """Country votes of the evidence inside [start, end): places, nisbas, actors."""
        out: dict[str, float] = defaultdict(float)
        for m in self.mentions_in(start, end):
            if m.end <= self.dateline_end:
                continue
            w = self.position_weight(m.start) if weighted else 1.0
            cc = self.place_country(m)
            if cc:
                out[cc] += w
                continue
            e = self.entity_of(m)
            if e is not None and e.country and m.type in ("ORG", "PER"):
                out[e.country] += w * ACTOR_WEIGHT
        for s, _e, cc in self.nisbas:
            if start <= s < end and s >= self.dateline_end:
                out[cc] += NISBA_WEIGHT * (self.position_weight(s) if weighted else 1.0)
        return out

    @cached_property
    def country_votes(self) -> dict[str, float]:
        return self.votes(0, len(self.text), weighted=True)

    @cached_property
    def country(self) -> str | None:
        """The article's country (module docstring), or None when it has no clear one."""
        tag = [cc for m in self.mentions_in(0, self.label_end) if (cc := self.place_country(m))]
        if len(set(tag)) == 1:
            return tag[0]
        found = leader(self.country_votes, MIN_SHARE, MIN_LEAD)
        if found is None:
            home = outlet_country(self.analysis.document.source, self.analysis.document.url)
            if home is not None and (not self.country_votes or home in self.country_votes):
                return home  # a local daily's article about no other country is about its own
        return found


def leader(votes: dict[str, float], min_share: float, min_lead: float) -> str | None:
    """The country with the most votes when it has ``min_share`` of them and leads the
    runner-up by the ratio ``min_lead``; else None."""
    total = sum(votes.values())
    if total <= 0:
        return None
    ranked = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
    best, w = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    if w / total < min_share or (second and w / second < min_lead):
        return None
    return best


def outlet_country(source: str | None, url: str | None) -> str | None:
    """The home country of a local outlet (resources/kb/outlets.tsv), by source name or host."""
    table = outlet_countries()
    if source and source.strip().lower() in table:
        return table[source.strip().lower()]
    if url:
        host = urlsplit(url).hostname or ""
        host = host.removeprefix("www.")
        return table.get(host)
    return None
