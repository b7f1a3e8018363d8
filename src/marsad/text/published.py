"""Publication dates: the one normalizer every reader, the web API and the analysis use.

A value becomes an ISO 8601 date or datetime string when it is a date marsad can read
(ISO 8601 with "Z", "YYYY-MM-DD HH:MM:SS", RFC 822 as in RSS pubDate, YYYY/MM/DD,
DD/MM/YYYY as the Arab press writes it, Unix seconds or milliseconds, Arabic-Indic
digits) and a plausible one: from 1900 on, and at most a year after now (a feed's clock
may run ahead; news is not filed years in advance). Anything else is dropped with a note
saying why, and nothing here raises: one record's bad date (``1e30``, a time zone of
``+99999999999999999999``) must not cost the other records of its file.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime

EARLIEST_YEAR = 1900
FUTURE_SLACK = timedelta(days=366)
MAX_CHARS = 100  # no date is written in more; longer strings are not parsed at all

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_YMD = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
# Unix time: seconds below 1e11 (year 5138), milliseconds from there up to 1e14
_SECONDS_MAX = 1e11
_MILLIS_MAX = 1e14
# what parsing a hostile string can raise (OverflowError: a huge year or time-zone offset)
_PARSE_ERRORS = (ValueError, OverflowError, OSError, TypeError, IndexError)


@dataclass(frozen=True)
class Published:
    """A normalized publication date: ``iso`` (None when there is none) and, when a value
    was given but dropped, ``note`` saying why."""

    iso: str | None
    note: str | None = None


def _iso(dt: datetime) -> str:
    if dt.hour == dt.minute == dt.second == dt.microsecond == 0 and dt.tzinfo is None:
        return dt.date().isoformat()
    return dt.replace(microsecond=0).isoformat()


def _shown(value: object) -> str:
    s = repr(value)
    return s if len(s) <= 60 else s[:57] + "…"


def _from_number(value: float) -> datetime | str:
    if math.isnan(value) or math.isinf(value):
        return "is not a number"
    if value <= 0 or value >= _MILLIS_MAX:
        return "is not a Unix timestamp in seconds or milliseconds"
    seconds = value if value < _SECONDS_MAX else value / 1000
    try:
        return datetime.fromtimestamp(seconds, tz=UTC).replace(microsecond=0)
    except _PARSE_ERRORS:
        return "is out of the range of dates"


def _from_string(s: str) -> datetime | None:
    try:
        return datetime.fromisoformat(s)
    except _PARSE_ERRORS:
        pass
    for pattern, order in ((_YMD, (1, 2, 3)), (_DMY, (3, 2, 1))):
        m = pattern.match(s)
        if m:
            try:
                return datetime(int(m[order[0]]), int(m[order[1]]), int(m[order[2]]))
            except _PARSE_ERRORS:
                return None
    try:
        return parsedate_to_datetime(s)
    except _PARSE_ERRORS:
        return None


def normalize_published(value: object, *, now: datetime | None = None) -> Published:
    """``value`` (a string, number, date or datetime) as a plausible ISO date, or None with
    a note when a value was given but is not one. Never raises."""
    if value is None or value == "":
        return Published(None)
    if isinstance(value, datetime):
        dt: datetime | str | None = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    elif isinstance(value, bool):
        dt = "is not a date"
    elif isinstance(value, (int, float)):
        try:
            dt = _from_number(float(value))
        except OverflowError:  # an int too large for a float
            dt = "is not a Unix timestamp in seconds or milliseconds"
    elif isinstance(value, str):
        s = value.strip().translate(_DIGITS)
        if not s:
            return Published(None)
        dt = _from_string(s) if len(s) <= MAX_CHARS else None
    else:
        dt = f"is a {type(value).__name__}, not a date"
    if dt is None:
        dt = "is not a date marsad can read (use ISO 8601: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS)"
    if isinstance(dt, str):
        return Published(None, f"published {_shown(value)} {dt}; dropped")
    reference = now or datetime.now(UTC)
    day = dt.date()
    latest = (reference + FUTURE_SLACK).date()
    if day.year < EARLIEST_YEAR:
        return Published(None, f"published {_shown(value)} is before {EARLIEST_YEAR}; dropped")
    if day > latest:
        return Published(None, f"published {_shown(value)} is more than a year in the future "
                               f"(after {latest.isoformat()}); dropped")
    return Published(_iso(dt))


def published_iso(value: object) -> str | None:
    """Just the ISO string of :func:`normalize_published` (None when absent or dropped)."""
    return normalize_published(value).iso


def published_date(value: object) -> date | None:
    """The calendar day of a publication date as written (its own time zone), or None."""
    iso = published_iso(value)
    return date.fromisoformat(iso[:10]) if iso else None
