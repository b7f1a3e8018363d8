"""The entity page's network and places map on a real SQLite database built from hand-written
articles (issue 20): the network shows only the strongest neighbours, with the cap the page
asks for; the map shows only places linked to the entity with support. And every code the
event pages show (PLOVER type, status, the coder's modes) has an Arabic name."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import marsad
from marsad.analyze.base import base_analysis
from marsad.model import EVENT_STATUSES, PLOVER_TYPES, Analysis, Document, Entity, Mention
from marsad.store.reads.entities import (
    NETWORK_LINKS_PER_NODE,
    NETWORK_SIZE,
    cooccurrence,
    entity_places,
)
from marsad.web import i18n

EVENTS_RESOURCES = Path(marsad.__file__).parent / "resources" / "events"

HOUTHI = Entity("kb:houthi", "ORG", "الحوثيون", "Houthis", country="YE", kind="armed_group")
YEMEN = Entity("country:YE", "LOC", "اليمن", "Yemen", country="YE", lat=15.5, lon=47.5, kind="country")
SANAA = Entity("gn:71137", "LOC", "صنعاء", "Sanaa", country="YE", lat=15.35, lon=44.21, kind="city")
WASHINGTON = Entity("gn:4140963", "LOC", "واشنطن", "Washington", country="US", lat=38.9, lon=-77.04, kind="city")
MOSCOW = Entity("gn:524901", "LOC", "موسكو", "Moscow", country="RU", lat=55.75, lon=37.62, kind="city")
RIYADH = Entity("gn:108410", "LOC", "الرياض", "Riyadh", country="SA", lat=24.69, lon=46.72, kind="city")
FILLER = ("وتناول التقرير في فقرات طويلة تفاصيل كثيرة عن الأوضاع الاقتصادية والاجتماعية في المنطقة "
          "وعن أسعار المواد الغذائية والوقود وعن حركة التجارة والموانئ وعن أحوال الطقس في الشتاء. ")


def _analysis(title: str, paragraphs: list[str], names: list[tuple[str, Entity]], day: int) -> Analysis:
    """An analysis whose mentions are found in the text by their surface form."""
    a = base_analysis(Document(title, paragraphs, source="test", published=f"2015-03-{day:02d}"))
    for needle, ent in names:
        start = -1
        while True:
            start = a.text.find(needle, start + 1)
            if start < 0:
                break
            a.mentions.append(Mention(start, start + len(needle), needle, ent.type, ent.id, 0.9))
        if ent.id not in {e.id for e in a.entities}:
            a.entities.append(ent)
    return a


def _places_corpus() -> list[Analysis]:
    found = [(w, e) for w, e in (("الحوثيون", HOUTHI), ("صنعاء", SANAA), ("واشنطن", WASHINGTON),
                                  ("موسكو", MOSCOW), ("الرياض", RIYADH), ("اليمن", YEMEN))]
    return [
        # Sanaa next to the Houthis twice (two separate reports); Washington twice, but far
        # away at the end of a long article; Riyadh next to them, but in every article
        _analysis("الحوثيون يسيطرون على مبان في صنعاء",
                  ["سيطر الحوثيون على مبان حكومية في صنعاء صباح اليوم، وأدانت الرياض ذلك.",
                   FILLER * 3 + "وفي واشنطن ارتفعت أسعار الأسهم."], found, 1),
        _analysis("اشتباكات بين الحوثيين وقبائل قرب صنعاء",
                  ["اشتبك الحوثيون مع مسلحين من القبائل شمال صنعاء، وقالت الرياض إنها تتابع.",
                   FILLER * 3 + "وفي واشنطن عقد مؤتمر عن المناخ."], found, 2),
        # Moscow next to them once only
        _analysis("وفد من الحوثيين في موسكو",
                  ["وصل وفد يمثل الحوثيون إلى موسكو أمس، ورحبت الرياض بالحوار."], found, 3),
        _analysis("معرض للكتاب في الرياض", ["افتتح في الرياض معرض للكتاب بمشاركة واسعة."], found, 4),
        _analysis("أمطار غزيرة على الرياض", ["هطلت أمطار غزيرة على الرياض وضواحيها مساء أمس."], found, 5),
    ]


LETTERS = "بتثجحخد"
NEIGHBOURS = [Entity(f"local:n{i}", "PER", "كيان" + LETTERS[i // 7] + LETTERS[i % 7]) for i in range(35)]
EGO = Entity("local:ego", "PER", "المحور")


def _network_corpus() -> list[Analysis]:
    """Six articles naming the ego; neighbour i is named in the first 1 + i % 6 of them, so
    35 neighbours with weights 1 to 6."""
    out = []
    for d in range(6):
        named = [n for i, n in enumerate(NEIGHBOURS) if d < 1 + i % 6]
        text = "التقى المحور " + " و".join(n.name_ar for n in named) + "."
        out.append(_analysis(f"لقاء رقم {d}", [text], [(EGO.name_ar, EGO)] + [(n.name_ar, n) for n in named],
                             10 + d))
    return out


def _open(tmp_path_factory: pytest.TempPathFactory, items: list[Analysis]) -> Any:
    path = tmp_path_factory.mktemp("entity-views") / "ent.db"
    with marsad.open(path) as st:
        st.add(items)
    return marsad.open(path, readonly=True)


@pytest.fixture(scope="module")
def places_store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with _open(tmp_path_factory, _places_corpus()) as st:
        yield st


@pytest.fixture(scope="module")
def network_store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with _open(tmp_path_factory, _network_corpus()) as st:
        yield st


def test_places_need_support(places_store) -> None:
    places = entity_places(places_store, "kb:houthi")
    by_id = {p["id"]: p for p in places}
    # its country from the knowledge base, and Sanaa named close to it in two reports
    assert by_id["country:YE"]["kind"] == "country"
    assert by_id["gn:71137"]["kind"] == "named_with" and by_id["gn:71137"]["n"] == 2
    # Washington only far from it; Moscow near it in one report; Riyadh in every article
    assert {"gn:4140963", "gn:524901", "gn:108410"}.isdisjoint(by_id)
    assert len(places) == 2


def test_network_is_capped_to_the_strongest(network_store) -> None:
    store = network_store
    net = cooccurrence(store, "local:ego")
    assert net.available == len(NEIGHBOURS) == 35
    assert len(net.nodes) == NETWORK_SIZE + 1 and net.nodes[0]["ego"]
    weights = [n["weight"] for n in net.nodes[1:]]
    assert weights == sorted((1 + i % 6 for i in range(35)), reverse=True)[:30]  # the five weakest left out
    small = cooccurrence(store, "local:ego", size=5)
    assert [n["weight"] for n in small.nodes[1:]] == [6] * 5
    drawn = {n["id"] for n in net.nodes}
    assert all(e["source"] in drawn and e["target"] in drawn for e in net.edges)
    spokes = [e for e in net.edges if "local:ego" in (e["source"], e["target"])]
    assert len(spokes) == NETWORK_SIZE
    between = [e for e in net.edges if e not in spokes]
    assert between and all(e["weight"] >= 2 for e in between)
    # the backbone only: far fewer links than the pairs that share an article
    assert len(between) <= NETWORK_LINKS_PER_NODE * NETWORK_SIZE < 30 * 29 // 2


def _coder_modes() -> set[str]:
    """Every mode the event coder's resources can write: triggers.txt's first column and
    stops.txt's ``TYPE/mode`` actions."""
    modes: set[str] = set()
    for line in (EVENTS_RESOURCES / "triggers.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("[") or ":" not in line:
            continue
        first = line.split()[0]
        if first != "-":
            modes.add(first)
    for line in (EVENTS_RESOURCES / "stops.txt").read_text(encoding="utf-8").splitlines():
        modes |= set(re.findall(r"\b[A-Z]+/([a-z][a-z-]*)", line.split("#", 1)[0]))
    return modes


def test_every_code_on_the_event_pages_has_an_arabic_name() -> None:
    modes = _coder_modes()
    assert {"aerial", "arrest", "demo"} <= modes  # the reader found the resources' modes
    for table, codes in ((i18n.TYPE_NAMES, PLOVER_TYPES), (i18n.STATUS_NAMES, EVENT_STATUSES),
                         (i18n.MODE_NAMES, sorted(modes))):
        missing = [c for c in codes if c not in table]
        assert missing == [], missing
    arabic = re.compile(r"[\u0600-\u06FF]")
    for code in modes:
        assert arabic.search(i18n.mode_name(code, "ar")), code
        assert not arabic.search(i18n.mode_name(code, "en")), code
    assert i18n.mode_name("no-such-mode", "ar") == "no-such-mode"  # an unknown code shows as itself
