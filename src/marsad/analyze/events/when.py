"""When an event happened: the date expression of its sentence nearest the trigger."""

from __future__ import annotations

from marsad.analyze.events.view import SentenceView
from marsad.text.dates import DateMention, find_dates


class LazyDates:
    """The sentence's date expressions, found only when an event needs them (and only when
    a word could be part of one)."""

    def __init__(self, text: str, start: int, end: int, published, v: SentenceView) -> None:
        self.args = (text, start, end, published, v)
        self._found: list[DateMention] | None = None

    def get(self) -> list[DateMention]:
        if self._found is None:
            text, start, end, published, v = self.args
            self._found = []
            if any(t.norm[:1].isdigit() or _date_word(t.norm) for t in v.toks):
                self._found = [
                    DateMention(d.start + start, d.end + start, d.text, d.value, d.kind)
                    for d in find_dates(text[start:end], published)
                ]
        return self._found


def _date_word(n: str) -> bool:
    from marsad.text.dates import _KEYS, _strip

    return n in _KEYS or _strip(n) in _KEYS


def _nearest_date(lazy: LazyDates, char_pos: int, start: int, end: int) -> str | None:
    inside = [d for d in lazy.get() if d.start >= start and d.end <= end]
    if not inside:
        return None
    return min(inside, key=lambda d: abs(d.start - char_pos)).value


def date_of(lazy: LazyDates, char_pos: int, start: int, end: int) -> tuple[str | None, str | None]:
    """(date, precision) of the event whose trigger starts at ``char_pos`` in the sentence
    ``start:end``; precision is "day" | "week" | "month" | "year"."""
    value = _nearest_date(lazy, char_pos, start, end)
    return value, precision_of(value)


def precision_of(value: str | None) -> str | None:
    if not value:
        return None
    first, _, last = value.partition("/")
    if len(first) == 4:
        return "year"
    if len(first) == 7:
        return "month"
    if last and last != first:
        return "week"
    return "day"
