"""A real marsad database built from hand-made analyses (mentions, linked entities with
coordinates and Wikidata ids, geocoded events, topics, keywords, summaries, stories,
near-duplicate copies and one hostile article), and the servers the web tests talk to.

Imported by the other test_web*.py / test_export.py / test_browser.py files; its own tests
check the database is what they expect.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import marsad
from marsad.analyze.base import base_analysis
from marsad.model import Analysis, Document, Entity, Event, Mention, Place, Span, Topic

TOKEN = "test-write-token-123"
LOCAL = "http://127.0.0.1"  # the base URL of in-process clients (the app answers loopback names only)

ENTITIES = {
    "Q858": Entity("Q858", "LOC", "سوريا", "Syria", ["سورية", "الجمهورية العربية السورية"], "Q858", "SY",
                   34.8, 38.99, 163843, "country"),
    "Q41183": Entity("Q41183", "LOC", "حلب", "Aleppo", [], "Q41183", "SY", 36.2, 37.16, 170063, "city"),
    "Q159": Entity("Q159", "LOC", "روسيا", "Russia", ["روسية"], "Q159", "RU", 61.5, 105.3, 2017370, "country"),
    "Q1065": Entity("Q1065", "ORG", "الأمم المتحدة", "United Nations", ["الامم المتحدة"], "Q1065", None,
                    None, None, None, "igo"),
    "Q44329": Entity("Q44329", "PER", "بشار الأسد", "Bashar al-Assad", ["الأسد"], "Q44329", "SY"),
    "Q1530": Entity("Q1530", "LOC", "بغداد", "Baghdad", [], "Q1530", "IQ", 33.31, 44.36, 98182, "city"),
    "Q3692": Entity("Q3692", "LOC", "الرياض", "Riyadh", [], "Q3692", "SA", 24.69, 46.72, 108410, "city"),
    "Q212651": Entity("Q212651", "ORG", "نادي الهلال", "Al Hilal", ["الهلال"], "Q212651", "SA"),
    "Q794": Entity("Q794", "LOC", "إيران", "Iran", [], "Q794", "IR", 32.0, 53.0, 130758, "country"),
    "Q35865": Entity("Q35865", "LOC", "مضيق هرمز", "Strait of Hormuz", [], "Q35865", "IR", 26.57, 56.25),
    "local:evil": Entity("local:evil", "PER", '"><svg onload=alert(7)>', "<b>evil</b>", ["<script>x</script>"],
                         "javascript:alert(1)", "SY", 35.0, 36.0, local=True),
}

XSS_TITLE = "<script>alert(1)</script>"
XSS_URL = "javascript:alert(1)"


def _span(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    pos = -1
    for _ in range(nth + 1):
        pos = text.index(needle, pos + 1)
    return pos, pos + len(needle)


class Builder:
    """Mentions and events by surface text, so offsets are always right."""

    def __init__(self, doc: Document):
        self.a = base_analysis(doc)
        self.text = self.a.text

    def mention(self, needle: str, type_: str, entity_id: str | None, nth: int = 0) -> Builder:
        s, e = _span(self.text, needle, nth)
        self.a.mentions.append(Mention(s, e, needle, type_, entity_id, 0.9))
        if entity_id and entity_id not in {x.id for x in self.a.entities}:
            self.a.entities.append(ENTITIES[entity_id])
        return self

    def span(self, needle: str, entity_id: str | None = None, nth: int = 0) -> Span:
        s, e = _span(self.text, needle, nth)
        return Span(s, e, needle, entity_id)

    def sentence_of(self, offset: int) -> int:
        for i, s in enumerate(self.a.sentences):
            if s.start <= offset < s.end:
                return i
        return 0

    def event(self, type_: str, status: str, trigger: str, *, mode: str | None = None,
              source: tuple[str, str | None] | None = None, target: tuple[str, str | None] | None = None,
              location: str | None = None, place: Place | None = None,
              date: str | None = None) -> Builder:
        trig = self.span(trigger)
        self.a.events.append(Event(
            type=type_, status=status, trigger=trig, sentence=self.sentence_of(trig.start), confidence=0.8,
            mode=mode, source=self.span(*source) if source else None,
            target=self.span(*target) if target else None,
            location=self.span(location) if location else None, place=place, date=date,
        ))
        return self

    def done(self, *, topic: str | None = None, keywords: list[str] = (), summary: list[int] = (),
             story: str | None = None) -> Analysis:
        self.a.topic = Topic(topic, 0.9) if topic else None
        self.a.keywords = list(keywords)
        self.a.summary = list(summary)
        self.a.story_id = story
        return self.a


ALEPPO = Place("Q41183", "حلب", "Aleppo", "SY", 36.2, 37.16, 170063)
BAGHDAD = Place("Q1530", "بغداد", "Baghdad", "IQ", 33.31, 44.36, 98182)
HORMUZ = Place("Q35865", "مضيق هرمز", "Strait of Hormuz", "IR", 26.57, 56.25)

P1 = ("شنت طائرات روسية غارات جوية على مدينة حلب في سوريا يوم الخميس، وقالت الأمم المتحدة إن "
      "عشرات المدنيين قتلوا في القصف.")
P2 = ("ودعا الأمين العام للأمم المتحدة إلى وقف القتال فورا، فيما اتهمت المعارضة حكومة بشار الأسد "
      "بالتصعيد في حلب.")
P3 = "وتشهد سوريا منذ سنوات حربا أودت بحياة مئات الآلاف من المدنيين وشردت الملايين داخل البلاد وخارجها."


def analyses() -> dict[str, Analysis]:
    out: dict[str, Analysis] = {}

    def aleppo(doc: Document) -> Analysis:
        return (Builder(doc)
                .mention("روسية", "LOC", "Q159").mention("حلب", "LOC", "Q41183", 1)
                .mention("سوريا", "LOC", "Q858").mention("الأمم المتحدة", "ORG", "Q1065")
                .mention("للأمم المتحدة", "ORG", "Q1065").mention("بشار الأسد", "PER", "Q44329")
                .mention("حلب", "LOC", "Q41183", 2).mention("سوريا", "LOC", "Q858", 1)
                .event("ASSAULT", "occurred", "شنت", mode="aerial", source=("طائرات روسية", "Q159"),
                       target=("مدينة حلب", "Q41183"), location="حلب", place=ALEPPO, date="2015-07-09")
                .event("ACCUSE", "occurred", "اتهمت", source=("المعارضة", None),
                       target=("حكومة بشار الأسد", "Q44329"))
                .event("REQUEST", "occurred", "ودعا", source=("الأمين العام", None))
                .done(topic="politics", keywords=["حلب", "غارات جوية", "الأمم المتحدة"], summary=[1],
                      story="story-aleppo"))

    d1 = Document("غارات جوية روسية على حلب تقتل مدنيين", [P1, P2, P3], source="okaz",
                  published="2015-07-10", url="https://www.okaz.com.sa/news/1")
    out["aleppo"] = aleppo(d1)
    d2 = Document("غارات روسية على حلب تقتل مدنيين", [P1, P2, P3 + " وفق مصادر محلية."], source="alriyadh",
                  published="2015-07-11", url="https://www.alriyadh.com/2")
    out["aleppo_copy"] = aleppo(d2)

    d3 = Document("متظاهرون يحتجون في بغداد على انقطاع الكهرباء",
                  ["خرج آلاف المتظاهرين في بغداد احتجاجا على انقطاع الكهرباء في ذروة الصيف.",
                   "واعتقلت الشرطة عشرات المحتجين قرب ساحة التحرير بحسب شهود."],
                  source="sabq", published="2015-07-20", url="https://sabq.org/3")
    out["baghdad"] = (Builder(d3).mention("بغداد", "LOC", "Q1530").mention("بغداد", "LOC", "Q1530", 1)
                      .event("PROTEST", "occurred", "خرج", mode="demonstration", source=("آلاف المتظاهرين", None),
                             location="بغداد", place=BAGHDAD, date="2015-07-19")
                      .event("COERCE", "occurred", "واعتقلت", mode="arrest", source=("الشرطة", None),
                             target=("عشرات المحتجين", None), place=BAGHDAD, date="2015-07-19")
                      .done(topic="politics", keywords=["بغداد", "الكهرباء"], summary=[1], story="story-baghdad"))

    d4 = Document("الهلال يفوز على النصر في الرياض",
                  ["فاز فريق الهلال على النصر بهدفين مقابل هدف في المباراة التي أقيمت في الرياض مساء الجمعة."],
                  source="okaz", published="2015-08-02", url="https://www.okaz.com.sa/sport/4")
    out["sport"] = (Builder(d4).mention("الهلال", "ORG", "Q212651").mention("الرياض", "LOC", "Q3692")
                    .done(topic="sport", keywords=["الهلال", "النصر"], summary=[1]))

    d5 = Document("إيران تهدد بإغلاق مضيق هرمز",
                  ["هددت إيران بإغلاق مضيق هرمز إذا فرضت عليها عقوبات جديدة.",
                   "وقالت روسيا إنها تتابع الوضع في مضيق هرمز عن كثب."],
                  source="sabq", published="2015-08-15")
    out["hormuz"] = (Builder(d5).mention("إيران", "LOC", "Q794").mention("مضيق هرمز", "LOC", "Q35865")
                     .mention("روسيا", "LOC", "Q159")
                     .event("THREATEN", "threatened", "هددت", source=("إيران", "Q794"), location="مضيق هرمز",
                            place=HORMUZ, date="2015-08-14")
                     .done(topic="politics", keywords=["إيران", "مضيق هرمز"], summary=[0], story="story-hormuz"))

    d6 = Document(XSS_TITLE,
                  ['نص <img src=x onerror=alert(2)> عن حلب و"><svg onload=alert(7)> هنا.',
                   "</p><script>alert(3)</script> هاجم مسلحون قرية قرب حلب."],
                  source="<i>evil</i>", published="2015-08-20", url=XSS_URL)
    out["xss"] = (Builder(d6).mention("حلب", "LOC", "Q41183")
                  .mention('"><svg onload=alert(7)>', "PER", "local:evil")
                  .event("ASSAULT", "occurred", "هاجم", mode="firearms", source=("مسلحون", None),
                         target=("قرية", None), place=Place("Q41183", "حلب", "<b>Aleppo</b>", "SY", 36.1, 37.0), date="2015-08-19")
                  .done(topic="politics", keywords=["</mark><script>alert(4)</script>"], summary=[1]))
    return out


def signatures(items: dict[str, Analysis]) -> bool:
    """Near-duplicate fingerprints for the two Aleppo copies (True when the dedup module
    is there to compute them)."""
    try:
        from marsad.analyze.dedup import document_signature
    except ImportError:
        return False
    for key in ("aleppo", "aleppo_copy"):
        items[key].signature = document_signature(items[key].document)
    return True


def build_web_db(path: Path) -> dict[str, Any]:
    items = analyses()
    has_dedup = signatures(items)
    with marsad.open(path) as store:
        store.add(list(items.values()))
    # the story stage's summary row for one story (the others have only documents.story_id)
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO stories (id, headline, first_date, last_date, article_count, top_entities, state) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            ("story-aleppo", "غارات على حلب", "2015-07-10", "2015-07-11", 2,
             json.dumps([{"id": "Q41183", "name": "حلب", "articles": 2},
                         {"id": "local:evil", "name": "<b>evil</b>", "articles": 1}], ensure_ascii=False), "{}"),
        )
    conn.close()
    ids = {k: a.document.id for k, a in items.items()}
    return {"path": path, "ids": ids, "dedup": has_dedup, "items": items}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """uvicorn serving the app on 127.0.0.1 in a thread: real sockets, real HTTP."""

    def __init__(self, app: Any):
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port,
                                                    log_level="warning", access_log=False))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:  # noqa: PYI034
        self.thread.start()
        deadline = time.time() + 20
        while not self.server.started:
            if time.time() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def web_db(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return build_web_db(tmp_path_factory.mktemp("web") / "web.db")


@pytest.fixture(scope="session")
def web_app(web_db: dict[str, Any]):
    from marsad.web import ServeSettings, create_app

    return create_app(ServeSettings(db=str(web_db["path"])))


@pytest.fixture(scope="session")
def client(web_app):
    from fastapi.testclient import TestClient

    with TestClient(web_app, base_url=LOCAL) as c:
        yield c


@pytest.fixture(scope="session")
def live(web_app):
    with LiveServer(web_app) as srv:
        yield srv


# -- the fixture's own checks --------------------------------------------------------------------
def test_fixture_offsets_are_exact() -> None:
    for a in analyses().values():
        for m in a.mentions:
            assert a.text[m.start:m.end] == m.text
        for e in a.events:
            for sp in (e.trigger, e.source, e.target, e.location):
                if sp is not None:
                    assert a.text[sp.start:sp.end] == sp.text


def test_fixture_database_holds_everything(web_db) -> None:
    with marsad.open(web_db["path"], readonly=True) as store:
        s = store.stats()
    assert s["documents"] == 6
    assert s["events"] == 10
    assert s["entities"] == len(ENTITIES)
    assert s["by_topic"] == {"politics": 5, "sport": 1}
