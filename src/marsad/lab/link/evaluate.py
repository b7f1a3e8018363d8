"""Place-resolution accuracy (country level) and KB coverage checks.

``evaluate_gold`` scores a gold list (``name<TAB>gold[<TAB>freq<TAB>sample]``; gold is an
ISO2 code, several joined by ``|``, ``-`` for a region with no country, ``x`` to skip) by
geocoding each name alone. ``evaluate_in_context`` runs the whole link stage over ANERcorp
documents and scores every gold LOC mention whose string is in the gold list — the same
names, now with their sentences around them. ``petrarch_coverage`` says how many of the
Universal-PETRARCH Arabic actor names the KB knows (a reference check, nothing is copied).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from marsad.analyze.link.linker import Linker
from marsad.errors import InputError


@dataclass
class GoldRow:
    name: str
    gold: frozenset[str]
    freq: int = 1
    sample: str = ""


@dataclass
class Score:
    n: int = 0
    correct: int = 0
    weighted_n: int = 0
    weighted_correct: int = 0
    unresolved: int = 0
    errors: list[tuple[str, str, str, int]] = field(default_factory=list)  # name, gold, pred, freq

    @property
    def accuracy(self) -> float:
        return self.correct / self.n if self.n else 0.0

    @property
    def weighted_accuracy(self) -> float:
        return self.weighted_correct / self.weighted_n if self.weighted_n else 0.0

    def to_dict(self) -> dict:
        return {
            "names": self.n, "correct": self.correct, "accuracy": round(self.accuracy, 4),
            "mentions": self.weighted_n, "mentions_correct": self.weighted_correct,
            "mention_accuracy": round(self.weighted_accuracy, 4),
            "unresolved": self.unresolved,
        }


def read_gold(path: Path) -> list[GoldRow]:
    rows = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read gold list ({exc.strerror})", source=str(path)) from exc
    for lineno, line in enumerate(lines, 1):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < 2:
            raise InputError("expected name<TAB>gold", source=f"{path}:{lineno}")
        freq = int(cols[2]) if len(cols) > 2 and cols[2].strip().isdigit() else 1
        sample = cols[3].strip() if len(cols) > 3 else ""
        rows.append(GoldRow(cols[0], frozenset(cols[1].strip().split("|")), freq, sample))
    return rows


def predicted_country(linker: Linker, name: str, ctx=None) -> str:
    r = linker.resolver.resolve(name, "LOC", ctx)
    b = r.best
    if b is None:
        return "NONE"
    return b.country or "-"


def evaluate_gold(rows: list[GoldRow], linker: Linker) -> dict[str, Score]:
    """Scores by sample ('all', and each sample name found in the file)."""
    scores: dict[str, Score] = {"all": Score()}
    for row in rows:
        if "x" in row.gold:
            continue
        pred = predicted_country(linker, row.name)
        ok = pred in row.gold
        for s in {"all", row.sample or "all"}:
            sc = scores.setdefault(s, Score())
            sc.n += 1
            sc.correct += ok
            sc.weighted_n += row.freq
            sc.weighted_correct += row.freq * ok
            sc.unresolved += pred == "NONE"
            if not ok:
                sc.errors.append((row.name, "|".join(sorted(row.gold)), pred, row.freq))
    return scores


def evaluate_in_context(rows: list[GoldRow], linker: Linker, conll: Path,
                        *, per_doc: int = 20) -> Score:
    """Every gold LOC mention of ``conll`` whose string has a gold label, linked in its
    document by the full link stage (without the spotter, so gold spans stay as they are)."""
    from marsad.lab.link.corpus import conll_documents

    gold = {r.name: r.gold for r in rows if "x" not in r.gold}
    plain = Linker(linker.kb, linker.resolver, spot=False)
    score = Score()
    errors: Counter = Counter()
    for analysis in conll_documents(conll, per_doc=per_doc):
        res = plain.link(analysis)
        ents = {e.id: e for e in res.entities}
        for m in res.mentions:
            if m.type != "LOC" or m.text not in gold:
                continue
            e = ents.get(m.entity_id or "")
            pred = "NONE" if e is None or e.local else (e.country or "-")
            ok = pred in gold[m.text]
            score.n += 1
            score.correct += ok
            score.weighted_n += 1
            score.weighted_correct += ok
            score.unresolved += pred == "NONE"
            if not ok:
                errors[(m.text, "|".join(sorted(gold[m.text])), pred)] += 1
    score.errors = [(n, g, p, c) for (n, g, p), c in errors.most_common()]
    return score


def petrarch_coverage(linker: Linker, path: Path) -> dict:
    """Share of PETRARCH actor names (lemmatized, «_»-joined) that the KB resolves."""
    from marsad.analyze.link.keys import key, strip_article

    known_loose: set[str] = set()
    for k in linker.kb.aliases:
        known_loose.add(strip_article(k))
    n = hit = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line[0] in " \t#[":
            continue
        name = line.split("[")[0].strip().strip("_").replace("_", " ")
        if not name:
            continue
        n += 1
        k = strip_article(key(name))
        if k in known_loose or linker.resolver.resolve(name, "ORG").best is not None:
            hit += 1
    return {"names": n, "known": hit, "share": round(hit / n, 4) if n else 0.0}
