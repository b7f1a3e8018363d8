"""Write the ingest test fixtures in ``mixed/`` (run from anywhere:
``.venv/bin/python tests/data/ingest/make_fixtures.py``).

The texts are short original Arabic news paragraphs written for these tests. Binary
containers (zip, tar.gz, warc.gz) and the legacy encodings are generated here so that
they can be rebuilt and inspected; ``mixed/article-boilerplate.html`` is hand-written.
The expected counts in tests/test_ingest_e2e.py follow from this file.
"""

from __future__ import annotations

import gzip
import io
import json
import tarfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent / "mixed"

# -- texts ------------------------------------------------------------------------------

AR_PLAIN = """\
افتتاح معرض الكتاب في تونس بمشاركة مئتي دار نشر

تونس - افتتح وزير الثقافة التونسي صباح الجمعة الدورة الجديدة من معرض تونس الدولي للكتاب، بمشاركة نحو مئتي دار نشر من عشرين بلدا عربيا وأجنبيا.

وقال مدير المعرض إن الدورة الحالية تخصص جناحا لأدب الأطفال، وتستضيف ندوات عن مستقبل النشر الرقمي وحقوق المؤلف.

ويستمر المعرض عشرة أيام، ويتوقع المنظمون أن يتجاوز عدد الزوار ربع مليون زائر.
"""

# a txt whose paragraphs are single lines (no blank lines)
AR_SINGLE_NEWLINES = """\
ارتفاع أسعار الخبز في الخرطوم للمرة الثالثة هذا العام
رفعت المخابز في العاصمة السودانية سعر رغيف الخبز بنسبة عشرين في المئة، بعد زيادة تكلفة الدقيق والوقود.
وقال أصحاب مخابز إنهم لا يستطيعون الاستمرار بالأسعار القديمة في ظل انقطاع الإمدادات.
وطالبت جمعية حماية المستهلك الحكومة بدعم القمح المستورد.
"""

# only characters that exist in both Windows-1256 and ISO-8859-6 (no «», no Persian letters)
AR_LEGACY = """\
انطلاق حملة تطعيم ضد شلل الأطفال في اليمن

صنعاء - أعلنت وزارة الصحة اليمنية انطلاق حملة وطنية للتطعيم ضد شلل الأطفال تستهدف أكثر من مليون طفل دون سن الخامسة في عشر محافظات، بدعم من منظمة الصحة العالمية ومنظمة يونيسف.

وقال مسؤول في الوزارة إن فرق التطعيم ستتنقل بين المنازل لمدة خمسة أيام، داعيا الأسر إلى التعاون مع العاملين الصحيين.
"""

AR_UTF16 = """\
الأمطار الغزيرة تغلق طرقا في شمال لبنان

طرابلس - أغلقت السيول عددا من الطرق الجبلية في شمال لبنان بعد أمطار غزيرة استمرت يومين، وعملت فرق الدفاع المدني على إنقاذ سائقين علقت سياراتهم في المياه.

وحذرت مصلحة الأرصاد من استمرار المنخفض الجوي حتى نهاية الأسبوع.
"""

EN_TEXT = """\
Port workers strike over pay in Rotterdam

Dock workers at the port of Rotterdam walked out on Monday after talks over a new wage agreement broke down, halting container traffic at several terminals.

Union leaders said the strike would last forty-eight hours unless employers returned with a better offer.
"""

# a txt with read-also boilerplate, an agency tag and a dateline
AR_BOILERPLATE_TXT = """\
اتفاق على تبادل الأسرى بين الحكومة اليمنية والحوثيين

جنيف – (رويترز) - أعلنت الأمم المتحدة الأحد أن الحكومة اليمنية وجماعة الحوثي اتفقتا على تبادل أكثر من ثلاثمئة أسير، بعد مفاوضات استمرت أسبوعا في جنيف برعاية اللجنة الدولية للصليب الأحمر.

اقرأ أيضا:

غارات جوية على مواقع في محافظة مأرب

وقال المبعوث الأممي إن الاتفاق خطوة مهمة لبناء الثقة، وإنه يأمل أن يمهد لمحادثات أوسع حول وقف إطلاق النار.

وأضاف أن عمليات التبادل ستبدأ خلال أسبوعين، بعد أن تزور فرق الصليب الأحمر أماكن الاحتجاز.

قد يهمك أيضا:

ارتفاع أسعار الوقود في عدن

الأمم المتحدة تحذر من المجاعة في اليمن
"""

