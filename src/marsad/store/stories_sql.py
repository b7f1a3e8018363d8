"""Stories in the database: :class:`marsad.analyze.stories.StoryStore` over a store
transaction (:class:`marsad.store.sql.Tx`), plus the read clustering needs (articles without a story); the story listing is
:func:`marsad.store.reads.stories.list_stories`.

Uses the ``stories`` table of schema version 2 (id, headline, first_date, last_date,
article_count, top_entities JSON, state JSON) and ``documents.story_id``, with the date index of version 3 that keeps "stories active
around these dates" an indexed query (all DDL is in :mod:`marsad.store.schema`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from marsad.analyze.stories import (
    DEFAULT,
    Story,
    StoryArticle,
    StoryConfig,
    TermWeights,
    article_from_analysis,
)
from marsad.model import Analysis
from marsad.store.rows import Tx


def _story(row: dict[str, Any]) -> Story:
    return Story.from_state(
        id=row["id"], headline=row["headline"], first_date=row["first_date"],
        last_date=row["last_date"], article_count=int(row["article_count"]),
        state=json.loads(row["state"] or "{}"),
    )


_COLS = "id, headline, first_date, last_date, article_count, top_entities, state"


class SQLStoryStore:
    """The StoryStore of a marsad database, inside one transaction."""

    def __init__(self, tx: Tx):
        self.tx = tx

    def stories_between(self, start: str, end: str) -> list[Story]:
        rows = self.tx.execute(
            f"SELECT {_COLS} FROM stories WHERE (last_date >= ? AND first_date <= ?) "
            "OR last_date IS NULL OR first_date IS NULL",
            (start, end),
        )
        return [_story(r) for r in rows]

    def story_ids(self, doc_ids: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        ids = list(doc_ids)
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            rows = self.tx.execute(
                "SELECT id, story_id FROM documents WHERE story_id IS NOT NULL "
                f"AND id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            out.update({r["id"]: r["story_id"] for r in rows})
        return out

    def save(self, stories: Sequence[Story], assignments: Sequence[tuple[str, str]]) -> None:
        self.tx.executemany(
            f"INSERT INTO stories ({_COLS}) VALUES (?,?,?,?,?,?,?) "
            "ON CONFLICT(id) DO UPDATE SET headline = excluded.headline, "
            "first_date = excluded.first_date, last_date = excluded.last_date, "
            "article_count = excluded.article_count, top_entities = excluded.top_entities, "
            "state = excluded.state",
            [
                (s.id, s.headline, s.first_date, s.last_date, s.article_count,
                 json.dumps(s.top_entities(), ensure_ascii=False),
                 json.dumps(s.state(), ensure_ascii=False))
                for s in stories
            ],
        )
        self.tx.executemany(
            "UPDATE documents SET story_id = ? WHERE id = ?",
            [(sid, doc) for doc, sid in assignments],
        )


def unassigned_ids(tx: Tx) -> list[str]:
    """Documents without a story, oldest first (clustering goes in date order)."""
    rows = tx.execute(
        "SELECT id FROM documents WHERE story_id IS NULL ORDER BY published NULLS FIRST, id")
    return [r["id"] for r in rows]


def has_unassigned(store: Any) -> bool:
    """Whether any stored document has no story yet (an indexed read, no write lock)."""
    return bool(store.fetchall("SELECT 1 AS x FROM documents WHERE story_id IS NULL LIMIT 1"))


def articles_of(tx: Tx, doc_ids: Sequence[str], *, weights: TermWeights,
                config: StoryConfig = DEFAULT) -> list[StoryArticle]:
    """Clustering features of stored documents (from their stored Analysis)."""
    out: list[StoryArticle] = []
    ids = list(doc_ids)
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        rows = tx.execute(
            f"SELECT analysis FROM documents WHERE id IN ({','.join('?' * len(chunk))})", chunk)
        for r in rows:
            a = Analysis.from_json(r["analysis"])
            out.append(article_from_analysis(a, weights=weights, config=config))
    return out


def cluster_unassigned(store: Any, *, config: StoryConfig | None = None, batch: int = 2000,
                       known: Mapping[str, StoryArticle] | None = None) -> dict[str, int]:
    """Fold every stored article without a story into the stories (new or existing), one
    transaction per ``batch`` articles. ``known``: clustering features already computed
    (the ingest keeps those of the articles it has just written), taken as given; the
    others are computed from the stored analyses. Used by ``marsad stories`` and after an
    ingest (:mod:`marsad.run.collect`)."""
    from marsad.analyze.stories import DEFAULT, default_weights, update_stories

    cfg = config or DEFAULT
    totals = {"articles": 0, "new_stories": 0, "extended_stories": 0}
    if not has_unassigned(store):  # the common case after a run with nothing new: no lock
        return totals
    with store.transaction() as tx:
        todo = unassigned_ids(tx)
    memo = known or {}
    weights: TermWeights | None = None
    for i in range(0, len(todo), batch):
        chunk = todo[i : i + batch]
        rest = [d for d in chunk if d not in memo]
        if rest and weights is None:
            weights = default_weights()
        with store.transaction() as tx:
            arts = [memo[d] for d in chunk if d in memo]
            if rest:
                assert weights is not None
                arts += articles_of(tx, rest, weights=weights, config=cfg)
            rep = update_stories(SQLStoryStore(tx), arts, config=cfg)
        for k in totals:
            totals[k] += getattr(rep, k)
    return totals
    with store.transaction() as tx:
        todo = unassigned_ids(tx)
    if not todo:
        return totals
    weights = default_weights()
    for i in range(0, len(todo), batch):
        with store.transaction() as tx:
            arts = articles_of(tx, todo[i : i + batch], weights=weights, config=cfg)
            rep = update_stories(SQLStoryStore(tx), arts, config=cfg)
        for k in totals:
            totals[k] += getattr(rep, k)
    return totals
