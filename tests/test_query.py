"""The search syntax: every query is answered or rejected with QueryError, never crashes."""

from __future__ import annotations

import pytest

from marsad.errors import QueryError
from marsad.store.query import parse_query
from marsad.text import stem


def test_words_phrases_or_exclusion_filters() -> None:
    q = parse_query('سوريا "الأمم المتحدة" حماس OR فتح -روسيا source:okaz from:2015-07 to:2015-07')
    assert [[t.stems for t in g] for g in q.groups] == [
        [(stem("سوريا"),)],
        [(stem("الأمم"), stem("المتحدة"))],
        [(stem("حماس"),), (stem("فتح"),)],
    ]
    assert [t.stems for t in q.excluded] == [(stem("روسيا"),)]
    assert q.filters == {"source": ["okaz"], "from": ["2015-07-01"], "to": ["2015-07-31"]}


def test_fts_expression_quotes_every_term() -> None:
    q = parse_query('a" OR NEAR(x) * ^ : {b}')
    expr = q.fts_match()
    # every bare term is a quoted string: no user text is FTS syntax
    import re

    unquoted = re.sub(r'"[^"]*"', "", expr)
    assert set(unquoted) <= set("() ANDORT+"), expr


@pytest.mark.parametrize(
    "query",
    ['"', '((', "AND", "OR", "NOT", "NEAR", "*", "'; DROP TABLE documents; --", '"unclosed phrase',
     "source:", "-", "--", "a OR", "OR b", "ـــ", "\x00", "٪", "type:assault", "https://x.org/a?b=c"],
)
def test_odd_queries_parse_or_raise_query_error(query: str) -> None:
    try:
        q = parse_query(query)
    except QueryError as exc:
        assert str(exc)
        return
    if q.has_text:
        assert q.fts_match()


@pytest.mark.parametrize(
    "query, fragment",
    [("-سوريا", "only excludes"), ("from:yesterday سوريا", "not a date"), ("from:2015-13-01 a", "valid date"),
     ("from:2016-01-01 to:2015-01-01 a", "after"), ("source:", "needs a value")],
)
def test_rejections_explain_the_fix(query: str, fragment: str) -> None:
    with pytest.raises(QueryError, match=fragment):
        parse_query(query)


def test_unknown_field_is_searched_as_text() -> None:
    q = parse_query("http://example.org")
    assert q.has_text and not q.filters
