"""Token features for the CRF tagger.

Per word *type* (cached): the matching key, its clitic segmentation (و ف ب ل ك ال
prefixes, pronoun suffixes via :mod:`marsad.text.stem`), affixes, shape, word clusters of
the word and of its clitic-free stem at three granularities, and which cue/gazetteer lists
hold it. Per *position*: the features of the neighbours in a ±2 window (a subset, with the
offset in the name) and the longest multi-word gazetteer match. Everything is a string
feature; the per-type lists are built once and concatenated, which keeps feature
extraction fast enough for >20k tokens/s.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from marsad.analyze.ner.clusters import token_key
from marsad.analyze.ner.gazetteer import Gazetteer, span_tags
from marsad.text.normalize import remove_invisible
from marsad.text.stem import strip_prefixes, strip_suffixes

if TYPE_CHECKING:
    from marsad.analyze.ner.context import ContextClusters

_PUNCT = set("""!"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~«»،؛؟…“”‘’–—""")
# also emit the KB type alone (K=B-ORG) besides type.kind (K=B-ORG.party)? Tried: ensemble
# dev F1 78.16 with it, 78.30 without (the kind matters: ANERcorp labels some kinds of
# organization and not others)
KB_COARSE = False
_DEF = ("وبال", "وكال", "فبال", "وال", "فال", "بال", "كال", "ولل", "فلل", "لل", "ال")


@dataclass(frozen=True)
class FeatureSettings:
    """What the feature extractor uses; recorded in the model directory."""

    clusters: bool = True
    gazetteer: bool = True
    window: int = 2
    affixes: bool = True
    clusters_file: str = "clusters.tsv.gz"  # in marsad/resources/ner
    kb: bool = False  # knowledge-base alias/nisba/MISC-word features (see :mod:`kbfeat`)
    context: bool = False  # contextual clusters from a news language model (:mod:`context`)
    memory: bool = False  # the training annotation's names, jackknifed (:mod:`memory`)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def segment(key: str) -> tuple[str, str, str]:
    """(prefix clitics, stem, suffix) of a matching key: وبالمدينه -> (وبال, مدينه, "")."""
    if not key or not ("\u0621" <= key[0] <= "\u064a"):
        return "", key, ""
    rest = strip_prefixes(key)
    pre = key[: len(key) - len(rest)] if key.endswith(rest) else ""
    core = strip_suffixes(rest) if len(rest) > 4 else rest
    suf = rest[len(core) :]
    return pre, rest, suf


_ARABIC = re.compile(r"[\u0621-\u065f\u0670-\u06d3]+")
_LATIN = re.compile(r"[A-Za-z]+")
_NUMBER = re.compile(r"[\d.,\u066b\u066c]+")
_HAS_DIGIT = re.compile(r"\d")


def shape(tok: str) -> str:
    t = remove_invisible(tok)
    if not t:
        return "empty"
    if _ARABIC.fullmatch(t):
        return "ar"
    if all(c in _PUNCT for c in t):
        return "punct"
    if _HAS_DIGIT.search(t):
        return "digit" if _NUMBER.fullmatch(t) else "alnum"
    if _LATIN.fullmatch(t):
        return "LAT" if t[0].isupper() else "lat"
    if all("\u0600" <= c <= "\u06ff" for c in t):
        return "ar"
    return "other"


