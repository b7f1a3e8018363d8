"""Event command: ``marsad events FILE...`` (scoring and timing the coder are lab commands, in
``lab/commands/events.py``)."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from marsad.errors import MarsadError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "events", help="code the PLOVER events of articles",
        description="Print the events of each input document (any format ingest reads; a "
        ".jsonl line keeps its 'id'). With --json: one JSON object per input document, in "
        "input order, with its id and events.",
    )
    p.add_argument("paths", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="one JSON object per document per line")
    p.add_argument("--no-ner", action="store_true",
                   help="skip NER and linking (faster; actors come from the event lexicon only)")
    p.add_argument("--published", metavar="DATE",
                   help="publication date for documents that have none (resolves أمس، الخميس ...)")
    p.set_defaults(func=cmd_events)


# --- marsad events -------------------------------------------------------------------------

def _pipeline(no_ner: bool):
    from marsad.analyze.pipeline import Pipeline, registered

    names: list[str] = [n for n in ("ner", "link", "events") if n in registered()]
    if no_ner:
        names = ["events"]
    return Pipeline(names)


def _read(paths: list[str]):
    from marsad.ingest import read_paths

    return read_paths(paths)


def _event_json(ev) -> dict:
    return asdict(ev)


def cmd_events(args: argparse.Namespace) -> int:
    pipe = _pipeline(args.no_ner)
    fell_back = False
    for res in _read(args.paths):
        if res.document is None:
            err = str(res.error) if res.error else "unreadable"
            if args.json:
                print(json.dumps({"id": None, "origin": res.origin, "error": err, "events": []},
                                 ensure_ascii=False))
            print(f"marsad: {err}", file=sys.stderr)
            continue
        doc = res.document
        if args.published and not doc.published:
            doc.published = args.published
        try:
            analysis = pipe(doc)
        except MarsadError as exc:
            if fell_back or args.no_ner:
                raise
            # a missing NER model must not stop event coding: code with the lexicon alone
            print(f"marsad: warning: {exc}; coding events without NER", file=sys.stderr)
            pipe = _pipeline(True)
            fell_back = True
            analysis = pipe(doc)
        ident = doc.external_id or doc.id
        if args.json:
            print(json.dumps({"id": ident, "origin": res.origin, "events": [_event_json(e) for e in analysis.events]},
                             ensure_ascii=False))
        else:
            _print_events(ident, analysis)
    return 0


def _print_events(ident: str, analysis) -> None:
    from marsad.cli.render import format_event

    title = analysis.document.title or (analysis.document.paragraphs[0][:60] if analysis.document.paragraphs else "")
    print(f"# {ident}  {title}")
    if not analysis.events:
        print("  (no events)")
    for e in analysis.events:
        print("  " + format_event(e, sep="  "))


if __name__ == "__main__":  # pragma: no cover
    from marsad.cli import main

    sys.exit(main(["events", *sys.argv[1:]]))
