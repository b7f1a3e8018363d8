"""Where an event happened: never a dateline, a title, a body part or a state named as an
actor; names the geocoder cannot place with support stay names; every event carries the
country its sentence or its article makes clear, with a precision flag."""

from __future__ import annotations

import pytest

from marsad.analyze.base import base_analysis
from marsad.analyze.events.context import DocContext, leader
from marsad.analyze.pipeline import Pipeline, registered
from marsad.model import Analysis, Document, Event, Mention


@pytest.fixture(scope="module")
def pipe() -> Pipeline:
    names = [n for n in ("ner", "link", "events") if n in registered()]
    if names[-1:] != ["events"] or "link" not in names:
        pytest.skip("the link and events stages are not registered")
    return Pipeline(names)


def analyse(pipe: Pipeline, *paragraphs: str, title: str = "") -> Analysis:
    return pipe(Document(title=title, paragraphs=list(paragraphs)))


def event(a: Analysis, trigger: str) -> Event:
    evs = [e for e in a.events
           if any(trigger in t.text or t.text in trigger for t in (e.trigger, *e.mentions))]
    assert evs, f"no event for {trigger!r}: {[e.trigger.text for e in a.events]}"
    return evs[0]


def place_text(e: Event) -> str:
    return e.location.text if e.location else ""


# -- what is never a place ---------------------------------------------------------------
def test_outlet_dateline_is_not_the_place(pipe):
    a = analyse(pipe, "واشنطن، الولايات المتحدة الأمريكية (CNN)-- طالب ستة أعضاء بمجلس النواب "
                      "الأمريكي مكتب التحقيقات الفيدرالي بفتح تحقيق.")
    e = event(a, "طالب")
    assert "الولايات المتحدة" not in place_text(e) and "واشنطن" not in place_text(e)
    assert e.country == "US"  # from the actors (الأمريكي), not from the dateline


def test_outlet_dateline_after_a_headline_is_not_the_place(pipe):
    # the body starts after the headline and a blank line: the tag is still found there
    a = analyse(pipe, "دبي، الإمارات العربية المتحدة (CNN)— أدانت قطر، الاثنين، إطلاق جماعة الحوثي "
                      "لصواريخ صوب السعودية.", title="قطر تدين استهداف السعودية")
    assert a.events
    for e in a.events:
        assert "CNN" not in place_text(e) and "دبي" not in place_text(e)


def test_a_bare_capital_in_diplomacy_is_the_government_not_the_scene(pipe):
    a = analyse(pipe, "اتفقت كل من بريطانيا وفرنسا وألمانيا على توسيع نطاق الاتفاق النووي ليشمل "
                      "أنشطة طهران في المنطقة.")
    e = event(a, "اتفقت")
    assert "طهران" not in place_text(e) and e.country != "IR"
    # a capital after في is the scene of a meeting
    b = analyse(pipe, "التقى وزير الخارجية نظيره الروسي في موسكو.")
    e = event(b, "التقى")
    assert place_text(e) == "موسكو" and e.country == "RU"


def test_a_place_inside_a_title_is_not_the_place(pipe):
    a = analyse(pipe, "أدان وزير الدولة لشؤون الخليج الهجوم على السفارة.")
    assert "الخليج" not in place_text(event(a, "أدان"))


def test_a_body_part_is_not_a_place(pipe):
    a = analyse(pipe, "أصيب شاب برصاصة في الصدر خلال اشتباكات في بغداد.")
    e = event(a, "اشتباكات")
    assert "الصدر" not in place_text(e)


def test_a_state_named_as_an_actor_is_not_the_scene(pipe):
    a = analyse(pipe, "استهدفت الضربات التي نفذتها الولايات المتحدة مع فرنسا وبريطانيا مراكز "
                      "عسكرية في دمشق.")
    e = event(a, "استهدفت")
    assert place_text(e) == "دمشق" and e.country == "SY"


def test_the_place_of_the_speech_is_not_the_place_of_what_is_reported(pipe):
    a = analyse(pipe, "وقال المحامي في مؤتمر صحفي بإسرائيل إن ترامب ألغى القمة مع كيم.")
    e = event(a, "ألغى")
    assert "إسرائيل" not in place_text(e)


def test_a_place_of_a_nested_event_is_not_this_events(pipe):
    a = analyse(pipe, "أعلنت النيابة العامة الهولندية توقيف ثلاثة مشتبه بهم في مخطط لشن هجوم في فرنسا.",
                title="هولندا: القبض على ثلاثة مشتبه بهم")
    e = event(a, "توقيف")  # told in the headline too: one event, two mentions
    assert "فرنسا" not in place_text(e)
    assert e.country == "NL"


