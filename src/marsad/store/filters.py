"""The search filters in SQL — one vocabulary for search, document listings and exports.

Each filter is a condition on the documents row ``d``, in portable SQL with ``?``
placeholders and its bound arguments; no user text is ever spliced.

- ``source:`` the source or site name, case-insensitive (search and listings alike);
  ``topic:``, ``lang:`` exact (lower-cased when parsed).
- ``entity:`` the entity, not the string: mentions linked to any entity the value names
  (an id; a KB name or alias, see :mod:`marsad.store.names`; a stored entity's name,
  English name or alias), plus mentions written so that are linked to no KB entity.
- Event facets filter events: ``type:`` and ``status:`` (with ``country:`` when either is
  there) must hold for ONE event of the article; several values of one facet
  (``type:A,B`` or ``type:A type:B``) are alternatives, as in the events listing.
  ``country:`` alone is the article's country: a linked place or actor of that country is
  named, or an event happened there. A negated facet (``-type:X``) excludes the articles
  with such an event.
- ``from:``/``to:`` keep articles published in the range; articles without a date are
  left out unless ``undated:yes`` (kept beside) or ``undated:only`` (them alone). Search
  counts the undated it left out (:meth:`marsad.store.sql.SQLStore.search`).
  ``undated:no`` written out leaves them out with or without a date range.
"""

from __future__ import annotations

import json
from typing import Any

from marsad.store.query import Query
from marsad.text.normalize import normalize_for_match

Clause = tuple[str, list[Any]]

UNDATED_SQL = "(d.published IS NULL OR d.published = '')"


def _in(column: str, values: list[str] | tuple[str, ...]) -> Clause:
    return f"{column} IN ({','.join('?' * len(values))})", list(values)


def _like_exact(text: str) -> str:
    """A LIKE pattern (ESCAPE '\\') matching ``text`` as one whole JSON string of a list."""
    s = json.dumps(text, ensure_ascii=False)
    return "%" + s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def source_clause(v: str) -> Clause:
    return (
        "(lower(COALESCE(d.source, '')) = lower(?) OR lower(COALESCE(d.site_name, '')) = lower(?))",
        [v, v],
    )


def topic_clause(v: str) -> Clause:
    return "COALESCE(d.topic, '') = ?", [v.lower()]


def lang_clause(v: str) -> Clause:
    return "COALESCE(d.language, '') = ?", [v.lower()]


def entity_clause(v: str) -> Clause:
    """Articles mentioning the entity (or entities) ``v`` names; see the module docstring.
    Four index-backed subqueries in a UNION (an OR across them would scan mentions)."""
    from marsad.store.names import entity_ids

    ids = list(dict.fromkeys([v, *entity_ids(v)]))
    c_ids, a_ids = _in("m.entity_id", ids)
    n = normalize_for_match(v)
    return (
        ("d.id IN ("
        f"SELECT m.doc_id FROM mentions m WHERE {c_ids} "
        "UNION SELECT m.doc_id FROM mentions m WHERE m.entity_id IN (SELECT e.id FROM entities e "
        "WHERE e.name_ar = ? OR lower(e.name_en) = lower(?) OR e.aliases LIKE ? ESCAPE '\\') "
        "UNION SELECT m.doc_id FROM mentions m WHERE m.entity_id IN (SELECT m2.entity_id FROM "
        "mentions m2 WHERE m2.norm = ? AND m2.entity_id LIKE 'local:%') "
        "UNION SELECT m.doc_id FROM mentions m WHERE m.norm = ? AND m.entity_id IS NULL)"),
        [*a_ids, v, v, _like_exact(v), n, n],
    )


def country_clause(values: list[str]) -> Clause:
    """The article's country (no event facet beside it): a named place or actor of that
    country, or an event there."""
    c1, a1 = _in("en.country", values)
    c2, a2 = _in("ev.country", values)
    return (
        (f"(d.id IN (SELECT m.doc_id FROM mentions m JOIN entities en ON en.id = m.entity_id WHERE {c1}) "
        f"OR d.id IN (SELECT ev.doc_id FROM events ev WHERE {c2}))"),
        [*a1, *a2],
    )


def event_clause(*, types: list[str], statuses: list[str], countries: list[str]) -> Clause:
    """Articles with ONE event that has one of ``types``, one of ``statuses`` and one of
    ``countries`` (an empty list: any)."""
    where: list[str] = []
    args: list[Any] = []
    for col, values in (("ev.type", types), ("ev.status", statuses), ("ev.country", countries)):
        if values:
            c, a = _in(col, values)
            where.append(c)
            args += a
    return f"d.id IN (SELECT ev.doc_id FROM events ev WHERE {' AND '.join(where) or '1=1'})", args


def date_clauses(date_from: str | None, date_to: str | None, undated: str = "no") -> tuple[list[str], list[Any]]:
    """The publication-date range (ISO days, inclusive) and what to do with undated
    articles: "no" leave them out, "yes" keep them, "only" nothing but them."""
    if undated == "only":
        return [UNDATED_SQL], []
    where: list[str] = []
    args: list[Any] = []
    if date_from:
        where.append("substr(d.published, 1, 10) >= ?")
        args.append(date_from)
    if date_to:
        where.append("substr(d.published, 1, 10) <= ?")
        args.append(date_to)
    if undated == "yes" and where:
        return [f"({UNDATED_SQL} OR ({' AND '.join(where)}))"], args
    return where, args


_DOC_FILTERS = {"source": source_clause, "topic": topic_clause, "lang": lang_clause,
                "entity": entity_clause}


def filter_sql(q: Query) -> tuple[list[str], list[Any]]:
    """Every filter of ``q`` as WHERE conditions on ``d`` (to be ANDed) and their args."""
    where: list[str] = []
    args: list[Any] = []

    def add(clause: Clause, *, neg: bool = False) -> None:
        where.append(f"NOT ({clause[0]})" if neg else clause[0])
        args.extend(clause[1])

    f = q.filters
    for name, build in _DOC_FILTERS.items():
        for neg in (False, True):
            for v in f.get(f"-{name}" if neg else name, []):
                add(build(v), neg=neg)
    dw, da = date_clauses(q.date_from, q.date_to, q.undated)
    if not dw and "undated" in f and q.undated == "no":  # written out: dated articles only
        dw = [f"NOT {UNDATED_SQL}"]
    where += dw
    args += da
    for name, op in (("from", ">="), ("to", "<=")):  # a negated bound: dated articles outside it
        for v in f.get(f"-{name}", []):
            add((f"substr(d.published, 1, 10) {op} ?", [v]), neg=True)
    types, statuses, countries = f.get("type", []), f.get("status", []), f.get("country", [])
    if types or statuses:
        add(event_clause(types=types, statuses=statuses, countries=countries))
    elif countries:
        add(country_clause(countries))
    for name, values in (("type", f.get("-type")), ("status", f.get("-status"))):
        if values:
            kw: dict[str, list[str]] = {"types": [], "statuses": [], "countries": []}
            kw["types" if name == "type" else "statuses"] = values
            add(event_clause(**kw), neg=True)
    if f.get("-country"):
        add(country_clause(f["-country"]), neg=True)
    return where, args
