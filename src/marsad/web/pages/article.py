"""The article page: clean text with entity mentions (by type, linked to entity pages) and
event triggers highlighted, the events listed, topic, summary, keywords, duplicate copies
and story."""

from __future__ import annotations

from typing import Any

from fastapi import Path, Request
from fastapi.responses import HTMLResponse

from marsad.model import Analysis
from marsad.store.reads.documents import copies_of
from marsad.store.reads.stories import get_story
from marsad.web.errors import not_found
from marsad.web.highlight import blocks, marks_of
from marsad.web.pages.common import reader
from marsad.web.render import page

ID = Path(..., max_length=200)


def article_data(store: Any, doc_id: str) -> dict[str, Any] | None:
    """What the article page (and GET /api/documents/{id}) shows, beside the Analysis."""
    a: Analysis | None = store.get(doc_id)
    if a is None:
        return None
    dup_group = a.extras.get("dup_group")
    story = get_story(store, a.story_id) if a.story_id else None
    if story:
        story = {k: story[k] for k in ("id", "headline", "first_date", "last_date", "article_count")}
    summary = [a.sentence_text(i) for i in a.summary if 0 <= i < len(a.sentences)]
    return {"analysis": a, "copies": copies_of(store, a.document.id, dup_group), "story": story,
            "summary": summary, "dup_group": dup_group}


def article_page(request: Request, doc_id: str = ID) -> HTMLResponse:
    data = article_data(reader(request), doc_id)
    if data is None:
        raise not_found(f"article {doc_id}")
    a: Analysis = data["analysis"]
    marks = marks_of(a)
    entities = {e.id: e for e in a.entities}
    events = []
    for i, e in enumerate(a.events):
        events.append({"i": i, "e": e,
                       "source_entity": entities.get(e.source.entity_id) if e.source and e.source.entity_id else None,
                       "target_entity": entities.get(e.target.entity_id) if e.target and e.target.entity_id else None})
    mention_types = sorted({m.type for m in a.mentions})
    return page(
        request, "article.html", title=a.document.title or a.document.id, a=a, d=a.document,
        blocks=blocks(a, marks), events=events, entities=entities, mention_types=mention_types,
        **{k: data[k] for k in ("copies", "story", "summary")},
    )