class FeatureExtractor:
    """Turns a sentence of tokens into crfsuite feature lists."""

    def __init__(self, settings: FeatureSettings, clusters: dict[str, tuple[str, ...]] | None,
                 gazetteer: Gazetteer | None, context: ContextClusters | None = None):
        self.settings = settings
        self.context = context if settings.context else None
        self.clusters = clusters if settings.clusters else None
        self.gaz = gazetteer if settings.gazetteer else None
        self.kbg: Gazetteer | None = None
        if settings.kb:
            from marsad.analyze.ner.kbfeat import load_kb_gazetteer

            self.kbg = load_kb_gazetteer()
        self._kb_memo: dict[tuple[str, ...], list[str]] = {}
        # the memory of training names (:mod:`memory`): set by the model loader, and per
        # fold while training; None leaves the features out
        self.memory: Gazetteer | None = None
        self._type = lru_cache(maxsize=300_000)(self._type_features)
        self._shift = lru_cache(maxsize=300_000)(self._shifted)
        self._offsets = [o for o in range(-settings.window, settings.window + 1) if o]
        self._gaz_memo: dict[tuple[str, ...], tuple[list, list[str]]] = {}

    def _type_features(self, tok: str) -> tuple[tuple[str, ...], tuple[str, ...], str, tuple]:
        """(own features, context features without offset, key, (prefix, stem, shape, cue
        names, knowledge-base cue names)) of one word type."""
        key = token_key(tok)
        pre, rest, suf = segment(key)
        cl = self.clusters
        if cl is not None and rest != key and key in cl and rest not in cl \
                and "ال" + rest not in cl:
            # a known word whose "clitic" is part of the stem (بريطانيا, وليد): keep it whole
            pre, rest, suf = "", key, ""
        shp = shape(tok)
        own = ["b", "w=" + key, "sh=" + shp]
        ctx = ["w=" + key]
        if rest != key:
            own += ["s=" + rest, "pre=" + pre]
            ctx += ["s=" + rest, "pre=" + pre]
            if pre.endswith(("ال", "لل")):
                own.append("def")
        elif key.startswith("ال"):
            own.append("al")
        if suf:
            own += ["suf=" + suf, "core=" + rest[: len(rest) - len(suf)]]
        if self.settings.affixes and shp == "ar":
            n = len(rest)
            own += ["len=" + str(min(n, 10))]
            for k in (1, 2, 3, 4):
                if n > k:
                    own.append(f"x{k}=" + rest[-k:])
            for k in (2, 3):
                if n > k + 1:
                    own.append(f"f{k}=" + rest[:k])
        elif shp != "ar":
            ctx.append("sh=" + shp)
        # each list of names below is built once and goes into both tuples
        if self.clusters is not None:
            c = self.clusters.get(key)
            if c is not None:
                names = [f"c{i}=" + x for i, x in enumerate(c)]
                own += names
                ctx += names
            else:
                own.append("c=none")
            if rest != key:
                cs = self.clusters.get(rest)
                if cs is None and not pre.endswith("ال") and len(pre) < 3:
                    cs = self.clusters.get("ال" + rest)
                if cs is not None:
                    names = [f"sc{i}=" + x for i, x in enumerate(cs)]
                    own += names
                    ctx += names
        cues: list[str] = []
        if self.gaz is not None:
            cues = self.gaz.word_cues(key)
            names = ["g=" + name for name in cues]
            own += names
            ctx += names
        kb_cues: list[str] = []
        if self.kbg is not None:
            kb_cues = self.kbg.word_cues(key)
            names = ["k=" + name for name in kb_cues]
            own += names
            ctx += names
        return tuple(own), tuple(ctx), key, (pre, rest, shp, tuple(cues), tuple(kb_cues))

    def _shifted(self, tok: str) -> tuple[tuple[str, ...], ...]:
        """The context features of a type as seen from each offset -w..-1, 1..w."""
        ctx = self._type(tok)[1]
        out = []
        for o in self._offsets:
            feats = ctx if abs(o) == 1 else ctx[:2]
            out.append(tuple(f"{o}{f}" for f in feats))
        return tuple(out)

    def gaz_tags(self, keys: Sequence[str]) -> list[str]:
        """Multi-word gazetteer tags of a sentence (memoized for the last few sentences,
        which the neural encoder, the CRF and the overrides ask for again)."""
        if self.gaz is None:
            return [""] * len(keys)
        return self._gaz_match(keys)[1]

    def gaz_spans(self, keys: Sequence[str]) -> list[tuple[int, int, str, tuple[str, ...]]]:
        """The phrase matches behind :meth:`gaz_tags` (:meth:`Gazetteer.match_spans`)."""
        if self.gaz is None:
            return []
        return self._gaz_match(keys)[0]

    def _gaz_match(self, keys: Sequence[str]) -> tuple[list, list[str]]:
        assert self.gaz is not None
        k = tuple(keys)
        got = self._gaz_memo.get(k)
        if got is None:
            if len(self._gaz_memo) > 512:
                self._gaz_memo.clear()
            spans = self.gaz.match_spans(keys)
            got = self._gaz_memo[k] = (spans, span_tags(spans, len(keys)))
        return got

    def kb_tags(self, keys: Sequence[str]) -> list[str]:
        """Knowledge-base alias tags of a sentence (``B-ORG.party``; "" outside)."""
        if self.kbg is None:
            return [""] * len(keys)
        k = tuple(keys)
        tags = self._kb_memo.get(k)
        if tags is None:
            if len(self._kb_memo) > 512:
                self._kb_memo.clear()
            tags = self._kb_memo[k] = self.kbg.match(keys)
        return tags

    def context_labels(self, sents: Sequence[Sequence[str]]) -> list | None:
        """Contextual cluster ids of several sentences (one batched language-model pass),
        for :meth:`sentence`; None when the model has no contextual features."""
        if self.context is None:
            return None
        return self.context.labels(sents)

    def sentence(self, tokens: Sequence[str], context=None) -> list[list[str]]:
        """Feature lists of a sentence; ``context`` is its row of :meth:`context_labels`
        (computed here when not given). Each token's list is its word type's own
        features, its neighbours' (:meth:`neighbour_slots`), then :meth:`position_features`."""
        extras = self.position_features(tokens, context)
        out: list[list[str]] = []
        for i, tok in enumerate(tokens):
            f = list(self._type(tok)[0])
            for slot, j in self.neighbour_slots(i, len(tokens)):
                f.extend(self._shift(tokens[j])[slot])
            f.extend(extras[i])
            out.append(f)
        return out

    def neighbour_slots(self, i: int, n: int) -> list[tuple[int, int]]:
        """(slot, position) of the in-sentence neighbours of position ``i`` in the ±window:
        the neighbour's per-type features as seen from that slot (:meth:`_shifted`)."""
        return [(slot, i + o) for slot, o in enumerate(self._offsets) if 0 <= i + o < n]

    def position_features(self, tokens: Sequence[str], context=None) -> list[list[str]]:
        """The features of each position that its word type alone does not fix: phrase
        matches (its own and its ±1 neighbours'), sentence edges, contextual clusters and
        word bigrams; and the memory of training names (:mod:`memory`). Per-type features
        are cached; these are built per sentence."""
        n = len(tokens)
        keys = [self._type(t)[2] for t in tokens]
        gaz = self.gaz_tags(keys)
        mem = None
        if self.memory is not None:
            from marsad.analyze.ner.memory import memory_features

            mem = memory_features(self.memory, keys)
        kbt = self.kb_tags(keys) if self.kbg is not None else None
        lc = None
        if self.context is not None and n:
            lc = (context if context is not None else self.context.labels([tokens])[0]).tolist()
        out: list[list[str]] = []
        for i in range(n):
            f: list[str] = []
            if gaz[i]:
                f.append("G=" + gaz[i])
            if kbt is not None and kbt[i]:
                f.append("K=" + kbt[i])
                if KB_COARSE:
                    f.append("K=" + kbt[i].split(".")[0])
            for o in self._offsets:
                j = i + o
                if 0 <= j < n:
                    if (o == 1 or o == -1) and gaz[j]:
                        f.append(f"{o}G=" + gaz[j])
                    if kbt is not None and (o == 1 or o == -1) and kbt[j]:
                        f.append(f"{o}K=" + (kbt[j].split(".")[0] if KB_COARSE else kbt[j]))
                else:
                    f.append(f"{o}BOS" if o < 0 else f"{o}EOS")
            if lc is not None:
                f.extend(f"lc{g}={c}" for g, c in enumerate(lc[i]))
            if i > 0:
                f.append("wb=" + keys[i - 1] + "|" + keys[i])
            if i + 1 < n:
                f.append("wa=" + keys[i] + "|" + keys[i + 1])
            if mem is not None:
                f.extend(mem[i])
            out.append(f)
        return out
