"""Bytes to text: detect the encodings Arabic news really comes in, reject binaries.

Order of evidence: a byte-order mark; NUL-byte patterns (UTF-16/32 without BOM); strict
UTF-8; the charset a page declares; then a score over the legacy Arabic code pages
(Windows-1256 vs ISO-8859-6) and Windows-1252. The score decodes with each candidate and
judges the result the way a reader would: words made of one script are good, words mixing
Arabic letters with accented Latin letters or odd symbols are mojibake, and Arabic letters
should follow Arabic letter frequencies (a wrong code page turns common letters into rare
ones or into vowel marks). Generic detectors guess from byte statistics alone and sometimes
pick Cyrillic code pages for short Arabic texts; this one only chooses among encodings that
occur for Arabic news, and says so when none fits.
"""

from __future__ import annotations

import codecs
import math
import re
from dataclasses import dataclass

from marsad.errors import InputError

# magic numbers of formats that are certainly not text
_MAGIC = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"\x7fELF", "an executable"),
    (b"MZ", "a Windows executable"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"ID3", "an MP3 file"),
    (b"OggS", "an Ogg media file"),
    (b"RIFF", "a RIFF media file"),
    (b"SQLite format 3", "an SQLite database"),
)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# the legacy code pages tried when the bytes are not UTF-8, in order of prior likelihood
LEGACY_CANDIDATES = ("cp1256", "iso8859-6", "cp1252")

# Arabic letter frequencies in Saudi newspaper text (SaudiNewsNet, 3,000 articles): a
# wrong Arabic code page maps frequent letters onto rare letters and vowel marks.
_AR_FREQ = {
    "ا": 0.148, "ل": 0.114, "ي": 0.0756, "م": 0.0638, "و": 0.0537, "ن": 0.0504, "ت": 0.0457,
    "ر": 0.0455, "ب": 0.0339, "ع": 0.0337, "ة": 0.0314, "د": 0.0304, "ف": 0.0261, "ه": 0.024,
    "س": 0.0233, "ق": 0.0215, "أ": 0.0203, "ك": 0.0187, "ح": 0.0175, "ج": 0.0136, "،": 0.0101,
    "ش": 0.0099, "ط": 0.0094, "ص": 0.0091, "إ": 0.0085, "ى": 0.0084, "خ": 0.0083, "ض": 0.0067,
    "ز": 0.0063, "ذ": 0.0061, "ث": 0.0056, "ئ": 0.0041, "غ": 0.0036, "ء": 0.0033, "ظ": 0.0024,
    "ً": 0.0019, "ؤ": 0.0012, "آ": 0.001, "ّ": 0.0008, "ـ": 0.0005, "َ": 0.0004, "ُ": 0.0004,
    "؟": 0.0003, "؛": 0.0003, "ِ": 0.0002, "ٍ": 0.0001, "ْ": 0.0001, "ٌ": 0.0001,
}
_AR_FLOOR = 1e-5
_AR_LOGP = {ch: math.log(p) for ch, p in _AR_FREQ.items()}

_ARABIC = re.compile("[\u0600-\u06ff]")
# characters that can sit in any word: digits, ASCII and common typographic punctuation
_NEUTRAL = set("0123456789٠١٢٣٤٥٦٧٨٩.,;:!?'\"()[]{}-_/\\%&*+=<>@#$|~`^«»“”‘’„–—…·•°"
               "\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e")
# a "word" for plausibility: a run of characters that are neither spaces nor neutral
# punctuation, so markup (<h1>الخبر</h1>) does not glue Latin and Arabic letters together
_WORD = re.compile("[^\\s" + "".join(re.escape(c) for c in sorted(_NEUTRAL)) + "]+")
_HTML_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
_XML_CHARSET = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.\-]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # canonical Python codec name: "utf-8", "cp1256", "iso8859-6", "utf-16-le"
    how: str  # "bom", "utf-8", "declared", "utf-16 heuristic", "scored"


def binary_kind(data: bytes) -> str | None:
    """What a blob is, when it is certainly not text (None for text-like bytes)."""
    head = data[:16]
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    return None


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML/XML document declares in its first 4 KB (a Python codec name)."""
    head = data[:4096]
    m = _HTML_CHARSET.search(head) or _XML_CHARSET.search(head)
    if not m:
        return None
    return codec_name(m.group(1).decode("ascii", "ignore"))


def codec_name(label: str | None) -> str | None:
    """A charset label from a header or meta tag as a Python codec name (None if unknown)."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    # browsers treat these labels as Windows-1252 / -1256 (WHATWG encoding standard)
    label = {"iso-8859-1": "cp1252", "latin1": "cp1252", "ascii": "cp1252",
             "us-ascii": "cp1252", "arabic": "iso8859-6", "asmo-708": "iso8859-6",
             "x-mac-arabic": "mac_arabic"}.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _is_control(ch: str) -> bool:
    o = ord(ch)
    return (o < 32 and ch not in "\t\n\r\f") or 0x7F <= o < 0xA0


