"""Where the event coder loses recall, stage by stage, on the field-gold training articles.

Each gold incident of the training sets (never the check sets) is scored by the field
scorer's matching under four coders: the rules alone (no sense chooser, no row check, no
merging), then with the sense chooser, with merging, and with the row check (the shipped
coder). An incident the shipped coder misses is attributed to the first stage that lost it,
or to the rules when they never proposed it; for those, whether the gold sentence holds no
row at all or only rows of other events.

    MARSAD_DATA=../shared/data python -m marsad.lab.events.recall_stages [--examples 20]
"""

from __future__ import annotations

import argparse
import random
from collections import Counter, defaultdict
from collections.abc import Sequence

from marsad.analyze.events.coder import EventCoder
from marsad.lab.events.field_eval import _NormText, score_field
from marsad.lab.events.roles_train import TRAIN_SETS, ArticleSet, load_sets

Key = tuple[str, str, tuple[str, str]]  # (set, article, incident)
STAGES = ("rules", "+sense", "+merge", "+rowcheck")


def matched_by_stage(sets: Sequence[ArticleSet]) -> tuple[dict[str, set[Key]], set[Key]]:
    """The incidents each stage's coder matches, and all incidents."""
    coders = {"rules": (EventCoder(typesense=None, rowcheck=None), False),
              "+sense": (EventCoder(rowcheck=None), False),
              "+merge": (EventCoder(rowcheck=None), True),
              "+rowcheck": (EventCoder(), True)}
    matched: dict[str, set[Key]] = {}
    every: set[Key] = set()
    for stage, (coder, merge) in coders.items():
        found: set[Key] = set()
        for s in sets:
            for aid, a in s.pairs:
                a.events = coder.code(a, merge_mentions=merge)
                rep = score_field([(aid, a)], {aid: s.gold.get(aid, [])})
                found |= {(s.name, aid, k) for k in rep.matched_incidents}
                every |= {(s.name, aid, k) for k in rep.incidents}
        matched[stage] = found
    return matched, every


def never_proposed(sets: Sequence[ArticleSet], keys: set[Key]) -> tuple[Counter, dict[str, list[str]]]:
    """For incidents the rules never propose: does their gold sentence hold any rules row?"""
    coder = EventCoder(typesense=None, rowcheck=None)
    out: Counter = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    for s in sets:
        for aid, a in s.pairs:
            by: dict[tuple[str, str], list] = defaultdict(list)
            for g in s.gold.get(aid, []):
                by[g.key].append(g)
            todo = [k for k in by if (s.name, aid, k) in keys]
            if not todo:
                continue
            events = coder.code(a, merge_mentions=False)
            nt = _NormText(a.text)
            for k in todo:
                gs = by[k]
                spans = [sp for g in gs if g.sentence for sp in nt.find_all(g.sentence)]
                if not spans:
                    out["gold sentence not located"] += 1
                    continue
                inside = [e for e in events if any(x <= e.trigger.start < y for x, y in spans)]
                label = "only other events' rows in the sentence" if inside else "no row in the sentence"
                out[label] += 1
                examples[label].append(f"{gs[0].type}: «{gs[0].trigger}»")
    return out, examples


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m marsad.lab.events.recall_stages", description=__doc__.split("\n")[0])
    ap.add_argument("--sets", default=TRAIN_SETS)
    ap.add_argument("--examples", type=int, default=10, help="missed gold triggers to print per kind")
    args = ap.parse_args(argv)
    sets = load_sets(args.sets.split(","))
    matched, every = matched_by_stage(sets)
    for stage in STAGES:
        print(f"{stage:10} matches {len(matched[stage])} of {len(every)} gold incidents")
    missed = every - matched["+rowcheck"]
    lost: Counter = Counter()
    for k in missed:
        if k in matched["+merge"]:
            lost["dropped by the row check"] += 1
        elif k in matched["+sense"]:
            lost["folded into another row by merging"] += 1
        elif k in matched["rules"]:
            lost["dropped or re-typed by the sense chooser"] += 1
        else:
            lost["never proposed by the rules"] += 1
    print(f"missed by the shipped coder: {len(missed)}")
    for label, n in lost.most_common():
        print(f"  {n:5}  {label}")
    never = {k for k in missed if k not in matched["rules"]}
    kinds, examples = never_proposed(sets, never)
    for label, n in kinds.most_common():
        print(f"  never proposed, {label}: {n}")
    rng = random.Random(1)
    for label, xs in examples.items():
        print(f"--- {label}: {min(args.examples, len(xs))} of {len(xs)}")
        for x in rng.sample(xs, min(args.examples, len(xs))):
            print("   ", x)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
