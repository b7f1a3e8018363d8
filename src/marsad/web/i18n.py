"""Interface labels in Arabic and English, and the names of codes (event types, statuses,
entity types, countries) in each. Article text is never translated: only the interface.

The language comes from ``?lang=ar|en`` (remembered in a cookie), Arabic by default; the
page's ``dir`` follows it (rtl for Arabic). Arabic text inside an English page keeps its
own ``dir="rtl" lang="ar"``.
"""

from __future__ import annotations

from functools import lru_cache

LANGS = ("ar", "en")
DEFAULT_LANG = "ar"
COOKIE = "marsad_lang"

LABELS: dict[str, tuple[str, str]] = {
    "app": ("مرصد", "marsad"),
    "tagline": ("الأخبار العربية سجلًّا منظَّمًا قابلًا للبحث", "Arabic news as a searchable record"),
    "search": ("بحث", "Search"),
    "events": ("الأحداث", "Events"),
    "entities": ("الكيانات", "Entities"),
    "stories": ("القصص", "Stories"),
    "sources": ("المصادر", "Sources"),
    "ingest": ("إضافة مقالات", "Add articles"),
    "api": ("واجهة البرمجة", "API"),
    "switch_lang": ("English", "العربية"),
    "query": ("الاستعلام", "Query"),
    "search_placeholder": ('مثال: سوريا "الأمم المتحدة" -روسيا source:okaz', 'e.g. سوريا "الأمم المتحدة" -روسيا source:okaz'),
    "syntax_help": (
        'كلمات (بأي تصريف)، "عبارة حرفية"، أ OR ب، ‎-استبعاد، ومرشحات: source: from: to: undated: topic: entity: country: type: status:',
        'words (any inflection), "exact phrase", a OR b, -exclude, and filters: source: from: to: undated: topic: entity: country: type: status:',
    ),
    "date_from": ("من تاريخ", "From"),
    "date_to": ("إلى تاريخ", "To"),
    "go": ("ابحث", "Search"),
    "apply": ("تطبيق", "Apply"),
    "clear": ("مسح", "Clear"),
    "results": ("نتيجة", "results"),
    "no_results": ("لا نتائج.", "No results."),
    "undated_left_out": ("مقالًا بلا تاريخ يطابق البحث واستبعده نطاق التاريخ",
                         "undated articles also match and were left out by the dates"),
    "include_undated": ("أدرجها", "include them"),
    "only_undated": ("اعرضها وحدها", "show them alone"),
    "copies": ("نسخ مكررة", "duplicate copies"),
    "show_copies": ("أظهر النسخ المكررة", "show duplicate copies"),
    "hide_copies": ("اطوِ النسخ المكررة", "collapse duplicate copies"),
    "facet_topic": ("الموضوع", "Topic"),
    "facet_source": ("المصدر", "Source"),
    "facet_entity": ("الكيان", "Entity"),
    "facet_country": ("البلد", "Country"),
    "facet_type": ("نوع الحدث", "Event type"),
    "facet_month": ("الشهر", "Month"),
    "prev": ("السابق", "Previous"),
    "next": ("التالي", "Next"),
    "page": ("صفحة", "page"),
    "of": ("من", "of"),
    "published": ("تاريخ النشر", "Published"),
    "source": ("المصدر", "Source"),
    "url": ("الرابط", "URL"),
    "author": ("الكاتب", "Author"),
    "agency": ("الوكالة", "Agency"),
    "dateline": ("مكان الخبر", "Dateline"),
    "topic": ("الموضوع", "Topic"),
    "keywords": ("الكلمات المفتاحية", "Keywords"),
    "summary": ("الملخص", "Summary"),
    "story": ("القصة", "Story"),
    "stories_of_two": ("(من مقالين فأكثر)", "(of two or more articles)"),
    "singles_left_out": ("مقالًا منفردًا (قصة من مقال واحد) لم يُدرج هنا",
                         "articles stand alone (a story of one article) and are not listed"),
    "show_singles": ("اعرضها أيضًا", "show them too"),
    "singles_included": ("مقالًا منفردًا (قصة من مقال واحد) مدرج في القائمة",
                         "articles that stand alone (a story of one article) are listed too"),
    "hide_singles": ("أخفِها", "hide them"),
    "duplicates": ("نسخ مكررة من هذا المقال", "Duplicate copies of this article"),
    "article_events": ("الأحداث في المقال", "Events in this article"),
    "mentions_legend": ("الكيانات المذكورة", "Entities named"),
    "type": ("النوع", "Type"),
    "mode": ("الأسلوب", "Mode"),
    "status": ("الحالة", "Status"),
    "actor": ("الفاعل", "Actor"),
    "actor1": ("الفاعل", "Source actor"),
    "actor2": ("المفعول به", "Target"),
    "place": ("المكان", "Place"),
    "date": ("التاريخ", "Date"),
    "trigger": ("الدالّ", "Trigger"),
    "country": ("البلد", "Country"),
    "article": ("المقال", "Article"),
    "confidence": ("الثقة", "Confidence"),
    "names": ("الأسماء", "Names"),
    "aliases": ("أسماء أخرى", "Aliases"),
    "written_as": ("كما كُتب في المقالات", "As written in articles"),
    "name_en": ("الاسم بالإنجليزية", "English name"),
    "wikidata": ("ويكي بيانات", "Wikidata"),
    "kind": ("الصنف", "Kind"),
    "coordinates": ("الإحداثيات", "Coordinates"),
    "mention_count": ("عدد الإشارات", "Mentions"),
    "documents": ("مقالات", "Articles"),
    "timeline": ("الخط الزمني", "Timeline"),
    "mentions_over_time": ("الإشارات عبر الزمن (مقالات)", "Mentions over time (articles)"),
    "network": ("كيانات تُذكر معه", "Named together with"),
    "places_map": ("الأماكن على الخريطة", "Places on the map"),
    "latest_articles": ("أحدث المقالات", "Latest articles"),
    "entity_events": ("أحداث شارك فيها", "Events it takes part in"),
    "map": ("الخريطة", "Map"),
    "events_by_type": ("عدد الأحداث حسب النوع", "Event counts by type"),
    "filters": ("المرشحات", "Filters"),
    "bbox": ("النطاق الجغرافي", "Bounding box"),
    "use_map_view": ("حدّد بالمنطقة الظاهرة على الخريطة", "Use the visible map area"),
    "export": ("تصدير", "Export"),
    "geocoded_note": ("الأحداث المحددة جغرافيًا فقط تظهر على الخريطة", "Only geocoded events appear on the map"),
    "all": ("الكل", "All"),
    "headline": ("العنوان", "Headline"),
    "first_date": ("أول تاريخ", "First date"),
    "last_date": ("آخر تاريخ", "Last date"),
    "article_count": ("عدد المقالات", "Articles"),
    "top_entities": ("أبرز الكيانات", "Top entities"),
    "distinct_documents": ("دون المكرر", "Without duplicates"),
    "topics": ("المواضيع", "Topics"),
    "ingest_disabled": (
        "الإضافة معطلة: شغّل الخادم مع --write-token لتفعيلها.",
        "Adding articles is off: start the server with --write-token to turn it on.",
    ),
    "paste": ("الصق نص المقال (السطر الأول هو العنوان)", "Paste an article (the first line is the headline)"),
    "upload": ("أو ارفع ملفات (txt, html, jsonl, zip …)", "or upload files (txt, html, jsonl, zip …)"),
    "token": ("رمز الكتابة", "Write token"),
    "submit": ("أضف", "Add"),
    "ingest_result": ("نتيجة الإضافة", "Result"),
    "new": ("جديد", "new"),
    "known": ("معروف مسبقًا", "already known"),
    "failed": ("فشل", "failed"),
    "stats": ("الإحصاءات", "Statistics"),
    "not_found": ("غير موجود", "Not found"),
    "error": ("خطأ", "Error"),
    "home": ("الرئيسية", "Home"),
    "more": ("المزيد", "more"),
    "id": ("المعرّف", "id"),
    "none": ("—", "—"),
    "docs_title": ("توثيق واجهة البرمجة", "API documentation"),
    "entity_search": ("ابحث عن كيان", "Find an entity"),
    "language": ("اللغة", "Language"),
    "events_total": ("حدثًا", "events"),
    "on_map": ("على الخريطة", "on the map"),
    "open_article": ("افتح المقال", "open article"),
    "casualties": ("الضحايا", "Casualties"),
    "killed": ("قتلى", "killed"),  # shown as "قتلى: 5" (no number agreement to get wrong)
    "injured": ("جرحى", "injured"),
    "date_precision": ("دقة التاريخ", "date precision"),
    "geo_precision": ("دقة المكان", "place precision"),
    "as_written": ("كما كُتب", "as written"),
    "network_size": ("عدد الكيانات المعروضة", "Entities shown"),
    "network_note": (
        "الأقوى صلةً فقط: عدد التقارير التي تجمعهما (النسخ المكررة تُعدّ مرة واحدة). انقر كيانًا لفتحه.",
        "The strongest links only: reports naming both (duplicate copies count once). Click an entity to open it.",
    ),
    "places_note": (
        "مكانه وبلده وأماكن أحداثه، والأماكن التي تُذكر قريبًا منه في تقريرين منفصلين على الأقل.",
        "Its own place and country, the places of its events, and places named close to it in two or more separate reports.",
    ),
    # dates are typed, never picked: the browser's date picker shows mm/dd/yyyy whatever the
    # page's language; a text box with one pattern reads the same in Arabic and English
    "date_placeholder": ("YYYY-MM-DD", "YYYY-MM-DD"),
    "date_hint": ("السنة-الشهر-اليوم، أو السنة-الشهر، أو السنة وحدها", "year-month-day, year-month, or a year alone"),
    # incidents (issue 18): one record per real-world happening, fused from many articles
    "incidents": ("الوقائع", "Incidents"),
    "incident": ("واقعة", "Incident"),
    "incidents_total": ("واقعة", "incidents"),
    "incidents_note": (
        "الواقعة حدث واحد في العالم تجمعه تقارير مقالات عدة من مصادر مختلفة.",
        "An incident is one real-world happening, fused from the reports of several articles and outlets.",
    ),
    "entity_filter": ("الكيان", "Entity"),
    "entity_filter_hint": ("معرّف كيان أو جزء من اسم فاعل", "an entity id, or part of an actor's name"),
    "incidents_over_time": ("الوقائع عبر الزمن", "Incidents over time"),
    "bucket": ("الفترة", "Period"),
    "by_day": ("يوم", "day"),
    "by_week": ("أسبوع", "week"),
    "by_month": ("شهر", "month"),
    "by_auto": ("تلقائي", "automatic"),
    "range_selector": ("اختر نطاقًا زمنيًا", "Choose a time range"),
    "show_range": ("اعرض هذا النطاق", "Show this range"),
    "whole_range": ("النطاق كله", "The whole range"),
    "chart_range": ("المعروض", "Shown"),
    "bar_hint": ("انقر عمودًا لعرض وقائع فترته.", "Click a bar to see the incidents of its period."),
    "undated": ("بلا تاريخ", "undated"),
    "undated_incidents": ("واقعة بلا تاريخ صالح لا تظهر في الرسم", "incidents without a usable date are not drawn"),
    "outside_incidents": (
        "واقعة تاريخها بعيد جدًا عن بقية البيانات (على الأرجح تاريخ خاطئ) لا تظهر في الرسم",
        "incidents dated far from the rest of the data (most likely a misread date) are not drawn",
    ),
    "none_dated": ("لا تاريخ صالحًا لأي من هذه الوقائع، فلا رسم زمنيًا.", "None of these incidents has a usable date: there is no timeline."),
    "no_incidents": ("لا وقائع تطابق هذه المرشحات.", "No incident matches these filters."),
    "no_incidents_yet": (
        "لا وقائع بعد: تُبنى الوقائع من أحداث المقالات عند إضافتها.",
        "No incidents yet: incidents are built from the articles' events as articles are added.",
    ),
    "incidents_pending": (
        "مقالات أُضيفت قبل الوقائع تنتظر الدمج: شغّل marsad incidents",
        "Articles stored before incidents existed wait to be fused: run marsad incidents",
    ),
    "map_size_by": ("حجم العلامة", "Marker size"),
    "size_fatalities": ("عدد القتلى", "killed"),
    "size_reports": ("عدد التقارير", "reports"),
    "incidents_geocoded_note": ("الوقائع المحددة جغرافيًا فقط تظهر على الخريطة", "Only geocoded incidents appear on the map"),
    "incidents_by_type": ("عدد الوقائع حسب النوع", "Incident counts by type"),
    "actors": ("الأطراف", "Actors"),
    "n_articles": ("مقالات", "Articles"),
    "n_sources": ("مصادر", "Outlets"),
    "fatalities": ("قتلى", "Killed"),
    "fatalities_range": ("أعداد القتلى في التقارير", "Tolls the reports give"),
    "admin1": ("المنطقة", "Region"),
    "first_report": ("أول تقرير", "First report"),
    "last_report": ("آخر تقرير", "Last report"),
    "outlets": ("المصادر", "Outlets"),
    "notes": ("الوصف", "Description"),  # ACLED's notes: the lead report's sentence
    "incident_reports": ("تقارير هذه الواقعة", "Reports of this incident"),
    "incident_reports_note": (
        "كل تقرير جملة من مقال، والدالّ على الحدث مظلَّل.",
        "Each report is one article's sentence, the word that tells the event highlighted.",
    ),
    "lead_report": ("من مقدمة الخبر", "from the lead"),
    "report_date": ("التاريخ في التقرير", "Date it gives"),
    "original_article": ("المقال الأصلي", "original article"),
    "linked_entities": ("كيانات في التقارير", "Entities in the reports"),
    "entity_incidents": ("وقائع شارك فيها", "Incidents it takes part in"),
    "all_its_incidents": ("كل وقائعه", "all its incidents"),
    "sort_asc": ("تصاعدي", "ascending"),
    "sort_desc": ("تنازلي", "descending"),
    "incident_map_note": (
        "الدائرة الكبيرة موضع الواقعة، والصغيرة المواضع التي تذكرها تقاريرها.",
        "The large dot is the incident; the small ones are the places its reports give.",
    ),
    "report": ("تقرير", "Report"),
}

