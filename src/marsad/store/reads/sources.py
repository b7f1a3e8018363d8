"""Source reads: each outlet's article counts, date span and topics."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from marsad.store.base import Store


def list_sources(store: Store) -> list[dict[str, Any]]:
    return store.fetchall(
        "SELECT COALESCE(d.source, '') AS source, COUNT(*) AS documents, "
        "COUNT(DISTINCT COALESCE(d.dup_group, d.id)) AS distinct_documents, "
        "MIN(substr(d.published, 1, 10)) AS first_date, MAX(substr(d.published, 1, 10)) AS last_date "
        "FROM documents d GROUP BY COALESCE(d.source, '') ORDER BY documents DESC, source"
    )


def source_topics(store: Store) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for r in store.fetchall(
        "SELECT COALESCE(source, '') AS source, topic, COUNT(*) AS n FROM documents "
        "WHERE topic IS NOT NULL GROUP BY COALESCE(source, ''), topic"
    ):
        out[r["source"]][r["topic"]] = int(r["n"])
    return dict(out)
