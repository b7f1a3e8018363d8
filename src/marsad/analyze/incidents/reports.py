"""An analysed article's event rows as incident reports."""

from __future__ import annotations

from marsad.analyze.incidents.model import Report
from marsad.model import Analysis


def reports_from_analysis(analysis: Analysis, *, article: str | None = None) -> list[Report]:
    """One :class:`Report` per event of ``analysis``, with its sentence text and whether the
    sentence is the headline or the first paragraph (the lead, which states the news), and
    where the sentence starts in the article's text (the event's offsets index the article)."""
    doc = analysis.document
    aid = article or doc.external_id or doc.id
    out = []
    for e in analysis.events:
        text = lead = start = None
        if 0 <= e.sentence < len(analysis.sentences):
            text = analysis.sentence_text(e.sentence)
            lead = analysis.sentences[e.sentence].paragraph <= 0
            start = analysis.sentences[e.sentence].start
        out.append(Report(aid, doc.source, doc.published, e, text, lead, start))
    return out
