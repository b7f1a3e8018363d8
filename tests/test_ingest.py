"""Readers, one by one, on the fixtures in tests/data/ingest/mixed (see make_fixtures.py),
and every kind of bad input."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from marsad.data import shared_path
from marsad.errors import InputError
from marsad.ingest import (
    ReadResult,
    count_inputs,
    document_from_html,
    read_paths,
    read_text,
    split_paragraphs,
)
from marsad.model import PARAGRAPH_SEP, Document

MIXED = Path(__file__).parent / "data" / "ingest" / "mixed"


def read(*names: str, **kw) -> list[ReadResult]:
    return list(read_paths([MIXED / n for n in names], **kw))


def one(name: str) -> Document:
    results = read(name)
    assert len(results) == 1, results
    assert results[0].error is None, results[0].error
    doc = results[0].document
    assert doc is not None and doc.origin == results[0].origin
    return doc


def error_of(name: str | Path, **kw) -> InputError:
    results = list(read_paths([name if isinstance(name, Path) else MIXED / name], **kw))
    assert len(results) == 1, results
    assert results[0].document is None
    assert results[0].error is not None
    return results[0].error


def assert_well_formed(doc: Document) -> None:
    """The contract every document meets: text = headline + paragraphs, nothing empty,
    no blank line inside a paragraph, no invisible controls, id computed."""
    assert doc.text == (doc.title + PARAGRAPH_SEP if doc.title else "") + PARAGRAPH_SEP.join(doc.paragraphs)
    assert "\n" not in doc.title
    for p in doc.paragraphs:
        assert p and p == p.strip() and "\n\n" not in p
    assert not any(ch in doc.text for ch in "\u200b\u200c\u200e\u200f\u202b\ufeff\u00a0")
    assert len(doc.id) == 16
    if doc.paragraphs:
        start = doc.body_offset
        assert doc.text[start : start + len(doc.paragraphs[0])] == doc.paragraphs[0]


# -- .txt --------------------------------------------------------------------------------


def test_txt_headline_and_blank_line_paragraphs() -> None:
    doc = one("plain-utf8.txt")
    assert doc.title == "افتتاح معرض الكتاب في تونس بمشاركة مئتي دار نشر"
    assert len(doc.paragraphs) == 3
    assert doc.paragraphs[0].startswith("افتتح وزير الثقافة")
    assert doc.dateline == "تونس"
    assert doc.language == "ar" and doc.meta["encoding"] == "utf-8"
    assert doc.origin == str(MIXED / "plain-utf8.txt")
    assert_well_formed(doc)


def test_txt_single_newline_paragraphs() -> None:
    doc = one("single-newlines.txt")
    assert doc.title.startswith("ارتفاع أسعار الخبز")
    assert len(doc.paragraphs) == 3
    assert doc.paragraphs[2] == "وطالبت جمعية حماية المستهلك الحكومة بدعم القمح المستورد."


def test_txt_with_boilerplate_agency_and_dateline() -> None:
    doc = one("boilerplate.txt")
    assert doc.agency == "رويترز" and doc.dateline == "جنيف"
    assert len(doc.paragraphs) == 3
    assert doc.paragraphs[0].startswith("أعلنت الأمم المتحدة الأحد")
    assert not any("اقرأ" in p or "يهمك" in p or "مأرب" in p for p in doc.paragraphs)
    assert doc.meta["boilerplate_removed"] == 5


def test_bom_is_not_part_of_the_headline() -> None:
    doc = one("bom-utf8.txt")
    assert doc.title.startswith("افتتاح")


def test_same_article_same_id_whatever_the_encoding() -> None:
    ids = {one(n).id for n in ("plain-utf8.txt",)} | {
        r.document.id for r in read("archive.zip") if r.document and r.origin.endswith("plain.txt")}
    assert len(ids) == 1


@pytest.mark.parametrize(
    "name", ["legacy-cp1256.txt", "legacy-iso8859-6.txt", "utf16-bom.txt", "utf16be-nobom.txt"])
def test_txt_in_every_encoding(name: str) -> None:
    doc = one(name)
    assert doc.language == "ar"
    assert len(doc.paragraphs) == 2
    assert_well_formed(doc)


def test_english_text_is_identified() -> None:
    doc = one("english.txt")
    assert doc.language == "en"
    assert doc.title == "Port workers strike over pay in Rotterdam"


# -- read_text ---------------------------------------------------------------------------


def test_read_text_headline_from_first_non_empty_line() -> None:
    doc = read_text("\n\n  عنوان الخبر  \nالفقرة الأولى.\n\nالفقرة الثانية.\n")
    assert doc.title == "عنوان الخبر"
    assert doc.paragraphs == ["الفقرة الأولى.", "الفقرة الثانية."]
    assert doc.origin == "<text>"


def test_read_text_with_title_and_cleaning() -> None:
    raw = "بيروت - قال\u200f مسؤول إن ﻻ اتفاق\u00a0بعد.\r\n\r\nاقرأ أيضا:\r\nعنوان آخر"
    doc = read_text(raw, title="عنوان", origin="paste")
    assert doc.title == "عنوان" and doc.origin == "paste"
    assert doc.paragraphs == ["قال مسؤول إن لا اتفاق بعد."]
    assert doc.dateline == "بيروت"
    assert_well_formed(doc)


def test_read_text_with_empty_title_keeps_every_paragraph() -> None:
    doc = read_text("سطر قصير\n\nفقرة ثانية.", title="")
    assert doc.title == "" and doc.paragraphs == ["سطر قصير", "فقرة ثانية."]


def test_read_text_empty_raises_input_error() -> None:
    with pytest.raises(InputError):
        read_text("   \n  ")


def test_reference_article_read_whole() -> None:
    path = shared_path("samples", "article-ar-001.txt")
    if not path.exists():
        pytest.skip(f"{path} not found (set MARSAD_DATA)")
    [res] = list(read_paths([path]))
    doc = res.document
    assert doc is not None
    assert doc.title == "القضاء على مقاتلي داعش في سوريا"
    assert len(doc.paragraphs) == 6
    assert doc.language == "ar"
    assert_well_formed(doc)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("أ\n\nب\n\n\nج", ["أ", "ب", "ج"]),
        ("أ\nب\nج", ["أ", "ب", "ج"]),  # no blank line: each line a paragraph
        ("أ\nب\n\nج", ["أ\nب", "ج"]),  # blank lines decide; a wrapped line stays inside
        ("  أ  \n \t \n ب ", ["أ", "ب"]),
        ("", []),
    ],
)
def test_split_paragraphs(body: str, expected: list[str]) -> None:
    assert split_paragraphs(body) == expected


# -- .html -------------------------------------------------------------------------------


def test_html_main_text_and_metadata() -> None:
    doc = one("article-boilerplate.html")
    assert doc.title == "مجلس الأمن يمدد ولاية بعثة الأمم المتحدة في ليبيا"
    assert doc.url == "https://news.example.org/world/2026/03/libya-mission-renewed"
    assert doc.published == "2026-03-04T09:30:00+02:00"
    assert doc.author == "سلمى الورفلي"
    assert doc.site_name == "شبكة المرصد الإخبارية"
    assert doc.agency == "رويترز" and doc.dateline == "نيويورك"
    assert len(doc.paragraphs) == 4
    assert doc.paragraphs[0].startswith("صوّت مجلس الأمن الدولي")
    body = doc.body
    for junk in ("الرئيسية", "فيسبوك", "اقرأ أيضاً", "انطلاق جولة جديدة", "أخبار ذات صلة",
                 "المبعوث الأممي يلتقي", "التعليقات", "نتمنى أن يعود", "جميع الحقوق", "وسوم"):
        assert junk not in body, junk
    assert doc.meta["extractor"] == "trafilatura"
    assert_well_formed(doc)


def test_html_declared_windows_1256() -> None:
    doc = one("page-cp1256.html")
    assert doc.meta["encoding"] == "cp1256"
    assert doc.title == "السودان: وصول قافلة مساعدات إلى دارفور"
    assert doc.dateline == "الفاشر"
    assert len(doc.paragraphs) == 3
    assert "الرئيسية" not in doc.body


def test_broken_but_recoverable_html() -> None:
    doc = one("broken-recoverable.html")
    assert doc.title == "انتخابات بلدية في العراق"
    assert len(doc.paragraphs) >= 2


def test_document_from_html_string_and_fallback() -> None:
    html = "<p>نص الخبر الوحيد في الصفحة</p>"  # a bare fragment: trafilatura finds nothing
    doc = document_from_html(html, url="https://x.example/a", origin="page")
    assert doc.title == "نص الخبر الوحيد في الصفحة" and doc.paragraphs == []  # no <title>
    assert doc.url == "https://x.example/a" and doc.origin == "page"
    assert "extraction_note" in doc.meta and doc.meta["extractor"] in ("justext", "lxml")


def test_document_from_html_bytes_with_declared_encoding() -> None:
    html = ("<html><head><title>خبر</title></head><body><article><p>"
            + "قال المتحدث إن المفاوضات ستستأنف الأسبوع المقبل في العاصمة. " * 6
            + "</p></article></body></html>")
    doc = document_from_html(html.encode("cp1256"), declared_encoding="windows-1256")
    assert doc.meta["encoding"] == "cp1256" and "المفاوضات" in doc.body


# -- .jsonl / .json ----------------------------------------------------------------------


def test_jsonl_lines_and_errors() -> None:
    results = read("articles.jsonl")
    origins = [r.origin for r in results]
    jl = str(MIXED / "articles.jsonl")
    assert origins == [f"{jl}:1", f"{jl}:3", f"{jl}:4", f"{jl}:5", f"{jl}:6"]
    a, b, bad, empty, not_obj = results
    assert a.document and a.document.external_id == "a-1"
    assert a.document.url == "https://example.org/eg-rates" and a.document.source == "النيل"
    assert a.document.published == "2026-02-12T14:00:00+02:00"
    assert a.document.dateline == "القاهرة"
    # alternates: headline / content / link / date (RFC 822) / source object / author list
    d = b.document
    assert d and d.title.startswith("مظاهرات في بغداد") and d.external_id == "77"
    assert d.url == "https://example.org/iq-protest" and d.source == "الرافدين"
    assert d.published == "2026-02-14T19:30:00+03:00" and d.author == "سارة الجبوري، علي حسن"
    assert bad.error and f"{jl}:4" in str(bad.error) and "malformed JSON" in str(bad.error)
    assert empty.error and "no title and no text" in str(empty.error)
    assert not_obj.error and "expected a JSON object" in str(not_obj.error)


def test_jsonl_gz_and_crawl_date(tmp_path: Path) -> None:
    p = tmp_path / "dump.jsonl.gz"
    with gzip.open(p, "wt", encoding="utf-8") as f:
        f.write(json.dumps({"title": "عنوان", "content": "نص الخبر الأول.\n\nنص ثان.",
                            "date_extracted": "2015-07-21 02:51:32", "source": "aawsat"},
                           ensure_ascii=False) + "\n")
    [r] = list(read_paths([p]))
    assert r.origin == f"{p}:1"
    assert r.document and r.document.published == "2015-07-21T02:51:32"
    assert r.document.meta["published_from"] == "crawl date"
    assert r.document.paragraphs == ["نص الخبر الأول.", "نص ثان."]


def test_bz2_and_xz_single_files(tmp_path: Path) -> None:
    import bz2
    import lzma

    body = "عنوان الخبر\n\nنص الخبر الأول في فقرة كاملة."
    (tmp_path / "a.txt.bz2").write_bytes(bz2.compress(body.encode("utf-8")))
    (tmp_path / "b.jsonl.xz").write_bytes(lzma.compress(
        (json.dumps({"title": "عنوان", "text": "نص."}, ensure_ascii=False) + "\n").encode("utf-8")))
    (tmp_path / "noext").write_bytes(bz2.compress(body.encode("utf-8")))  # sniffed
    (tmp_path / "broken.txt.xz").write_bytes(lzma.compress(body.encode("utf-8"))[:20])
    results = {Path(r.origin.split(":")[0]).name: r for r in read_paths([tmp_path])}
    assert results["a.txt.bz2"].document and results["a.txt.bz2"].document.title == "عنوان الخبر"
    assert results["b.jsonl.xz"].document and results["b.jsonl.xz"].document.title == "عنوان"
    assert results["noext"].document and results["noext"].document.title == "عنوان الخبر"
    bad = results["broken.txt.xz"]
    assert bad.error and "broken xz data" in str(bad.error) and "re-download" in str(bad.error)


def test_json_array_and_misnamed_jsonl(tmp_path: Path) -> None:
    arr = tmp_path / "list.json"
    arr.write_text(json.dumps([{"title": "أ", "text": "نص أ."}, {"title": "ب", "text": "نص ب."}, 3],
                              ensure_ascii=False), encoding="utf-8")
    results = list(read_paths([arr]))
    assert [r.origin for r in results] == [f"{arr}#item1", f"{arr}#item2", f"{arr}#item3"]
    assert results[0].document and results[1].document and results[2].error
    lines = tmp_path / "lines.json"
    lines.write_text('{"title": "أ", "text": "نص."}\n{"title": "ب", "text": "نص."}\n', encoding="utf-8")
    assert [r.origin for r in read_paths([lines])] == [f"{lines}:1", f"{lines}:2"]


def test_jsonl_text_with_html_and_long_line(tmp_path: Path) -> None:
    p = tmp_path / "h.jsonl"
    rec = {"title": "عنوان", "text": "<p>الفقرة الأولى من الخبر.</p><p>الفقرة الثانية.</p>"}
    p.write_text(json.dumps(rec, ensure_ascii=False) + "\n"
                 + json.dumps({"title": "طويل", "text": "ن" * 5000}, ensure_ascii=False) + "\n"
                 + json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    results = list(read_paths([p], max_bytes=2000))
    assert results[0].document and results[0].document.paragraphs == ["الفقرة الأولى من الخبر.", "الفقرة الثانية."]
    assert results[1].error and "line longer than" in str(results[1].error) and f"{p}:2" in str(results[1].error)
    assert results[2].origin == f"{p}:3" and results[2].document


# -- feeds -------------------------------------------------------------------------------


def test_rss_items() -> None:
    results = read("feed-rss.xml")
    assert [r.origin.rsplit("#", 1)[1] for r in results] == ["item1", "item2", "item3"]
    docs = [r.document for r in results]
    assert all(docs)
    first, second, third = docs
    assert first.title == "الجزائر تطلق مشروعا لتحلية مياه البحر"
    assert first.url == "https://maghreb.example.org/dz-desal" and first.external_id == "maghreb-101"
    assert first.published == "2026-03-03T08:15:00+01:00" and first.source == "أخبار المغرب العربي"
    assert first.dateline == "وهران" and len(first.paragraphs) == 2  # read-also block removed
    assert first.meta["text_from"] == "content"
    assert "الجفاف يهدد" not in first.body
    assert second.paragraphs[0].startswith("شل إضراب عمال النقل") and len(second.paragraphs) == 2
    assert third.meta["text_from"] == "summary" and len(third.paragraphs) == 1


def test_atom_entries() -> None:
    a, b = (r.document for r in read("feed-atom.atom"))
    assert a and a.author == "منى العنزي" and a.url == "https://gulf.example.org/kw-budget"
    assert a.published == "2026-03-06T09:00:00+00:00" and len(a.paragraphs) == 2
    assert b and b.published == "2026-03-05T16:30:00+03:00" and b.source == "نشرة الخليج"


def test_not_a_feed() -> None:
    err = error_of("not-a-feed.rss")
    assert "not-a-feed.rss" in str(err) and "not an RSS/Atom feed" in str(err)


def test_truncated_feed_keeps_its_items(tmp_path: Path) -> None:
    p = tmp_path / "cut.xml"
    p.write_text("<rss version='2.0'><channel><title>ق</title><item><title>خبر كامل</title>"
                 "<description>نص الخبر الكامل.</description></item><item><title>خبر مقطوع",
                 encoding="utf-8")
    results = list(read_paths([p]))
    assert results[0].document and "feed_note" in results[0].document.meta


# -- WARC --------------------------------------------------------------------------------


def test_warc_html_200_responses_only() -> None:
    results = read("crawl.warc.gz")
    assert len(results) == 2  # the 404 page, the PNG and the request records are skipped
    a, b = (r.document for r in results)
    assert a and a.url == "https://levant.example.org/lb-port" and a.dateline == "بيروت"
    assert "الرئيسية" not in a.body and "جميع الحقوق" not in a.body
    assert b and b.url == "https://levant.example.org/jo-water"
    assert all("#record" in r.origin for r in results)


def test_not_a_warc(tmp_path: Path) -> None:
    p = tmp_path / "x.warc"
    p.write_text("not a web archive", encoding="utf-8")
    err = error_of(p)
    assert "x.warc" in str(err) and "WARC" in str(err)


# -- archives ----------------------------------------------------------------------------


def test_zip_members() -> None:
    results = read("archive.zip")
    names = [r.origin.split("!", 1)[1] for r in results]
    assert names == ["news/empty.txt", "news/page.html", "news/plain.txt", "news/single-newlines.txt"]
    assert results[0].error and "empty" in str(results[0].error)
    assert all(r.document for r in results[1:])
    assert results[1].document.meta["encoding"] == "cp1256"


def test_tar_gz_members() -> None:
    results = read("bundle.tar.gz")
    assert [r.origin.split("!", 1)[1] for r in results] == [
        "bundle/legacy-cp1256.txt", "bundle/articles.jsonl:1", "bundle/articles.jsonl:2"]
    assert all(r.document for r in results)


def test_zip_bomb_and_big_members_are_capped(tmp_path: Path) -> None:
    p = tmp_path / "bomb.zip"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.txt", "أ" * 200_000)  # 400 KB of text inflating from ~1 KB
        zf.writestr("ok.txt", "عنوان\n\nنص.")
    results = list(read_paths([p], max_bytes=100_000))
    assert results[0].error and "too large" in str(results[0].error) and "big.txt" in str(results[0].error)
    assert results[1].document
    # a gzip bomb has no size header to trust: the inflated bytes are counted
    g = tmp_path / "page.txt.gz"
    g.write_bytes(gzip.compress(("عنوان\n\n" + "ب" * 200_000).encode("utf-8")))
    err = error_of(g, max_bytes=100_000)
    assert "too large" in str(err)


def test_nested_archive(tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("a.txt", "عنوان داخلي\n\nنص.")
    outer = tmp_path / "outer.tar"
    with tarfile.open(outer, "w") as tf:
        info = tarfile.TarInfo("inner.zip")
        info.size = len(inner.getvalue())
        tf.addfile(info, io.BytesIO(inner.getvalue()))
    [r] = list(read_paths([outer]))
    assert r.origin == f"{outer}!inner.zip!a.txt" and r.document


def test_corrupt_archive(tmp_path: Path) -> None:
    p = tmp_path / "cut.zip"
    p.write_bytes((MIXED / "archive.zip").read_bytes()[:300])
    err = error_of(p)
    assert "cut.zip" in str(err) and "zip" in str(err)


# -- folders, stdin, sniffing ------------------------------------------------------------


def test_folder_is_recursive_sorted_and_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "z.txt").write_text("ز\n\nنص.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("أ\n\nنص.", encoding="utf-8")
    (tmp_path / ".secret.txt").write_text("س\n\nنص.", encoding="utf-8")
    (tmp_path / ".git" / "c.txt").write_text("ج\n\nنص.", encoding="utf-8")
    results = list(read_paths([tmp_path]))
    assert [r.origin for r in results] == [str(tmp_path / "a.txt"), str(tmp_path / "b" / "z.txt")]


def test_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    (tmp_path / "page").write_bytes((MIXED / "article-boilerplate.html").read_bytes())
    (tmp_path / "feed.dat").write_bytes((MIXED / "feed-rss.xml").read_bytes())
    (tmp_path / "note.md").write_text("عنوان الملاحظة\n\nنص الملاحظة.", encoding="utf-8")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 100)
    results = {Path(r.origin.split("#")[0]).name: r for r in read_paths([tmp_path])}
    assert results["page"].document and results["page"].document.meta["extractor"] == "trafilatura"
    assert results["feed.dat"].document  # items of the feed
    assert results["note.md"].document and results["note.md"].document.title == "عنوان الملاحظة"
    assert results["photo.jpg"].error and "JPEG" in str(results["photo.jpg"].error)


STDIN_SCRIPT = (
    "from marsad.ingest import read_paths\n"
    "for r in read_paths(['-']):\n"
    "    print(r.origin, '|', r.document.title if r.document else 'ERROR ' + str(r.error))\n"
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("articles.jsonl", ["-:1 | البنك المركزي المصري يثبت أسعار الفائدة", "-:3 |", "-:4 | ERROR"]),
        ("article-boilerplate.html", ["- | مجلس الأمن يمدد ولاية بعثة الأمم المتحدة في ليبيا"]),
        ("feed-rss.xml", ["-#item1 | الجزائر", "-#item2 |", "-#item3 |"]),
        ("legacy-cp1256.txt", ["- | انطلاق حملة تطعيم ضد شلل الأطفال في اليمن"]),
        ("bundle.tar.gz", ["-!bundle/legacy-cp1256.txt |", "-!bundle/articles.jsonl:1 |"]),
        ("empty.txt", ["- | ERROR -: empty file"]),
    ],
)
def test_stdin(name: str, expected: list[str]) -> None:
    out = subprocess.run([sys.executable, "-c", STDIN_SCRIPT], input=(MIXED / name).read_bytes(),
                         capture_output=True, check=True).stdout.decode("utf-8")
    lines = out.splitlines()
    for want in expected:
        assert any(line.startswith(want) for line in lines), (want, lines)


# -- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.txt", "empty file"),
        ("binary.txt", "binary file (a PNG image)"),
        ("undecodable.txt", "cannot decode"),
        ("broken.html", "no article text found"),
        ("not-a-feed.rss", "not an RSS/Atom feed"),
    ],
)
def test_bad_inputs_name_the_file_and_the_fix(name: str, message: str) -> None:
    err = error_of(name)
    text = str(err)
    assert text.startswith(str(MIXED / name) + ": ")
    assert message in text
    assert err.fix and f"({err.fix})" in text


def test_huge_file_is_rejected_from_its_size(tmp_path: Path) -> None:
    big = tmp_path / "huge.txt"
    with open(big, "wb") as f:  # 200 MB, sparse: no time or disk spent writing it
        f.truncate(200 * 2**20)
    err = error_of(big)
    assert "huge.txt" in str(err) and "too large (200.0 MB, over the 100.0 MB limit" in str(err)


def test_missing_path_and_batch_goes_on(tmp_path: Path) -> None:
    results = list(read_paths([tmp_path / "nope.txt", MIXED / "empty.txt", MIXED / "plain-utf8.txt"]))
    assert [bool(r.document) for r in results] == [False, False, True]
    assert "no such file or folder" in str(results[0].error)


def test_unreadable_file(tmp_path: Path) -> None:
    import os

    if os.geteuid() == 0:
        pytest.skip("root can read any file")
    p = tmp_path / "locked.txt"
    p.write_text("عنوان\n\nنص.", encoding="utf-8")
    p.chmod(0)
    err = error_of(p)
    assert "locked.txt" in str(err)


# -- count_inputs ------------------------------------------------------------------------


def test_count_inputs(tmp_path: Path) -> None:
    assert count_inputs([MIXED / "articles.jsonl"]) == 6  # lines, the blank one included
    assert count_inputs([MIXED / "feed-rss.xml", MIXED / "plain-utf8.txt"]) == 4
    assert count_inputs([MIXED / "archive.zip"]) == 4
    assert count_inputs(["-"]) is None
    assert count_inputs([tmp_path / "missing"]) == 1
    n = count_inputs([MIXED])
    assert n is not None and abs(n - len(list(read_paths([MIXED])))) <= 3


# -- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2026-03-04", "2026-03-04"),
        ("2026-03-04T09:30:00+02:00", "2026-03-04T09:30:00+02:00"),
        ("2026-03-04T09:30:00Z", "2026-03-04T09:30:00+00:00"),
        ("2015-07-21 02:51:32", "2015-07-21T02:51:32"),
        ("Tue, 03 Mar 2026 08:15:00 +0100", "2026-03-03T08:15:00+01:00"),
        ("2026/03/04", "2026-03-04"),
        ("04/03/2026", "2026-03-04"),  # day first, as the Arab press writes it
        ("٢٠٢٦-٠٣-٠٤", "2026-03-04"),
        (1772611200, "2026-03-04T08:00:00+00:00"),
        (1772611200000, "2026-03-04T08:00:00+00:00"),
        ("أمس", None),
        ("2026-13-45", None),
        ("", None),
        (None, None),
    ],
)
def test_dates(value: object, iso: str | None) -> None:
    from marsad.ingest.dates import to_iso

    assert to_iso(value) == iso
