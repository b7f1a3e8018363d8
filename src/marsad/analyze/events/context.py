"""What the event coder needs from the whole Analysis, computed once per document."""

from __future__ import annotations

import bisect
from functools import cached_property

from marsad.analyze.events.view import SentenceView
from marsad.model import Analysis, Entity, Mention, Span
from marsad.text.dates import parse_published


class DocContext:
    """The document-level facts every sentence's coding reads: text, entities, mentions in
    order, the publication date; more (e.g. the article's country) is computed on demand."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.text = analysis.text
        self.entities: dict[str, Entity] = {e.id: e for e in analysis.entities}
        self.mentions = sorted(analysis.mentions, key=lambda m: m.start)
        self._mstarts = [m.start for m in self.mentions]
        self.published = parse_published(analysis.document.published)

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