# -- the words and the flag --------------------------------------------------------------
def test_fused_preposition_is_cut_from_the_place(pipe):
    a = analyse(pipe, "تظاهر المئات باليمن احتجاجا على الغلاء.")
    e = event(a, "تظاهر")
    assert place_text(e) == "اليمن" and e.country == "YE" and e.geo_precision == "country"


@pytest.mark.parametrize("sentence, trigger, precision, country", [
    ("قتل مسلحون ثلاثة جنود في مدينة حلب أمس.", "قتل", "place", "SY"),
    ("قتل مسلحون ثلاثة جنود في محافظة الأنبار أمس.", "قتل", "region", "IQ"),
])
def test_precision_flag(pipe, sentence, trigger, precision, country):
    e = event(analyse(pipe, sentence), trigger)
    assert e.geo_precision == precision and e.country == country


# -- the country without a place ---------------------------------------------------------
def test_country_from_the_actor_when_no_place_is_named(pipe):
    e = event(analyse(pipe, "اعتقلت الشرطة البلجيكية ثلاثة أشخاص للاشتباه في تورطهم بالفساد."), "اعتقلت")
    assert e.location is None and e.country == "BE" and e.geo_precision == "country"


def test_country_from_the_article_when_the_sentence_names_none(pipe):
    a = analyse(pipe, "قالت مصادر في عمّان إن الأجهزة الأمنية الأردنية نفذت مداهمة في مدينة السلط.",
                "وأضافت أن المشتبه بهم رفضوا تسليم أنفسهم وبادروا بإطلاق نار كثيف تجاه القوة.",
                title="قتلى بمداهمة أمنية كبرى في الأردن")
    e = event(a, "بإطلاق نار")
    assert e.country == "JO"


def test_a_phone_call_has_no_single_country(pipe):
    a = analyse(pipe, "أجرى الرئيس اليمني اتصالا هاتفيا مع ولي العهد السعودي.",
                title="اليمن: الحكومة تتهم الحوثيين بخرق الهدنة")
    e = event(a, "اتصالا هاتفيا")
    assert e.country is None


# -- the document model ------------------------------------------------------------------
def _ctx(title: str, *paragraphs: str, mentions: list[tuple[str, str, str]],
         entities: dict[str, str]) -> DocContext:
    from marsad.model import Entity

    a = base_analysis(Document(title=title, paragraphs=list(paragraphs)))
    ms = []
    for text, type_, eid in mentions:
        start = a.text.index(text)
        ms.append(Mention(start, start + len(text), text, type_, eid))
    a.mentions = ms
    a.entities = [Entity(id=eid, type="LOC", name_ar=eid, country=cc, kind="country")
                  for eid, cc in entities.items()]
    return DocContext(a)


def test_headline_outweighs_a_passing_mention():
    ctx = _ctx("مداهمة في الأردن", "وقع الحادث أمس. وكان مسؤول قد زار سوريا ولبنان.",
               mentions=[("الأردن", "LOC", "country:JO"), ("سوريا", "LOC", "country:SY"),
                         ("لبنان", "LOC", "country:LB")],
               entities={"country:JO": "JO", "country:SY": "SY", "country:LB": "LB"})
    assert ctx.country == "JO"


def test_no_country_when_the_article_is_about_several():
    ctx = _ctx("", "التقى وزير خارجية روسيا نظيره الفرنسي وبحثا الوضع في سوريا وتركيا.",
               mentions=[("روسيا", "LOC", "country:RU"), ("سوريا", "LOC", "country:SY"),
                         ("تركيا", "LOC", "country:TR")],
               entities={"country:RU": "RU", "country:SY": "SY", "country:TR": "TR"})
    assert ctx.country is None


def test_leader_needs_share_and_lead():
    assert leader({"SA": 3.0, "YE": 1.0}, 0.3, 1.5) == "SA"
    assert leader({"SA": 3.0, "YE": 2.5}, 0.3, 1.5) is None
    assert leader({}, 0.3, 1.5) is None


# -- geocoding guard ---------------------------------------------------------------------
def _link(text: str, *names: str) -> Analysis:
    from marsad.analyze.link import load_linker
    from marsad.analyze.link.linker import Linker

    linker = load_linker()
    a = base_analysis(Document(title="", paragraphs=[text]))
    a.mentions = [Mention(a.text.index(n), a.text.index(n) + len(n), n, "LOC") for n in names]
    return Linker(linker.kb, linker.resolver, spot=False)(a)


