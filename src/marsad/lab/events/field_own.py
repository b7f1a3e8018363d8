"""Own field gold kept as ids and offsets; rebuilt from the corpora in place.

Lab code, not product: the project's own event field gold (``tests/data/events/field_own``)
may not carry corpus text, so each line names its article by corpus and 0-based line and
replaces every quoted string (trigger, sentence, source, target, place) by character offsets
``[part, start, end]`` into the article's ``title`` or ``text``. :func:`rebuild` reads those
lines from the corpora (through :func:`marsad.data.corpus_path`, which honours
``MARSAD_DATA``), checks a short hash of each text, and writes ``articles.jsonl`` and
``gold.jsonl`` in the format of ``events-field-dev/GUIDELINE.md``, ready for
``marsad eval events --field``. :func:`encode` is the inverse, used once to make the files.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from marsad.data import corpus_path
from marsad.errors import InputError

IDS_DIR = Path(__file__).resolve().parents[4] / "tests" / "data" / "events" / "field_own"
TRAIN_DIR = IDS_DIR.parent / "field_train"  # training articles, same format (never a check set)
NAMES = ("snn", "ant")
QUOTED_ONE = ("trigger", "sentence")
QUOTED_MANY = ("source", "target", "place")
Span = list[Any]  # [part, start, end]: part is "title" or "text", offsets in code points


@dataclass(frozen=True)
class Corpus:
    """Where a corpus lives and how one of its lines becomes a guideline article."""

    parts: tuple[str, ...]
    text_field: str


CORPORA = {
    "saudinewsnet": Corpus(("saudinewsnet", "articles.jsonl.gz"), "content"),
    "topics": Corpus(("topics", "train.jsonl.gz"), "text"),
}


def text_hash(text: str) -> str:
    """First 12 hex digits of the SHA-1 of the article text (enough to catch a wrong line)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


# --- encode: guideline article + gold -> ids line ---------------------------------------

def _find(article: dict, s: str, near: Span | None) -> Span:
    """Offsets of ``s``: inside the ``near`` span when it is there, else in the same part,
    else anywhere (title before text)."""
    order = ["title", "text"]
    if near is not None:
        part, a, b = near
        i = article[part].find(s, a, b)
        if i >= 0 and i + len(s) <= b:
            return [part, i, i + len(s)]
        order = [part] + [p for p in order if p != part]
    for part in order:
        i = article[part].find(s)
        if i >= 0:
            return [part, i, i + len(s)]
    raise ValueError(f"{article['id']}: {s!r} is in neither the title nor the text")


def _sentence_span(article: dict, s: str) -> Span:
    title, text = article["title"], article["text"]
    if s in title and (s == title or s not in text):
        return _find(article, s, None)
    return _find(article, s, ["text", 0, len(text)]) if s in text else _find(article, s, None)


def encode_event(article: dict, event: dict) -> dict:
    sent = _sentence_span(article, event["sentence"])
    out: dict = {}
    for k, v in event.items():
        if k == "sentence":
            out[k] = sent
        elif k == "trigger":
            out[k] = _find(article, v, sent)
        elif k in QUOTED_MANY:
            out[k] = [_find(article, s, sent) for s in v]
        else:
            out[k] = v
    return out


def encode(article: dict, gold: dict, ref: dict) -> dict:
    """One ids line from a guideline article, its gold line and its corpus reference."""
    if article["id"] != gold["id"] or article["id"] != ref["id"]:
        raise ValueError(f"ids differ: {article['id']} {gold['id']} {ref['id']}")
    line: dict = {"id": article["id"], "corpus": ref["corpus"], "line": ref["line"], "url": ref["url"]}
    for k in ("published", "url_date"):
        if article.get(k):
            line[k] = article[k]
    line["text_sha1"] = text_hash(article["text"])
    if gold.get("note"):
        line["note"] = gold["note"]
    line["events"] = [encode_event(article, e) for e in gold["events"]]
    return line


# --- decode: ids line + corpus line -> guideline article + gold ---------------------------

def _cut(article: dict, span: Span, where: str) -> str:
    part, a, b = span
    body = article.get(part)
    if not isinstance(body, str) or not 0 <= a < b <= len(body):
        raise InputError(f"offsets {span} of {where} are out of range", source=article["id"])
    return body[a:b]


