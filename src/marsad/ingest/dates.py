"""Publication dates as ISO 8601 strings, from the forms feeds, pages and dumps use."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_YMD = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def _iso(dt: datetime) -> str:
    if dt.hour == dt.minute == dt.second == dt.microsecond == 0 and dt.tzinfo is None:
        return dt.date().isoformat()
    return dt.replace(microsecond=0).isoformat()


def to_iso(value: object) -> str | None:
    """``value`` as an ISO date or datetime string, or None when it is not a date.

    Accepts ISO 8601 (with "Z"), "YYYY-MM-DD HH:MM:SS", RFC 822 (RSS pubDate),
    YYYY/MM/DD, DD/MM/YYYY (the Arab world's order), Unix timestamps and Arabic-Indic
    digits. Time zones are kept when given.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 0 < value < 1e11:  # seconds since 1970 (not milliseconds)
            return datetime.fromtimestamp(value, tz=UTC).replace(microsecond=0).isoformat()
        if value >= 1e11:
            return datetime.fromtimestamp(value / 1000, tz=UTC).replace(microsecond=0).isoformat()
        return None
    s = str(value).strip().translate(_DIGITS)
    if not s:
        return None
    try:
        return _iso(datetime.fromisoformat(s))
    except ValueError:
        pass
    m = _YMD.match(s)
    if m:
        try:
            return datetime(int(m[1]), int(m[2]), int(m[3])).date().isoformat()
        except ValueError:
            return None
    m = _DMY.match(s)
    if m:
        try:
            return datetime(int(m[3]), int(m[2]), int(m[1])).date().isoformat()
        except ValueError:
            return None
    try:
        return _iso(parsedate_to_datetime(s))
    except (TypeError, ValueError, IndexError):
        return None
