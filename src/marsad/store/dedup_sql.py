"""Near-duplicate grouping against the database: :class:`marsad.analyze.dedup.DedupIndex`
over a store transaction (:class:`marsad.store.sql.Tx`, portable SQL, ``?`` placeholders).

A lookup is two indexed queries, never a rebuild: the band keys of the new signature hit
``dedup_bands``' primary key (band, doc_id), the documents sharing most bands come first,
and their signatures come from ``dedup_signatures`` (a small row, not the whole Analysis
JSON). Tables: ``dedup_bands`` and ``documents.dup_group`` (schema version 2),
``dedup_signatures`` (version 3); all DDL is in :mod:`marsad.store.schema`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from marsad.analyze.dedup import DEFAULT, Candidate, DedupConfig, DuplicateGrouper, DupMatch
from marsad.model import Analysis
from marsad.store.rows import Tx


def encode_signature(sig: Sequence[int]) -> str:
    """MinHash values as hex (8 digits each): portable TEXT for SQLite and PostgreSQL."""
    return np.asarray(sig, dtype=">u4").tobytes().hex()


def decode_signature(s: str) -> list[int]:
    return np.frombuffer(bytes.fromhex(s), dtype=">u4").astype(np.int64).tolist()


class SQLDedupIndex:
    """The DedupIndex of a marsad database, inside one transaction."""

    def __init__(self, tx: Tx):
        self.tx = tx

    def candidates(self, keys: Sequence[str], *, limit: int) -> list[Candidate]:
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        rows = self.tx.execute(
            "SELECT b.doc_id AS doc_id, COUNT(*) AS shared FROM dedup_bands b "
            f"WHERE b.band IN ({marks}) GROUP BY b.doc_id ORDER BY shared DESC, b.doc_id LIMIT ?",
            (*keys, limit),
        )
        return self._entries([r["doc_id"] for r in rows])

    def lookup(self, doc_id: str) -> Candidate | None:
        found = self._entries([doc_id])
        return found[0] if found else None

    def _entries(self, ids: list[str]) -> list[Candidate]:
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = self.tx.execute(
            "SELECT s.doc_id AS doc_id, s.signature AS signature, "
            "COALESCE(d.dup_group, d.id) AS grp FROM dedup_signatures s "
            f"JOIN documents d ON d.id = s.doc_id WHERE s.doc_id IN ({marks})",
            ids,
        )
        by_id = {r["doc_id"]: Candidate(r["doc_id"], r["grp"], decode_signature(r["signature"]))
                 for r in rows}
        return [by_id[i] for i in ids if i in by_id]

    def add(self, doc_id: str, group_id: str, keys: Sequence[str], sig: Sequence[int]) -> None:
        self.tx.executemany(
            "INSERT INTO dedup_bands (band, doc_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
            [(k, doc_id) for k in keys],
        )
        self.tx.execute(
            "INSERT INTO dedup_signatures (doc_id, signature) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (doc_id, encode_signature(sig)),
        )
        self.tx.execute("UPDATE documents SET dup_group = ? WHERE id = ?", (group_id, doc_id))


def assign_dup_group(tx: Tx, analysis: Analysis, *, config: DedupConfig = DEFAULT) -> DupMatch:
    """Group a document whose ``documents`` row was just written in ``tx``; sets
    ``documents.dup_group`` (its own id when it starts a group or has no signature)."""
    match = DuplicateGrouper(SQLDedupIndex(tx), config=config).add_analysis(analysis)
    if not analysis.signature:
        tx.execute("UPDATE documents SET dup_group = ? WHERE id = ?",
                   (match.group_id, analysis.document.id))
    return match
