"""NER command: ``marsad tag --conll`` (training, scoring and timing the tagger are lab
commands, in ``lab/commands/ner.py``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tag", help="tag a CoNLL file with the NER model",
                       description="Read one token per line (further columns ignored), blank "
                       "lines between sentences; write `token LABEL` lines with the same "
                       "tokens and sentence breaks.")
    p.add_argument("--conll", type=Path, required=True, help="input CoNLL file ('-' for stdin)")
    p.add_argument("--out", type=Path, help="output file (default: stdout)")
    p.add_argument("--model", type=Path, help="model directory (default: the shipped model)")
    p.set_defaults(func=cmd_tag)


def _read(path: Path, *, labelled: bool):
    from marsad.analyze.ner.conll import parse_conll, read_conll

    if str(path) == "-":
        return parse_conll(sys.stdin.read(), source="<stdin>", labelled=labelled)
    return read_conll(path, labelled=labelled)


def cmd_tag(args: argparse.Namespace) -> int:
    from marsad.analyze.ner.conll import format_conll
    from marsad.analyze.ner.tagger import load_model

    sents = _read(args.conll, labelled=False)
    model = load_model(args.model)
    labels = model.tag_sentences([s.tokens for s in sents])
    text = format_conll((s.tokens, lab) for s, lab in zip(sents, labels))
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0
