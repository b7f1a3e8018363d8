"""Building the document-frequency table of :mod:`marsad.analyze.keywords`
(``marsad train keywords``): in how many articles each term stem occurs."""

from __future__ import annotations

import gzip
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain
from pathlib import Path

from marsad.analyze.keywords import load_df, term_occurrences
from marsad.lab.corpora import texts


def iter_corpus_texts(files: Sequence[Path] | None = None) -> Iterator[str]:
    """The text of every article in JSON-lines ``files`` (default: the topic corpus and
    SaudiNewsNet), read by the one corpus reader (production's document builder)."""
    sources: Sequence[str | Path] = list(files) if files else ["topics", "saudinewsnet"]
    return chain.from_iterable(texts(s) for s in sources)


def build_df_table(texts: Iterable[str], out: Path, *, min_df: int = 3,
                   log: Callable[[str], None] = lambda s: None) -> tuple[int, int]:
    """Count in how many texts each term stem occurs; write those with ``min_df`` or more.
    Returns (articles, stems kept)."""
    df: Counter[str] = Counter()
    n = 0
    for text in texts:
        n += 1
        # stopwords are counted too, so the table does not depend on the stopword list
        df.update({o.stem for o in term_occurrences(text, keep_stopwords=True)})
        if n % 10000 == 0:
            log(f"{n} articles, {len(df)} stems")
    out.parent.mkdir(parents=True, exist_ok=True)
    kept = [(s, c) for s, c in df.items() if c >= min_df]
    kept.sort(key=lambda x: (-x[1], x[0]))
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.write(f"#articles\t{n}\n")
        for s, c in kept:
            fh.write(f"{s}\t{c}\n")
    load_df.cache_clear()
    return n, len(kept)
