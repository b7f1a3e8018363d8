"""Language identification: which language a document is written in (ISO 639-1).

marsad's analysis stages are Arabic-only; this decides which documents they skip. Arabic
script text is settled by its letters alone when it has none of the letters Persian or Urdu
add (پ چ ژ گ ک ی ے ...), which is fast and exact for Arabic news; everything else goes to
lingua restricted to the handful of languages an Arabic news feed meets, so its answer is
both quick and unlikely to be exotic. The detector is built once, on first use.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

LANGUAGES = ("ar", "en", "fr", "fa", "ur", "tr", "he", "es", "de")
UNDETERMINED = "und"

# how much text lingua looks at: the opening of a document decides its language
_SAMPLE_CHARS = 1200
# below this many letters, statistics are unreliable: decide by script
_MIN_LETTERS = 12

# letters are counted by deleting everything else: several times faster than findall()
_NOT_ARABIC_LETTER = re.compile("[^\u0620-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff]+")
_NOT_HEBREW_LETTER = re.compile("[^\u05d0-\u05ea]+")
_NOT_LATIN_LETTER = re.compile("[^A-Za-z\u00c0-\u024f]+")
# letters Persian/Urdu use and Arabic news (almost) never does
_PERSO_URDU = re.compile("[\u067e\u0686\u0698\u06a9\u06af\u06cc\u06d2\u06c1\u06be\u0679\u0688\u0691\u06ba]")
_URDU_ONLY = re.compile("[\u0679\u0688\u0691\u06ba\u06d2\u06be\u06c1]")


@lru_cache(maxsize=1)
def _detector() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    langs = [
        Language.ARABIC, Language.ENGLISH, Language.FRENCH, Language.PERSIAN, Language.URDU,
        Language.TURKISH, Language.HEBREW, Language.SPANISH, Language.GERMAN,
    ]
    return LanguageDetectorBuilder.from_languages(*langs).build()


def _lingua(text: str, *, min_confidence: float = 0.0) -> str | None:
    if min_confidence:
        values = _detector().compute_language_confidence_values(text)
        if not values or values[0].value < min_confidence:
            return None
        lang = values[0].language
    else:
        lang = _detector().detect_language_of(text)
    if lang is None:
        return None
    return str(lang.iso_code_639_1.name).lower()


def detect_language(text: str) -> str:
    """ISO 639-1 code of the main language of ``text`` (one of :data:`LANGUAGES`), or
    ``"und"`` when there are no letters to judge by."""
    sample = text[:_SAMPLE_CHARS]
    arabic = len(_NOT_ARABIC_LETTER.sub("", sample))
    hebrew = len(_NOT_HEBREW_LETTER.sub("", sample))
    latin = len(_NOT_LATIN_LETTER.sub("", sample))
    letters = arabic + hebrew + latin
    if letters == 0:
        return UNDETERMINED
    # Arabic prose with long Latin-script passages (film titles, quotes) is still an Arabic
    # document for marsad's purposes: its Arabic part is what the analysis is for
    if arabic >= 0.6 * letters or (arabic >= 100 and arabic >= 0.3 * letters):
        perso = len(_PERSO_URDU.findall(sample))
        # a stray Persian letter (a name, a typo) does not make a long Arabic text Persian
        if perso <= (arabic // 200 if arabic >= 200 else 1 if arabic >= 50 else 0):
            return "ar"
        if arabic < _MIN_LETTERS:
            return "ur" if _URDU_ONLY.search(sample) else "fa"
        found = _lingua(sample)
        return found if found in ("ar", "fa", "ur") else "ar"
    if hebrew >= 0.6 * letters:
        return "he"
    if letters < _MIN_LETTERS:
        # too short for statistics: trust the script; Latin defaults to English
        if arabic > latin and arabic > hebrew:
            return "ar"
        if hebrew > latin:
            return "he"
        # a word or two of Latin script: trust lingua only when it is sure
        if latin < 4:
            return "en"
        return _lingua(sample, min_confidence=0.6) or "en"
    return _lingua(sample) or UNDETERMINED
