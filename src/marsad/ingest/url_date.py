"""The publication date many news sites write into their article URLs.

``/2018/03/24/``, ``/2015/08/07/article_979693.html``, ``/ar/20180319-title``,
``/Issues/20150720/``: a URL's path carries the day the page was filed. It is used only
when the input gives no publication date (it can lag the print date by a day). A run of
digits that is not a valid day between 1990 and 2099 (an article id such as ``1165214``
or ``43210706``) is not a date.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import unquote, urlsplit

# /YYYY/MM/DD or /YYYY-MM-DD in the path (the separators must not be digits)
_SPLIT = re.compile(r"(?<![\d])((?:19|20)\d\d)[/_-](\d{1,2})[/_-](\d{1,2})(?![\d])")
# YYYYMMDD as a whole path segment or at its start (/20180319-title, /Issues/20150720/)
_COMPACT = re.compile(r"(?:^|/|[a-zA-Z_-])((?:19|20)\d\d)(\d\d)(\d\d)(?=$|[/_.-]|[a-zA-Z])")


def _valid(y: str, m: str, d: str) -> date | None:
    try:
        day = date(int(y), int(m), int(d))
    except ValueError:
        return None
    return day if 1990 <= day.year <= 2099 else None


def date_from_url(url: str | None) -> str | None:
    """The ISO date a news URL's path carries, or None (the query string and host are
    ignored: ``?id=20150720`` is an id, not a date)."""
    if not url:
        return None
    try:
        path = unquote(urlsplit(url).path)
    except ValueError:
        return None
    for m in _SPLIT.finditer(path):
        day = _valid(*m.groups())
        if day:
            return day.isoformat()
    for m in _COMPACT.finditer(path):
        day = _valid(*m.groups())
        if day:
            return day.isoformat()
    return None
