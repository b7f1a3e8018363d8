"""A learned last check of each event row: is it a real event of its type in this article?

The lexicon and its context rules decide what may be an event; on whole articles a third of
the rows they keep are not events (a trigger word in another sense, an opinion column's
rhetoric, background told in passing). This check scores each finished row of a document
with a logistic model over sparse features of the row and its article (type and trigger,
status, where in the article it stands, whether it has actors, place and date, how often the
article tells it, the article's other rows) and drops the rows below the model's threshold.
The weights are learned from whole annotated articles (:mod:`rowcheck_train`) and shipped as
JSON; without the file every row is kept.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from marsad.analyze.events.weights import Weights, shipped_path
from marsad.model import Analysis, Event
from marsad.text.stem import stems

MODEL_FILE = "rowcheck.json"
MIN_SENTENCES = 3  # the check judges a row in its article; a sentence or two is no article
_QUOTES = "\"«»“”"


def _bucket(n: int, limits: tuple[int, ...]) -> str:
    for lim in limits:
        if n <= lim:
            return str(lim)
    return f">{limits[-1]}"


def row_features(a: Analysis, e: Event, rows: list[Event], headline_end: int,
                 kinds: Counter | None = None) -> list[str]:
    """Sparse features of row ``e`` among the article's ``rows`` (``kinds``: their types
    counted, when the caller scores every row of the article and has counted them once)."""
    ty = e.type
    trig = " ".join(stems(e.trigger.text)) or e.trigger.text
    f = [f"T={ty}", f"tr={trig}", f"T|st={ty}|{e.status}", f"st={e.status}", f"mode={e.mode}"]
    where = "head" if e.trigger.start < headline_end else _bucket(e.sentence, (1, 3, 7, 15))
    f += [f"at={where}", f"T|at={ty}|{where}"]
    f += [f"src={e.source is not None}", f"T|src={ty}|{e.source is not None}",
          f"srcent={bool(e.source and e.source.entity_id)}", f"tgt={e.target is not None}",
          f"place={e.location is not None}", f"date={e.date is not None}", f"country={e.country is not None}",
          f"rep={e.reporter is not None}"]
    told = len(e.mentions)
    f += [f"told={_bucket(told, (0, 1, 3))}", f"T|told={ty}|{_bucket(told, (0, 1))}"]
    f.append(f"conf={round(e.confidence, 1)}")
    kinds = Counter(r.type for r in rows) if kinds is None else kinds
    f += [f"rows={_bucket(len(rows), (1, 3, 6, 12))}", f"same={_bucket(kinds[ty], (1, 2, 4))}"]
    top = kinds.most_common(1)[0][0] if kinds else None
    f.append(f"top={top == ty}")
    sent = a.sentence_text(e.sentence) if 0 <= e.sentence < len(a.sentences) else ""
    if "؟" in sent or "?" in sent:
        f.append("question")
    s0 = a.sentences[e.sentence].start if 0 <= e.sentence < len(a.sentences) else 0
    before = a.text[s0:e.trigger.start]
    if sum(before.count(q) for q in _QUOTES) % 2 == 1:
        f.append("inquote")
    f.append(f"sentlen={_bucket(len(sent) // 40, (1, 3, 6))}")
    f.append(f"doclen={_bucket(len(a.sentences), (5, 12, 25))}")
    return f


@dataclass
class RowCheck(Weights):
    """Logistic weights over :func:`row_features`; rows scoring below ``threshold`` go."""

    def probability(self, feats: list[str]) -> float:
        z = self.weights.get("_bias", 0.0) + sum(self.weights.get(x, 0.0) for x in feats)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def keep(self, a: Analysis, rows: list[Event], headline_end: int) -> list[Event]:
        if len(a.sentences) < MIN_SENTENCES:
            return rows
        thr = float(self.meta.get("threshold", 0.5))
        kinds = Counter(r.type for r in rows)
        return [e for e in rows if self.probability(row_features(a, e, rows, headline_end, kinds)) >= thr]



def model_path() -> Path:
    return shipped_path(MODEL_FILE)


@lru_cache(maxsize=1)
def default_row_check() -> RowCheck | None:
    """The shipped check, or None when the package has none (every row is kept)."""
    return RowCheck.shipped(MODEL_FILE)
