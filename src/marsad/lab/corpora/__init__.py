"""Corpus readers of the lab: every corpus line becomes a Document through the production
JSON Lines reader (see :mod:`marsad.lab.corpora.reader`)."""

from marsad.lab.corpora.reader import CORPORA, corpus_file, documents, stored_url, texts

__all__ = ["CORPORA", "corpus_file", "documents", "stored_url", "texts"]
