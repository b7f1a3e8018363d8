"""One exception tree for everything a user can cause or meet.

    MarsadError
     ├── InputError        bad file, wrong encoding, malformed line, bad query
     │    └── QueryError   a search query that cannot be answered
     ├── StageError        an analysis stage failed (names the stage)
     ├── StoreError        the database could not be opened, migrated or written
     └── ResourceMissing   a model, lexicon or cache is absent (names the fixing command)
"""

from __future__ import annotations


class MarsadError(Exception):
    """Base of every error marsad raises on purpose."""


class InputError(MarsadError):
    """An input that cannot be read; ``source`` names the file (and line)."""

    def __init__(self, message: str, *, source: str | None = None, fix: str | None = None):
        self.source = source
        self.fix = fix
        parts = [f"{source}: {message}" if source else message]
        if fix:
            parts.append(f"({fix})")
        super().__init__(" ".join(parts))


class QueryError(InputError):
    """A search query that is malformed; the message says how to write it."""


class QueryTimeout(QueryError):
    """A read ran past the store's time limit and was stopped (the web server's readers
    have one, as Datasette's do); the message says how to narrow it."""


class StageError(MarsadError):
    def __init__(self, stage: str, cause: BaseException):
        self.stage = stage
        self.cause = cause
        super().__init__(f"stage '{stage}' failed: {type(cause).__name__}: {cause}")


class StoreError(MarsadError):
    """The database could not be opened, migrated or written."""


class ResourceMissing(MarsadError):
    """A model or data file is missing; the message names the command that rebuilds it."""

    def __init__(self, what: str, *, fix: str):
        self.what = what
        self.fix = fix
        super().__init__(f"{what} is missing: run `{fix}`")
