"""CoNLL files: one token per line (first column), label in the last column, a blank
line between sentences. Reading keeps tokens byte-for-byte (no normalization) so that
``marsad tag --conll`` writes back exactly the tokens it read."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from marsad.errors import InputError

LABEL = re.compile(r"^(?:O|[BI]-(?:PERS|PER|LOC|ORG|MISC))$")


@dataclass
class ConllSentence:
    tokens: list[str]
    labels: list[str] = field(default_factory=list)  # empty when the file has no labels


def parse_conll(text: str, *, source: str = "<conll>", labelled: bool = False) -> list[ConllSentence]:
    """Sentences of a CoNLL text. With ``labelled``, the last column must be a BIO label
    (a line with one column, or an unknown label, is an InputError naming the line)."""
    sents: list[ConllSentence] = []
    cur = ConllSentence([], [])
    for n, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip("\r")
        cols = line.split()
        if not cols:
            if cur.tokens:
                sents.append(cur)
                cur = ConllSentence([], [])
            continue
        cur.tokens.append(cols[0])
        if labelled:
            lab = cols[-1] if len(cols) > 1 else ""
            if not LABEL.match(lab):
                # ANERcorp has a few tokens with a stray mark column; take the last label-like one
                lab = next((c for c in reversed(cols[1:]) if LABEL.match(c)), "")
                if not lab:
                    raise InputError(f"line {n}: no BIO label in {line!r}", source=source,
                                     fix="expected `token LABEL` with LABEL O or B-/I-PERS|LOC|ORG|MISC")
            cur.labels.append(lab.replace("-PER", "-PERS") if lab.endswith("-PER") else lab)
    if cur.tokens:
        sents.append(cur)
    return sents


def read_conll(path: str | Path, *, labelled: bool = False) -> list[ConllSentence]:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", source=str(p)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 ({exc.reason} at byte {exc.start})", source=str(p)) from None
    return parse_conll(text, source=str(p), labelled=labelled)


def format_conll(sents: Iterable[tuple[list[str], list[str]]]) -> str:
    """``token LABEL`` lines, a blank line after each sentence."""
    out: list[str] = []
    for toks, labs in sents:
        out.extend(f"{t} {lab}" for t, lab in zip(toks, labs, strict=True))
        out.append("")
    return "\n".join(out) + ("\n" if out else "")


def write_conll(path: str | Path, sents: Iterable[tuple[list[str], list[str]]]) -> None:
    Path(path).write_text(format_conll(sents), encoding="utf-8")
