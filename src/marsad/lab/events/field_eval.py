"""Score whole-article event coding against field gold (``events-field-dev/GUIDELINE.md``).

The unit is what an analyst sees: every event row of every article, every field. Matching
follows the guideline: a predicted row matches a gold event of its type when its trigger lies
in that gold event's sentence; rows whose trigger lies in any sentence of a gold incident of
the type match that incident; among several candidates the row is credited to the gold event
whose fields it gets most right, preferring an incident not yet matched.

Precision = matched rows / rows; recall = gold incidents matched / gold incidents; rows per
incident = matched rows / matched incidents. On matched pairs: status, source, target
(normalized containment either way, >= 3 letters, or both empty), place country, place
(the same containment on the place name), date (equal at the gold's precision) and all of
them at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marsad.errors import InputError
from marsad.lab.gold_lines import gold_lines
from marsad.model import Analysis, Event
from marsad.text.normalize import normalize_for_match

FIELDS = ("status", "source", "target", "country", "place", "date")
_SPACE = re.compile(r"\s+")
_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)


def norm(text: str) -> str:
    """The guideline's normalization (diacritics, tatweel, alef/ya/ta-marbuta forms), with
    white space folded and edge punctuation dropped."""
    t = _SPACE.sub(" ", normalize_for_match(text)).strip()
    return t.strip(" .,:;!?«»\"'()[]-،؛")


@dataclass(frozen=True)
class GoldEvent:
    article: str
    incident: str
    type: str
    trigger: str
    sentence: str
    status: str
    source: tuple[str, ...]
    target: tuple[str, ...]
    place: tuple[str, ...]
    country: str | None
    date: str | None
    fatalities: int | None
    raw: dict[str, Any] = field(compare=False, hash=False, repr=False, default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return (self.article, self.incident)


def read_field_gold(path: str | Path) -> dict[str, list[GoldEvent]]:
    """``{article id: [GoldEvent]}`` from a gold file in the guideline's format."""
    def parse(d: dict) -> tuple[str, list[GoldEvent]]:
        aid = str(d["id"])
        evs: list[GoldEvent] = []
        for e in d.get("events", []):
            evs.append(GoldEvent(
                article=aid, incident=str(e.get("incident") or f"e{len(evs)}"),
                type=e["type"], trigger=e.get("trigger") or "", sentence=e.get("sentence") or "",
                status=e.get("status") or "occurred",
                source=tuple(e.get("source") or ()), target=tuple(e.get("target") or ()),
                place=tuple(e.get("place") or ()), country=e.get("place_country"),
                date=e.get("date"), fatalities=e.get("fatalities"), raw=e,
            ))
        return aid, evs

    return dict(gold_lines(path, parse,
                           fix="each line is {\"id\": ..., \"events\": [...]} as GUIDELINE.md says"))


# --- locating gold sentences in the analysed text ---------------------------------------

class _NormText:
    """The analysed text normalized, with a map back to original offsets."""

    def __init__(self, text: str) -> None:
        chars: list[str] = []
        index: list[int] = []
        prev_space = True
        for i, ch in enumerate(text):
            piece = normalize_for_match(ch)
            if not piece:
                continue
            if piece.isspace():
                if prev_space:
                    continue
                piece, prev_space = " ", True
            else:
                prev_space = False
            for c in piece:
                chars.append(c)
                index.append(i)
        self.text = "".join(chars)
        self.index = index

    def find_all(self, needle: str) -> list[tuple[int, int]]:
        n = _SPACE.sub(" ", normalize_for_match(needle)).strip()
        if not n:
            return []
        out, k = [], self.text.find(n)
        while k >= 0:
            out.append((self.index[k], self.index[k + len(n) - 1] + 1))
            k = self.text.find(n, k + 1)
        return out


# --- field comparisons -------------------------------------------------------------------

def _letters(s: str) -> int:
    return len(_LETTERS.findall(s))


def span_right(pred: Sequence[str], gold: Sequence[str]) -> bool:
    """Right when both are empty, or one predicted string contains or is contained in one
    gold string (normalized, the shorter with at least 3 letters)."""
    p = [norm(x) for x in pred if x and norm(x)]
    g = [norm(x) for x in gold if x and norm(x)]
    if not p and not g:
        return True
    for a in p:
        for b in g:
            short = a if len(a) <= len(b) else b
            if _letters(short) >= 3 and (a in b or b in a):
                return True
    return False


def date_right(pred: str | None, gold: str | None) -> bool:
    if not gold:
        return not pred
    if not pred:
        return False
    first = pred.split("/")[0]
    return first[: len(gold)] == gold


