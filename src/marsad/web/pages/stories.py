"""Stories: article clusters about one news event, latest first; one story's articles."""

from __future__ import annotations

from fastapi import Path, Query, Request
from fastapi.responses import HTMLResponse

from marsad.store.reads.stories import count_stories, get_story, list_stories
from marsad.web.errors import not_found
from marsad.web.pages.common import pager, reader, state
from marsad.web.render import page

PAGE_SIZE = 50


def stories_page(request: Request, page_: int = Query(1, alias="page", ge=1, le=10000)) -> HTMLResponse:
    st = state(request)
    store = reader(request)
    total = st.cached("stories_n", lambda: count_stories(store))
    pg = pager(total, page_, PAGE_SIZE)
    rows = st.cached(("stories", pg["offset"]),
                     lambda: list_stories(store, limit=PAGE_SIZE, offset=pg["offset"]))
    return page(request, "stories.html", title="", rows=rows, pg=pg)


def story_page(request: Request, story_id: str = Path(..., max_length=300)) -> HTMLResponse:
    story = get_story(reader(request), story_id)
    if story is None:
        raise not_found(f"story {story_id}")
    return page(request, "story.html", title=story["headline"], story=story)
