"""Keywords: the terms that set an article (or a set of search results) apart from news
in general.

Terms are light stems, so inflected and cliticized forms count together (سورية, وسوريا,
بسوريا); each is shown in its most frequent surface form in the text. Stopwords (our own
list, with reporting verbs, dates and web furniture), boilerplate lines and teaser
headlines of other stories are left out. "Apart from news in general" is measured against
a shipped document-frequency table (``resources/keywords/df.tsv.gz``, built by
``marsad train keywords`` from the topics and SaudiNewsNet corpora), so keywords work on
one article or a result set without a collection at hand.
"""

from __future__ import annotations

import gzip
import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from marsad.analyze.base import add_forms, tokens_in
from marsad.errors import ResourceMissing
from marsad.model import PARAGRAPH_SEP, Analysis, Token
from marsad.text.normalize import normalize_for_match, remove_diacritics
from marsad.text.segment import tokenize
from marsad.text.stem import strip_prefixes

DF_FILE = "df.tsv.gz"
STOPWORDS_FILE = "stopwords.txt"
BUILD_COMMAND = "marsad train keywords"

_TITLE_WEIGHT = 3.0  # an occurrence in the headline counts as this many
_LEAD_WEIGHT = 1.5  # ... and in the first body paragraph
_PHRASE_BONUS = 1.5  # a phrase says more than either of its words


def _resource_dir() -> Path:
    return Path(str(resources.files("marsad") / "resources" / "keywords"))


def default_df_path() -> Path:
    return _resource_dir() / DF_FILE


# -- stopwords ------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Normalized stopwords (and their stems, so inflected stopwords match too)."""
    words: set[str] = set()
    for line in (_resource_dir() / STOPWORDS_FILE).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.add(normalize_for_match(line))
    return frozenset(words)


# attached pronouns, tanween alef, dual/plural endings: خلالها, بينهم, عاما, شهرين
_STOP_SUFFIXES = ("هما", "هم", "هن", "ها", "كم", "نا", "ه", "ي", "ا", "ين", "ان", "ات")


def is_stopword(norm: str) -> bool:
    """``norm`` is a normalized token. It is a stopword when it, or it without its leading
    clitics, is listed, or is a listed word plus one pronoun/inflection ending. (Matching
    by stem instead would also drop content words whose stem happens to equal one.)"""
    sw = stopwords()
    for w in {norm, strip_prefixes(norm)}:
        if w in sw:
            return True
        for suf in _STOP_SUFFIXES:
            if w.endswith(suf) and len(w) - len(suf) >= 3 and w[: -len(suf)] in sw:
                return True
    return False


def _is_word(norm: str) -> bool:
    """An Arabic word of three letters or more, or a Latin one."""
    if len(norm) < 3:
        return False
    if norm.isascii():
        return norm.isalpha()
    return all("\u0621" <= c <= "\u064a" for c in norm)


@lru_cache(maxsize=300_000)
def _is_term(norm: str) -> bool:
    """A content word (cached per word type: the stopword test is the costly part)."""
    return _is_word(norm) and not is_stopword(norm)


_surface_form = lru_cache(maxsize=300_000)(remove_diacritics)


class Occurrence(NamedTuple):
    stem: str
    surface: str  # the token as written, diacritics removed
    start: int
    weight: float
    follows: bool  # directly follows the previous term (no punctuation or stopword between)


def token_occurrences(tokens: Iterable[Token], *, weight: float = 1.0,
                      keep_stopwords: bool = False) -> list[Occurrence]:
    """Content terms among ``tokens`` (which carry their forms: ``analyze.base``), in order
    (every word, with ``keep_stopwords``)."""
    out: list[Occurrence] = []
    prev_term = False
    accept = _is_word if keep_stopwords else _is_term
    for tok in tokens:
        if accept(tok.norm):
            out.append(Occurrence(tok.stem, _surface_form(tok.text), tok.start, weight, prev_term))
            prev_term = True
        else:
            prev_term = False
    return out


def term_occurrences(text: str, *, weight: float = 1.0, offset: int = 0,
                     keep_stopwords: bool = False) -> list[Occurrence]:
    """Content terms of ``text`` in order (every word, with ``keep_stopwords``)."""
    toks = tokenize(text, offset)
    add_forms(toks)
    return token_occurrences(toks, weight=weight, keep_stopwords=keep_stopwords)


