"""Human-readable terminal output for analyses, hits and stats."""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from typing import Any

from marsad.model import Analysis, Event
from marsad.store.base import SearchHit
from marsad.text.segment import tokenize

# how the store's stats name what is missing ("?"), said in words
_UNKNOWN = {"by_language": "(unknown)", "by_source": "(no source)", "by_topic": "(no topic)"}

_BOLD = "\033[1m" if sys.stdout.isatty() else ""
_END = "\033[0m" if sys.stdout.isatty() else ""


# what must not reach a terminal raw from a file name or a message that quotes one: C0/C1
# controls (a newline forges a second line, ESC starts a terminal escape sequence), the
# bidirectional embeddings, overrides and isolates (U+202E shows "txt.exe" as "exe.txt")
# and lone surrogates (an undecodable byte in a file name; printing one would crash)
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` as one line that is safe to print: the characters above as Python escapes
    (``\\n``, ``\\x1b``, ``\\u202e``), everything else (Arabic included) as it is."""
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape", "backslashreplace")
                       .decode("ascii"), text)


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 result``, ``2 results``, ``0 results``."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def print_analysis(a: Analysis) -> None:
    d = a.document
    print(f"{_BOLD}{d.title or '(no headline)'}{_END}")
    meta = [f"id {d.id}", f"lang {d.language or '?'}"]
    for k in ("source", "published", "url", "agency", "dateline", "author"):
        v = getattr(d, k)
        if v:
            meta.append(f"{k} {v}")
    print("  " + " · ".join(meta))
    # a stored analysis keeps no tokens (they are cheap to recompute): count them from the text
    n_tokens = len(a.tokens) if a.tokens else len(tokenize(a.text))
    print(f"  {plural(len(d.paragraphs), 'paragraph')}, {plural(len(a.sentences), 'sentence')}, "
          f"{plural(n_tokens, 'token')}")
    for n in a.notes:
        print(f"  note: {n}")
    if a.topic:
        print(f"  topic: {a.topic.label} ({a.topic.score:.2f})")
    if a.keywords:
        print(f"  keywords: {'، '.join(a.keywords)}")
    if a.mentions:
        by_type: dict[str, Counter] = defaultdict(Counter)
        for m in a.mentions:
            by_type[m.type][m.text] += 1
        print("  mentions:")
        for t in sorted(by_type):
            items = ", ".join(f"{k}×{v}" if v > 1 else k for k, v in by_type[t].most_common())
            print(f"    {t}: {items}")
    if a.entities:
        print("  entities:")
        for e in a.entities:
            extra = " ".join(x for x in (e.name_en, e.country, e.wikidata, e.kind) if x)
            where = f" ({e.lat:.2f}, {e.lon:.2f})" if e.lat is not None and e.lon is not None else ""
            print(f"    {e.type} {e.name_ar} — {extra}{where}")
    if a.events:
        print("  events:")
        for ev in a.events:
            print("    " + format_event(ev))
    if a.summary:
        print("  summary:")
        for i in a.summary:
            print(f"    {a.sentence_text(i)}")
    if a.story_id:
        print(f"  story: {a.story_id}")
    print()


def format_event(e: Event, sep: str = " ") -> str:
    """One line: type/mode, status, trigger, actors, place, date, country, casualties,
    reporter, sentence."""
    parts = [f"{e.type}{'/' + e.mode if e.mode else ''}", e.status, f"«{e.trigger.text}»"]
    for label, span in (("source", e.source), ("target", e.target), ("at", e.location),
                        ("reported-by", e.reporter)):
        if span:
            parts.append(f"{label}={span.text}")
    if e.date:
        parts.append(f"date={e.date}")
    if e.country:
        parts.append(f"country={e.country}")
    if e.fatalities is not None:
        parts.append(f"killed={e.fatalities}")
    if e.injured is not None:
        parts.append(f"injured={e.injured}")
    if e.mentions:
        parts.append(f"+{len(e.mentions)} mention(s)")
    parts.append(f"s{e.sentence} conf={e.confidence:.2f}")
    return sep.join(parts)


def print_hit(i: int, h: SearchHit) -> None:
    meta = " · ".join(x for x in (h.source, (h.published or "")[:10], h.id) if x)
    copies = f"  (+{h.copies - 1} copies)" if h.copies > 1 else ""
    print(f"{i}. {_BOLD}{h.title}{_END}{copies}")
    # a filter-only query (type:…, from:…) ranks nothing: no score to show
    score = f"  score {h.score:.3g}" if h.score else ""
    print(f"   {meta}{score}")
    marked = h.snippet
    if h.highlights:
        out, pos = [], 0
        for s, e in h.highlights:
            out += [marked[pos:s], _BOLD or "[", marked[s:e], _END or "]"]
            pos = e
        out.append(marked[pos:])
        marked = "".join(out)
    print(f"   {marked}\n")


def print_stats(s: dict[str, Any]) -> None:
    print(f"database {s['database']} (schema v{s['schema_version']})")
    for k in ("documents", "duplicate_groups", "entities", "mentions", "events", "stories"):
        print(f"  {k.replace('_', ' ')}: {s[k]}")
    if "incidents" in s:
        waiting = f" ({s['incidents_pending']} articles waiting: run marsad incidents)" if s.get("incidents_pending") else ""
        print(f"  incidents: {s['incidents']}{waiting}")
    if s.get("published_from"):
        print(f"  published: {s['published_from'][:10]} … {s['published_to'][:10]}")
    for k in ("by_language", "by_source", "by_topic", "events_by_type"):
        if s.get(k):  # all of them: the text says what --json says
            unknown = _UNKNOWN.get(k, "?")
            items = ", ".join(f"{unknown if a == '?' else a} {b}" for a, b in s[k].items())
            print(f"  {k.replace('_', ' ')}: {items}")
