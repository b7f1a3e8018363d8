"""Stories: article clusters about one news event, latest first; one story's articles."""

from __future__ import annotations

from fastapi import Path, Query, Request
from fastapi.responses import HTMLResponse

from marsad.store.reads.stories import get_story, list_stories, story_sizes
from marsad.web.errors import not_found
from marsad.web.pages.common import pager, reader, state
from marsad.web.render import page

PAGE_SIZE = 50
# a "story" of one article is an article no other tells: on 3,001 real articles 1,665 of the
# 1,958 stories. Listed by default are stories of at least this many (as `marsad stories`).
MIN_ARTICLES = 2


def stories_page(request: Request, page_: int = Query(1, alias="page", ge=1, le=10000),
                 singles: bool = Query(False, description="list one-article stories too")) -> HTMLResponse:
    st = state(request)
    store = reader(request)
    least = 1 if singles else MIN_ARTICLES
    total, alone = st.cached(("story_sizes", least), lambda: story_sizes(store, min_articles=least))
    pg = pager(total, page_, PAGE_SIZE)
    rows = st.cached(("stories_page", pg["offset"], least),
                     lambda: list_stories(store, limit=PAGE_SIZE, offset=pg["offset"], min_articles=least))
    return page(request, "stories.html", title="", rows=rows, pg=pg, singles=singles, alone=alone)


def story_page(request: Request, story_id: str = Path(..., max_length=300)) -> HTMLResponse:
    story = get_story(reader(request), story_id)
    if story is None:
        raise not_found(f"story {story_id}")
    return page(request, "story.html", title=story["headline"], story=story)
