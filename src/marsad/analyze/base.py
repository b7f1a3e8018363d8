"""The Analysis every pipeline starts from: sentences and tokens of the document text."""

from __future__ import annotations

from marsad.model import Analysis, Document
from marsad.text.segment import document_sentences, tokenize


def base_analysis(doc: Document, *, tokens: bool = True) -> Analysis:
    """Sentences always; tokens only when a stage will read them (they are the costliest
    part of a text-only ingest)."""
    return Analysis(
        document=doc,
        sentences=document_sentences(doc.title, doc.paragraphs),
        tokens=tokenize(doc.text) if tokens else [],
    )