JSONL_RECORDS = [
    {"id": "a-1", "title": "البنك المركزي المصري يثبت أسعار الفائدة",
     "text": "القاهرة - قرر البنك المركزي المصري في اجتماعه الخميس الإبقاء على أسعار الفائدة دون تغيير، مشيرا إلى تباطؤ التضخم خلال الشهرين الماضيين.\n\nوقال البنك في بيان إنه سيواصل مراقبة الأسعار عن كثب.",
     "url": "https://example.org/eg-rates", "published": "2026-02-12T14:00:00+02:00",
     "source": "النيل"},
    # alternates: content / date / source object / author list
    {"_id": 77, "headline": "مظاهرات في بغداد للمطالبة بتحسين الكهرباء",
     "content": "خرج مئات المحتجين في بغداد مساء السبت للمطالبة بتحسين إمدادات الكهرباء مع ارتفاع درجات الحرارة.\n\nوأغلق المتظاهرون طريقا رئيسيا لساعات قبل أن تتدخل قوات الأمن.",
     "link": "https://example.org/iq-protest", "date": "Sat, 14 Feb 2026 19:30:00 +0300",
     "source": {"id": "rafidain", "name": "الرافدين"}, "authors": ["سارة الجبوري", "علي حسن"]},
]


def _rss() -> str:
    return """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>أخبار المغرب العربي</title>
  <link>https://maghreb.example.org/</link>
  <description>آخر الأخبار</description>
  <item>
    <title>الجزائر تطلق مشروعا لتحلية مياه البحر</title>
    <link>https://maghreb.example.org/dz-desal</link>
    <guid>maghreb-101</guid>
    <pubDate>Tue, 03 Mar 2026 08:15:00 +0100</pubDate>
    <description>أطلقت الجزائر مشروعا جديدا لتحلية مياه البحر.</description>
    <content:encoded><![CDATA[<p>وهران - أطلقت الحكومة الجزائرية الثلاثاء مشروعا لإنشاء محطة كبرى لتحلية مياه البحر قرب وهران، بطاقة تبلغ ثلاثمئة ألف متر مكعب يوميا.</p>
<p>اقرأ أيضاً:</p>
<p><a href="/x">الجفاف يهدد محاصيل القمح في الغرب الجزائري</a></p>
<p>وقال وزير الموارد المائية إن المحطة ستغطي حاجات أكثر من مليون نسمة عند تشغيلها بعد عامين.</p>]]></content:encoded>
  </item>
  <item>
    <title>تونس: إضراب عام في قطاع النقل</title>
    <link>https://maghreb.example.org/tn-strike</link>
    <guid>maghreb-102</guid>
    <pubDate>Wed, 04 Mar 2026 10:00:00 +0100</pubDate>
    <description>&lt;p&gt;شل إضراب عمال النقل حركة الحافلات والقطارات في تونس العاصمة الأربعاء، احتجاجا على تأخر صرف الأجور.&lt;/p&gt;&lt;p&gt;وقالت النقابة إن الإضراب سيتكرر الأسبوع المقبل إذا لم تستجب الوزارة.&lt;/p&gt;</description>
  </item>
  <item>
    <title>المغرب يستضيف مؤتمرا أفريقيا حول الطاقة</title>
    <link>https://maghreb.example.org/ma-energy</link>
    <pubDate>Thu, 05 Mar 2026 12:00:00 +0000</pubDate>
    <description>تستضيف الرباط الأسبوع المقبل مؤتمرا يجمع وزراء الطاقة من ثلاثين دولة أفريقية لبحث مشروعات الربط الكهربائي.</description>
  </item>
</channel>
</rss>
"""


