"""Arabic named-entity recognition: a CRF over clitic, affix, shape, gazetteer and
word-cluster features, trained on ANERcorp by ``marsad train ner`` and shipped in
``marsad/resources/ner``. Inference needs only python-crfsuite."""

from marsad.analyze.ner.conll import read_conll, write_conll
from marsad.analyze.ner.scorer import Score, score_sentences, spans_from_bio

__all__ = ["Score", "read_conll", "score_sentences", "spans_from_bio", "write_conll"]
