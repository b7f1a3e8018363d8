"""Writing through the web: build Documents from pasted text, uploaded files or API JSON,
and store them through the server's single writer. Only with a write token.

Reading and analysing happen outside the write lock, in the request's own thread: the
lock is held only to check what is already stored, write, and extend the stories, so a
short article posted while a long one is being analysed does not wait for it. An article
is cut at the readers' ``MAX_ARTICLE_CHARS`` (with a note), so no request analyses more
than its size allows."""

from __future__ import annotations

import hmac
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marsad.errors import InputError, MarsadError
from marsad.ingest.document import MAX_ARTICLE_CHARS, truncate_paragraphs, truncation_note
from marsad.model import PARAGRAPH_SEP, Analysis, Document
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
        paragraphs, total = truncate_paragraphs(paragraphs, MAX_ARTICLE_CHARS)
        doc = Document(title=title, paragraphs=paragraphs, origin="web")
        if total > MAX_ARTICLE_CHARS:
            doc.meta["truncated_note"] = truncation_note(len(PARAGRAPH_SEP.join(paragraphs)), total)
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
    """Analyse ``docs`` (outside the write lock), then store the new ones."""
    out = IngestOutcome()
    _store(state, _analyse(state, [(d.origin or d.id, d) for d in docs], out), out)
    out.ids = [d.id for d in docs]
    return out


def ingest_files(state: ServerState, files: list[tuple[str, bytes]]) -> IngestOutcome:
    """Uploaded files, written to a private temporary folder under safe names and read by
    the same readers as ``marsad ingest`` (txt, html, jsonl, feeds, WARC, archives)."""
    from marsad.ingest import read_paths

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
        items: list[tuple[str, Document]] = []
        for r in read_paths(paths):
            if r.document is None:
                _fail(out, str(r.error or f"{r.origin}: could not be read"))
            else:
                items.append((r.origin, r.document))
        analyses = _analyse(state, items, out)
    _store(state, analyses, out)
    out.errors = [e.replace(tmp, "") for e in out.errors]
    return out


def _fail(out: IngestOutcome, message: str) -> None:
    out.failed += 1
    if len(out.errors) < 20:
        out.errors.append(message)


def _analyse(state: ServerState, items: list[tuple[str, Document]],
             out: IngestOutcome) -> list[Analysis]:
    """The analyses of the documents not stored yet, computed without the write lock (a
    stage failure is counted and reported, as ``marsad ingest`` does)."""
    from marsad.analyze.pipeline import default_pipeline

    docs = [d for _, d in items]
    known = state.reader().known([d.id for d in docs], [d.url for d in docs]) if docs else set()
    pipe = default_pipeline()
    analyses: list[Analysis] = []
    with state.analysis():
        for origin, d in items:
            if d.id in known or (d.url and d.url in known):
                out.known += 1
                continue
            try:
                analyses.append(pipe(d))
            except MarsadError as exc:
                _fail(out, f"{origin}: {exc}")
    return analyses


def _store(state: ServerState, analyses: list[Analysis], out: IngestOutcome) -> None:
    """Store what is still new (another request may have stored it meanwhile) and extend
    the stories: the only part that holds the write lock."""
    from marsad.run.inprocess import cluster_stories

    def run(store: Any) -> tuple[int, int]:
        docs = [a.document for a in analyses]
        known = store.known([d.id for d in docs], [d.url for d in docs]) if docs else set()
        fresh = []
        for a in analyses:
            d = a.document
            if d.id in known or (d.url and d.url in known):
                continue
            known.add(d.id)
            if d.url:
                known.add(d.url)
            fresh.append(a)
        written = store.add(fresh) if fresh else []
        cluster_stories(store)
        new = sum(1 for w in written if w.new)
        return new, len(analyses) - new

    new, known = state.write(run)
    out.new += new
    out.known += known
