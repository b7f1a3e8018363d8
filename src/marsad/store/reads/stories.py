"""Story reads: the one story listing (web, API and ``marsad stories``) and a story's page."""

from __future__ import annotations

import json
from typing import Any

from marsad.store.base import Store
from marsad.store.event_filters import (
    DOC_COLUMNS,
    check_page,
)


def _story_row(r: dict[str, Any]) -> dict[str, Any]:
    r = dict(r)
    raw = r.get("top_entities")
    try:
        r["top_entities"] = json.loads(raw) if raw else []
    except (TypeError, ValueError):
        r["top_entities"] = []
    return r


_STORY_AGG = (
    "(SELECT story_id, COUNT(*) AS n, MIN(published) AS first_pub, MAX(published) AS last_pub, "
    "MIN(id) AS any_doc FROM documents WHERE story_id IS NOT NULL GROUP BY story_id)"
)


def count_stories(store: Store) -> int:
    return int(store.fetchall(
        "SELECT COUNT(*) AS n FROM (SELECT DISTINCT story_id FROM documents WHERE story_id IS NOT NULL) x"
    )[0]["n"])


def story_sizes(store: Store, *, min_articles: int) -> tuple[int, int]:
    """(stories of at least ``min_articles`` articles, articles that stand alone: stories
    of one), in one pass: what the stories page lists by default and what it leaves out."""
    r = store.fetchall(
        "SELECT COALESCE(SUM(CASE WHEN x.n >= ? THEN 1 ELSE 0 END), 0) AS listed, "
        "COALESCE(SUM(CASE WHEN x.n = 1 THEN 1 ELSE 0 END), 0) AS singles FROM "
        "(SELECT COUNT(*) AS n FROM documents WHERE story_id IS NOT NULL GROUP BY story_id) x",
        [min_articles])[0]
    return int(r["listed"]), int(r["singles"])


def list_stories(store: Store, *, limit: int = 50, offset: int = 0, min_articles: int = 1,
                 since: str | None = None, terms: bool = False) -> list[dict[str, Any]]:
    """Stories (article clusters), latest activity first, the biggest first on the same
    day: the one listing, for the web, the API and ``marsad stories``. Counts and dates
    come from the articles (a story the clustering has not saved yet is listed too); the
    ``stories`` table gives headline and top entities when the story stage filled it.
    ``min_articles``: at least that many articles; ``since``: active on or after that day;
    ``terms``: add each story's ``top_terms`` (read from its clustering state)."""
    check_page(limit, offset, max_limit=5000)
    where = ["a.n >= ?"]
    args: list[Any] = [min_articles]
    last = "COALESCE(s.last_date, substr(a.last_pub, 1, 10))"
    if since:
        where.append(f"{last} >= ?")
        args.append(since)
    rows = store.fetchall(
        "SELECT a.story_id AS id, a.n AS article_count, "
        "COALESCE(s.first_date, substr(a.first_pub, 1, 10)) AS first_date, "
        f"{last} AS last_date, COALESCE(s.headline, d.title) AS headline, s.top_entities"
        + (", s.state" if terms else "")
        + f" FROM {_STORY_AGG} a LEFT JOIN stories s ON s.id = a.story_id "
        f"LEFT JOIN documents d ON d.id = a.any_doc WHERE {' AND '.join(where)} "
        "ORDER BY last_date DESC, a.n DESC, a.story_id LIMIT ? OFFSET ?",
        [*args, limit, offset],
    )
    out = [_story_row(r) for r in rows]
    if terms:
        for r in out:
            r["top_terms"] = _top_terms(r, r.pop("state", None))
    return out


def _top_terms(r: dict[str, Any], state: str | None) -> list[str]:
    from marsad.analyze.stories import Story

    try:
        parsed = json.loads(state) if state else {}
    except (TypeError, ValueError):
        parsed = {}
    story = Story.from_state(id=r["id"], headline=r["headline"] or "", first_date=r["first_date"],
                             last_date=r["last_date"], article_count=int(r["article_count"]), state=parsed)
    return story.top_terms()


def get_story(store: Store, story_id: str) -> dict[str, Any] | None:
    rows = store.fetchall(
        "SELECT id, headline, first_date, last_date, article_count, top_entities "
        "FROM stories WHERE id = ?",
        [story_id],
    )
    docs = store.fetchall(
        f"SELECT {DOC_COLUMNS} FROM documents d WHERE d.story_id = ? ORDER BY d.published, d.id LIMIT 500",
        [story_id],
    )
    if not rows and not docs:
        return None
    story: dict[str, Any] = _story_row(rows[0]) if rows else {"id": story_id, "top_entities": []}
    pubs = [d["published"] for d in docs if d["published"]]
    story.setdefault("headline", None)
    story["headline"] = story.get("headline") or (docs[0]["title"] if docs else story_id)
    story["first_date"] = story.get("first_date") or (min(pubs)[:10] if pubs else None)
    story["last_date"] = story.get("last_date") or (max(pubs)[:10] if pubs else None)
    story["article_count"] = len(docs)
    story["documents"] = docs
    return story