TYPE_NAMES = {
    "AGREE": ("اتفاق", "Agree"), "CONSULT": ("تشاور", "Consult"), "SUPPORT": ("دعم", "Support"),
    "CONCEDE": ("تنازل", "Concede"), "COOPERATE": ("تعاون", "Cooperate"), "AID": ("مساعدة", "Aid"),
    "RETREAT": ("انسحاب", "Retreat"), "REQUEST": ("طلب", "Request"), "ACCUSE": ("اتهام", "Accuse"),
    "REJECT": ("رفض", "Reject"), "THREATEN": ("تهديد", "Threaten"), "PROTEST": ("احتجاج", "Protest"),
    "SANCTION": ("عقوبات", "Sanction"), "MOBILIZE": ("تعبئة", "Mobilize"),
    "COERCE": ("إكراه", "Coerce"), "ASSAULT": ("اعتداء", "Assault"),
}
STATUS_NAMES = {
    "occurred": ("وقع", "occurred"), "planned": ("مخطط له", "planned"),
    "threatened": ("تهديد به", "threatened"), "claimed": ("ادعاء", "claimed"),
    "denied": ("نفي", "denied"),
}
# PLOVER modes (the "how" of an event type), as the event coder writes them; see
# resources/events/README.md. A mode not listed shows as its code.
MODE_NAMES = {
    # ASSAULT
    "abduct": ("خطف", "abduction"), "beat": ("ضرب", "beating"), "torture": ("تعذيب", "torture"),
    "execute": ("إعدام", "execution"), "sexual": ("اعتداء جنسي", "sexual violence"),
    "assassinate": ("اغتيال", "assassination"), "destroy": ("تدمير ممتلكات", "destruction of property"),
    "primitive": ("أسلحة بدائية", "primitive weapons"), "firearms": ("أسلحة نارية", "firearms"),
    "explosives": ("متفجرات", "explosives"), "suicide-attack": ("هجوم انتحاري", "suicide attack"),
    "heavy-weapons": ("أسلحة ثقيلة", "heavy weapons"), "aerial": ("قصف جوي", "aerial attack"),
    "wmd": ("أسلحة دمار شامل", "weapons of mass destruction"), "cyber": ("هجوم إلكتروني", "cyber attack"),
    # PROTEST
    "demo": ("تظاهر", "demonstration"), "riot": ("شغب", "riot"), "strike-gen": ("إضراب عام", "general strike"),
    "strike-lim": ("إضراب محدود", "limited strike"), "strike-hun": ("إضراب عن الطعام", "hunger strike"),
    "boycott": ("مقاطعة", "boycott"), "obstruct": ("اعتصام وإغلاق", "sit-in or blockade"),
    # COERCE
    "confiscate": ("مصادرة", "confiscation"), "restrict": ("تقييد", "restriction"), "ban": ("حظر", "ban"),
    "censor": ("رقابة", "censorship"), "curfew": ("حظر تجول", "curfew"),
    "martial-law": ("أحكام عرفية", "martial law"), "arrest": ("اعتقال", "arrest"), "deport": ("ترحيل", "deportation"),
    # RETREAT
    "withdraw": ("انسحاب", "withdrawal"), "release": ("إطلاق سراح", "release"),
    "disarm": ("نزع السلاح", "disarmament"), "ceasefire": ("وقف إطلاق النار", "ceasefire"),
    "resign": ("استقالة", "resignation"), "return": ("إعادة", "return"),
    # SANCTION
    "convict": ("إدانة قضائية", "conviction"), "cancel": ("إلغاء", "cancellation"), "expel": ("طرد", "expulsion"),
    "sever": ("قطع العلاقات", "severed relations"),
    # MOBILIZE
    "troops": ("حشد قوات", "troops"), "weapons": ("حشد أسلحة", "weapons"), "police": ("نشر الشرطة", "police"),
    "militia": ("حشد ميليشيات", "militia"),
    # AID
    "economic": ("اقتصادية", "economic"), "military": ("عسكرية", "military"),
    "humanitarian": ("إنسانية", "humanitarian"), "asylum": ("لجوء", "asylum"),
    # CONSULT
    "visit": ("زيارة", "visit"), "phone": ("اتصال هاتفي", "phone call"),
    "third-party": ("وساطة", "mediation"), "multilateral": ("متعدد الأطراف", "multilateral"),
    # ACCUSE
    "disapprove": ("استنكار", "disapproval"), "investigate": ("تحقيق", "investigation"),
    "allege": ("ادعاء", "allegation"),
    # THREATEN
    "violence": ("بالعنف", "with violence"),
}
# the event coder's precision flags (ACLED's time_precision / geo_precision, in words)
PRECISION_NAMES = {
    "day": ("اليوم معروف", "exact day"), "week": ("الأسبوع فقط", "week only"),
    "month": ("الشهر فقط", "month only"), "year": ("السنة فقط", "year only"),
    "place": ("مكان محدد", "exact place"), "region": ("المنطقة فقط", "region only"),
    "country": ("البلد فقط", "country only"),
}
ENTITY_TYPE_NAMES = {
    "PER": ("شخص", "person"), "ORG": ("منظمة", "organization"), "LOC": ("مكان", "place"),
    "MISC": ("أخرى", "other"),
}
TOPIC_NAMES = {
    "politics": ("سياسة", "politics"), "sport": ("رياضة", "sport"), "sports": ("رياضة", "sports"),
    "economy": ("اقتصاد", "economy"), "culture": ("ثقافة", "culture"), "health": ("صحة", "health"),
    "technology": ("تقنية", "technology"), "tech": ("تقنية", "technology"),
    "religion": ("دين", "religion"), "society": ("مجتمع", "society"), "local": ("محليات", "local"),
    "international": ("دولي", "international"), "world": ("العالم", "world"),
    "security": ("أمن", "security"), "conflict": ("نزاع", "conflict"), "medical": ("طب", "medical"),
}


