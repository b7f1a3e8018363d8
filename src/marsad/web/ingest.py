"""Writing through the web: build Documents from pasted text, uploaded files or API JSON,
and store them through the server's single writer. Only with a write token."""

from __future__ import annotations

import hmac
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marsad.errors import InputError
from marsad.model import Document
from marsad.text.published import normalize_published
from marsad.web.errors import HTTPError
from marsad.web.state import ServerState

MAX_FILES = 50
MAX_DOCS = 100
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
    ``title`` is given; boilerplate removed), or from explicit paragraphs."""
    if paragraphs is None:
        text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
        if not text and not title:
            raise InputError("the article is empty", fix="paste a headline line and the article text")
        from marsad.ingest import read_text

        doc = read_text(text, title=title or None, origin="web")
    else:
        paragraphs = [str(p) for p in paragraphs if str(p).strip()]
        title = (title or "").strip()
        if not title and not paragraphs:
            raise InputError("the article is empty", fix="give a title and paragraphs")
        doc = Document(title=title, paragraphs=paragraphs, origin="web")
    if len(doc.title) > 2000:
        raise InputError("the headline is longer than 2,000 characters")
    if not doc.title and not doc.paragraphs:
        raise InputError("the article is empty", fix="paste a headline line and the article text")
    doc.url = url or doc.url
    doc.source = source or doc.source
    if published:  # the readers' one normalizer: an implausible date is dropped with a note
        norm = normalize_published(published)
        if norm.note:
            doc.meta["published_raw"] = published[:200]
            doc.meta["published_note"] = norm.note
        doc.published = norm.iso or doc.published
    doc.language = language or doc.language
    return doc


def ingest_documents(state: ServerState, docs: list[Document]) -> IngestOutcome:
    out = IngestOutcome()

    def run(store: Any) -> Any:
        return store.ingest(docs, progress=False, on_error=lambda msg: None)

    report = state.write(run)
    out.new, out.known, out.failed = report.new, report.known, report.failed
    out.errors = list(report.errors)[:20]
    out.ids = [d.id for d in docs]
    return out


def ingest_files(state: ServerState, files: list[tuple[str, bytes]]) -> IngestOutcome:
    """Uploaded files, written to a private temporary folder under safe names and read by
    the same readers as ``marsad ingest`` (txt, html, jsonl, feeds, WARC, archives)."""
    if len(files) > MAX_FILES:
        raise InputError(f"{len(files)} files at once", fix=f"upload at most {MAX_FILES}")
    out = IngestOutcome()
    with tempfile.TemporaryDirectory(prefix="marsad-upload-") as tmp:
        paths = []
        for i, (name, data) in enumerate(files):
            base = _SAFE_NAME.sub("_", Path(name or "upload.txt").name)[-100:].lstrip(".") or "upload.txt"
            p = Path(tmp) / f"{i:03d}-{base}"
            p.write_bytes(data)
            paths.append(p)

        def run(store: Any) -> Any:
            return store.ingest(paths, progress=False, on_error=lambda msg: None)

        report = state.write(run)
    out.new, out.known, out.failed = report.new, report.known, report.failed
    out.errors = [e.replace(tmp, "") for e in list(report.errors)[:20]]
    return out
