"""Read the Universal-PETRARCH gold XML format (``events-gold-dev``) and the plain event-free
sentence files used to measure false alarms.

Gold format::

    <Sentence category="PROTEST" date="20081206" id="...">
      <EventText eid="0" eventtext="..." sourcetext="..." targettext="..." />
      <EventCoding eid="0" plover="PROTEST" sourcecode="None CVL" targetcode="..." />
      <Text> ... </Text>
    </Sentence>

The span texts are bags of words taken from the parse (their order is not the sentence's),
so they are compared as word sets.
"""

from __future__ import annotations

import gzip
import json
import random
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from marsad.errors import InputError


@dataclass
class GoldEvent:
    plover: str
    eventtext: str = ""
    sourcetext: str = ""
    targettext: str = ""
    sourcecode: str = ""
    targetcode: str = ""


@dataclass
class GoldSentence:
    id: str
    text: str
    category: str
    date: str | None = None  # YYYY-MM-DD
    events: list[GoldEvent] = field(default_factory=list)


def _iso(d: str | None) -> str | None:
    if d and len(d) == 8 and d.isdigit():
        return f"{d[:4]}-{d[4:6]}-{d[6:]}"
    return d or None


def read_gold(path: str | Path) -> list[GoldSentence]:
    p = Path(path)
    try:
        root = ET.parse(p).getroot()
    except (OSError, ET.ParseError) as exc:
        raise InputError(f"cannot read gold XML: {exc}", source=str(p)) from None
    out: list[GoldSentence] = []
    for s in root.iter("Sentence"):
        if s.get("evaluate", "true").lower() == "false":
            continue
        text_el = s.find("Text")
        text = " ".join((text_el.text or "").split()) if text_el is not None else ""
        if not text:
            continue
        texts = {e.get("eid"): e for e in s.findall("EventText")}
        events = []
        for c in s.findall("EventCoding"):
            t = texts.get(c.get("eid"))
            events.append(GoldEvent(
                plover=c.get("plover") or s.get("category") or "",
                eventtext=(t.get("eventtext") if t is not None else "") or "",
                sourcetext=(t.get("sourcetext") if t is not None else "") or "",
                targettext=(t.get("targettext") if t is not None else "") or "",
                sourcecode=c.get("sourcecode") or "",
                targetcode=c.get("targetcode") or "",
            ))
        category = s.get("category") or (events[0].plover if events else "")
        out.append(GoldSentence(s.get("id") or str(len(out)), text, category, _iso(s.get("date")), events))
    if not out:
        raise InputError("no <Sentence> elements with text found", source=str(p))
    return out


def read_sentences(path: str | Path) -> list[tuple[str, str]]:
    """(label, sentence) pairs: one sentence per line, optionally ``label<TAB>sentence``
    (``#`` comments, blank lines skipped), or a .jsonl file with ``text`` (and ``label``)."""
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read sentences: {exc}", source=str(p)) from None
    out = []
    for n, line in enumerate(raw.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        label = ""
        if p.suffix == ".jsonl":
            try:
                d = json.loads(line)
                line, label = d["text"], str(d.get("label") or "")
            except (ValueError, KeyError, TypeError):
                raise InputError("expected a JSON object with a 'text' field", source=f"{p}:{n}") from None
        elif "\t" in line:
            label, _, line = line.partition("\t")
        out.append((label.strip(), line.strip()))
    return out


def sample_corpus_sentences(path: str | Path, *, labels: tuple[str, ...] = ("sport", "culture", "technology", "health"),
                            n: int = 2000, seed: int = 13) -> list[tuple[str, str]]:
    """(label, sentence) pairs sampled from the topics corpus, a second and larger event-free
    set. Sentences come from the punctuated ANT part; a label ANT lacks (health) comes from
    the SANAD part, whose unpunctuated text is cut into 25-word pieces. Real articles: a few
    of these sentences do report events, so this rate is an upper bound."""
    from marsad.text.segment import split_sentences, words

    ant: dict[str, list[str]] = {lab: [] for lab in labels}
    sanad: dict[str, list[str]] = {lab: [] for lab in labels}
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            lab = d.get("label")
            if lab not in ant:
                continue
            text = d.get("text") or ""
            if d.get("corpus") == "ant-v2.1":
                for s in split_sentences(text):
                    t = text[s.start:s.end].strip()
                    if 40 <= len(t) <= 400:
                        ant[lab].append(t)
            elif len(sanad[lab]) < 20000:
                ws = words(text)
                sanad[lab].extend(" ".join(ws[i:i + 25]) for i in range(0, len(ws) - 24, 25))
    by_label = {lab: ant[lab] or sanad[lab] for lab in labels}
    rng = random.Random(seed)
    per = max(1, n // len(labels))
    out: list[tuple[str, str]] = []
    for lab in labels:
        pool = by_label[lab]
        rng.shuffle(pool)
        out.extend((lab, s) for s in pool[:per])
    return out
