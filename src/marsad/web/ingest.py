"""Writing through the web: build Documents from pasted text, uploaded files or API JSON,
and store them through the server's single writer. Only with a write token.

Every write goes through the ingest engine (:mod:`marsad.run.engine`), as ``marsad ingest``
does. Reading and analysing happen outside the write lock, in the request's own thread: the
lock is held only to write a batch and to extend the stories, so a short article posted
while a long one is being analysed does not wait for it. An article
is cut at the readers' ``MAX_ARTICLE_CHARS`` (with a note), so no request analyses more
than its size allows."""

from __future__ import annotations

import hmac
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marsad.errors import InputError
from marsad.ingest.document import build_document, document_from_text
from marsad.model import Document
from marsad.web.errors import HTTPError
from marsad.web.state import ServerState

MAX_FILES = 50
MAX_DOCS = 100
MAX_ERRORS = 20  # error lines in one answer
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class IngestOutcome:
    new: int = 0
    known: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"new": self.new, "known": self.known, "failed": self.failed,
                "errors": self.errors, "ids": self.ids}


def check_token(state: ServerState, given: str | None) -> None:
    """403 when writing is off, 401 when the token is missing or wrong."""
    expected = state.settings.write_token
    if not expected:
        raise HTTPError(403, "writing is off on this server", code="forbidden",
                        fix="start it with marsad serve --write-token TOKEN")
    if not given or not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        raise HTTPError(401, "a valid write token is required", code="unauthorized",
                        fix="send Authorization: Bearer TOKEN")


def bearer(authorization: str | None) -> str | None:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return None


def document_from_fields(
    *, text: str, title: str | None = None, paragraphs: list[str] | None = None,
    url: str | None = None, source: str | None = None, published: str | None = None,
    language: str | None = None,
) -> Document:
    """A Document from pasted text, read like a .txt file (first line = headline unless
    ``title`` is given), or from explicit paragraphs: either way through the readers' one
    builder, so it is cleaned, cut at the size limit, its date normalized (or taken from
    the URL) and its language identified exactly as a file's would be."""
    fields: dict[str, Any] = {"origin": "web", "url": url or None, "source": source or None,
                              "published": published or None, "language": language or None}
    if paragraphs is None:
        text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
        if not text and not title:
            raise InputError("the article is empty", fix="paste a headline line and the article text")
        doc = document_from_text(text, title=title or None, **fields)
    else:
        paragraphs = [str(p) for p in paragraphs if str(p).strip()]
        title = (title or "").strip()
        if not title and not paragraphs:
            raise InputError("the article is empty", fix="give a title and paragraphs")
        doc = build_document(title, paragraphs, guess_title=False, **fields)
    if not doc.title and not doc.paragraphs:
        raise InputError("the article is empty", fix="paste a headline line and the article text")
    return doc


def ingest_documents(state: ServerState, docs: list[Document]) -> IngestOutcome:
    """Analyse ``docs`` (outside the write lock), then store the new ones."""
    out = _ingest(state, docs)
    out.ids = [d.id for d in docs]
    return out


def ingest_files(state: ServerState, files: list[tuple[str, bytes]]) -> IngestOutcome:
    """Uploaded files, written to a private temporary folder under safe names and read by
    the same readers as ``marsad ingest`` (txt, html, jsonl, feeds, WARC, archives)."""
    if len(files) > MAX_FILES:
        raise InputError(f"{len(files)} files at once", fix=f"upload at most {MAX_FILES}")
    with tempfile.TemporaryDirectory(prefix="marsad-upload-") as tmp:
        paths = []
        for i, (name, data) in enumerate(files):
            base = _SAFE_NAME.sub("_", Path(name or "upload.txt").name)[-100:].lstrip(".") or "upload.txt"
            p = Path(tmp) / f"{i:03d}-{base}"
            p.write_bytes(data)
            paths.append(p)
        out = _ingest(state, paths)
    out.errors = [e.replace(tmp, "") for e in out.errors]
    return out


def _ingest(state: ServerState, inputs: list[Any]) -> IngestOutcome:
    """The ingest engine over ``inputs``: what is stored already is checked on this
    thread's reader, the analysis runs without the write lock (counted as analysing),
    and each write step (a batch, then the stories) holds it."""
    from marsad.run.engine import IngestOptions, ingest

    errors: list[str] = []
    options = IngestOptions(progress=False, on_error=errors.append, on_note=lambda _: None,
                            writer=state.write, analysing=state.analysis)
    report = ingest(state.reader(), inputs, options)
    return IngestOutcome(new=report.new, known=report.known, failed=report.failed,
                         errors=errors[:MAX_ERRORS])
