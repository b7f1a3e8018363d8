"""Arabic text primitives used everywhere: one implementation of each."""

from marsad.text.normalize import clean_text, normalize_for_match, remove_diacritics
from marsad.text.segment import document_sentences, split_sentences, tokenize, words
from marsad.text.stem import stem, stem_text, stems

__all__ = [
    "clean_text",
    "document_sentences",
    "normalize_for_match",
    "remove_diacritics",
    "split_sentences",
    "stem",
    "stem_text",
    "stems",
    "tokenize",
    "words",
]
