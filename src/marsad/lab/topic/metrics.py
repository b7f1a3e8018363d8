"""Classification scores: accuracy, per-class and macro F1, confusion matrix, calibration.

Macro-F1 averages over the labels present in the gold data; a prediction of a label the
gold data lacks still counts against the recall of the true label.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np


@dataclass
class ClassScore:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass
class Scores:
    n: int
    accuracy: float
    macro_f1: float
    labels: list[str]  # order of the confusion matrix rows (gold) and columns (predicted)
    per_class: dict[str, ClassScore]
    confusion: list[list[int]]
    ece: float | None = None  # expected calibration error of the top score

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    err = 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            err += m.mean() * abs(confidence[m].mean() - correct[m].mean())
    return float(err)


def score(
    gold: Sequence[str], pred: Sequence[str], *, labels: Sequence[str],
    confidence: Sequence[float] | None = None,
) -> Scores:
    """Scores of ``pred`` against ``gold``; ``labels`` fixes the matrix order."""
    if len(gold) != len(pred):
        raise ValueError("gold and predicted differ in length")
    labs = [lab for lab in labels] + sorted({*gold, *pred} - set(labels))
    pos = {lab: i for i, lab in enumerate(labs)}
    cm = np.zeros((len(labs), len(labs)), dtype=np.int64)
    for g, p in zip(gold, pred):
        cm[pos[g], pos[p]] += 1
    per: dict[str, ClassScore] = {}
    for lab, i in pos.items():
        tp = cm[i, i]
        prec = tp / cm[:, i].sum() if cm[:, i].sum() else 0.0
        rec = tp / cm[i, :].sum() if cm[i, :].sum() else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[lab] = ClassScore(float(prec), float(rec), float(f1), int(cm[i, :].sum()))
    present = [lab for lab in labs if per[lab].support > 0]
    n = len(gold)
    ece = None
    if confidence is not None and n:
        correct = np.array([g == p for g, p in zip(gold, pred)], dtype=float)
        ece = expected_calibration_error(np.asarray(confidence, dtype=float), correct)
    return Scores(
        n=n,
        accuracy=float(np.trace(cm) / n) if n else 0.0,
        macro_f1=float(np.mean([per[lab].f1 for lab in present])) if present else 0.0,
        labels=labs,
        per_class=per,
        confusion=cm.tolist(),
        ece=ece,
    )


def format_scores(s: Scores) -> str:
    """A plain-text report: headline figures, per-class table, confusion matrix."""
    lines = [f"articles  {s.n}", f"accuracy  {s.accuracy * 100:.2f}%",
             f"macro-F1  {s.macro_f1 * 100:.2f}"]
    if s.ece is not None:
        lines.append(f"ECE       {s.ece * 100:.2f} (calibration error of the score, lower is better)")
    lines.append("")
    lines.append(f"{'label':<12}{'precision':>10}{'recall':>10}{'F1':>8}{'support':>9}")
    for lab in s.labels:
        c = s.per_class[lab]
        lines.append(f"{lab:<12}{c.precision * 100:>10.1f}{c.recall * 100:>10.1f}"
                     f"{c.f1 * 100:>8.1f}{c.support:>9}")
    lines.append("")
    lines.append("confusion (rows gold, columns predicted)")
    short = [lab[:6] for lab in s.labels]
    lines.append(" " * 12 + "".join(f"{x:>8}" for x in short))
    for lab, row in zip(s.labels, s.confusion):
        lines.append(f"{lab:<12}" + "".join(f"{v:>8}" for v in row))
    return "\n".join(lines)
