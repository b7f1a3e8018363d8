"""One pass over a sentence's tokens that finds every lexicon pattern (triggers, stops,
cues, agents) at once, through the shared form index."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from marsad.analyze.events.forms import IMPF, PERF, analyses, compatible, norm
from marsad.analyze.events.lexicon import GAP, Lexicon, Pattern, TokenSpec


class Tok(NamedTuple):
    i: int  # index within the sentence
    start: int  # offsets into analysis.text
    end: int
    text: str
    norm: str
    word: bool  # a word or number, not punctuation
    taa: bool = False  # written with a final ta marbuta: a noun, never a verb or a pronoun ه


_GAP_PUNCT = frozenset({"،", ","})
_MARKS = re.compile(r"[\u064B-\u065F\u0670\u0640]+$")


def ends_in_taa_marbuta(text: str) -> bool:
    """طلبة (students), أسرة (family), جثة: normalization folds ة into ه, which makes them
    look like طلبه (he asked him) or أسره (he captured him); the written ة rules both out."""
    return _MARKS.sub("", text).endswith("ة")


def reading_ok(tok: Tok, kind: str, enc: str) -> bool:
    """A reading of a token is impossible when the token ends in ة and the reading is a
    verb or takes the final ه for a pronoun."""
    return not tok.taa or (enc != "ه" and kind not in (PERF, IMPF))


class Match(NamedTuple):
    pat: Pattern
    first: int  # sentence token indexes, inclusive
    last: int
    pre: str  # proclitics peeled off the first word (A = the article)
    enc: str  # attached pronoun on the first word
    kind: str  # perf / impf / noun / lit of the first word

    @property
    def group(self) -> str:
        return self.pat.group


@lru_cache(maxsize=200_000)
def _token_facts(text: str) -> tuple[str, bool, bool]:
    """(norm, word, taa) of a token's text: fixed by the text, so computed once per type."""
    return norm(text), text[:1].isalnum(), ends_in_taa_marbuta(text)


def make_tokens(pieces: list[tuple[int, int, str]]) -> list[Tok]:
    return [Tok(i, s, e, t, *_token_facts(t)) for i, (s, e, t) in enumerate(pieces)]


def _token_fits(spec: TokenSpec, tok: Tok) -> bool:
    if not tok.word:
        return False
    if spec.pre:
        return any(spec.pre in pre for _, pre, _ in analyses(tok.norm)[1:])
    for base, pre, enc in analyses(tok.norm):
        kind = spec.forms.get(base)
        if kind is not None and compatible(kind, pre, enc) and reading_ok(tok, kind, enc):
            return True
    return False


def _extend(pat: Pattern, toks: list[Tok], i: int) -> int | None:
    """Index of the last token of ``pat`` matched from ``toks[i]`` (whose first token
    already fits), or None."""
    j = i + 1
    gap = False
    last = i
    for spec in pat.tokens[1:]:
        if spec is None:
            gap = True
            continue
        limit = j + (GAP if gap else 0)
        found = None
        k = j
        while k < len(toks) and k <= limit:
            if not toks[k].word:
                if gap and toks[k].text in _GAP_PUNCT:
                    limit += 1  # دعا فلان، المسؤول في الوزارة، إلى: an apposition's commas
                    k += 1
                    continue
                break
            if _token_fits(spec, toks[k]):
                found = k
                break
            k += 1
        if found is None:
            return None
        last = found
        j = found + 1
        gap = False
    return last


def scan(toks: list[Tok], lex: Lexicon) -> list[Match]:
    out: list[Match] = []
    seen: set[tuple[int, int]] = set()
    index = lex.index
    patterns = lex.patterns
    for tok in toks:
        if not tok.word:
            continue
        for base, pre, enc in analyses(tok.norm):
            hits = index.get(base)
            if not hits:
                continue
            for pid, kind in hits:
                if (pid, tok.i) in seen or not compatible(kind, pre, enc) or not reading_ok(tok, kind, enc):
                    continue
                pat = patterns[pid]
                last = tok.i if len(pat.tokens) == 1 else _extend(pat, toks, tok.i)
                if last is None:
                    continue
                seen.add((pid, tok.i))
                out.append(Match(pat, tok.i, last, pre, enc, kind))
    return out
