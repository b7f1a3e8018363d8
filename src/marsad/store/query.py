"""The search syntax, parsed into a small tree; never spliced into SQL or FTS text raw.

    سوريا دمشق              both words (any inflection: وسوريا, بسوريا, سورية …)
    "الأمم المتحدة"          exact phrase (of stems, in order)
    حماس OR فتح             either word; OR binds adjacent terms
    سوريا -روسيا            exclusion (also -"a phrase")
    source:okaz  from:2015-07-01  to:2015-07-31  undated:yes|only|no (see Query.undated)
    topic:sport  lang:ar  entity:"داعش"
    country:SY  type:ASSAULT  status:claimed       (event facets; A,B or repeated = either)

Anything else (parentheses, *, ^, SQL) is read as plain text: its words are searched, its
symbols dropped. A query the parser cannot answer (only exclusions, a bad date, an unknown
event type or status) raises QueryError with a message that says how to write it.

The parser is pure: what the filters mean in SQL is :mod:`marsad.store.filters`, what the
knowledge base adds (entity names, multi-word names ranked as phrases) is
:mod:`marsad.store.names`. ``runs`` keeps the plain words as typed, in order, for the latter.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from marsad.errors import QueryError
from marsad.model import EVENT_STATUSES, PLOVER_TYPES
from marsad.text.stem import stems

FILTERS = ("source", "from", "to", "undated", "topic", "lang", "entity", "country", "type", "status")
EVENT_FACETS = ("type", "status", "country")  # may name several values: type:A,B
UNDATED = ("no", "yes", "only")
_COUNTRY = re.compile(r"[A-Z]{2}")

# a token of the query language: -?field:"value" | -?field:value | -?"phrase" | OR | word
_TOKEN = re.compile(
    r'(?P<neg>-)?(?:(?P<field>[A-Za-z]+):(?:"(?P<fq>[^"]*)"?|(?P<fv>[^\s"]*))'
    r'|"(?P<phrase>[^"]*)"?'
    r"|(?P<word>[^\s\"]+))"
)


@dataclass(frozen=True)
class Term:
    """One word or phrase, as the stems the index holds."""

    stems: tuple[str, ...]
    text: str  # as the user typed it


@dataclass
class Query:
    groups: list[list[Term]] = field(default_factory=list)  # AND of ORs
    excluded: list[Term] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)
    raw: str = ""
    # maximal runs of plain words as typed (no quotes, OR, minus or filter in between)
    runs: list[list[str]] = field(default_factory=list)

    @property
    def has_text(self) -> bool:
        return bool(self.groups)

    @property
    def date_from(self) -> str | None:
        v = self.filters.get("from")
        return v[-1] if v else None

    @property
    def date_to(self) -> str | None:
        v = self.filters.get("to")
        return v[-1] if v else None

    @property
    def undated(self) -> str:
        """What to do with articles without a date: "no" (the default: left out by
        from:/to: and counted apart; written out, left out even without dates), "yes"
        (kept beside the dated ones) or "only"."""
        v = self.filters.get("undated")
        return v[-1] if v else "no"

    @property
    def has_dates(self) -> bool:
        return any(k in self.filters for k in ("from", "to", "-from", "-to"))

    def undated_only(self) -> Query:
        """The same query for the undated articles alone (its date range cannot apply)."""
        filters = {k: list(v) for k, v in self.filters.items()
                   if k not in ("from", "to", "-from", "-to", "undated")}
        filters["undated"] = ["only"]
        return Query(self.groups, self.excluded, filters, self.raw, self.runs)

    def all_stems(self) -> set[str]:
        return {s for g in self.groups for t in g for s in t.stems}

    def fts_match(self) -> str:
        """The FTS5 MATCH expression: every stem double-quoted, so no user character is
        ever read as FTS syntax."""
        if not self.groups:
            raise QueryError("the query has no search words", fix="add at least one word")
        parts = []
        for g in self.groups:
            alts = [fts_term(t) for t in g]
            parts.append(alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")")
        expr = " AND ".join(parts)
        for t in self.excluded:
            expr = f"({expr}) NOT {fts_term(t)}"
        return expr


def fts_term(t: Term) -> str:
    """One term as FTS5 syntax: its stems double-quoted (a phrase joined by ``+``)."""
    quoted = ['"' + s.replace('"', '""') + '"' for s in t.stems]
    return quoted[0] if len(quoted) == 1 else "(" + " + ".join(quoted) + ")"


def date_bound(value: str, *, end: bool, label: str) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD → an ISO day: the first of the period, or its last when
    ``end``. ``label`` names the input in errors (e.g. "from:" or "from=")."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", value.strip())
    if not m:
        raise QueryError(
            f"{label}{value} is not a date", fix=f"write {label}YYYY-MM-DD, e.g. {label}2015-07-01"
        )
    y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    try:
        if d:
            return date(y, int(mo), int(d)).isoformat()
        if mo:
            first = date(y, int(mo), 1)
            if not end:
                return first.isoformat()
            nxt = date(y + (int(mo) == 12), int(mo) % 12 + 1, 1)
            return date.fromordinal(nxt.toordinal() - 1).isoformat()
        return f"{y:04d}-12-31" if end else f"{y:04d}-01-01"
    except ValueError as exc:
        raise QueryError(f"{label}{value} is not a valid date ({exc})", fix="use YYYY-MM-DD") from None


def parse_query(text: str) -> Query:
    """Parse the user's query. Never raises anything but QueryError."""
    if not isinstance(text, str):
        raise QueryError("the query must be text")
    if len(text) > 2000:
        raise QueryError("the query is longer than 2,000 characters", fix="shorten it")
    q = Query(raw=text)
    pending_or = False
    run: list[str] = []

    def end_run() -> None:
        if len(run) > 1:
            q.runs.append(list(run))
        run.clear()

    for m in _TOKEN.finditer(text):
        neg = bool(m.group("neg"))
        fld = m.group("field")
        if fld is not None:
            end_run()
            name = fld.lower()
            value = (m.group("fq") if m.group("fq") is not None else m.group("fv") or "").strip()
            if name not in FILTERS:
                # not a filter after all (e.g. "http://x" or "12:30"): search its words
                _add_term(q, m.group(0).lstrip("-"), neg=neg, join_or=pending_or)
                pending_or = False
                continue
            if not value:
                raise QueryError(f"{name}: needs a value", fix=f'write {name}:VALUE or {name}:"two words"')
            if neg and name == "undated":
                raise QueryError("undated: cannot be negated",
                                 fix="write undated:no (dated articles only) or undated:only")
            key = f"-{name}" if neg else name
            q.filters.setdefault(key, []).extend(_filter_values(name, value))
            continue
        if m.group("phrase") is not None:
            end_run()
            _add_term(q, m.group("phrase"), neg=neg, join_or=pending_or, phrase=True)
            pending_or = False
            continue
        word = m.group("word")
        if word == "OR" and not neg:
            end_run()
            pending_or = bool(q.groups)
            continue
        if neg or pending_or:
            end_run()
        elif stems(word):
            run.append(word)
        _add_term(q, word, neg=neg, join_or=pending_or)
        pending_or = False
    end_run()
    if q.excluded and not q.groups:
        raise QueryError(
            f"'{text}' only excludes words", fix="add at least one word to search for, e.g. سوريا -روسيا"
        )
    if q.date_from and q.date_to and q.date_from > q.date_to:
        raise QueryError(f"from:{q.date_from} is after to:{q.date_to}", fix="swap the dates")
    return q


