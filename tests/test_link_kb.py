"""The curated knowledge base: files parse, aliases, nisbas, generated institutions."""

from __future__ import annotations

from collections import Counter

import pytest

from marsad.analyze.link.kb import kb_dir, load_kb, nisba_forms
from marsad.analyze.link.keys import key, variants


@pytest.fixture(scope="module")
def kb():
    return load_kb()


def ids(kb, name):
    return [h.entity_id for h in kb.hits(key(name))]


def test_kb_size_and_sources(kb):
    by = Counter(e.source for e in kb.entries.values())
    assert by["actor"] >= 500  # hand-written actors (groups, IGOs, people, media, parties …)
    assert by["country"] >= 240 and by["region"] >= 100 and by["place"] >= 300
    kinds = Counter(e.entity.kind for e in kb.entries.values() if e.source == "actor")
    for kind in ("armed_group", "igo", "party", "newspaper", "news_agency", "head_of_state"):
        assert kinds[kind] >= 10, kind


def test_every_row_has_arabic_name_and_valid_type(kb):
    for e in kb.entries.values():
        ent = e.entity
        assert ent.name_ar and not ent.name_ar.startswith("~"), ent.id
        assert ent.type in ("PER", "ORG", "LOC", "MISC"), ent.id
        assert ent.country is None or len(ent.country) == 2, ent.id
        assert ent.wikidata is None or ent.wikidata.startswith("Q"), ent.id


@pytest.mark.parametrize("name", [
    "داعش", "تنظيم داعش", "تنظيم الدولة", "الدولة الإسلامية في العراق والشام",
    "الدولة الاسلامية في العراق والشام", "ISIS", "ISIL", "Daesh", "«داعش»",
])
def test_isis_aliases_are_one_entity(kb, name):
    assert ids(kb, name) == ["kb:isis"]


@pytest.mark.parametrize("name,eid", [
    ("قسد", "kb:sdf"), ("قوات سورية الديمقراطية", "kb:sdf"), ("قوات سوريا الديمقراطية", "kb:sdf"),
    ("الحوثيون", "kb:houthis"), ("أنصار الله", "kb:houthis"), ("حزب الله", "kb:hezbollah"),
    ("حركة حماس", "kb:hamas"), ("هيئة تحرير الشام", "kb:hts"), ("القاعدة", "kb:alqaeda"),
    ("صحيفة اكسبريس", "kb:daily-express"), ("الأمم المتحدة", "kb:un"),
    ("سورية", "country:SY"), ("سوريا", "country:SY"), ("بريطانيا", "country:GB"),
    ("المملكة المتحدة", "country:GB"), ("أمريكا", "country:US"), ("أميركا", "country:US"),
    ("الولايات المتحدة الأمريكية", "country:US"), ("أوروبا", "region:europe"),
    ("الشرق الأوسط", "region:middle-east"), ("شمال أفريقيا", "region:north-africa"),
])
def test_aliases(kb, name, eid):
    assert eid in ids(kb, name)


@pytest.mark.parametrize("word,cc", [
    ("سوري", "SY"), ("السورية", "SY"), ("السوريين", "SY"), ("البريطانية", "GB"),
    ("البريطانيون", "GB"), ("الأمريكيين", "US"), ("الأميركية", "US"), ("الأمريكان", "US"),
    ("المصري", "EG"), ("العراقيات", "IQ"), ("الإسرائيلي", "IL"), ("الفلسطينيين", "PS"),
])
def test_nisba_to_country(kb, word, cc):
    assert kb.nisba_country(word) == cc


def test_nisba_forms():
    forms = set(nisba_forms("سوري"))
    assert {"سوري", "السورية", "السوريون", "السوريين", "سوريتين"} <= forms


def test_generated_institutions_and_curated_precedence(kb):
    assert ids(kb, "الحكومة المصرية") == ["kb:gov-eg"]
    assert ids(kb, "وزارة الخارجية المصرية") == ["kb:mfa-eg"]
    # a curated entry with the same name absorbs the generated one
    assert ids(kb, "الجيش العراقي") == ["kb:iraqi-army"]
    assert "kb:army-iq" not in kb.entries
    assert ids(kb, "الحكومة السورية") == ["kb:syrian-regime"]
    assert ids(kb, "وزارة الدفاع الأمريكية") == ["kb:pentagon"]


def test_link_only_aliases_are_not_spotted(kb):
    hit = kb.hits(key("الأسد"))[0]
    assert hit.entity_id == "kb:bashar-al-assad" and not hit.spot
    assert not any(h.spot for h in kb.hits(key("الجزيرة")))


def test_pycountry_arabic_names_are_aliases(kb):
    # «الجمهورية العربية السورية» comes from pycountry's Arabic catalogue and our table
    assert "country:SY" in ids(kb, "الجمهورية العربية السورية")


@pytest.mark.parametrize("word,expected", [
    ("وبغداد", "بغداد"), ("بسوريا", "سوريا"), ("للعراق", "العراق"), ("بالعراق", "العراق"),
    ("ولندن", "لندن"), ("وتل أبيب", "تل ابيب"), ("مدينة غزة", "غزه"),
])
def test_clitic_variants(word, expected):
    assert expected in [v for v, _ in variants(word)]


def test_ids_unique_across_files():
    seen = Counter()
    for path in (kb_dir() / "actors").glob("*.tsv"):
        if path.name == "institution_templates.tsv":
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                seen[line.split("\t")[0]] += 1
    assert [k for k, n in seen.items() if n > 1] == []
