"""The search syntax, parsed into a small tree; never spliced into SQL or FTS text raw.

    سوريا دمشق              both words (any inflection: وسوريا, بسوريا, سورية …)
    "الأمم المتحدة"          exact phrase (of stems, in order)
    حماس OR فتح             either word; OR binds adjacent terms
    سوريا -روسيا            exclusion (also -"a phrase")
    source:okaz  from:2015-07-01  to:2015-07-31
    topic:sport  lang:ar  entity:"داعش"  country:SY  type:ASSAULT

Anything else (parentheses, *, ^, SQL) is read as plain text: its words are searched, its
symbols dropped. A query the parser cannot answer (only exclusions, a bad date, an unknown
filter value type) raises QueryError with a message that says how to write it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from marsad.errors import QueryError
from marsad.text.stem import stems

FILTERS = ("source", "from", "to", "topic", "lang", "entity", "country", "type")

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

    @property
    def is_phrase(self) -> bool:
        return len(self.stems) > 1


@dataclass
class Query:
    groups: list[list[Term]] = field(default_factory=list)  # AND of ORs
    excluded: list[Term] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)
    raw: str = ""

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

    def all_stems(self) -> set[str]:
        return {s for g in self.groups for t in g for s in t.stems}

    def fts_match(self) -> str:
        """The FTS5 MATCH expression: every stem double-quoted, so no user character is
        ever read as FTS syntax."""
        if not self.groups:
            raise QueryError("the query has no search words", fix="add at least one word")
        parts = []
        for g in self.groups:
            alts = [_fts_term(t) for t in g]
            parts.append(alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")")
        expr = " AND ".join(parts)
        for t in self.excluded:
            expr = f"({expr}) NOT {_fts_term(t)}"
        return expr


def _fts_term(t: Term) -> str:
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
    for m in _TOKEN.finditer(text):
        neg = bool(m.group("neg"))
        fld = m.group("field")
        if fld is not None:
            name = fld.lower()
            value = (m.group("fq") if m.group("fq") is not None else m.group("fv") or "").strip()
            if name not in FILTERS:
                # not a filter after all (e.g. "http://x" or "12:30"): search its words
                _add_term(q, m.group(0).lstrip("-"), neg=neg, join_or=pending_or)
                pending_or = False
                continue
            if not value:
                raise QueryError(f"{name}: needs a value", fix=f'write {name}:VALUE or {name}:"two words"')
            if name in ("from", "to"):
                value = date_bound(value, end=name == "to", label=f"{name}:")
            elif name == "type":
                value = value.upper()
            elif name in ("country", "lang"):
                value = value.upper() if name == "country" else value.lower()
            key = f"-{name}" if neg else name
            q.filters.setdefault(key, []).append(value)
            continue
        if m.group("phrase") is not None:
            _add_term(q, m.group("phrase"), neg=neg, join_or=pending_or, phrase=True)
            pending_or = False
            continue
        word = m.group("word")
        if word == "OR" and not neg:
            pending_or = bool(q.groups)
            continue
        _add_term(q, word, neg=neg, join_or=pending_or)
        pending_or = False
    if q.excluded and not q.groups:
        raise QueryError(
            f"'{text}' only excludes words", fix="add at least one word to search for, e.g. سوريا -روسيا"
        )
    if q.date_from and q.date_to and q.date_from > q.date_to:
        raise QueryError(f"from:{q.date_from} is after to:{q.date_to}", fix="swap the dates")
    return q


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
