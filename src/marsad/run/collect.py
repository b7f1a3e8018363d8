"""The collection steps after an ingest: what needs many articles at once.

Near-duplicate groups and incidents are extended inside ``store.add``'s transaction, as
each batch is written. Stories are formed at the end, in date order over every article
that has no story yet: the new ones, whose clustering features were computed from their
analyses as they were written (kept in memory for up to ``STORY_MEMORY`` articles), and
any an interrupted run committed but never clustered (killed between its last batch and
this step), which are read back from the database. So the step runs after every
analysing run, also one that stored nothing new, and a crash never leaves an article
out of the stories for good.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from marsad.analyze.stories import StoryArticle, TermWeights
from marsad.model import Analysis

# features kept for clustering: ~27 KiB an article (measured on SaudiNewsNet), so at most
# ~27 MB; beyond, an article's features are computed from its stored analysis instead
STORY_MEMORY = 1000
CLUSTER_BATCH = 2000  # articles per clustering transaction


class StoryFeatures:
    """The clustering features of the articles a run has written, by document id."""

    def __init__(self, limit: int | None = None):
        self.limit = STORY_MEMORY if limit is None else limit
        self.articles: dict[str, StoryArticle] = {}
        self._weights: TermWeights | None = None

    def add(self, analyses: Iterable[Analysis]) -> None:
        from marsad.analyze.stories import article_from_analysis, default_weights

        for a in analyses:
            if len(self.articles) >= self.limit:
                return
            if self._weights is None:
                self._weights = default_weights()
            self.articles[a.document.id] = article_from_analysis(a, weights=self._weights)


def cluster_stories(store: Any, known: Mapping[str, StoryArticle] | None = None, *,
                    batch: int = CLUSTER_BATCH) -> dict[str, int]:
    """Fold every stored article without a story into the stories (new or existing), one
    transaction per ``batch`` articles, taking the features of ``known`` articles as
    given. Stores without the SQL story tables are left alone."""
    if not hasattr(store, "transaction"):
        return {}
    from marsad.store.stories_sql import cluster_unassigned

    return cluster_unassigned(store, batch=batch, known=known)


def fuse_incidents(store: Any) -> dict[str, int]:
    """Fuse the articles waiting in ``incident_pending``: those a database held when it was
    migrated to incidents (schema 6). New articles need no call: ``store.add`` fuses them as
    it writes them (:mod:`marsad.store.incidents_sql`). A no-op read when nothing waits."""
    if not hasattr(store, "transaction"):
        return {}
    from marsad.store.incidents_sql import fuse_pending

    return fuse_pending(store).as_dict()