# -- document frequencies -------------------------------------------------------------------
@dataclass(frozen=True)
class DocFreq:
    n_docs: int
    df: dict[str, int]

    def idf(self, s: str) -> float:
        return math.log((self.n_docs + 1) / (self.df.get(s, 0) + 1)) + 1.0

    def share(self, s: str) -> float:
        """Smoothed fraction of background articles containing ``s``."""
        return (self.df.get(s, 0) + 0.5) / (self.n_docs + 1)


@lru_cache(maxsize=4)
def load_df(path: Path | None = None) -> DocFreq:
    p = Path(path) if path else default_df_path()
    if not p.is_file():
        raise ResourceMissing(f"keyword frequency table {p}", fix=BUILD_COMMAND)
    df: dict[str, int] = {}
    n_docs = 0
    with gzip.open(p, "rt", encoding="utf-8") as fh:
        for line in fh:
            k, _, v = line.rstrip("\n").partition("\t")
            if k == "#articles":
                n_docs = int(v)
            elif k and v:
                df[k] = int(v)
    return DocFreq(n_docs, df)


# -- keywords -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Keyword:
    text: str  # surface form (or two-word phrase) to show
    stem: str  # stem(s) it stands for, space-joined for a phrase
    score: float
    count: int  # occurrences in the article (articles, for a result set)


def _surface(forms: Counter[str]) -> str:
    """Most frequent form; ties go to the shorter (fewer clitics), then the first seen."""
    order = {f: i for i, f in enumerate(forms)}
    return min(forms, key=lambda f: (-forms[f], len(f), order[f]))


def _adjacent_pairs(occ: Sequence[Occurrence]) -> Iterator[tuple[Occurrence, Occurrence]]:
    """Adjacent terms that may form a phrase. "العراق وسورية" is a list, not a phrase: a
    second word opening with و is left alone."""
    for a, b in itertools.pairwise(occ):
        if b.follows and a.stem != b.stem and not b.surface.startswith("و"):
            yield a, b


def keywords_from_occurrences(occ: Sequence[Occurrence], *, k: int = 10,
                              df: DocFreq | None = None) -> list[Keyword]:
    """Rank the stems of one article by weighted frequency times idf; a pair of terms that
    mostly occur together ("الولايات المتحدة") becomes one phrase."""
    df = df or load_df()
    wtf: dict[str, float] = defaultdict(float)
    count: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    for o in occ:
        wtf[o.stem] += o.weight
        count[o.stem] += 1
        forms[o.stem][o.surface] += 1
    unigram = {}
    for s, w in wtf.items():
        known = df.df.get(s, 0) > 0
        if not known and count[s] < 2 and w < _TITLE_WEIGHT:
            continue  # a one-off unknown token is more often a typo than a keyword
        unigram[s] = w * df.idf(s)
    pairs: Counter[tuple[str, str]] = Counter()
    pair_forms: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    pair_weight: dict[tuple[str, str], float] = defaultdict(float)
    for a, b in _adjacent_pairs(occ):
        pairs[(a.stem, b.stem)] += 1
        pair_weight[(a.stem, b.stem)] += min(a.weight, b.weight)
        pair_forms[(a.stem, b.stem)][a.surface + " " + b.surface] += 1
    cands: list[Keyword] = []
    absorbed: set[str] = set()
    for (sa, sb), c in pairs.most_common():
        if c < 2 or sa not in unigram or sb not in unigram or sa in absorbed or sb in absorbed:
            continue
        if c >= 0.6 * min(count[sa], count[sb]):
            score = pair_weight[(sa, sb)] * (df.idf(sa) + df.idf(sb)) / 2 * _PHRASE_BONUS
            cands.append(Keyword(_surface(pair_forms[(sa, sb)]), f"{sa} {sb}", score, c))
            for s in (sa, sb):
                if c >= 0.6 * count[s]:
                    absorbed.add(s)
    for s, sc in unigram.items():
        if s not in absorbed:
            cands.append(Keyword(_surface(forms[s]), s, sc, count[s]))
    cands.sort(key=lambda x: (-x.score, x.text))
    return cands[:k]


def article_occurrences(title: str, paragraphs: Sequence[str]) -> list[Occurrence]:
    """Terms of an article's headline and real paragraphs (teasers and boilerplate out)."""
    from marsad.text.furniture import furniture_paragraphs

    skip = furniture_paragraphs(paragraphs)
    occ = term_occurrences(title, weight=_TITLE_WEIGHT) if title else []
    first = True
    for i, p in enumerate(paragraphs):
        if i in skip:
            continue
        occ.extend(term_occurrences(p, weight=_LEAD_WEIGHT if first else 1.0))
        first = False
    return occ