def pick_lang(query_value: str | None, cookie_value: str | None) -> str:
    for v in (query_value, cookie_value):
        if v in LANGS:
            return v
    return DEFAULT_LANG


def label(key: str, lang: str) -> str:
    pair = LABELS.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "ar" else pair[1]


def _named(table: dict[str, tuple[str, str]], code: str | None, lang: str) -> str:
    if not code:
        return ""
    pair = table.get(code) or table.get(code.lower())
    if not pair:
        return code
    return pair[0] if lang == "ar" else pair[1]


def type_name(code: str | None, lang: str) -> str:
    return _named(TYPE_NAMES, code, lang)


def status_name(code: str | None, lang: str) -> str:
    return _named(STATUS_NAMES, code, lang)


def mode_name(code: str | None, lang: str) -> str:
    return _named(MODE_NAMES, code, lang)


def precision_name(code: str | None, lang: str) -> str:
    return _named(PRECISION_NAMES, code, lang)


def entity_type_name(code: str | None, lang: str) -> str:
    return _named(ENTITY_TYPE_NAMES, code, lang)


def topic_name(code: str | None, lang: str) -> str:
    return _named(TOPIC_NAMES, code, lang)


@lru_cache(maxsize=512)
def country_name(code: str | None, lang: str) -> str:
    """The country's name in the interface language (babel's CLDR data, else pycountry)."""
    if not code:
        return ""
    code = code.upper()
    try:
        from babel import Locale, UnknownLocaleError

        try:
            name = Locale(lang).territories.get(code)
        except UnknownLocaleError:
            name = None
        if name:
            return name
    except ImportError:  # babel comes with trafilatura (through courlan); fall back if absent
        pass
    import pycountry

    c = pycountry.countries.get(alpha_2=code)
    if c is not None:
        return getattr(c, "common_name", None) or c.name
    return code
