"""Stories: article clusters about one news event, latest first; one story's articles."""

from __future__ import annotations

from typing import Any

from fastapi import Path, Query, Request
from fastapi.responses import HTMLResponse

from marsad.store.reads.stories import get_story, list_stories, story_sizes
from marsad.web.errors import not_found
from marsad.web.pages.common import pager, reader, state
from marsad.web.render import page
from marsad.web.state import ServerState

PAGE_SIZE = 50
# a "story" of one article is an article no other tells: on 3,001 real articles 1,665 of the
# 1,958 stories. Listed by default are stories of at least this many (as `marsad stories`).
MIN_ARTICLES = 2


def sizes(st: ServerState, least: int) -> tuple[int, int]:
    """(stories listed, articles standing alone), cached per generation."""
    return st.cached(("story_sizes", least), lambda: story_sizes(st.reader(), min_articles=least))


def listed(st: ServerState, offset: int, least: int) -> list[dict[str, Any]]:
    """One page of the list, cached per generation."""
    return st.cached(("stories_page", offset, least),
                     lambda: list_stories(st.reader(), limit=PAGE_SIZE, offset=offset, min_articles=least))


def first_page(st: ServerState) -> None:
    """What the page's first view needs (the server's warm-up computes it)."""
    sizes(st, MIN_ARTICLES)
    listed(st, 0, MIN_ARTICLES)


def stories_page(request: Request, page_: int = Query(1, alias="page", ge=1, le=10000),
                 singles: bool = Query(False, description="list one-article stories too")) -> HTMLResponse:
    st = state(request)
    least = 1 if singles else MIN_ARTICLES
    total, alone = sizes(st, least)
    pg = pager(total, page_, PAGE_SIZE)
    rows = listed(st, pg["offset"], least)
    return page(request, "stories.html", title="", rows=rows, pg=pg, singles=singles, alone=alone)


def story_page(request: Request, story_id: str = Path(..., max_length=300)) -> HTMLResponse:
    story = get_story(reader(request), story_id)
    if story is None:
        raise not_found(f"story {story_id}")
    return page(request, "story.html", title=story["headline"], story=story)