def _atom() -> str:
    return """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>نشرة الخليج</title>
  <id>urn:example:gulf</id>
  <updated>2026-03-06T09:00:00Z</updated>
  <entry>
    <title>الكويت تعلن موازنة جديدة بعجز أقل</title>
    <id>urn:example:gulf:1</id>
    <link href="https://gulf.example.org/kw-budget"/>
    <published>2026-03-06T09:00:00Z</published>
    <author><name>منى العنزي</name></author>
    <content type="html">&lt;p&gt;أعلنت وزارة المالية الكويتية موازنة العام المالي الجديد بعجز يقل بنحو الثلث عن العام الماضي، بفضل ارتفاع الإيرادات النفطية.&lt;/p&gt;&lt;p&gt;وتتضمن الموازنة زيادة في الإنفاق على التعليم والصحة.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>قطر تفتتح متحفا للفنون الإسلامية المعاصرة</title>
    <id>urn:example:gulf:2</id>
    <link href="https://gulf.example.org/qa-museum"/>
    <updated>2026-03-05T16:30:00+03:00</updated>
    <summary>افتتحت في الدوحة مساء الخميس أول دورة لمعرض الفنون الإسلامية المعاصرة بمشاركة فنانين من خمس عشرة دولة.</summary>
  </entry>
</feed>
"""


