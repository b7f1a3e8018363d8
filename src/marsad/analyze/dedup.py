"""Near-duplicate fingerprints and grouping (MinHash + LSH banding).

Arabic news is syndicated: one agency story runs in many papers with a new headline, a
paragraph cut, paragraphs moved, and "اقرأ أيضا" teaser blocks added. The fingerprint is
therefore taken from the *body* only (the headline is what editors change first), over
word shingles that never cross a paragraph boundary (so moving paragraphs changes
nothing), after dropping teaser blocks and very short lines (captions, share buttons).

Two parts with different homes:

* :func:`signature` is pure: text in, MinHash values out. It is the ``signature`` stage.
* Grouping needs every earlier signature. :class:`DuplicateGrouper` holds the logic and
  talks to a :class:`DedupIndex` (band key -> document ids); :class:`MemoryDedupIndex`
  keeps it in memory, :mod:`marsad.store.dedup_sql` keeps it in the database so a lookup
  is an indexed query, never a rebuild.

A document joins the group of its most similar stored candidate when their estimated
Jaccard similarity reaches ``threshold``; groups never merge afterwards (a group id is
written once, at ingest), so the group id is the id of the first document seen.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import numpy as np

from marsad.model import Analysis, Document
from marsad.text.normalize import normalize_for_match


@dataclass(frozen=True)
class DedupConfig:
    """Fingerprint and grouping parameters. ``num_perm``, ``shingle``, ``seed`` and
    ``min_words`` change signatures, ``bands`` changes band keys: stored values are only
    comparable under the same settings."""

    num_perm: int = 128
    shingle: int = 4  # words per shingle
    seed: int = 1
    bands: int = 32  # LSH bands; rows per band = num_perm // bands
    threshold: float = 0.5  # estimated Jaccard at or above which two texts are copies
    min_words: int = 6  # paragraphs shorter than this are left out (captions, buttons)
    max_candidates: int = 50  # candidates verified per lookup (most shared bands first)

    def __post_init__(self) -> None:
        if self.num_perm % self.bands:
            raise ValueError(f"num_perm {self.num_perm} is not a multiple of bands {self.bands}")
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"threshold {self.threshold} is not in (0, 1]")

    @property
    def rows(self) -> int:
        return self.num_perm // self.bands


DEFAULT = DedupConfig()

# -- what is fingerprinted --------------------------------------------------------------

# "اقرأ أيضا:", "إقرا ايضًا", "قد يهمك أيضا", "شاهد أيضا", "مواضيع ذات صلة", "اقرأ المزيد",
# "اخبار متعلقة": a marker line, after which short teaser headlines follow. Matched on the
# normalized text (alef/hamza folded, diacritics gone).
_TEASER_MARKER = re.compile(
    r"^\W*(?:اقرا|شاهد|طالع|تابع|قد يهمك|يهمك|ربما يهمك|مواضيع|اخبار|مقالات|روابط)"
    r"(?:\s+\S+){0,3}?\s*(?:ايضا|المزيد|ذات صله|متعلقه|مرتبطه|ذات علاقه)\W*$"
)
_TEASER_MAX_WORDS = 20  # a teaser headline; a longer paragraph ends the teaser block
_TEASER_MAX_LINES = 5  # teaser headlines after one marker


# Shingling needs only a stable split of *normalized* text into words; the project
# tokenizer (marsad.text.words) keeps offsets and number formats and costs 6x more, which
# matters at ingest speed. Both split "normalized Arabic + digits" the same way.
_WORD = re.compile(r"[^\W_]+")


def _words(norm: str) -> list[str]:
    return _WORD.findall(norm)


def _paragraph_words(paragraphs: Sequence[str]) -> list[list[str]]:
    """Normalized words of each paragraph, teaser blocks left out: a marker line ("اقرأ
    أيضا:") and up to ``_TEASER_MAX_LINES`` short lines after it."""
    out: list[list[str]] = []
    teasers_left = 0
    for p in paragraphs:
        norm = normalize_for_match(p)
        ws = _words(norm)
        if not ws:
            continue
        if len(ws) <= 8 and _TEASER_MARKER.match(norm.strip().split("\n", 1)[0]):
            teasers_left = _TEASER_MAX_LINES
            continue
        if teasers_left and len(ws) <= _TEASER_MAX_WORDS:
            teasers_left -= 1
            continue
        teasers_left = 0
        out.append(ws)
    return out


def fingerprint_words(
    title: str, paragraphs: Sequence[str], *, config: DedupConfig = DEFAULT
) -> list[list[str]]:
    """The word sequences a fingerprint is built from: body paragraphs of at least
    ``min_words`` words, teaser blocks left out. A text made of short lines (a poem, a
    list) keeps all its lines; a text with almost no body adds its headline (a caption-only
    item is told apart by its headline)."""
    paras = _paragraph_words(paragraphs)
    enough = 4 * config.shingle
    long_ = [p for p in paras if len(p) >= config.min_words]
    if sum(map(len, long_)) >= enough:
        return long_
    if sum(map(len, paras)) >= enough:
        return paras
    allw = [w for p in (title, *paragraphs) for w in _words(normalize_for_match(p))]
    return [allw] if allw else []


_M1 = np.uint32(0x9E3779B1)
_M2 = np.uint32(0x85EBCA77)
_MASK32 = 0xFFFFFFFF


def shingle_hashes(paragraphs: Iterable[Sequence[str]], k: int) -> np.ndarray:
    """32-bit hashes of the distinct k-word shingles inside each paragraph (a paragraph
    shorter than k is one shingle). Words hash with CRC-32, so values are stable across
    processes and machines (they are stored)."""
    parts: list[np.ndarray] = []
    for ws in paragraphs:
        h = np.array([zlib.crc32(w.encode("utf-8")) for w in ws], dtype=np.uint32)
        if len(h) <= k:
            one = len(h)
            for x in h.tolist():
                one = (one * 0x9E3779B1 + x) & _MASK32
            parts.append(np.array([one], dtype=np.uint32))
            continue
        n = len(h) - k + 1
        acc: np.ndarray = np.full(n, k, dtype=np.uint32)
        for j in range(k):
            acc = acc * _M1 + h[j : j + n]
            acc ^= acc >> np.uint32(15)
            acc *= _M2
        parts.append(acc)
    if not parts:
        return np.empty(0, dtype=np.uint32)
    return np.unique(np.concatenate(parts))


@lru_cache(maxsize=8)
def _permutations(num_perm: int, seed: int) -> np.ndarray:
    from datasketch import MinHash

    return MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations


def _identity(x: int) -> int:
    return x


def minhash(hashes: np.ndarray, *, config: DedupConfig = DEFAULT) -> np.ndarray:
    """datasketch MinHash ("affine32" scheme) of precomputed 32-bit shingle hashes; the
    values are interchangeable with ``datasketch.MinHash(hashvalues=..., seed=...,
    scheme="affine32")``."""
    from datasketch import MinHash

    m = MinHash(
        num_perm=config.num_perm, seed=config.seed, hashfunc=_identity,
        permutations=_permutations(config.num_perm, config.seed), scheme="affine32",
    )
    if len(hashes):
        m.update_batch(hashes.tolist())
    return m.hashvalues


def signature(
    title: str, paragraphs: Sequence[str], *, config: DedupConfig = DEFAULT
) -> list[int] | None:
    """MinHash values of the document's shingles, or None for a document with no words."""
    paras = fingerprint_words(title, paragraphs, config=config)
    if not paras:
        return None
    hv = minhash(shingle_hashes(paras, config.shingle), config=config)
    return [int(x) for x in hv]


def document_signature(doc: Document, *, config: DedupConfig = DEFAULT) -> list[int] | None:
    return signature(doc.title, doc.paragraphs, config=config)


# -- comparing and banding ---------------------------------------------------------------


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of two signatures (share of equal MinHash values)."""
    if len(a) != len(b) or not len(a):
        return 0.0
    return float(np.mean(np.asarray(a, dtype=np.uint64) == np.asarray(b, dtype=np.uint64)))


_BAND_MUL = np.uint64(0x9E3779B97F4A7C15)


def band_keys(sig: Sequence[int], *, config: DedupConfig = DEFAULT) -> list[str]:
    """One key per LSH band: a 64-bit hash of (band number, that band's MinHash values),
    as 16 hex digits. Two signatures that agree on all rows of any band share a key, so a
    stored key lookup finds every candidate above ~(1/bands)**(1/rows) similarity."""
    v = np.asarray(sig, dtype=np.uint64).reshape(config.bands, config.rows)
    h = np.arange(1, config.bands + 1, dtype=np.uint64) * _BAND_MUL
    for j in range(config.rows):
        h = (h ^ v[:, j]) * _BAND_MUL
        h ^= h >> np.uint64(29)
    return [f"{int(x):016x}" for x in h]


# -- grouping ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A stored document that shares at least one band with the one being added."""

    doc_id: str
    group_id: str
    signature: Sequence[int]


@dataclass(frozen=True)
class DupMatch:
    """Where a document went: its group, and the stored copy that put it there."""

    doc_id: str
    group_id: str
    matched: str | None = None  # None: it starts a new group
    similarity: float = 0.0

    @property
    def is_copy(self) -> bool:
        return self.matched is not None


class DedupIndex(Protocol):
    """What grouping needs from persistence (see :mod:`marsad.store.dedup_sql`)."""

    def candidates(self, keys: Sequence[str], *, limit: int) -> list[Candidate]:
        """Stored documents sharing any of ``keys``, those sharing most keys first, at
        most ``limit``; each with its group id and signature."""
        ...

    def lookup(self, doc_id: str) -> Candidate | None:
        """The stored entry of ``doc_id`` (re-adding a document changes nothing)."""
        ...

    def add(self, doc_id: str, group_id: str, keys: Sequence[str], sig: Sequence[int]) -> None:
        ...


class MemoryDedupIndex:
    """A DedupIndex in dictionaries: for tests, evaluation and one-off batches."""

    def __init__(self) -> None:
        self.bands: dict[str, list[str]] = {}
        self.docs: dict[str, Candidate] = {}

    def candidates(self, keys: Sequence[str], *, limit: int) -> list[Candidate]:
        counts: dict[str, int] = {}
        for k in keys:
            for d in self.bands.get(k, ()):
                counts[d] = counts.get(d, 0) + 1
        best = sorted(counts, key=lambda d: -counts[d])[:limit]
        return [self.docs[d] for d in best]

    def lookup(self, doc_id: str) -> Candidate | None:
        return self.docs.get(doc_id)

    def add(self, doc_id: str, group_id: str, keys: Sequence[str], sig: Sequence[int]) -> None:
        self.docs[doc_id] = Candidate(doc_id, group_id, sig)
        for k in keys:
            self.bands.setdefault(k, []).append(doc_id)

    def __len__(self) -> int:
        return len(self.docs)


class DuplicateGrouper:
    """Assigns each new document to a duplicate group, against a persistent index."""

    def __init__(self, index: DedupIndex, *, config: DedupConfig = DEFAULT):
        self.index = index
        self.config = config

    def add(self, doc_id: str, sig: Sequence[int] | None) -> DupMatch:
        known = self.index.lookup(doc_id)
        if known is not None:
            return DupMatch(doc_id, known.group_id)
        if not sig:
            return DupMatch(doc_id, doc_id)  # nothing to compare: its own group, not indexed
        keys = band_keys(sig, config=self.config)
        best: Candidate | None = None
        best_sim = 0.0
        for c in self.index.candidates(keys, limit=self.config.max_candidates):
            s = similarity(sig, c.signature)
            if s > best_sim:
                best, best_sim = c, s
        if best is not None and best_sim >= self.config.threshold:
            match = DupMatch(doc_id, best.group_id, best.doc_id, best_sim)
        else:
            match = DupMatch(doc_id, doc_id)
        self.index.add(doc_id, match.group_id, keys, sig)
        return match

    def add_analysis(self, analysis: Analysis) -> DupMatch:
        return self.add(analysis.document.id, analysis.signature)


def group_signatures(
    items: Iterable[tuple[str, Sequence[int] | None]], *, config: DedupConfig = DEFAULT
) -> dict[str, str]:
    """doc id -> group id for a batch, in order, with a fresh in-memory index."""
    g = DuplicateGrouper(MemoryDedupIndex(), config=config)
    return {doc_id: g.add(doc_id, sig).group_id for doc_id, sig in items}


# -- the pipeline stage -----------------------------------------------------------------


def make_signature_stage(config: DedupConfig = DEFAULT):
    """Factory of the ``signature`` stage: writes ``analysis.signature``."""
    _permutations(config.num_perm, config.seed)  # build once, at load

    def signature_stage(analysis: Analysis) -> Analysis:
        sig = document_signature(analysis.document, config=config)
        analysis.signature = sig
        return analysis

    return signature_stage
