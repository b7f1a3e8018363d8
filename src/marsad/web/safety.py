"""What keeps untrusted text inert: URL checks and the security headers of every response.

Jinja's autoescape escapes every value put in a page; this module adds the one thing
escaping cannot do — decide whether a URL from an article may become a link (only
``http:`` and ``https:``; ``javascript:``, ``data:`` and the rest are shown as text).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_WIKIDATA = re.compile(r"Q[1-9][0-9]{0,11}")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "geolocation=(), camera=(), microphone=()",
}


def safe_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) URL with a host and no control characters,
    else None (the caller then shows it as text, not as a link)."""
    if not url or not isinstance(url, str) or len(url) > 4000:
        return None
    u = url.strip()
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in u):
        return None
    try:
        parts = urlsplit(u)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return u


def wikidata_url(qid: str | None) -> str | None:
    if qid and _WIKIDATA.fullmatch(qid):
        return f"https://www.wikidata.org/wiki/{qid}"
    return None
