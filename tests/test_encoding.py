"""Encoding detection: every encoding Arabic news comes in, and the bytes that are not text."""

from __future__ import annotations

import codecs
import gzip
import json
import re
from pathlib import Path

import pytest

from marsad.data import corpus_or_skip
from marsad.errors import InputError
from marsad.ingest.encoding import (
    binary_kind,
    codec_name,
    declared_charset,
    decode_bytes,
    plausibility,
)

MIXED = Path(__file__).parent / "data" / "ingest" / "mixed"

AR = (
    "أعلنت وزارة الصحة انطلاق حملة وطنية للتطعيم تستهدف مليون طفل في عشر محافظات، "
    "وقال مسؤول إن الفرق الطبية ستعمل لمدة خمسة أيام."
)
# only letters shared by Windows-1256 and ISO-8859-6
AR_SHORT = "قصف مدفعي على أطراف المدينة"


@pytest.mark.parametrize(
    ("data", "encoding", "how"),
    [
        (AR.encode("utf-8"), "utf-8", "utf-8"),
        (codecs.BOM_UTF8 + AR.encode("utf-8"), "utf-8", "bom"),
        (AR.encode("utf-16"), None, "bom"),  # BOM + native order
        (codecs.BOM_UTF16_BE + AR.encode("utf-16-be"), "utf-16-be", "bom"),
        (AR.encode("utf-16-le"), "utf-16-le", "utf-16 heuristic"),
        (AR.encode("utf-16-be"), "utf-16-be", "utf-16 heuristic"),
        (codecs.BOM_UTF32_LE + AR.encode("utf-32-le"), "utf-32-le", "bom"),
        (AR.encode("cp1256"), "cp1256", "scored"),
        (AR.replace("،", ",").encode("iso8859_6"), "iso8859-6", "scored"),
        (AR_SHORT.encode("cp1256"), "cp1256", "scored"),
        (AR_SHORT.encode("iso8859_6"), "iso8859-6", "scored"),
    ],
)
def test_arabic_encodings(data: bytes, encoding: str | None, how: str) -> None:
    dec = decode_bytes(data, source="t")
    assert dec.text.lstrip("\ufeff") in (AR, AR.replace("،", ","), AR_SHORT)
    assert dec.how == how
    if encoding:
        assert dec.encoding == encoding


@pytest.mark.parametrize(
    "text",
    [
        "Le président a déclaré à la presse qu'il était très satisfait de l'accord.",
        "El presidente anunció una política económica más dura, según señaló.",
        "Der Präsident erklärte, dass die Gespräche über die Zölle weitergehen.",
    ],
)
def test_latin_legacy_text_round_trips(text: str) -> None:
    assert decode_bytes(text.encode("cp1252"), source="t").text == text


def test_declared_charset_is_honoured() -> None:
    html = '<html><head><meta charset="windows-1256"></head><body><p>' + AR + "</p></body></html>"
    dec = decode_bytes(html.encode("cp1256"), source="t")
    assert dec.how == "declared" and dec.encoding == "cp1256" and AR in dec.text
    # a charset given by the caller (an HTTP header) wins over guessing
    dec = decode_bytes(AR_SHORT.encode("iso8859_6"), source="t", declared="ISO-8859-6")
    assert dec.encoding == "iso8859-6" and dec.how == "declared"


def test_wrong_declaration_falls_back_to_scoring() -> None:
    html = '<meta charset="iso-8859-6"><p>' + AR + "</p>"
    dec = decode_bytes(html.encode("cp1256"), source="t")  # « ، » are not ISO-8859-6
    assert dec.encoding == "cp1256"


@pytest.mark.parametrize(
    ("label", "codec"),
    [("windows-1256", "cp1256"), ("ISO-8859-6", "iso8859-6"), ("utf8", "utf-8"),
     ("iso-8859-1", "cp1252"), ("no-such-charset", None), ("", None)],
)
def test_codec_names(label: str, codec: str | None) -> None:
    assert codec_name(label) == codec


def test_declared_charset_from_meta_and_xml() -> None:
    assert declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">') == "cp1256"
    assert declared_charset(b'<?xml version="1.0" encoding="ISO-8859-6"?><rss>') == "iso8859-6"
    assert declared_charset(b"<html><body>") is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
        (b"abc\x00\x01\x02\x03\xff\xfe\x00\x00\x10" * 20, "NUL bytes"),
        (bytes([0xD7, 0xF0, 0xAD, 0x81, 0xFE, 0x8D, 0xBC, 0x20]) * 40, "cannot decode"),
        (codecs.BOM_UTF8 + b"\xff\xfe\xfd", "not valid UTF-8"),
    ],
)
def test_not_text(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message) as err:
        decode_bytes(data, source="some/file.txt")
    assert "some/file.txt" in str(err.value)


def test_binary_kind() -> None:
    assert binary_kind(b"PK\x03\x04rest") == "a ZIP archive"
    assert binary_kind(AR.encode("utf-8")) is None


def test_plausibility_orders_decodings() -> None:
    data = AR.encode("cp1256")
    right = plausibility(data.decode("cp1256"))
    wrong_latin = plausibility(data.decode("cp1252", errors="replace"))
    assert right > 0.5 > wrong_latin
    iso = AR_SHORT.encode("iso8859_6")
    assert plausibility(iso.decode("iso8859_6")) > plausibility(iso.decode("cp1256"))


@pytest.mark.parametrize(
    ("name", "encoding"),
    [("plain-utf8.txt", "utf-8"), ("bom-utf8.txt", "utf-8"), ("utf16-bom.txt", "utf-16-le"),
     ("utf16be-nobom.txt", "utf-16-be"), ("legacy-cp1256.txt", "cp1256"),
     ("legacy-iso8859-6.txt", "iso8859-6")],
)
def test_fixture_files(name: str, encoding: str) -> None:
    dec = decode_bytes((MIXED / name).read_bytes(), source=name)
    assert dec.encoding == encoding
    assert not dec.text.startswith("\ufeff")
    assert len(re.findall("[\u0621-\u064a]", dec.text)) > 100


def test_arabic_code_pages_on_real_news() -> None:
    """Windows-1256 vs ISO-8859-6 on 300 real article openings (40 and 300 characters):
    every one must be decoded back exactly."""
    path = corpus_or_skip("saudinewsnet", "articles.jsonl.gz")
    texts = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            t = json.loads(line)["content"].strip()
            if len(re.findall("[\u0621-\u064a]", t[:40])) >= 5:
                texts.append(t)
            if len(texts) == 300:
                break
    total = right = 0
    for t in texts:
        for size in (40, 300):
            for enc in ("cp1256", "iso8859_6"):
                try:
                    data = t[:size].encode(enc)
                except UnicodeEncodeError:
                    continue
                total += 1
                right += decode_bytes(data, source="x").text == t[:size]
    assert total > 800
    assert right == total