def analysis_occurrences(analysis: Analysis) -> list[Occurrence]:
    """:func:`article_occurrences` of the analysed document, from its tokens (their forms
    computed once by the base analysis) instead of tokenizing the text again."""
    from marsad.text.furniture import furniture_paragraphs

    doc = analysis.document
    skip = furniture_paragraphs(doc.paragraphs)
    spans: list[tuple[int, int]] = []
    weights: list[float] = []
    if doc.title:
        spans.append((0, len(doc.title)))
        weights.append(_TITLE_WEIGHT)
    pos = doc.body_offset
    first = True
    for i, p in enumerate(doc.paragraphs):
        if i not in skip:
            spans.append((pos, pos + len(p)))
            weights.append(_LEAD_WEIGHT if first else 1.0)
            first = False
        pos += len(p) + len(PARAGRAPH_SEP)
    occ: list[Occurrence] = []
    for toks, w in zip(tokens_in(analysis, spans), weights):
        occ.extend(token_occurrences(toks, weight=w))
    return occ


def article_keywords(title: str, paragraphs: Sequence[str], *, k: int = 10) -> list[Keyword]:
    return keywords_from_occurrences(article_occurrences(title, paragraphs), k=k)


def keyword_scores_for(texts: Sequence[str], k: int = 10) -> list[Keyword]:
    """Keywords of a set of texts (search results) against the background table: terms
    found in a large share of the texts and rare in news at large (their contribution to
    the KL divergence of the set's term distribution from the background). Two terms that
    stand side by side in most of the texts holding either ("أسعار النفط", "الولايات
    المتحدة") become one phrase, ranked as the better of the two."""
    texts = [t for t in texts if t and t.strip()]
    if not texts:
        return []
    if len(texts) == 1:
        lines = texts[0].split("\n")
        return article_keywords(lines[0], [x for x in lines[1:] if x.strip()], k=k)
    df = load_df()
    n = len(texts)
    in_docs: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    pair_docs: Counter[tuple[str, str]] = Counter()
    pair_forms: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for t in texts:
        occ = term_occurrences(t)
        in_docs.update({o.stem for o in occ})
        for o in occ:
            forms[o.stem][o.surface] += 1
        here = set()
        for a, b in _adjacent_pairs(occ):
            here.add((a.stem, b.stem))
            pair_forms[(a.stem, b.stem)][a.surface + " " + b.surface] += 1
        pair_docs.update(here)
    min_docs = 2 if n >= 3 else 1
    single: dict[str, Keyword] = {}
    for s, c in in_docs.items():
        if c < min_docs:
            continue
        p = c / n
        q = df.share(s)
        if p > q:
            single[s] = Keyword(_surface(forms[s]), s, p * math.log(p / q), c)
    out = []
    absorbed: set[str] = set()
    for (sa, sb), c in pair_docs.most_common():
        if c < max(2, min_docs) or sa not in single or sb not in single or absorbed & {sa, sb}:
            continue
        if c >= 0.6 * min(in_docs[sa], in_docs[sb]):
            score = max(single[sa].score, single[sb].score)
            out.append(Keyword(_surface(pair_forms[(sa, sb)]), f"{sa} {sb}", score, c))
            absorbed |= {x for x in (sa, sb) if c >= 0.6 * in_docs[x]}
    out += [kw for s, kw in single.items() if s not in absorbed]
    out.sort(key=lambda x: (-x.score, x.text))
    return out[:k]


def keywords_for(texts: list[str], k: int = 10) -> list[str]:
    """The ``k`` terms that characterise ``texts`` (e.g. a search result set), as surface
    forms. Works without a collection: the background is the shipped frequency table."""
    return [kw.text for kw in keyword_scores_for(texts, k)]


def make_keywords_stage(k: int = 10) -> Callable[[Analysis], Analysis]:
    load_df()  # fail at build time, with the fixing command, if the table is missing

    def keywords_stage(analysis: Analysis) -> Analysis:
        kws = keywords_from_occurrences(analysis_occurrences(analysis), k=k)
        analysis.keywords = [kw.text for kw in kws]
        return analysis

    return keywords_stage
