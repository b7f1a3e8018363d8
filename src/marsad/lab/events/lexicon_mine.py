"""Grow the trigger lexicon from the gold events the coder misses, measured by article folds.

For every gold incident the coder misses on the training articles, each content word of its
gold trigger becomes a candidate entry of its type, written as the lexicon writes entries
(a verb by its perfect/imperfect as the annotation shows them, a verbal noun as ``اتهام*``).
A candidate is kept when it is seen in at least ``--min-events`` missed gold events from at
least ``--min-articles`` articles, the lexicon has no entry of that type for it yet, and at
least ``--min-precision`` of its occurrences in the training sentences lie in a sentence
holding a gold event of its type (the field scorer's own test of a row). Cross-validation by
whole articles: mined on four folds, the coder with the mined entries added scores the fifth;
only when the pooled F1 improves are the entries mined on all training articles written to
``triggers.txt``, in one marked block, and the check sets scored once.

    python -m marsad.lab.events.lexicon_mine            # cross-validate, then write the block
    python -m marsad.lab.events.lexicon_mine --cv-only  # figures only
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path

from marsad.analyze.events.coder import EventCoder
from marsad.analyze.events.forms import analyses, compatible, norm
from marsad.analyze.events.lexicon import Lexicon, build_lexicon, compile_spec, resource_dir
from marsad.lab.events.field_eval import GoldEvent, _NormText, score_field
from marsad.lab.events.roles_train import (
    TRAIN_SETS,
    ArticleSet,
    fold_of,
    load_sets,
    scores_by_fold,
    table_row,
)

COLS = ("precision", "recall", "f1", "status", "source", "target", "all_right_of_rows")
MARK = "# mined from the annotated training articles (lab/events/lexicon_mine.py), 2026-12-08"
BEGIN = "# >>> begin of mined entries: python -m marsad.lab.events.lexicon_mine rewrites this block"
END = "# <<< end of mined entries"
_BLOCK = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END) + r"\n?", re.DOTALL)
# function words a gold trigger span may hold that are never an entry's head
_FUNCTION = frozenset(norm(w) for w in (
    "في على علي من الى الي عن ان أن إن انه أنه لا لم لن ما مع هذا هذه ذلك تلك التي الذي الذين "
    "قد كان كانت بعد قبل حول ضد بين كل او أو ثم حتى عند لدى الا إلا").split())
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass
class Candidate:
    """One mined entry: its type, head and the gold events behind it."""

    type: str
    key: str  # the verb's perfect (or imperfect when only that was seen), or the noun
    noun: bool
    perf: set[str] = field(default_factory=set)
    impf: set[str] = field(default_factory=set)
    events: set[tuple[str, str]] = field(default_factory=set)  # (article, incident)
    flags: str = "s"  # strong; "sm" when the lexicon already holds the word as metaphor-prone
    hits: int = 0  # occurrences in the training sentences
    right: int = 0  # of them in a sentence with a gold event of the type

    @property
    def articles(self) -> set[str]:
        return {a for a, _i in self.events}

    @property
    def precision(self) -> float:
        return self.right / self.hits if self.hits else 0.0

    def spec(self) -> str:
        if self.noun:
            return self.key + "*"
        perf = min(self.perf, key=len) if self.perf else ""
        impf = min(self.impf, key=len) if self.impf else ""
        return f"{perf}/{impf}"


def _perfect_of(impf: str) -> str:
    """The perfect of an imperfect (يتهم → اتهم, يستنكر → استنكر, ينسحب → انسحب, يندد → ندد)."""
    core = impf[1:]
    if core.startswith("ست") or (len(core) == 3 and core[0] == "ت"):
        return "ا" + core
    if len(core) == 4 and (core[0] == "ن" or core[1] == "ت"):
        return "ا" + core
    return core


def head_of(word: str, freq: dict[str, int] | None = None,
            known: AbstractSet[str] = frozenset()) -> tuple[str, bool, str] | None:
    """(key, noun?, surface) of one gold trigger word, or None for a function word. A word with
    ال or a preposition, a final ة, a plural -ات, a participle م-, an accusative -ا, a hamza
    inside (جرائم) or a verbal-noun pattern (افتعال، تفعيل) is a noun; else a verb, perfect or
    (ي/ت-) imperfect, keyed ``impf:``. و/ف and attached pronouns are peeled when the bare word is
    a lexicon word (``known``) or the more frequent token in ``freq`` (وافق stays, ودعا loses
    its و); a three-letter perfect in -ت is a geminate or defective verb, whichever base is the
    more frequent token (شنت → شن, نفت → نفي)."""
    raw = word.strip().strip("\"'«»()[]،,.:;!?")
    w = norm(raw)
    if len(w) < 3 or w in _FUNCTION:
        return None
    reads = analyses(w)
    noun = False
    base = w
    for b, pre, _enc in reads:
        if "A" in pre or any(c in pre for c in "بلك"):
            base, noun = b, True
            break
    if not noun:
        plain = [b for b, pre, _enc in reads if pre in ("", "و", "ف") and len(b) >= 3]
        if plain and (freq or known):
            base = max(plain, key=lambda b: (b in known, (freq or {}).get(b, 0), b == w))
    if len(base) < 3 or base in _FUNCTION:
        return None
    if raw.rstrip("\u064B\u064C\u064D\u064E\u064F\u0650\u0651\u0652").endswith("ة"):
        noun = True
    if base.endswith("ات") and len(base) >= 4:
        stem = base[:-2]
        return (stem if len(stem) >= 4 and stem[0] == "ا" and stem[-2] == "ا" else stem + "ه"), True, w
    verbal = base[0] in "يت" and len(base) >= 4
    if base.endswith("ا") and not base.endswith("وا") and len(base) >= 5 and not verbal:
        return base[:-1], True, w
    if noun or base.endswith("ه") or (base[0] == "م" and len(base) >= 4) or \
            ("ء" in base[1:-1] and not verbal) or \
            (len(base) >= 5 and base[0] == "ا" and base[-2] == "ا") or \
            (len(base) >= 5 and base[0] == "ت" and base[-2] == "ي"):
        return base, True, w
    if verbal:
        if base.endswith(("ون", "ان")) and len(base) >= 6:
            base = base[:-2]
        return "impf:" + base, False, w
    if base.endswith("وا") and len(base) >= 5:
        base = base[:-2]
    elif base.endswith("ت") and len(base) >= 4:
        base = base[:-1]
    elif base.endswith("ت") and len(base) == 3:
        stem = base[:-1]
        base = max((stem + "ي", stem + "ا", stem), key=lambda b: (b in known, (freq or {}).get(b, 0)))
    return base, False, w


@dataclass
class Article:
    key: str  # "set:id", the fold key
    gold: list[GoldEvent]
    tokens: list[tuple[str, int]]  # (normalized token, start offset)
    taa: list[bool]
    gold_spans: dict[str, list[tuple[int, int]]]  # type -> spans of its gold sentences


def articles_of(sets: Sequence[ArticleSet]) -> list[Article]:
    out = []
    for s in sets:
        for aid, a in s.pairs:
            gold = s.gold.get(aid, [])
            nt = _NormText(a.text)
            spans: dict[str, list[tuple[int, int]]] = {}
            for g in gold:
                if g.sentence:
                    spans.setdefault(g.type, []).extend(nt.find_all(g.sentence))
            toks = [(norm(t.text), t.start) for t in a.tokens if _WORD.match(t.text)]
            taa = [t.text.rstrip("\u064B\u064C\u064D\u064E\u064F\u0650\u0651\u0652").endswith("ة")
                   for t in a.tokens if _WORD.match(t.text)]
            out.append(Article(f"{s.name}:{aid}", gold, toks, taa, spans))
    return out


def missed_events(sets: Sequence[ArticleSet], coder: EventCoder) -> dict[str, list[GoldEvent]]:
    """{fold key: gold events of the incidents the coder misses in that article}."""
    out: dict[str, list[GoldEvent]] = {}
    for s in sets:
        for aid, a in s.pairs:
            a.events = coder.code(a)
            rep = score_field([(aid, a)], {aid: s.gold.get(aid, [])})
            out[f"{s.name}:{aid}"] = [g for k, evs in rep.incidents.items()
                                      if k not in rep.matched_incidents for g in evs]
    return out


def _metaphor_prone(lex: Lexicon, etype: str, forms: Iterable[str]) -> bool:
    """Does an entry of the type starting with one of these forms carry the m flag (شن … هجوم)?"""
    return any(p.group == "trigger" and p.ptype == etype and "m" in p.flags
               for f in forms for p in (lex.patterns[pid] for pid, _k in lex.index.get(f, ())))


def _has_entry(lex: Lexicon, etype: str, forms: Iterable[str]) -> bool:
    """Does a one-word trigger entry of the type already read one of these forms?"""
    return any(p.group == "trigger" and p.ptype == etype and p.length == 1
               for f in forms for p in (lex.patterns[pid] for pid, _k in lex.index.get(f, ())))


def mine(arts: Sequence[Article], missed: dict[str, list[GoldEvent]], lex: Lexicon, *,
         min_events: int = 3, min_articles: int = 2, min_precision: float = 0.5) -> list[Candidate]:
    """The entries the missed gold events of ``arts`` support (see the module docstring)."""
    cands: dict[tuple[str, str], Candidate] = {}
    freq: dict[str, int] = {}
    for art in arts:
        for t, _s in art.tokens:
            freq[t] = freq.get(t, 0) + 1
    for art in arts:
        for g in missed.get(art.key, []):
            for w in g.trigger.split():
                h = head_of(w, freq, lex.words)
                if h is not None:
                    break
            else:
                continue  # the head is the trigger's first content word
            key, noun, _surface = h
            impf = key.removeprefix("impf:") if key.startswith("impf:") else ""
            if impf:
                key = _perfect_of(impf)
            c = cands.setdefault((g.type, key), Candidate(g.type, key, noun))
            if not noun:
                (c.impf if impf else c.perf).add(impf or key)
            c.events.add((art.key, g.incident))
    kept = [c for c in cands.values() if len(c.events) >= min_events and len(c.articles) >= min_articles]
    out = []
    index: dict[str, list[tuple[int, int, str, str]]] = {}
    for ai, art in enumerate(arts):
        for ti, (t, _s) in enumerate(art.tokens):
            for b, pre, enc in analyses(t):
                index.setdefault(b, []).append((ai, ti, pre, enc))
    for c in kept:
        forms = compile_spec(c.spec())[0]
        assert forms is not None
        if _has_entry(lex, c.type, forms.forms):
            continue
        if _metaphor_prone(lex, c.type, forms.forms):
            c.flags = "sm"
        seen: set[tuple[int, int]] = set()
        for f, kind in forms.forms.items():
            for ai, ti, pre, enc in index.get(f, ()):
                if (ai, ti) in seen or not compatible(kind, pre, enc):
                    continue
                if arts[ai].taa[ti] and (enc == "ه" or kind in ("perf", "impf")):
                    continue
                seen.add((ai, ti))
        c.hits = len(seen)
        c.right = sum(1 for ai, ti in seen
                      if any(a <= arts[ai].tokens[ti][1] < b for a, b in arts[ai].gold_spans.get(c.type, ())))
        if c.precision >= min_precision:
            out.append(c)
    return sorted(out, key=lambda c: (c.type, -len(c.events), c.key))


def block(cands: Sequence[Candidate]) -> str:
    """The marked triggers.txt block: one section per type, one strong entry per line."""
    lines = [BEGIN, "# each: missed gold events, articles, precision in the training sentences"]
    for etype in sorted({c.type for c in cands}):
        lines += [f"[{etype}]", MARK]
        for c in cands:
            if c.type == etype:
                lines.append(f"-            {c.flags:4}: {c.spec():30} # {len(c.events)} events, "
                             f"{len(c.articles)} articles, {c.right}/{c.hits}")
    lines.append(END)
    return "\n".join(lines) + "\n"


def with_block(text: str, cands: Sequence[Candidate]) -> str:
    """``triggers.txt`` text with its mined block replaced (or removed when there is none)."""
    text = _BLOCK.sub("", text).rstrip("\n") + "\n"
    return text + ("\n" + block(cands) if cands else "")


def lexicon_with(cands: Sequence[Candidate]) -> Lexicon:
    """The shipped resources with ``cands`` as the mined block."""
    base = resource_dir()
    with tempfile.TemporaryDirectory(prefix="marsad-lexmine-") as tmp:
        for p in base.iterdir():
            if p.is_file():
                shutil.copy(p, Path(tmp) / p.name)
        trig = Path(tmp) / "triggers.txt"
        trig.write_text(with_block(trig.read_text(encoding="utf-8"), cands), encoding="utf-8")
        return build_lexicon(Path(tmp))


def pooled(sets: Sequence[ArticleSet], coders: dict[int, EventCoder], k: int) -> dict[str, dict]:
    out = scores_by_fold(sets, coders, k)
    out["ALL"] = score_field([p for s in sets for p in s.pairs],
                             {g: v for s in sets for g, v in s.gold.items()}).summary()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m marsad.lab.events.lexicon_mine", description=__doc__.split("\n")[0])
    ap.add_argument("--sets", default=TRAIN_SETS, help="sets to mine on (cross-validated)")
    ap.add_argument("--check-sets", default="own-snn,own-ant", help="sets never mined: scored once by the final lexicon")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--min-events", type=int, default=3)
    ap.add_argument("--min-articles", type=int, default=2)
    ap.add_argument("--min-precision", type=float, default=0.5)
    ap.add_argument("--cv-only", action="store_true")
    args = ap.parse_args(argv)
    kw = {"min_events": args.min_events, "min_articles": args.min_articles, "min_precision": args.min_precision}
    base_lex = build_lexicon(_without_block(resource_dir()))
    sets = load_sets(args.sets.split(","))
    arts = articles_of(sets)
    missed = missed_events(sets, EventCoder(lexicon=base_lex))
    print(f"missed gold events: {sum(len(v) for v in missed.values())} in {len(arts)} articles", file=sys.stderr)
    k = args.folds
    coders: dict[int, EventCoder] = {}
    for f in range(k):
        cands = mine([a for a in arts if fold_of(a.key, k) != f], missed, base_lex, **kw)
        print(f"fold {f}: {len(cands)} entries: " + ", ".join(f"{c.type}:{c.spec()}" for c in cands))
        coders[f] = EventCoder(lexicon=lexicon_with(cands))
    print("set        lexicon  " + " ".join(f"{c[:9]:>9}" for c in COLS))
    before = pooled(sets, {f: EventCoder(lexicon=base_lex) for f in range(k)}, k)
    after = pooled(sets, coders, k)
    for name in [s.name for s in sets] + ["ALL"]:
        print(table_row(name, "shipped", before[name], COLS))
        print(table_row(name, "cv mined", after[name], COLS))
    f_before, f_after = before["ALL"]["f1"] or 0, after["ALL"]["f1"] or 0
    if f_after <= f_before:
        print(f"pooled cross-validated F1 does not improve ({f_before:.3f} -> {f_after:.3f}): nothing written")
        return 0
    final = mine(arts, missed, base_lex, **kw)
    print(f"pooled cross-validated F1 {f_before:.3f} -> {f_after:.3f}; mined on all: {len(final)} entries")
    print(block(final))
    if args.check_sets:
        checks = load_sets(args.check_sets.split(","))
        for label, lex in (("shipped", base_lex), ("final", lexicon_with(final))):
            res = pooled(checks, {f: EventCoder(lexicon=lex) for f in range(k)}, k)
            for name in [s.name for s in checks] + ["ALL"]:
                print(table_row(name, f"{label:8}", res[name], COLS))
    if not args.cv_only:
        path = resource_dir() / "triggers.txt"
        path.write_text(with_block(path.read_text(encoding="utf-8"), final), encoding="utf-8")
        print(f"wrote {path}: {len(final)} mined entries")
    return 0


def _without_block(base: Path) -> Path:
    """A copy of the resources without any mined block (the lexicon the miner grows)."""
    tmp = Path(tempfile.mkdtemp(prefix="marsad-lexbase-"))
    for p in base.iterdir():
        if p.is_file():
            shutil.copy(p, tmp / p.name)
    trig = tmp / "triggers.txt"
    trig.write_text(with_block(trig.read_text(encoding="utf-8"), []), encoding="utf-8")
    return tmp


if __name__ == "__main__":
    raise SystemExit(main())
