"""The lab's commands: ``marsad train``, ``marsad eval`` and ``marsad bench``.

Training, scoring and benchmarking read gold data and corpora the product never needs, so
they live here, outside the product: :mod:`marsad.cli` adds the three verbs only when this
package can be imported, then calls :func:`register` with their subparsers. Each capability
keeps its lab commands in its own module (same names as in ``marsad/cli``), exposing
``register(groups)``; ``groups`` maps ``train``, ``eval`` and ``bench`` to their subparsers,
so that ``marsad train ner`` and ``marsad train topic`` live beside each other. The lab may
import the product's command modules (their shared helpers), never the reverse.
"""

from __future__ import annotations

import argparse

# the shared verbs, in --help order, with their help
VERBS = (
    ("train", "train a model from annotated data"),
    ("eval", "score a model or stage on annotated data"),
    ("bench", "measure throughput and memory"),
)

# lab command modules, in --help order; each owns its subcommands of the verbs
COMMAND_MODULES = [
    "marsad.lab.commands.core",
    "marsad.lab.commands.ner",
    "marsad.lab.commands.entities",
    "marsad.lab.commands.events",
    "marsad.lab.commands.incidents",
    "marsad.lab.commands.topic",
    "marsad.lab.commands.stories",
    "marsad.lab.commands.web",
    "marsad.lab.commands.scale",
]


def register(groups: dict[str, argparse._SubParsersAction]) -> None:
    """Add every lab command to the subparsers of its verb (``groups["train"]`` …)."""
    from marsad.cli import command_modules

    for module in command_modules(COMMAND_MODULES):
        module.register(groups)