def predicted_fields(e: Event) -> dict[str, Any]:
    names = [e.location.text] if e.location else []
    return {
        "status": e.status,
        "source": [e.source.text] if e.source else [],
        "target": [e.target.text] if e.target else [],
        "country": e.country or (e.place.country if e.place else None),
        "place": names,
        "date": e.date,
    }


def field_checks(e: Event, g: GoldEvent) -> dict[str, bool]:
    p = predicted_fields(e)
    return {
        "status": p["status"] == g.status,
        "source": span_right(p["source"], g.source),
        "target": span_right(p["target"], g.target),
        "country": (p["country"] or None) == (g.country or None),
        "place": span_right(p["place"], g.place),
        "date": date_right(p["date"], g.date),
    }


# --- matching -------------------------------------------------------------------------------

@dataclass
class Row:
    """One predicted event row and what it matched."""

    article: str
    event: Event
    sentence: str
    gold: GoldEvent | None = None
    checks: dict[str, bool] = field(default_factory=dict)

    @property
    def all_right(self) -> bool:
        return self.gold is not None and all(self.checks.values())


@dataclass
class FieldReport:
    rows: list[Row] = field(default_factory=list)
    incidents: dict[tuple[str, str], list[GoldEvent]] = field(default_factory=dict)
    matched_incidents: set[tuple[str, str]] = field(default_factory=set)
    articles: int = 0

    def summary(self, type_: str | None = None) -> dict[str, Any]:
        rows = [r for r in self.rows if type_ is None or r.event.type == type_]
        incs = {k for k, evs in self.incidents.items() if type_ is None or any(g.type == type_ for g in evs)}
        matched_rows = [r for r in rows if r.gold is not None]
        matched_incs = {r.gold.key for r in matched_rows if r.gold is not None} & incs \
            if type_ else self.matched_incidents

        def frac(a: int, b: int) -> float | None:
            return round(a / b, 3) if b else None

        out: dict[str, Any] = {
            "rows": len(rows), "matched_rows": len(matched_rows), "incidents": len(incs),
            "matched_incidents": len(matched_incs),
            "precision": frac(len(matched_rows), len(rows)),
            "recall": frac(len(matched_incs), len(incs)),
            "rows_per_incident": frac(len(matched_rows), len(matched_incs)),
        }
        for f in FIELDS:
            out[f] = frac(sum(r.checks.get(f, False) for r in matched_rows), len(matched_rows))
        n_all = sum(r.all_right for r in matched_rows)
        out["all_right_of_rows"] = frac(n_all, len(rows))
        out["all_right_of_matched"] = frac(n_all, len(matched_rows))
        p, r = out["precision"], out["recall"]
        out["f1"] = round(2 * p * r / (p + r), 3) if p and r else None
        return out

    def types(self) -> list[str]:
        seen = {r.event.type for r in self.rows} | {g.type for evs in self.incidents.values() for g in evs}
        return sorted(seen)


def _score_gold_candidate(row_event: Event, g: GoldEvent, matched: set) -> tuple:
    checks = field_checks(row_event, g)
    return (sum(checks.values()), g.key not in matched)


def match_article(aid: str, analysis: Analysis, gold: list[GoldEvent], report: FieldReport) -> None:
    """Match one article's predicted events to its gold events (adds to ``report``)."""
    ntext = _NormText(analysis.text)
    where: dict[int, list[tuple[int, int]]] = {}
    for i, g in enumerate(gold):
        where[i] = ntext.find_all(g.sentence) if g.sentence else []
        report.incidents.setdefault(g.key, []).append(g)
    by_incident: dict[tuple[str, str], list[int]] = {}
    for i, g in enumerate(gold):
        by_incident.setdefault(g.key, []).append(i)

    def trigger_in(e: Event, i: int) -> bool:
        g = gold[i]
        spans = where[i]
        if spans:
            return any(s <= e.trigger.start and e.trigger.end <= t for s, t in spans)
        # the sentence could not be located (ingest changed it): containment of the trigger
        return bool(norm(e.trigger.text)) and norm(e.trigger.text) in norm(g.sentence)

    for e in sorted(analysis.events, key=lambda x: x.trigger.start):
        sent = analysis.sentence_text(e.sentence) if 0 <= e.sentence < len(analysis.sentences) else ""
        row = Row(aid, e, sent)
        cands: list[int] = []
        for idx in by_incident.values():
            same_type = [i for i in idx if gold[i].type == e.type]
            if not same_type:
                continue
            if any(trigger_in(e, i) for i in same_type):
                direct = [i for i in same_type if trigger_in(e, i)]
                # the gold event of that sentence, else any of the incident's of the type
                cands.extend(direct or same_type)
        if cands:
            best = max(cands, key=lambda i: _score_gold_candidate(e, gold[i], report.matched_incidents))
            row.gold = gold[best]
            row.checks = field_checks(e, gold[best])
            report.matched_incidents.add(gold[best].key)
        report.rows.append(row)