def plausibility(text: str) -> float:
    """How much ``text`` reads like real writing, higher is better (per letter).

    Each word (a run between spaces and punctuation) scores +1 per letter when it is written in one script (Arabic, or Latin with
    mostly plain ASCII letters), and -4 per letter when it mixes scripts, is made only of
    accented Latin letters (the look of Arabic decoded as Latin-1) or holds control
    characters and odd symbols. Arabic letters add their log-frequency relative to a
    uniform guess, which separates the two Arabic code pages.
    """
    score = 0.0
    letters = 0
    for m in _WORD.finditer(text):
        word = m.group()
        if word.isascii():
            n = sum(c.isalpha() for c in word)
            score += n
            letters += n
            continue
        arabic = latin = ascii_latin = other = 0
        freq = 0.0
        for ch in word:
            if ch in _NEUTRAL:
                continue
            if _ARABIC.match(ch):
                arabic += 1
                freq += _AR_LOGP.get(ch, math.log(_AR_FLOOR)) - math.log(1 / 36)
            elif ch.isalpha() and ord(ch) < 0x250:
                latin += 1
                ascii_latin += ch.isascii()
            else:
                other += 1
        n = arabic + latin + other
        letters += n
        if other or (arabic and latin):
            score -= 4 * n
        elif latin:
            score += latin if ascii_latin * 2 >= latin else -4 * latin
        else:
            score += arabic + 0.5 * freq
    return score / letters if letters else 1.0


def _utf16_guess(data: bytes) -> str | None:
    """UTF-16 without a BOM: ASCII characters (spaces, newlines, digits) leave NUL bytes in
    every other position, and Arabic letters leave 0x06 there."""
    if len(data) < 4 or len(data) % 2:
        return None
    sample = data[:4096]
    even, odd = sample[0::2], sample[1::2]

    def share(b: bytes) -> float:
        return sum(1 for x in b if x in (0x00, 0x06)) / max(1, len(b))

    if share(odd) > 0.6 and share(even) < 0.3:
        return "utf-16-le"
    if share(even) > 0.6 and share(odd) < 0.3:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes, *, source: str, declared: str | None = None) -> Decoded:
    """Decode a text file's bytes; raise InputError naming ``source`` when they are not
    text or not in an encoding marsad can identify."""
    if not data:
        raise InputError("empty file (0 bytes)", source=source, fix="nothing to read")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom):], enc)
            if text is None:
                raise InputError(
                    f"starts with a {enc.upper()} byte-order mark but is not valid {enc.upper()}",
                    source=source, fix="re-save it as UTF-8",
                )
            return Decoded(text, enc, "bom")
    kind = binary_kind(data)
    if kind:
        raise InputError(f"binary file ({kind}), not text", source=source,
                         fix="give marsad .txt, .html, .jsonl, RSS/Atom, WARC, .zip or .tar.gz files")
    if b"\x00" in data[:65536]:
        guess = _utf16_guess(data)
        wide = _strict(data, guess) if guess else None
        if guess and wide is not None and plausibility(wide) > 0.5:
            return Decoded(wide, guess, "utf-16 heuristic")
        raise InputError("binary file (contains NUL bytes), not text", source=source,
                         fix="give marsad text, HTML, JSON Lines, feeds or archives of them")
    text = _strict(data, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8", "utf-8")
    declared = codec_name(declared) if declared else declared_charset(data)
    if declared and declared not in ("utf-8", "cp1252"):
        text = _strict(data, declared)
        if text is not None and plausibility(text) > 0.5:
            return Decoded(text, declared, "declared")
    best: tuple[float, str, str] | None = None
    for enc in LEGACY_CANDIDATES:
        text = _strict(data, enc)
        if text is None:
            continue
        score = plausibility(text[:200_000])
        if best is None or score > best[0]:
            best = (score, enc, text)
    if best is not None and best[0] > 0.5:
        return Decoded(best[2], best[1], "scored")
    raise InputError(
        "cannot decode: not valid UTF-8, and not readable as UTF-16, Windows-1256, "
        "ISO-8859-6 or Windows-1252",
        source=source, fix="re-save the file as UTF-8",
    )


def looks_like_control_garbage(text: str) -> bool:
    """True when decoded text is mostly control characters (a binary that slipped through)."""
    sample = text[:4096]
    if not sample:
        return False
    bad = sum(1 for ch in sample if _is_control(ch))
    return bad / len(sample) > 0.1
