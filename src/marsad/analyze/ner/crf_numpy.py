"""The CRF's label marginals computed in numpy from its weights, for the ensemble.

python-crfsuite wants every token's features as strings (~33 a token), looks each one up,
then answers one ``marginal(label, i)`` call at a time: about a third of tagging time went
there. Here the weights are read once from the model file into a matrix, and a word
type's own features — and its features as seen from each neighbour slot — are summed
once and cached as a row of scores, so per position only the features that its word type
does not fix (:meth:`FeatureExtractor.position_features`) are looked up. Forward-backward
then runs for a whole batch of sentences at once (:func:`neural.chain_marginals`, shared
with the network's CRF layer). Same numbers as crfsuite (a test holds them within 1e-5);
training still uses crfsuite.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import pairwise
from operator import is_not
from typing import TypeGuard, cast

import numpy as np

from marsad.analyze.ner.features import KB_COARSE, FeatureExtractor
from marsad.analyze.ner.neural import LABELS, chain_marginals

# filter(_known, ...): leave out the Nones (a row may be 0). A C-level partial, not a def,
# as it runs per feature; the cast tells the type checker that it narrows int | None to int.
_known = cast("Callable[[int | None], TypeGuard[int]]", partial(is_not, None))

# word types whose score rows are kept (with their neighbour-slot rows, ~20 MB); past it
# the cache starts over
MAX_TYPES = 100_000


@dataclass(frozen=True)
class CrfWeights:
    """A crfsuite model's weights as arrays: read once per model, shared by every thread's
    :class:`NumpyCrf` (only their caches are per thread)."""

    attr: dict[str, int]  # attribute -> row of ``rows``
    rows: np.ndarray  # (attributes + 1, labels) state weights; the last row is zero
    trans: np.ndarray  # (labels, labels) transition weights; -inf into or out of unseen labels
    start: np.ndarray  # (labels,) 0, or -inf for a label the model never saw

    @classmethod
    def read(cls, tagger) -> CrfWeights:
        """From an open ``pycrfsuite.Tagger`` (its model dump, ~0.15 s)."""
        info = tagger.info()
        col = {lab: LABELS.index(lab) for lab in info.labels if lab in LABELS}
        attr: dict[str, int] = {}
        weights: list[np.ndarray] = []
        for (a, lab), w in info.state_features.items():
            j = col.get(lab)
            if j is None or not w:
                continue
            r = attr.get(a)
            if r is None:
                r = attr[a] = len(weights)
                weights.append(np.zeros(len(LABELS)))
            weights[r][j] += w
        weights.append(np.zeros(len(LABELS)))  # the last row: no feature
        trans = np.full((len(LABELS), len(LABELS)), -np.inf)
        known = [col[lab] for lab in col]
        trans[np.ix_(known, known)] = 0.0
        for (a, b), w in info.transitions.items():
            if a in col and b in col:
                trans[col[a], col[b]] = w
        # labels the model never saw can neither start nor follow: probability 0
        start = np.full(len(LABELS), -np.inf)
        start[known] = 0.0
        return cls(attr, np.array(weights, dtype=np.float32), trans, start)


class NumpyCrf:
    """Score rows of a crfsuite model, keyed by attribute and cached per word type."""

    def __init__(self, weights: CrfWeights, extractor: FeatureExtractor):
        self.weights = weights
        self.attr = weights.attr
        self._rows = weights.rows
        self.extractor = extractor
        # word type -> its first score row: its own features, then one row per neighbour
        # slot (its features as seen from there), allocated together
        self._base: dict[str, int] = {}
        self._reset_table()

    def _reset_table(self) -> None:
        """Score rows: the weights, then the cached per-type sums (grown by doubling)."""
        self._base.clear()
        self._table = np.zeros((2 * len(self._rows) + 1024, len(LABELS)), np.float32)
        self._table[: len(self._rows)] = self._rows
        self._n_rows = len(self._rows)
        self._pending: list[Sequence[str]] = []

    def _type_rows(self, tok: str) -> int:
        """The first of a word type's score rows (see ``_base``), summed by
        :meth:`_fill_rows`."""
        ext = self.extractor
        base = self._n_rows + len(self._pending)
        self._pending.append(ext._type(tok)[0])
        self._pending.extend(ext._shift(tok))
        self._base[tok] = base
        return base

    def _fill_rows(self) -> None:
        """Sum the weights of the pending rows' features, all in one numpy call."""
        if not self._pending:
            return
        get = self.attr.get
        flat: list[int] = []
        starts: list[int] = []
        zero = len(self._rows) - 1  # every segment gets the zero row: none is empty
        for feats in self._pending:
            starts.append(len(flat))
            flat.append(zero)
            flat.extend(filter(_known, map(get, feats)))
        sums = np.add.reduceat(self._rows[flat], starts, axis=0)
        end = self._n_rows + len(sums)
        if end > len(self._table):
            grown = np.zeros((max(2 * len(self._table), end), len(LABELS)), np.float32)
            grown[: self._n_rows] = self._table[: self._n_rows]
            self._table = grown
        self._table[self._n_rows : end] = sums
        self._n_rows = end
        self._pending = []

    def emissions(self, sents: Sequence[Sequence[str]], contexts=None) -> list[np.ndarray]:
        """Per sentence (n, labels) state scores: what crfsuite sums over the features of
        :meth:`FeatureExtractor.sentence`.

        The score rows of each token (its type's, its neighbours' from their slots, its
        position features') are laid out for the whole batch as columns of one integer
        matrix (-1: no such feature), built with numpy and dict lookups instead of a loop
        over tokens and feature strings; read row by row, they are the rows
        :meth:`_emissions_per_token` lists, in the same order, so ``np.add.reduceat`` sums
        the same numbers in the same order (the same float32 results, bit for bit)."""
        ext = self.extractor
        if len(self._base) > MAX_TYPES:
            self._reset_table()
        if ext.memory is not None or KB_COARSE or (ext.context is not None and contexts is None):
            return self._emissions_per_token(sents, contexts)
        lens = [len(s) for s in sents]
        tokens = [t for s in sents for t in s]
        if not tokens:
            return [np.zeros((0, len(LABELS)))] * len(sents)
        base_of = self._base
        # a new type gets its rows now (so a repeat later in the batch finds them)
        bases = np.array([b if (b := base_of.get(t)) is not None else self._type_rows(t)
                          for t in tokens], dtype=np.int64)
        n_tok = len(tokens)
        size = np.repeat(np.asarray(lens, dtype=np.int64), lens)  # its sentence's length
        pos = np.arange(n_tok) - np.repeat(np.cumsum(lens) - lens, lens)  # index within it
        at = np.arange(n_tok)
        cols = [bases]
        for slot, o in enumerate(ext._offsets):
            inside = (pos + o >= 0) & (pos + o < size)
            cols.append(np.where(inside, bases[np.clip(at + o, 0, n_tok - 1)] + 1 + slot, -1))
        cols += self._position_columns(sents, tokens, pos, size, contexts)
        grid = np.stack(cols, axis=1)
        present = grid >= 0
        rows = grid[present]  # row-major: token by token, each token's rows in column order
        starts = np.concatenate([[0], np.cumsum(present.sum(axis=1))[:-1]])
        self._fill_rows()
        em = np.add.reduceat(self._table[rows], starts, axis=0)
        return np.split(em, np.cumsum(lens)[:-1])

    def _position_columns(self, sents: Sequence[Sequence[str]], tokens: list[str],
                          pos: np.ndarray, size: np.ndarray, contexts) -> list[np.ndarray]:
        """The rows of :meth:`FeatureExtractor.position_features`, one column per feature
        in the order it lists them (-1 where a token has none, or the model does not know
        it): phrase tags, the ±window neighbours' tags or the sentence edge, contextual
        clusters, word bigrams."""
        ext = self.extractor
        get = self.attr.get
        type_key = ext._type
        keys_of: dict[str, str] = {}
        keys = [keys_of[t] if t in keys_of else keys_of.setdefault(t, type_key(t)[2])
                for t in tokens]
        gaz: list[str] = []
        kbt: list[str] | None = [] if ext.kbg is not None else None
        pos0 = 0
        for s in sents:
            n = len(s)
            if n:
                gaz += ext.gaz_tags(keys[pos0 : pos0 + n])
                if kbt is not None:
                    kbt += ext.kb_tags(keys[pos0 : pos0 + n])
            pos0 += n

        def ids(prefix: str, tags: list[str]) -> np.ndarray:
            return np.array([get(prefix + g, -1) if g else -1 for g in tags], dtype=np.int64)

        cols = [ids("G=", gaz)]
        if kbt is not None:
            cols.append(ids("K=", kbt))
        for o in ext._offsets:
            inside = (pos + o >= 0) & (pos + o < size)
            if o == 1 or o == -1:
                for prefix, tags in ((f"{o}G=", gaz), (f"{o}K=", kbt)):
                    if tags is None:
                        continue
                    shifted = tags[1:] + [""] if o == 1 else [""] + tags[:-1]
                    cols.append(np.where(inside, ids(prefix, shifted), -1))
            cols.append(np.where(inside, -1, get(f"{o}BOS" if o < 0 else f"{o}EOS", -1)))
        if ext.context is not None:
            lc = np.concatenate([np.asarray(c).reshape(len(s), -1)
                                 for s, c in zip(sents, contexts) if len(s)])
            for g in range(lc.shape[1]):
                cols.append(self._cluster_rows(g, int(lc[:, g].max(initial=0)))[lc[:, g]])
        pairs = [a + "|" + b for a, b in pairwise(keys)]
        before = np.array([-1] + [get("wb=" + p, -1) for p in pairs], dtype=np.int64)
        after = np.array([get("wa=" + p, -1) for p in pairs] + [-1], dtype=np.int64)
        cols.append(np.where(pos > 0, before, -1))
        cols.append(np.where(pos + 1 < size, after, -1))
        return cols

    def _cluster_rows(self, g: int, top: int) -> np.ndarray:
        """Row of feature ``lc{g}={c}`` for every cluster id c up to at least ``top``."""
        tables = self.__dict__.setdefault("_lc_rows", {})
        t = tables.get(g)
        if t is None or len(t) <= top:
            get = self.attr.get
            t = tables[g] = np.array([get(f"lc{g}={c}", -1) for c in range(max(top + 1, 1024))],
                                     dtype=np.int64)
        return t

    def _emissions_per_token(self, sents: Sequence[Sequence[str]], contexts=None
                             ) -> list[np.ndarray]:
        """:meth:`emissions` a token at a time, from the feature strings of
        :meth:`FeatureExtractor.position_features` (any feature settings; the tests hold
        the fast path to it)."""
        ext = self.extractor
        base_of, get = self._base, self.attr.get
        slots = list(enumerate(ext._offsets))  # (slot, offset): ext.neighbour_slots, inlined
        rows: list[int] = []
        starts: list[int] = []
        for k, toks in enumerate(sents):
            extras = ext.position_features(toks, None if contexts is None else contexts[k])
            n = len(toks)
            # a new type gets its rows now (so a repeat later in the sentence finds them)
            bases = [b if (b := base_of.get(t)) is not None else self._type_rows(t) for t in toks]
            for i in range(n):
                starts.append(len(rows))
                rows.append(bases[i])
                for slot, o in slots:
                    if 0 <= i + o < n:
                        rows.append(bases[i + o] + 1 + slot)
                rows.extend(filter(_known, map(get, extras[i])))
        if not starts:
            return [np.zeros((0, len(LABELS)))] * len(sents)
        self._fill_rows()
        em = np.add.reduceat(self._table[rows], starts, axis=0)
        return np.split(em, np.cumsum([len(s) for s in sents])[:-1])

    def marginals(self, sents: Sequence[Sequence[str]], contexts=None) -> list[np.ndarray]:
        """Per sentence (n, labels) label marginals, float32 like the networks'."""
        w = self.weights
        return chain_marginals(self.emissions(sents, contexts), w.trans, w.start)
