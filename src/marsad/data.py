"""Where the annotated corpora live: one helper, honouring ``MARSAD_DATA``.

The corpora are read in place (``../shared/data`` by default) and never copied into the
repository. Code that needs one calls :func:`corpus_path`, which raises ResourceMissing
with a clear message; tests call :func:`corpus_or_skip`.
"""

from __future__ import annotations

import os
from pathlib import Path

from marsad.errors import ResourceMissing

_REPO_ROOT = Path(__file__).resolve().parents[2]


def data_root() -> Path:
    env = os.environ.get("MARSAD_DATA")
    if env:
        return Path(env)
    # ../shared/data relative to the working directory, then to the repository checkout
    for base in (Path.cwd(), _REPO_ROOT):
        cand = (base / ".." / "shared" / "data").resolve()
        if cand.is_dir():
            return cand
    return (Path.cwd() / ".." / "shared" / "data").resolve()


def corpus_path(*parts: str) -> Path:
    """Path of a file or folder under the data root; raises if it is absent."""
    p = data_root().joinpath(*parts)
    if not p.exists():
        raise ResourceMissing(
            f"corpus file {p}",
            fix=f"export MARSAD_DATA=/path/to/shared/data (looked for {'/'.join(parts)})",
        )
    return p


def shared_path(*parts: str) -> Path:
    """Path under the shared folder (the parent of the data root), e.g. samples/."""
    return data_root().parent.joinpath(*parts)


def corpus_or_skip(*parts: str) -> Path:
    """For tests: the corpus path, or a pytest skip that says why."""
    p = data_root().joinpath(*parts)
    if not p.exists():
        import pytest

        pytest.skip(f"corpus {'/'.join(parts)} not found under {data_root()} (set MARSAD_DATA)")
    return p
