"""The one way the lab reads a corpus: each line through the reader ``marsad ingest`` uses.

A corpus line is a JSON object (SaudiNewsNet: source, url, date_extracted, title, author,
content; the topic corpus: corpus, label, title, text, url?). It is parsed and built by
:func:`marsad.ingest.jsonl.parse_json` and :func:`marsad.ingest.jsonl.record_result`, the
functions the production JSON Lines reader calls for every line, so an evaluation or a
trained table sees the text a store holds: cleaned, paragraphs split, boilerplate (teasers,
bylines, agency and dateline) removed, the date normalized (the crawl date, or the URL's
date when a row gives none) and the language identified. A line production would reject
(no headline and no body, malformed JSON) is skipped, as ``marsad ingest`` skips it.

Line numbers count from 1, as the ``file:LINE`` origin of each Document does. Corpora are
read in place through :func:`marsad.data.corpus_path`; nothing is copied.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import Any

from marsad.data import corpus_path
from marsad.errors import InputError
from marsad.ingest.document import clean_title
from marsad.ingest.encoding import decode_bytes
from marsad.ingest.jsonl import parse_json, record_result
from marsad.model import Document

# corpus names -> their file under the data root (MARSAD_DATA)
CORPORA: dict[str, tuple[str, ...]] = {
    "saudinewsnet": ("saudinewsnet", "articles.jsonl.gz"),
    "topics": ("topics", "train.jsonl.gz"),
}

Row = dict[str, Any]


def corpus_file(corpus: str | Path) -> Path:
    """The file of a corpus named in :data:`CORPORA`, or ``corpus`` itself as a path."""
    if isinstance(corpus, str) and corpus in CORPORA:
        return corpus_path(*CORPORA[corpus])
    path = Path(corpus)
    if not path.is_file():
        raise InputError("no such corpus file", source=str(corpus),
                         fix=f"name one of {', '.join(CORPORA)} or give a .jsonl(.gz) file")
    return path


def stored_url(url: str) -> str:
    """``url`` as a Document built by production carries it (invisible marks such as
    U+200E removed): the form a gold file's URL is matched in."""
    return clean_title(url)


def _open(path: Path) -> io.BufferedIOBase:
    """The corpus file's bytes, read (and iterated by line) through a GzipFile or a plain
    buffered file: both are BufferedIOBase."""
    return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")


def _text(raw: bytes, origin: str) -> str | None:
    """A line's text, decoded as the JSON Lines reader decodes it (None: undecodable)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return decode_bytes(raw, source=origin).text
        except InputError:
            return None


def documents(
    corpus: str | Path,
    *,
    limit: int | None = None,
    lines: Collection[int] | None = None,
    where: Callable[[Row], bool] | None = None,
) -> Iterator[tuple[int, Document]]:
    """(line number, Document) for the articles of ``corpus``, in file order.

    ``limit``: stop after that many documents. ``lines``: only these line numbers (from 1;
    the file is read no further than the last). ``where``: only lines whose parsed JSON
    object it accepts (checked before the Document is built, so a filter costs a parse,
    not a build)."""
    if limit is not None and limit <= 0:
        return
    path = corpus_file(corpus)
    want = set(lines) if lines is not None else None
    last = max(want, default=0) if want is not None else None
    given = 0
    with _open(path) as fh:
        for n, raw in enumerate(fh, 1):
            if last is not None and n > last:
                break
            if want is not None and n not in want:
                continue
            origin = f"{path}:{n}"
            text = _text(raw, origin)
            s = text.strip().lstrip("\ufeff") if text is not None else ""
            if not s:
                continue
            try:
                obj = parse_json(s, origin)
            except InputError:
                continue
            if where is not None and not (isinstance(obj, dict) and where(obj)):
                continue
            doc = record_result(obj, origin).document
            if doc is None:
                continue
            yield n, doc
            given += 1
            if limit is not None and given >= limit:
                return


def texts(
    corpus: str | Path,
    *,
    limit: int | None = None,
    lines: Collection[int] | None = None,
    where: Callable[[Row], bool] | None = None,
) -> Iterator[str]:
    """Headline, blank line, body (``Document.text``: the string the pipeline analyses) of
    each article :func:`documents` yields; for consumers that count words or stems."""
    for _, doc in documents(corpus, limit=limit, lines=lines, where=where):
        yield doc.text