def decode_event(article: dict, event: dict) -> dict:
    out: dict = {}
    for k, v in event.items():
        if k in QUOTED_ONE:
            out[k] = _cut(article, v, k)
        elif k in QUOTED_MANY:
            out[k] = [_cut(article, s, k) for s in v]
        else:
            out[k] = v
    return out


def make_article(ids: dict, row: dict) -> dict:
    """The guideline article of a corpus row; dates stay out unless the ids line has
    ``published`` (an ANT ``url_date`` is not a publication date: ingest reads URLs itself)."""
    corpus = CORPORA[ids["corpus"]]
    art: dict = {"id": ids["id"], "title": row.get("title") or "", "text": row[corpus.text_field]}
    if ids.get("published"):
        art["published"] = ids["published"]
    origin = ids["corpus"] if ids["corpus"] != "topics" else f"topics:{row.get('label')}"
    art.update({"source": row.get("source"), "url": row.get("url"), "origin": origin})
    return art


def decode(ids: dict, row: dict) -> tuple[dict, dict]:
    """Guideline article and gold line of one ids line, given its corpus row."""
    art = make_article(ids, row)
    if text_hash(art["text"]) != ids["text_sha1"]:
        where = "/".join(CORPORA[ids["corpus"]].parts)
        raise InputError(
            f"article {ids['id']}: the text at line {ids['line']} of {where} has hash "
            f"{text_hash(art['text'])}, the gold expects {ids['text_sha1']}",
            source=ids["id"],
            fix="point MARSAD_DATA at the unchanged shared/data corpora the gold was made on "
            f"(url {ids['url']})",
        )
    gold: dict = {"id": ids["id"], "events": [decode_event(art, e) for e in ids["events"]]}
    if ids.get("note"):
        gold["note"] = ids["note"]
    return art, gold


def read_ids(name: str, *, ids_dir: Path = IDS_DIR) -> list[dict]:
    if ids_dir == IDS_DIR and name not in NAMES:
        raise InputError(f"unknown own gold {name!r}", fix=f"use one of {', '.join(NAMES)} or all")
    path = ids_dir / f"{name}.jsonl"
    if not path.exists():
        raise InputError("own gold file not found", source=str(path),
                         fix="run from a source checkout of marsad (tests/data is not installed)")
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def corpus_rows(corpus: str, lines: Iterable[int]) -> dict[int, dict]:
    """The parsed rows at the given 0-based lines of a corpus file (one pass)."""
    want = set(lines)
    path = corpus_path(*CORPORA[corpus].parts)
    out: dict[int, dict] = {}
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i in want:
                out[i] = json.loads(line)
                if len(out) == len(want):
                    break
    missing = want - out.keys()
    if missing:
        raise InputError(f"lines {sorted(missing)} are past the end of the corpus", source=str(path),
                         fix="point MARSAD_DATA at the shared/data corpora the gold was made on")
    return out


def rebuild_lines(ids_lines: list[dict]) -> list[tuple[dict, dict]]:
    """Article and gold line for every ids line, in order."""
    rows: dict[str, dict[int, dict]] = {}
    for corpus in dict.fromkeys(x["corpus"] for x in ids_lines):
        rows[corpus] = corpus_rows(corpus, (x["line"] for x in ids_lines if x["corpus"] == corpus))
    return [decode(x, rows[x["corpus"]][x["line"]]) for x in ids_lines]


def rebuild(name: str, out_dir: Path, *, ids_dir: Path = IDS_DIR) -> tuple[Path, Path]:
    """Write ``out_dir/articles.jsonl`` and ``out_dir/gold.jsonl`` for ``snn``, ``ant`` or
    ``all`` (both, in that order); returns the two paths."""
    names = NAMES if name == "all" else (name,)
    ids_lines = [x for n in names for x in read_ids(n, ids_dir=ids_dir)]
    pairs = rebuild_lines(ids_lines)
    out_dir.mkdir(parents=True, exist_ok=True)
    arts, gold = out_dir / "articles.jsonl", out_dir / "gold.jsonl"
    with arts.open("w", encoding="utf-8") as fa, gold.open("w", encoding="utf-8") as fg:
        for a, g in pairs:
            fa.write(json.dumps(a, ensure_ascii=False) + "\n")
            fg.write(json.dumps(g, ensure_ascii=False) + "\n")
    return arts, gold
