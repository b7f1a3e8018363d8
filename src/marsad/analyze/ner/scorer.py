"""Entity-level precision/recall/F1 with conlleval rules.

An entity is a maximal run ``B-X I-X ...``; an ``I-X`` that does not continue an entity
of type X starts a new one (as conlleval does). A predicted entity counts only when its
span and type both match a gold entity exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


def spans_from_bio(labels: Sequence[str]) -> list[tuple[int, int, str]]:
    """(start, end_exclusive, type) of every entity in one sentence's BIO labels."""
    spans: list[tuple[int, int, str]] = []
    start, typ = -1, ""
    for i, lab in enumerate([*labels, "O"]):
        if lab == "O" or not lab:
            tag, t = "O", ""
        else:
            tag, _, t = lab.partition("-")
        continues = tag == "I" and typ == t and start >= 0
        if start >= 0 and not continues:
            spans.append((start, i, typ))
            start, typ = -1, ""
        if tag in ("B", "I") and not continues:
            start, typ = i, t
    return spans


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return 100.0 * self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return 100.0 * self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Score:
    overall: Counts = field(default_factory=Counts)
    by_type: dict[str, Counts] = field(default_factory=dict)
    tokens: int = 0
    token_correct: int = 0

    def as_dict(self) -> dict:
        def c(x: Counts) -> dict:
            return {"precision": round(x.precision, 2), "recall": round(x.recall, 2),
                    "f1": round(x.f1, 2), "tp": x.tp, "fp": x.fp, "fn": x.fn}

        return {"overall": c(self.overall), "by_type": {k: c(v) for k, v in sorted(self.by_type.items())},
                "token_accuracy": round(100.0 * self.token_correct / max(1, self.tokens), 2)}

    @classmethod
    def from_dict(cls, d: dict, tokens: int = 0) -> Score:
        """Inverse of :meth:`as_dict` (token accuracy is rebuilt from ``tokens``)."""
        def c(x: dict) -> Counts:
            return Counts(x["tp"], x["fp"], x["fn"])

        s = cls(c(d["overall"]), {k: c(v) for k, v in d["by_type"].items()}, tokens)
        s.token_correct = round(d.get("token_accuracy", 0) * tokens / 100)
        return s

    def table(self) -> str:
        rows = [f"{'type':<8}{'P':>8}{'R':>8}{'F1':>8}{'gold':>7}{'pred':>7}"]
        items = [*sorted(self.by_type.items()), ("overall", self.overall)]
        for k, x in items:
            rows.append(f"{k:<8}{x.precision:8.2f}{x.recall:8.2f}{x.f1:8.2f}"
                        f"{x.tp + x.fn:7d}{x.tp + x.fp:7d}")
        rows.append(f"token accuracy {100.0 * self.token_correct / max(1, self.tokens):.2f}% "
                    f"on {self.tokens} tokens")
        return "\n".join(rows)


def score_sentences(gold: Iterable[Sequence[str]], pred: Iterable[Sequence[str]],
                    *, types: Iterable[str] | None = None) -> Score:
    """Score predicted label sequences against gold ones (same sentences, same lengths).
    ``types`` restricts scoring to those entity types (others are ignored on both sides)."""
    keep = set(types) if types is not None else None
    s = Score()
    for g, p in zip(gold, pred, strict=True):
        if len(g) != len(p):
            raise ValueError(f"sentence lengths differ: gold {len(g)}, predicted {len(p)}")
        s.tokens += len(g)
        s.token_correct += sum(a == b for a, b in zip(g, p))
        gs = {x for x in spans_from_bio(g) if keep is None or x[2] in keep}
        ps = {x for x in spans_from_bio(p) if keep is None or x[2] in keep}
        for x in gs | ps:
            c = s.by_type.setdefault(x[2], Counts())
            if x in gs and x in ps:
                c.tp += 1
                s.overall.tp += 1
            elif x in ps:
                c.fp += 1
                s.overall.fp += 1
            else:
                c.fn += 1
                s.overall.fn += 1
    return s
