"""The entity network drawn from the server's in-memory tables (metadata table and facet
index) is the network drawn in SQL: same reports, same nodes, same edges, on a real SQLite
database with near-duplicate copies, articles published the same day (ties broken by id)
and an article limit smaller than the entity's articles."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

import marsad
from marsad.analyze.base import base_analysis
from marsad.model import Analysis, Document, Entity, Mention
from marsad.store.reads.entities import cooccurrence, report_entities
from marsad.store.reads.facets import index_report_entities, load_facet_index, load_meta

PEOPLE = [Entity(f"local:p{i}", "PER", name) for i, name in enumerate(
    ["سالم", "فهد", "نورة", "خالد", "مريم", "عادل", "هند", "ماجد"])]
CITY = Entity("gn:108410", "LOC", "الرياض", "Riyadh", country="SA", lat=24.69, lon=46.72, kind="city")


def _article(k: int, named: list[Entity], day: int) -> Analysis:
    text = "اجتمع " + " و".join(e.name_ar for e in named) + f" في اللقاء رقم {k}."
    a = base_analysis(Document(f"لقاء {k}", [text], source="test", published=f"2016-05-{day:02d}",
                               url=f"https://news.example.org/{k}"))
    for e in named:
        start = a.text.find(e.name_ar)
        a.mentions.append(Mention(start, start + len(e.name_ar), e.name_ar, e.type, e.id, 0.9))
        a.entities.append(e)
    return a


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twelve articles, several per day; article k names the city and a few people; three
    pairs of them are marked as copies of one report, as deduplication marks them."""
    items = [_article(k, [CITY, *(p for i, p in enumerate(PEOPLE) if (k + i) % 3 != 0)][: 2 + k % 5],
                      day=1 + k // 3) for k in range(12)]
    path = tmp_path_factory.mktemp("network") / "net.db"
    with marsad.open(path) as store:
        store.add(items)
    ids = [a.document.id for a in items]
    conn = sqlite3.connect(path)
    with conn:
        for a, b in ((0, 1), (4, 7), (9, 10)):
            conn.execute("UPDATE documents SET dup_group = ? WHERE id IN (?, ?)", (ids[a], ids[a], ids[b]))
    conn.close()
    return path


def test_network_from_memory_is_the_network_from_sql(db: Path) -> None:
    with marsad.open(db, readonly=True) as store:
        meta, index = load_meta(store), load_facet_index(store)
        assert any(m.dup_group for m in meta.values())
        compared = 0
        for ent in [CITY, *PEOPLE]:
            for docs in (1, 2, 5, 2000):
                sql = report_entities(store, ent.id, docs=docs)
                memory = index_report_entities(ent.id, meta, index, docs=docs)
                assert sql == memory, (ent.id, docs)
                for size in (3, 30):
                    a: dict[str, Any] = cooccurrence(store, ent.id, size=size, docs=docs).to_dict()
                    b = cooccurrence(store, ent.id, size=size, docs=docs, reports=memory).to_dict()
                    assert a == b, (ent.id, docs, size)
                compared += bool(sql)
        assert compared >= 30
        # the limit keeps the newest articles: one article, the latest naming the city
        latest = max((m.published, i) for i, m in meta.items() if CITY.id in index.entities.get(i, ()))
        assert set(index_report_entities(CITY.id, meta, index, docs=1)) == {meta[latest[1]].dup_group
                                                                             or latest[1]}


def test_an_unknown_entity_has_an_empty_network(db: Path) -> None:
    with marsad.open(db, readonly=True) as store:
        memory = index_report_entities("local:nobody", load_meta(store), load_facet_index(store), docs=10)
        assert memory == {} == report_entities(store, "local:nobody")
        net = cooccurrence(store, "local:nobody", reports=memory)
        assert net.available == 0 and len(net.nodes) == 1