# event facet -> (case, is it valid, what a value is, how to write one)
_EVENT_FACET_RULES: dict[str, tuple[Callable[[str], str], Callable[[str], bool], str, str]] = {
    "type": (str.upper, lambda v: v in PLOVER_TYPES, "an event type", f"use one of {', '.join(PLOVER_TYPES)}"),
    "status": (str.lower, lambda v: v in EVENT_STATUSES, "an event status",
               f"use one of {', '.join(EVENT_STATUSES)}"),
    "country": (str.upper, lambda v: bool(_COUNTRY.fullmatch(v)), "a two-letter country code", "write country:SY"),
}


def _filter_values(name: str, value: str) -> list[str]:
    """A filter's value(s) in canonical form, or QueryError saying how to write it."""
    if name in ("from", "to"):
        return [date_bound(value, end=name == "to", label=f"{name}:")]
    if name == "lang":
        return [value.lower()]
    if name == "undated":
        v = value.lower()
        if v not in UNDATED:
            raise QueryError(f"undated:{value} is not one of {', '.join(UNDATED)}",
                             fix="write undated:yes (keep undated articles) or undated:only")
        return [v]
    if name not in EVENT_FACETS:
        return [value]
    case, ok, what, fix = _EVENT_FACET_RULES[name]
    values = [case(v.strip()) for v in value.split(",") if v.strip()]
    bad = [v for v in values if not ok(v)]
    if bad:
        raise QueryError(f"{name}:{','.join(bad)} is not {what}", fix=fix)
    if not values:
        raise QueryError(f"{name}: needs a value", fix=f"write {name}:VALUE")
    return values


def _add_term(q: Query, text: str, *, neg: bool, join_or: bool, phrase: bool = False) -> None:
    st = tuple(stems(text))
    if not st:
        return  # only symbols: nothing to search
    terms = [Term(st, text)] if phrase else [Term((s,), text) for s in st]
    if neg:
        q.excluded.extend(terms)
        return
    if join_or and q.groups:
        q.groups[-1].append(terms[0])
        terms = terms[1:]
    for t in terms:
        q.groups.append([t])
