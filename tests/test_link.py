"""Linking mentions in real documents: clitics, coreference, context, local entities, the
spotter, the reference article, and the accuracy floors on the gold place lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from marsad.analyze.base import base_analysis
from marsad.analyze.link import geocode, load_linker, local_id, lookup_entity
from marsad.data import shared_path
from marsad.lab.link.evaluate import evaluate_gold, read_gold
from marsad.model import Analysis, Document, Mention

DATA = Path(__file__).parent / "data" / "link"


@pytest.fixture(scope="module")
def linker():
    return load_linker()


def doc(*paragraphs: str, title: str = "") -> Analysis:
    return base_analysis(Document(title=title, paragraphs=list(paragraphs)))


def mention(a: Analysis, text: str, type_: str, nth: int = 0) -> Mention:
    """A Mention at the nth occurrence of ``text`` in the document (real offsets)."""
    start = -1
    for _ in range(nth + 1):
        start = a.text.index(text, start + 1)
    return Mention(start, start + len(text), text, type_)


def link(linker, a: Analysis, *mentions: Mention, spot: bool = False) -> Analysis:
    a.mentions = list(mentions)
    if spot:
        return linker(a)
    from marsad.analyze.link.linker import Linker

    return Linker(linker.kb, linker.resolver, spot=False)(a)


def entity_of(a: Analysis, text: str, nth: int = 0):
    ms = [m for m in a.mentions if m.text == text]
    eid = ms[nth].entity_id
    return next(e for e in a.entities if e.id == eid)


def test_offsets_are_kept(linker):
    a = doc("وصل الوفد إلى بغداد ثم إلى دمشق.")
    ms = [mention(a, "بغداد", "LOC"), mention(a, "دمشق", "LOC")]
    a = link(linker, a, *ms)
    for m in a.mentions:
        assert a.text[m.start:m.end] == m.text and m.entity_id


def test_clitics(linker):
    a = doc("قصفت الطائرات وبغداد وضواحيها، وقال مسؤول بسوريا إن الوفد عاد للعراق ولندن.")
    a = link(linker, a, *(mention(a, t, "LOC") for t in ("وبغداد", "بسوريا", "للعراق", "ولندن")))
    assert entity_of(a, "وبغداد").name_en == "Baghdad"
    assert entity_of(a, "بسوريا").id == "country:SY"
    assert entity_of(a, "للعراق").id == "country:IQ"
    assert entity_of(a, "ولندن").country == "GB"


def test_alias_spelling_variants_are_one_entity(linker):
    a = doc("أعلن تنظيم الدولة الإسلامية في العراق والشام مسؤوليته، وقال خبراء إن داعش "
            "و«تنظيم الدولة» يخسران أرضا في سورية وسوريا.")
    ms = [mention(a, "تنظيم الدولة الإسلامية في العراق والشام", "ORG"), mention(a, "داعش", "ORG"),
          mention(a, "تنظيم الدولة", "ORG", 1), mention(a, "سورية", "LOC"), mention(a, "سوريا", "LOC")]
    a = link(linker, a, *ms)
    got = [m.entity_id for m in a.mentions]
    assert got == ["kb:isis", "kb:isis", "kb:isis", "country:SY", "country:SY"]


def test_person_coreference_surname_after_full_name(linker):
    a = doc("خاطب المقاتل زعيم التنظيم أبو بكر البغدادي في رسالة.",
            "وقال البغدادي في رده إن الخطة مقبولة.")
    a = link(linker, a, mention(a, "أبو بكر البغدادي", "PER"), mention(a, "البغدادي", "PER", 1))
    assert [m.entity_id for m in a.mentions] == ["kb:abu-bakr-al-baghdadi"] * 2


def test_coreference_overrides_a_weak_alias(linker):
    # «الأسد» alone is a link-only alias of Bashar; after «حافظ الأسد» it is Hafez
    a = doc("حكم حافظ الأسد سوريا ثلاثة عقود.", "وقال الأسد في خطاب إن البلاد صامدة.")
    a = link(linker, a, mention(a, "حافظ الأسد", "PER"), mention(a, "الأسد", "PER", 1))
    assert [m.entity_id for m in a.mentions] == ["kb:hafez-al-assad"] * 2
    b = doc("وقال الأسد في خطاب إن البلاد صامدة.")
    b = link(linker, b, mention(b, "الأسد", "PER"))
    assert b.mentions[0].entity_id == "kb:bashar-al-assad"


def test_unknown_person_coreference_and_local_ids(linker):
    a = doc("قال الناشط سليم عبد الكريم الزعتري إن القصف مستمر.",
            "وأضاف الزعتري أن المدنيين نزحوا.")
    a = link(linker, a, mention(a, "سليم عبد الكريم الزعتري", "PER"), mention(a, "الزعتري", "PER", 1))
    e1, e2 = (m.entity_id for m in a.mentions)
    assert e1 == e2 == local_id("سليم عبد الكريم الزعتري", "PER")
    ent = entity_of(a, "الزعتري")
    assert ent.local and ent.name_ar == "سليم عبد الكريم الزعتري"
    # the same unknown name gets the same id in another document
    b = doc("التقى الوفد سليم عبد الكريم الزعتري أمس.")
    b = link(linker, b, mention(b, "سليم عبد الكريم الزعتري", "PER"))
    assert b.mentions[0].entity_id == e1
    # the type is part of the id
    assert local_id("الزعتري", "PER") != local_id("الزعتري", "ORG")


def test_organization_short_name_after_full_name(linker):
    a = doc("أعلنت حركة شباب التغيير الديمقراطي تأسيس فرع جديد.",
            "وقالت شباب التغيير إن الفرع يفتح أبوابه غدا.")
    a = link(linker, a, mention(a, "حركة شباب التغيير الديمقراطي", "ORG"),
             mention(a, "شباب التغيير", "ORG", 1))
    assert a.mentions[0].entity_id == a.mentions[1].entity_id
    assert a.mentions[0].entity_id.startswith("local:ORG:")


def test_bracketed_short_form(linker):
    a = doc("أعلن مجلس التنسيق الوطني للإنقاذ (متنا) بيانا.", "وقال متنا إن الحوار متوقف.")
    a = link(linker, a, mention(a, "مجلس التنسيق الوطني للإنقاذ", "ORG"),
             mention(a, "متنا", "ORG", 1))
    assert a.mentions[0].entity_id == a.mentions[1].entity_id
    b = doc("قاتلت قوات سوريا الديمقراطية (قسد) في الرقة.", "وقالت قسد إنها تقدمت.")
    b = link(linker, b, mention(b, "قوات سوريا الديمقراطية", "ORG"), mention(b, "قسد", "ORG", 1))
    assert [m.entity_id for m in b.mentions] == ["kb:sdf", "kb:sdf"]


def test_london_disambiguation_by_context(linker):
    uk = doc("شهدت لندن ومانشستر هجمات، وقالت الحكومة البريطانية إن التهديد مرتفع.")
    uk = link(linker, uk, mention(uk, "لندن", "LOC"), mention(uk, "ومانشستر", "LOC"))
    assert entity_of(uk, "لندن").country == "GB"
    ca = doc("افتتح مصنع جديد في مدينة لندن بمقاطعة أونتاريو الكندية، على بعد ساعتين من تورنتو.")
    ca = link(linker, ca, mention(ca, "لندن", "LOC"), mention(ca, "أونتاريو", "LOC"),
              mention(ca, "تورنتو", "LOC"))
    assert entity_of(ca, "لندن").country == "CA"
    assert entity_of(ca, "لندن").name_en == "London"


def test_tripoli_by_co_mentioned_places(linker):
    lb = doc("اشتباكات في طرابلس شمال لبنان، وتوتر في بيروت.")
    lb = link(linker, lb, mention(lb, "طرابلس", "LOC"), mention(lb, "لبنان", "LOC"),
              mention(lb, "بيروت", "LOC"))
    assert entity_of(lb, "طرابلس").country == "LB"
    ly = doc("اشتباكات في طرابلس، وقوات حفتر تتقدم من بنغازي.")
    ly = link(linker, ly, mention(ly, "طرابلس", "LOC"), mention(ly, "بنغازي", "LOC"))
    assert entity_of(ly, "طرابلس").country == "LY"


def test_nisba_in_text_steers_places(linker):
    jo = doc("قال مسؤول أردني إن عمان تستضيف القمة، وأكد الوزير الأردني ذلك.")
    jo = link(linker, jo, mention(jo, "عمان", "LOC"))
    assert entity_of(jo, "عمان").country == "JO"
    om = doc("قال مسؤول عماني إن سلطنة عمان تستضيف القمة.")
    om = link(linker, om, mention(om, "عمان", "LOC", 0))
    assert entity_of(om, "عمان").country == "OM"


def test_local_entity_gets_country_from_nisba(linker):
    a = doc("أعلن المجلس الثوري الليبي الموحد حل نفسه.")
    a = link(linker, a, mention(a, "المجلس الثوري الليبي الموحد", "ORG"))
    e = a.entities[0]
    assert e.local and e.country == "LY"


def test_spotter_adds_missed_names_and_marks_them(linker):
    a = doc("قال مسؤول في وزارة الخارجية الأمريكية إن داعش خسر مواقعه قرب الموصل.")
    a = link(linker, a, mention(a, "الموصل", "LOC"), spot=True)
    got = {m.text: m.entity_id for m in a.mentions}
    assert got["داعش"] == "kb:isis"
    assert got["وزارة الخارجية الأمريكية"] == "kb:state-dept"
    assert got["الموصل"].startswith("gn:")
    spotted = a.extras["link"]["spotted"]
    assert [a.text[s:e] for s, e in spotted] == ["وزارة الخارجية الأمريكية", "داعش"]
    assert all(m.score is None for m in a.mentions if [m.start, m.end] in spotted)


def test_spotter_keeps_clitics_outside_the_span(linker):
    a = link(linker, doc("زار الوفد ومانشستر وبغداد."), spot=True)
    assert [m.text for m in a.mentions] == ["مانشستر", "بغداد"]


def test_spotter_is_conservative(linker):
    # link-only and ambiguous words are never added: «الأسد» (lion), «الجزيرة» (island)
    a = link(linker, doc("شاهد الأطفال الأسد في حديقة على الجزيرة."), spot=True)
    assert a.mentions == []
    # place names that are also common words: حديثه (his talk), العين (the eye), أب (father)
    a = link(linker, doc("قال الأب في حديثه إن العين ترى الباب دوما."), spot=True)
    assert a.mentions == []


def test_curated_name_replaces_contained_mention(linker):
    a = doc("قوات سورية الديمقراطية تشن غارات على مواقع التنظيم.")
    a = link(linker, a, mention(a, "سورية", "LOC"), spot=True)
    assert [(m.text, m.entity_id) for m in a.mentions] == [("قوات سورية الديمقراطية", "kb:sdf")]
    assert a.extras["link"]["replaced"] == [[a.text.index("سورية"), a.text.index("سورية") + 5]]


def test_geocode_api(linker):
    r = geocode("وبغداد", linker=linker)
    assert r.best["name_en"] == "Baghdad" and r.best["country"] == "IQ"
    assert r.best["geonames_id"] == 98182 and abs(r.best["lat"] - 33.34) < 0.1
    ca = geocode("لندن", context="مدينة لندن في مقاطعة أونتاريو الكندية قرب تورنتو", linker=linker)
    assert ca.best["country"] == "CA"
    assert geocode("لندن", linker=linker).best["country"] == "GB"
    assert geocode("أوروبا", linker=linker).best["kind"] == "continent"


def test_lookup_entity(linker):
    assert lookup_entity("داعش", linker=linker)[0].id == "kb:isis"
    assert lookup_entity("السوريين", linker=linker)[0].id == "country:SY"
    assert lookup_entity("kb:sdf", linker=linker)[0].name_en == "Syrian Democratic Forces"
    assert lookup_entity("gn:2643743", linker=linker)[0].country == "GB"
    assert lookup_entity("لا يوجد شيء بهذا الاسم", linker=linker) == []


def test_reference_article():
    path = shared_path("samples", "article-ar-001.txt")
    if not path.exists():
        pytest.skip(f"reference article not found at {path}")
    from marsad.analyze.pipeline import Pipeline, registered

    lines = path.read_text(encoding="utf-8").split("\n")
    d = Document(title=lines[0].strip(), paragraphs=[x.strip() for x in lines[1:] if x.strip()])
    names = ["ner", "link"] if "ner" in registered() else ["link"]
    a = Pipeline(names)(d)
    by_text: dict[str, set[str]] = {}
    for m in a.mentions:
        assert a.text[m.start:m.end] == m.text
        by_text.setdefault(m.text, set()).add(m.entity_id)
    ents = {e.id: e for e in a.entities}

    def linked(text):
        return {ents[i] for i in by_text.get(text, ())} if False else \
            [ents[i] for i in by_text.get(text, set())]

    assert {e.id for e in linked("داعش")} == {"kb:isis"}
    assert ents["kb:isis"].name_en.startswith("Islamic State")
    for t in ("سورية", "سوريا"):
        assert {e.id for e in linked(t)} == {"country:SY"}
    for t in ("لندن", "مانشستر"):
        assert [e.country for e in linked(t)] == ["GB"], t
    for t, cc in (("ألمانيا", "DE"), ("فرنسا", "FR"), ("بلجيكا", "BE"), ("إسبانيا", "ES"),
                  ("العراق", "IQ"), ("المملكة المتحدة", "GB"), ("الولايات المتحدة", "US")):
        assert {e.id for e in linked(t)} == {f"country:{cc}"}, t
    assert {e.kind for e in linked("أوروبا")} == {"continent"}
    assert "kb:abu-bakr-al-baghdadi" in ents
    baghdadi = [m for m in a.mentions if "البغدادي" in m.text]
    assert baghdadi and all(m.entity_id == "kb:abu-bakr-al-baghdadi" for m in baghdadi)
    assert ents["kb:daily-express"].country == "GB"
    assert any(m.entity_id == "kb:daily-express" and "اكسبريس" in m.text for m in a.mentions)
    assert any(m.entity_id == "kb:sdf" for m in a.mentions)
    assert ents["kb:sdf"].name_en == "Syrian Democratic Forces"


@pytest.mark.parametrize("name,floor", [("places_gold.tsv", 0.95), ("heldout_saudinewsnet.tsv", 0.95)])
def test_place_accuracy_floor(linker, name, floor):
    """Country-level accuracy of the gold place lists, weighted by how often each name
    occurs (see the files' headers); a regression gate, not a timing."""
    scores = evaluate_gold(read_gold(DATA / name), linker)
    assert scores["all"].weighted_accuracy >= floor, scores["all"].errors[:20]