CP1256_HTML = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1256">
<title>السودان: وصول قافلة مساعدات إلى دارفور</title></head>
<body><div id="menu"><a href="/">الرئيسية</a> | <a href="/sd">السودان</a></div>
<div class="article"><h1>السودان: وصول قافلة مساعدات إلى دارفور</h1>
<p>الفاشر - وصلت قافلة من أربعين شاحنة محملة بالغذاء والدواء إلى مدينة الفاشر في شمال دارفور، في أول عملية إيصال للمساعدات منذ أسابيع، بحسب ما أعلن برنامج الأغذية العالمي.</p>
<p>وقال متحدث باسم البرنامج إن القافلة تحمل ما يكفي لإطعام خمسين ألف شخص لمدة شهر، داعيا الأطراف المتحاربة إلى ضمان مرور آمن للشاحنات.</p>
<p>وتعاني المنطقة من نقص حاد في الغذاء بعد أشهر من القتال والحصار.</p>
</div></body></html>
"""

BROKEN_RECOVERABLE_HTML = """<html><head><title>انتخابات بلدية في العراق</title>
<body><div class="content"><p>بغداد - تبدأ المفوضية العليا المستقلة للانتخابات في العراق الأحد تسجيل المرشحين للانتخابات البلدية المقررة في الخريف، وسط دعوات لمشاركة واسعة.
<p>وقال رئيس المفوضية إن التسجيل سيستمر ثلاثة أسابيع، وإن المفوضية ستعتمد نظام التصويت الإلكتروني في جميع المحافظات.
<div><p>وتعد هذه أول انتخابات بلدية منذ سنوات
"""

# markup cut off before any text: nothing an extractor can use
BROKEN_HTML = """<!DOCTYPE html><html><head><meta charset="utf-8"><title></title>
<script>var x = {"a": [1, 2, 3</script></head><body><div class="wrapper"><div class="row"><div
"""

NOT_A_FEED = """هذا ملف نصي عادي وليس خلاصة أخبار
لا يحتوي على أي عناصر XML
"""


def _warc(path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    pages = [
        ("https://levant.example.org/lb-port", "200 OK", "text/html; charset=utf-8", (
         "<html><head><title>إعادة فتح مرفأ بيروت أمام سفن الحاويات</title>"
         "<meta property='og:site_name' content='أخبار المشرق'></head><body>"
         "<nav><a href='/'>الرئيسية</a></nav><article><h1>إعادة فتح مرفأ بيروت أمام سفن الحاويات</h1>"
         "<p>بيروت - أعلنت إدارة مرفأ بيروت الاثنين استئناف استقبال سفن الحاويات في الرصيف الرئيسي بعد انتهاء أعمال الترميم التي استمرت أشهرا.</p>"
         "<p>وقال مدير المرفأ إن الطاقة الاستيعابية ستعود إلى مستواها السابق بحلول الصيف، مع تشغيل رافعات جديدة.</p>"
         "</article><footer>جميع الحقوق محفوظة</footer></body></html>")),
        ("https://levant.example.org/jo-water", "200 OK", "text/html", (
         "<html><head><title>الأردن يوقع اتفاقا لتزويد عمّان بالمياه</title></head><body><article>"
         "<h1>الأردن يوقع اتفاقا لتزويد عمّان بالمياه</h1>"
         "<p>عمّان - وقعت الحكومة الأردنية الأربعاء اتفاقا مع تحالف شركات لتنفيذ مشروع ناقل المياه من العقبة إلى عمّان، بكلفة تقارب ثلاثة مليارات دولار.</p>"
         "<p>ويهدف المشروع إلى سد جزء كبير من العجز المائي الذي تعانيه المملكة منذ سنوات.</p>"
         "</article></body></html>")),
        ("https://levant.example.org/missing", "404 Not Found", "text/html",
         "<html><body><p>الصفحة غير موجودة</p></body></html>"),
        ("https://levant.example.org/logo.png", "200 OK", "image/png", "\x89PNG fake"),
    ]
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, status, ctype, body in pages:
            writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(
                b"GET / HTTP/1.1\r\n\r\n")))
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(body.encode("utf-8")), http_headers=headers))


def _zip(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("news/plain.txt", AR_PLAIN)
        zf.writestr("news/single-newlines.txt", AR_SINGLE_NEWLINES)
        zf.writestr("news/page.html", CP1256_HTML.encode("cp1256"))
        zf.writestr("news/.hidden.txt", "يجب تجاهل هذا الملف المخفي")
        zf.writestr("__MACOSX/news/._plain.txt", b"\x00\x05\x16\x07")
        zf.writestr("news/empty.txt", b"")


def _targz(path: Path) -> None:
    with tarfile.open(path, "w:gz") as tf:
        for name, data in (
            ("bundle/legacy-cp1256.txt", AR_LEGACY.encode("cp1256")),
            ("bundle/articles.jsonl", "\n".join(json.dumps(r, ensure_ascii=False)
                                               for r in JSONL_RECORDS).encode("utf-8")),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1772000000
            tf.addfile(info, io.BytesIO(data))


def main() -> None:
    HERE.mkdir(parents=True, exist_ok=True)
    w = lambda name, data: (HERE / name).write_bytes(data)
    w("plain-utf8.txt", AR_PLAIN.encode("utf-8"))
    w("bom-utf8.txt", b"\xef\xbb\xbf" + AR_PLAIN.replace("مئتي", "مائتي").encode("utf-8"))
    w("single-newlines.txt", AR_SINGLE_NEWLINES.encode("utf-8"))
    w("legacy-cp1256.txt", AR_LEGACY.encode("cp1256"))
    w("legacy-iso8859-6.txt", AR_LEGACY.replace("صنعاء", "عدن").encode("iso8859_6"))
    w("utf16-bom.txt", AR_UTF16.encode("utf-16"))  # with BOM (little-endian here)
    w("utf16be-nobom.txt", AR_UTF16.replace("طرابلس", "عكار").encode("utf-16-be"))
    w("english.txt", EN_TEXT.encode("utf-8"))
    w("boilerplate.txt", AR_BOILERPLATE_TXT.encode("utf-8"))
    w("articles.jsonl", (
        json.dumps(JSONL_RECORDS[0], ensure_ascii=False) + "\n"
        + "\n"  # blank lines are skipped
        + json.dumps(JSONL_RECORDS[1], ensure_ascii=False) + "\n"
        + '{"title": "سطر مقطوع", "text": "هذا السطر لم يكتمل\n'  # malformed: line 4
        + json.dumps({"url": "https://example.org/empty"}) + "\n"  # no text: line 5
        + json.dumps(["not", "an", "object"]) + "\n"  # not an object: line 6
    ).encode("utf-8"))
    w("feed-rss.xml", _rss().encode("utf-8"))
    w("feed-atom.atom", _atom().encode("utf-8"))
    w("not-a-feed.rss", NOT_A_FEED.encode("utf-8"))
    w("page-cp1256.html", CP1256_HTML.encode("cp1256"))
    w("broken-recoverable.html", BROKEN_RECOVERABLE_HTML.encode("utf-8"))
    w("broken.html", BROKEN_HTML.encode("utf-8"))
    w("empty.txt", b"")
    # a PNG header and NUL bytes under a .txt name
    w("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    # high bytes that no Arabic or Latin code page turns into words
    w("undecodable.txt", bytes([0xD7, 0xF0, 0xAD, 0x81, 0xFE, 0x8D, 0xBC, 0x20]) * 40)
    _zip(HERE / "archive.zip")
    _targz(HERE / "bundle.tar.gz")
    _warc(HERE / "crawl.warc.gz")
    with gzip.open(HERE / "more.jsonl.gz", "wt", encoding="utf-8") as gz:
        gz.write(json.dumps(JSONL_RECORDS[0], ensure_ascii=False) + "\n")
    (HERE / ".hidden-notes.txt").write_text("ملف مخفي لا يقرأ", encoding="utf-8")


if __name__ == "__main__":
    main()
