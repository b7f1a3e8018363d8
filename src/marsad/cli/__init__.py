"""The ``marsad`` command: a thin layer over the public API.

Each capability keeps its product commands in its own module here (``cli/ner.py``, ...),
exposing ``register(sub)``, ``sub`` being the top-level subparsers object. A handler is set
with ``parser.set_defaults(func=handler)`` and returns an exit code.

Training, scoring and benchmarking are not the product: they live in the lab package
(``lab/commands``), which the product never imports. The shared verbs ``train``, ``eval`` and
``bench`` are added only when that package can be imported; its ``register(groups)`` then
fills them (``groups`` maps each verb to its subparsers). Without the lab, ``marsad`` has the
product commands alone.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Iterator
from types import ModuleType

from marsad.errors import MarsadError

# command modules, in --help order; each owns its subcommands
COMMAND_MODULES = [
    "marsad.cli.core",
    "marsad.cli.demo",
    "marsad.cli.ner",
    "marsad.cli.entities",
    "marsad.cli.events",
    "marsad.cli.incidents",
    "marsad.cli.topic",
    "marsad.cli.stories",
    "marsad.cli.web",
    "marsad.cli.watch",
]

LAB = "marsad.lab"  # training, evaluation and benchmarks: optional, never imported otherwise


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="marsad",
        description="marsad (مرصد): Arabic news to a searchable record of who did what to "
        "whom, where and when.",
    )
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    lab = _lab()
    if lab is not None:  # the lab's verbs come first in --help, as they always have
        groups = {}
        for verb, help_ in lab.VERBS:
            p = sub.add_parser(verb, help=help_, description=help_)
            groups[verb] = p.add_subparsers(dest="what", metavar="WHAT")
            p.set_defaults(func=lambda a, p=p: (p.print_help(), 2)[1])
        lab.register(groups)
    for module in command_modules(COMMAND_MODULES):
        module.register(sub)
    return parser


def command_modules(names: list[str]) -> Iterator[ModuleType]:
    """The command modules that import; a broken one is said in a warning and passed over
    (one broken capability must not take the CLI down)."""
    for name in names:
        try:
            yield importlib.import_module(name)
        except ImportError as exc:
            print(f"marsad: warning: commands of {name} unavailable ({exc})", file=sys.stderr)


def _lab() -> ModuleType | None:
    """The lab's command package, or None when the lab is not installed: the product runs
    without it. A lab that is there but fails to import is reported, not hidden."""
    try:
        return importlib.import_module(f"{LAB}.commands")
    except ImportError as exc:
        if not (isinstance(exc, ModuleNotFoundError) and exc.name == LAB):
            print(f"marsad: warning: train, eval and bench unavailable ({exc})", file=sys.stderr)
        return None


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return "marsad " + version("marsad")
    except PackageNotFoundError:
        return "marsad (not installed)"


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except MarsadError as exc:
        from marsad.cli.render import printable

        print(printable(f"marsad: error: {exc}"), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("marsad: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