def _country(a: Analysis, name: str) -> str | None:
    m = next(m for m in a.mentions if m.text == name)
    e = next(e for e in a.entities if e.id == m.entity_id)
    return None if e.local else e.country


def test_a_small_place_is_not_sent_to_a_country_the_article_never_mentions():
    a = _link("ضربت عاصفة قوية ألمانيا وولاية شليزفيج هولشتاين في الشمال.", "ألمانيا", "هولشتاين")
    assert _country(a, "ألمانيا") == "DE"
    assert _country(a, "هولشتاين") != "US"


def test_the_same_place_is_kept_when_the_article_supports_its_country():
    a = _link("ضربت عاصفة قوية الولايات المتحدة وبلدة هولشتاين في الشمال.", "الولايات المتحدة", "هولشتاين")
    assert _country(a, "هولشتاين") == "US"


def test_nisba_positions_are_recorded_for_the_event_coder():
    a = _link("وانتقدت وسائل إعلام ألمانية القرار.")
    spans = a.extras["link"]["nisbas"]
    assert [a.text[s:e] for s, e, _ in spans] == ["ألمانية"] and spans[0][2] == "DE"


# -- round 2: Jerusalem, a place's own nisba, short acronyms, headline tags ------------------
def _entity(a: Analysis, name: str):
    m = next(m for m in a.mentions if m.text == name)
    return next(e for e in a.entities if e.id == m.entity_id)


def test_jerusalem_is_palestinian_and_west_jerusalem_israeli():
    a = _link("اقتحم مستوطنون المسجد الأقصى في القدس بينما تظاهر آخرون في القدس الغربية.",
              "القدس", "القدس الغربية")
    assert _country(a, "القدس") == "PS"
    assert _country(a, "القدس الغربية") == "IL"


def test_a_places_own_nisba_overrides_a_namesake_abroad():
    # the only GeoNames «سالزبري» is in the United States, which the article also names
    a = _link("وتسبب تسميم الجاسوس في مدينة سالزبري الإنجليزية في أزمة مع الولايات المتحدة.",
              "سالزبري", "الولايات المتحدة")
    assert _country(a, "سالزبري") != "US"


def test_an_adjective_of_a_construct_head_is_not_the_places():
    # «الإسرائيلية» qualifies the municipality (بلدية), not Jerusalem
    a = _link("جمدت بلدية القدس الإسرائيلية قرار فرض الضرائب.", "القدس")
    assert _country(a, "القدس") == "PS"


def test_an_unresolved_place_takes_the_country_of_its_nisba(pipe):
    a = analyse(pipe, "وتسبب تسميم جاسوس روسي في مدينة سالزبري الإنجليزية في صدمة في أنحاء أوروبا.")
    e = event(a, "تسميم")
    assert "سالزبري" in place_text(e) and e.country == "GB"


def test_a_short_acronym_must_be_written_as_the_kb_writes_it():
    from marsad.analyze.link import load_linker
    from marsad.analyze.link.spotter import spot
    from marsad.text.segment import tokenize

    kb = load_linker().kb
    for text, found in (("رسالة إلى كل أب وأم بضرورة تتبع أولادهم.", False),
                        ("وأفادت وام بأن الاجتماع عقد أمس.", True)):
        spots, _ = spot(text, tokenize(text), kb)
        assert any("kb:wam" in s.entity_ids for s in spots) is found, text


def test_nisbas_inside_kb_names_are_recorded():
    from marsad.analyze.link import load_linker
    from marsad.analyze.link.spotter import spot
    from marsad.text.segment import tokenize

    text = "قصف الجيش السوري مواقع المعارضة."
    spots, nisbas = spot(text, tokenize(text), load_linker().kb)
    assert any(s.text == "الجيش السوري" for s in spots)
    assert [cc for _, cc in nisbas] == ["SY"]


def test_a_headline_place_tag_decides_the_articles_country():
    ctx = _ctx("هولندا: القبض على ثلاثة مشتبه بهم",
               "خطط المشتبه بهم لهجوم في فرنسا. وداهمت الشرطة شقة في باريس. ثم عثرت على أسلحة في ليون.",
               mentions=[("هولندا", "LOC", "country:NL"), ("فرنسا", "LOC", "country:FR"),
                         ("باريس", "LOC", "paris"), ("ليون", "LOC", "lyon")],
               entities={"country:NL": "NL", "country:FR": "FR", "paris": "FR", "lyon": "FR"})
    assert ctx.country == "NL"
