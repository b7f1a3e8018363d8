"""Which reader an input needs: by file name first, by its first bytes otherwise."""

from __future__ import annotations

import codecs

# kinds read whole into memory (and so bounded by max_bytes) vs. streamed record by record
WHOLE_KINDS = ("txt", "html", "feed", "json")
STREAM_KINDS = ("jsonl", "warc", "zip", "tar", "gzip", "bzip2", "xz")
# single compressed files: kind -> suffix (the inner name is the file name without it)
COMPRESSED = {"gzip": ".gz", "bzip2": ".bz2", "xz": ".xz"}

_SUFFIXES = [
    (".warc.gz", "warc"), (".arc.gz", "warc"), (".warc", "warc"), (".arc", "warc"),
    (".tar.gz", "tar"), (".tgz", "tar"), (".tar.bz2", "tar"), (".tbz2", "tar"),
    (".tar.xz", "tar"), (".txz", "tar"), (".tar", "tar"), (".zip", "zip"),
    (".jsonl", "jsonl"), (".ndjson", "jsonl"), (".jsonlines", "jsonl"), (".json", "json"),
    (".html", "html"), (".htm", "html"), (".xhtml", "html"), (".shtml", "html"),
    (".xml", "feed"), (".rss", "feed"), (".atom", "feed"), (".rdf", "feed"),
    (".txt", "txt"), (".text", "txt"),
    (".gz", "gzip"), (".bz2", "bzip2"), (".xz", "xz"),
]

SUPPORTED = (".txt .html .htm .jsonl .json .xml .rss .atom .warc(.gz) .zip .tar(.gz/.bz2/.xz) "
             ".tgz, and any of them as a single .gz/.bz2/.xz file")


def kind_from_name(name: str) -> str | None:
    low = name.lower()
    for suffix, kind in _SUFFIXES:
        if low.endswith(suffix):
            return kind
    return None


def sniff(head: bytes) -> str:
    """The kind of an input from its first bytes (binary junk is "txt": decoding it then
    reports what it is)."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"BZh") and head[3:4].isdigit() and head[4:10] == b"1AY&SY":
        return "bzip2"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    if head[257:262] == b"ustar":
        return "tar"
    if head.startswith(b"WARC/"):
        return "warc"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", "ignore")
    else:
        text = head.decode("utf-8", "ignore")
    s = text.lstrip("\ufeff \t\r\n").lower()
    if s.startswith("{"):
        return "jsonl"
    if s.startswith("["):
        return "json"
    if s.startswith("<"):
        if "<rss" in s or "<feed" in s or "<rdf:rdf" in s:
            return "feed"
        if s.startswith("<?xml") and "<html" not in s:
            return "feed"
        return "html"
    return "txt"