def score_field(pairs: Iterable[tuple[str, Analysis]], gold: dict[str, list[GoldEvent]]) -> FieldReport:
    """Score ``(article id, Analysis)`` pairs; gold articles never analysed count as missed."""
    rep = FieldReport()
    seen = set()
    for aid, analysis in pairs:
        seen.add(aid)
        rep.articles += 1
        match_article(aid, analysis, gold.get(aid, []), rep)
    for aid, evs in gold.items():
        if aid not in seen:
            for g in evs:
                rep.incidents.setdefault(g.key, []).append(g)
    return rep


def analyse_articles(path: str | Path, pipeline: Callable[[Any], Analysis],
                     progress: Callable[[int], None] | None = None) -> list[tuple[str, Analysis]]:
    """Read an articles file through ingest (as ``marsad analyze`` does) and analyse each."""
    from marsad.ingest import read_paths

    out = []
    for res in read_paths([str(path)]):
        if res.document is None:
            raise InputError(f"could not read an article: {res.error}", source=res.origin)
        doc = res.document
        out.append((doc.external_id or doc.id, pipeline(doc)))
        if progress:
            progress(len(out))
    return out


# --- printing ---------------------------------------------------------------------------

TABLE_COLS = ("precision", "recall", "f1", "rows_per_incident", "status", "source", "target",
              "country", "place", "date", "all_right_of_rows")


def format_table(rep: FieldReport, *, by_type: bool = False) -> str:
    head = f"{'':10} {'rows':>5} {'inc':>4} " + " ".join(f"{c[:9]:>9}" for c in TABLE_COLS)
    lines = [head]

    def fmt(x: Any) -> str:
        return f"{'-':>9}" if x is None else f"{x:>9.3f}"

    def line(name: str, s: dict) -> str:
        return f"{name:10} {s['rows']:>5} {s['incidents']:>4} " + " ".join(fmt(s[c]) for c in TABLE_COLS)

    if by_type:
        for t in rep.types():
            lines.append(line(t, rep.summary(t)))
    lines.append(line("ALL", rep.summary()))
    s = rep.summary()
    lines.append(f"every field right: {s['all_right_of_rows']} of rows ({s['all_right_of_matched']} of matched rows); "
                 f"{rep.articles} articles, {s['rows']} rows, {s['incidents']} gold incidents")
    return "\n".join(lines)


def _evt(e: Event) -> str:
    p = predicted_fields(e)
    return (f"{e.type}/{e.status} «{e.trigger.text}» src={p['source']} tgt={p['target']} "
            f"place={p['place']} country={p['country']} date={p['date']}")


def _gev(g: GoldEvent) -> str:
    return (f"{g.type}/{g.status} «{g.trigger}» src={list(g.source)} tgt={list(g.target)} "
            f"place={list(g.place)} country={g.country} date={g.date}")


def format_errors(rep: FieldReport, n: int) -> str:
    out = []
    false = [r for r in rep.rows if r.gold is None]
    out.append(f"--- false rows ({len(false)}), first {n}")
    for r in false[:n]:
        out.append(f"[{r.article}] {_evt(r.event)}\n      in: {r.sentence[:200]}")
    missed = [k for k in rep.incidents if k not in rep.matched_incidents]
    out.append(f"--- missed incidents ({len(missed)}), first {n}")
    for k in missed[:n]:
        g = rep.incidents[k][0]
        out.append(f"[{k[0]} {k[1]}] {_gev(g)}\n      in: {g.sentence[:200]}")
    wrong = [r for r in rep.rows if r.gold is not None and not r.all_right]
    out.append(f"--- matched rows with a wrong field ({len(wrong)}), first {n}")
    for r in wrong[:n]:
        bad = ",".join(f for f, ok in r.checks.items() if not ok)
        assert r.gold is not None
        out.append(f"[{r.article} {r.gold.incident}] wrong: {bad}\n      got:  {_evt(r.event)}\n"
                   f"      gold: {_gev(r.gold)}\n      in: {r.sentence[:200]}")
    return "\n".join(out)
