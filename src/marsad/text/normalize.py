"""Arabic normalization: pure ``str -> str`` functions, tables compiled once.

Two different jobs, kept apart:

* :func:`clean_text` runs once at ingest and *does* change the stored text: it removes
  invisible controls and folds presentation forms, so text copied from PDFs matches.
* :func:`normalize_for_match` is for comparing and indexing only; stored text is never
  replaced by its output (it may change length: diacritics are dropped).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# zero-width and bidi controls: ZWSP, ZWNJ, ZWJ, LRM, RLM, ALM, LRE..RLO, LRI..PDI, BOM, soft hyphen
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff\u00ad]")
_PRESENTATION = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]")
_SPACES = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000]")

DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]")
TATWEEL = "\u0640"

_CHAR_MAP = str.maketrans(
    {
        "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
        "ى": "ي", "ی": "ي", "ې": "ي", "ۍ": "ي",
        "ة": "ه", "ۀ": "ه", "ە": "ه",
        "ؤ": "ء", "ئ": "ء",
        "ک": "ك", "ڪ": "ك", "گ": "ك",
        "ٸ": "ي",
        TATWEEL: None,
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Persian digits
        "٫": ".", "٬": ",", "،": ",", "؛": ";", "؟": "?",
    }
)


def _fold_presentation(m: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", m.group(0))


def remove_invisible(text: str) -> str:
    return _INVISIBLE.sub("", text)


def fold_presentation_forms(text: str) -> str:
    """Arabic presentation forms (ﻻ ﺍ ﷲ …) to their base letters, nothing else (NFKC on
    those code points only, so punctuation such as … is left alone)."""
    return _PRESENTATION.sub(_fold_presentation, text)


def clean_text(text: str) -> str:
    """Ingest-time cleaning: invisible controls out, presentation forms folded, exotic
    spaces to plain spaces, CRLF to LF."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = fold_presentation_forms(remove_invisible(text))
    return _SPACES.sub(" ", text)


def remove_diacritics(text: str) -> str:
    return DIACRITICS.sub("", text)


# any character that remove_invisible, fold_presentation_forms or remove_diacritics acts
# on: most words have none, and one search then replaces their three substitutions
_REMOVED_OR_FOLDED = re.compile(
    "[" + _INVISIBLE.pattern[1:-1] + _PRESENTATION.pattern[1:-1] + DIACRITICS.pattern[1:-1] + "]")
# words up to this length are normalized through a cache (a news run repeats its words:
# ~25 types per 100 tokens); longer strings (lines, paragraphs) are not kept
_CACHED_LENGTH = 24


def normalize_for_match(text: str) -> str:
    """Canonical form for matching and search: no diacritics or tatweel, one alef, ى→ي,
    ة→ه, hamza seats folded (مسؤول = مسئول), Persian letters and all digits unified,
    Latin lower-cased."""
    if len(text) <= _CACHED_LENGTH:
        return _normalize_word(text)
    return _normalize(text)


def _normalize(text: str) -> str:
    if _REMOVED_OR_FOLDED.search(text) is not None:
        text = remove_diacritics(fold_presentation_forms(remove_invisible(text)))
    return text.translate(_CHAR_MAP).lower()


_normalize_word = lru_cache(maxsize=200_000)(_normalize)
