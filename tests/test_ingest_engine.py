"""The one ingest engine (marsad.run.engine) on real SQLite files, with light pipelines:
options, an error in one input among many, skip-known, per-document isolation inside a
batch, stories from the in-memory analyses, in-process and Dask giving the same rows, and
the callers that used to have loops of their own (the watcher, the web upload)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import marsad
from marsad.analyze.pipeline import Pipeline, StageSpec, register, registered, unregister
from marsad.errors import InputError
from marsad.model import Analysis, Document
from marsad.run import collect
from marsad.run.engine import IngestOptions, IngestRun, ingest, read_inputs

TOPICS = [
    ("افتتاح مستشفى جديد للأطفال في الرياض",
     ("أعلنت وزارة الصحة في الرياض اليوم عن افتتاح مستشفى جديد لعلاج الأطفال في العاصمة، "
     "بطاقة استيعابية تبلغ ثلاثمائة سرير وبتكلفة تجاوزت مليار ريال.")),
    ("أمطار غزيرة تعطل السير في أحياء جدة",
     ("شهدت مدينة جدة أمطارا غزيرة أدت إلى تعطل حركة السير في عدد من الأحياء، ودعا الدفاع "
     "المدني السكان إلى البقاء في منازلهم وتجنب مجاري السيول.")),
    ("وزراء الخارجية العرب يجتمعون في عمان",
     ("عقد وزراء الخارجية العرب اجتماعا في عمان لبحث التعاون الاقتصادي وتعزيز التبادل "
     "التجاري بين الدول الأعضاء خلال العام المقبل.")),
]


def docs(n: int = 9) -> list[Document]:
    """``n`` short articles on three subjects (three stories), each with its own URL."""
    out = []
    for i in range(n):
        title, text = TOPICS[i % 3]
        out.append(Document(title if i < 3 else f"{title} ({i})", [text + "." * (i // 3)],
                            url=f"https://example.org/{i}", source="test",
                            published=f"2026-03-{10 + i % 3:02d}", language="ar"))
    return out


def rows(db: Any) -> dict[str, tuple[Any, ...]]:
    """What a run stored: each document's analysis, duplicate group and story id."""
    with marsad.open(db, readonly=True) as store:
        got = store.fetchall("SELECT id, analysis, dup_group, story_id FROM documents")
    return {r["id"]: (r["analysis"], r["dup_group"], r["story_id"]) for r in got}


def count(db: Any) -> int:
    with marsad.open(db, readonly=True) as store:
        return store.stats()["documents"]


@pytest.fixture
def failing_stage():
    """A stage that fails on any article whose headline holds «عطب», registered for the test."""
    def factory():
        def stage(a: Analysis) -> Analysis:
            if "عطب" in a.document.title:
                raise ValueError("broken article")
            a.keywords = ["ok"]
            return a
        return stage

    registered()
    register(StageSpec(name="t_fragile", factory=factory, assigns=("keywords",), arabic_only=False))
    yield "t_fragile"
    unregister("t_fragile")


# -- options ---------------------------------------------------------------------------------------

def test_options_are_checked_before_any_work(db_path) -> None:
    with pytest.raises(InputError, match="batch size 0"):
        IngestOptions(batch_size=0)
    with marsad.open(db_path) as store:
        with pytest.raises(InputError, match="unknown stage.*nosuch"):
            marsad.ingest(store, docs(2), disable=["nosuch"], progress=False)
        assert store.stats()["documents"] == 0
    with pytest.raises(TypeError):
        ingest(None, [], IngestOptions(), batch_size=3)


def test_text_only_stores_sentences_and_forms_no_stories(db_path) -> None:
    with marsad.open(db_path) as store:
        rep = marsad.ingest(store, docs(4), analyze=False, progress=False)
        assert (rep.new, rep.known, rep.failed) == (4, 0, 0) and rep.stories == {}
        a = store.get(docs(4)[0].id)
        assert a is not None and a.sentences and not a.keywords and a.story_id is None


def test_a_path_or_url_opens_the_database(db_path) -> None:
    rep = marsad.ingest(str(db_path), docs(3), analyze=False, progress=False)
    assert rep.new == 3 and count(db_path) == 3


def test_batch_size_does_not_change_what_is_stored(tmp_path) -> None:
    pipe = Pipeline(["keywords", "signature"])
    for size in (1, 4, 64):
        marsad.ingest(tmp_path / f"b{size}.db", docs(), pipeline=pipe, batch_size=size,
                      progress=False)
    assert rows(tmp_path / "b1.db") == rows(tmp_path / "b4.db") == rows(tmp_path / "b64.db")


# -- errors in single inputs -----------------------------------------------------------------------

def test_bad_inputs_are_reported_once_each_and_the_rest_is_stored(tmp_path, db_path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n", encoding="utf-8")
    said: list[str] = []
    inputs = [*docs(3), tmp_path / "missing.txt", empty, 42, *docs(6)[3:]]
    with marsad.open(db_path) as store:
        rep = marsad.ingest(store, inputs, analyze=False, progress=False, on_error=said.append)
    assert (rep.new, rep.known, rep.failed) == (6, 0, 3)
    assert said == rep.errors and len(said) == 3
    assert any("missing.txt" in m for m in said) and any("empty.txt" in m for m in said)
    assert any(m.startswith("42:") for m in said)
    assert count(db_path) == 6


def test_a_failing_analysis_loses_only_its_article(db_path, failing_stage) -> None:
    """One article of a batch breaks a stage: the batch is analysed again one by one, the
    article is reported by its input, the others of the batch are stored whole."""
    batch = docs(6)
    bad = Document("عطب في الخبر", ["نص خبر يكسر المرحلة في الرياض."], url="https://example.org/bad",
                   language="ar")
    said: list[str] = []
    with marsad.open(db_path) as store:
        rep = marsad.ingest(store, [*batch[:3], bad, *batch[3:]], pipeline=Pipeline([failing_stage]),
                            batch_size=8, progress=False, on_error=said.append)
        assert (rep.new, rep.failed) == (6, 1)
        assert len(said) == 1 and said[0].startswith(f"{bad.origin or bad.id}:")
        assert "t_fragile" in said[0] and "broken article" in said[0]
        stored = list(store.iter_documents())
        assert len(stored) == 6 and all(a.keywords == ["ok"] for a in stored)
        assert store.known([bad.id], [bad.url]) == set()


# -- skip known ------------------------------------------------------------------------------------

def test_known_articles_are_skipped_before_analysis(db_path, failing_stage) -> None:
    first = docs(6)
    with marsad.open(db_path) as store:
        assert marsad.ingest(store, first, analyze=False, progress=False).new == 6
        # a stage that would fail on every one of them proves none is analysed again
        again = [Document(f"عطب {d.title}", d.paragraphs, url=d.url, language="ar") for d in first]
        rep = marsad.ingest(store, [*first, *again], pipeline=Pipeline([failing_stage]),
                            progress=False)
        assert (rep.new, rep.known, rep.failed) == (0, 12, 0)
        # the same article twice in one run is stored once
        one = Document("خبر جديد من الرياض", ["نص الخبر الجديد عن الرياض."], language="ar")
        rep = marsad.ingest(store, [one, one], analyze=False, progress=False)
        assert (rep.new, rep.known) == (1, 1)
        assert store.stats()["documents"] == 7


def test_read_inputs_yields_one_result_per_input(tmp_path) -> None:
    (tmp_path / "a.txt").write_text("عنوان\nنص الخبر.", encoding="utf-8")
    got = list(read_inputs([tmp_path / "a.txt", docs(1)[0], "عنوان آخر\nنص آخر.", 3.5]))
    assert [r.ok for r in got] == [True, True, False, False]
    assert got[0].document is not None and got[0].document.language == "ar"
    # a string is a path; article text is refused with the function that takes it
    assert got[2].error is not None and "read_text" in str(got[2].error)


# -- stories from the in-memory analyses -----------------------------------------------------------

def test_story_features_in_memory_equal_the_stored_ones(tmp_path, monkeypatch) -> None:
    """Clustering from the features computed as articles were written gives the stories
    that re-reading every stored analysis gives."""
    pipe = Pipeline(["keywords"])
    with marsad.open(tmp_path / "mem.db") as store:
        run = IngestRun(store, IngestOptions(pipeline=pipe, progress=False))
        run.add(list(read_inputs(docs())))
        assert run._stories is not None and len(run._stories.articles) == 9
        memo = dict(run._stories.articles)
        rep = run.finish()
        assert rep.stories["articles"] == 9 and rep.stories["new_stories"] == 3
        from marsad.analyze.stories import default_weights
        from marsad.store.stories_sql import articles_of

        with store.transaction() as tx:
            stored = {a.doc_id: a for a in articles_of(tx, list(memo), weights=default_weights())}
        assert stored == memo
    monkeypatch.setattr(collect, "STORY_MEMORY", 0)  # every article read back instead
    marsad.ingest(tmp_path / "read.db", docs(), pipeline=pipe, progress=False)
    assert rows(tmp_path / "mem.db") == rows(tmp_path / "read.db")


def test_an_interrupted_run_is_caught_up_from_the_database(db_path) -> None:
    pipe = Pipeline(["keywords"])
    with marsad.open(db_path) as store:
        store.add([pipe(d) for d in docs()[:5]])  # a run killed before its stories
        rep = marsad.ingest(store, docs(), pipeline=pipe, progress=False)
        assert (rep.new, rep.known) == (4, 5) and rep.stories["articles"] == 9
        left = store.fetchall("SELECT COUNT(*) AS n FROM documents WHERE story_id IS NULL")
        assert left[0]["n"] == 0


# -- executors -------------------------------------------------------------------------------------

def test_in_process_and_dask_store_the_same_rows(tmp_path) -> None:
    pytest.importorskip("distributed")
    from distributed import Client, LocalCluster

    from marsad.run.dask import ingest_dask

    inputs = [*docs(12), docs(3)[1], 7]  # a repeat and an input that cannot be read
    pipe = Pipeline(["keywords", "signature"])
    ref = marsad.ingest(tmp_path / "in.db", inputs, pipeline=pipe, progress=False,
                        on_error=lambda _: None)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as c, Client(c) as client, marsad.open(tmp_path / "dask.db") as store:
        rep = ingest_dask(store, inputs, client=client, partitions=5, pipeline=pipe,
                          progress=False, on_error=lambda _: None)
    assert (rep.new, rep.known, rep.failed) == (ref.new, ref.known, ref.failed) == (12, 1, 1)
    assert rep.stories == ref.stories and rep.stories["articles"] == 12
    assert rows(tmp_path / "dask.db") == rows(tmp_path / "in.db")


# -- the callers -----------------------------------------------------------------------------------

def test_the_watcher_clusters_stories(tmp_path) -> None:
    from test_watch import FAST, Server, Site, rss

    from marsad.run.watch import Feed, WatchConfig, Watcher

    srv = Server(Site())
    try:
        items = []
        for i, d in enumerate(docs(6)):
            body = "".join(f"<p>{p}</p>" for p in d.paragraphs)
            page = (f'<!doctype html><html lang="ar"><head><meta charset="utf-8"><title>{d.title}'
                    f"</title></head><body><article><h1>{d.title}</h1>{body}</article></body></html>")
            srv.site.static(f"/news/{i}", page.encode())
            items.append((f"g{i}", srv.url(f"/news/{i}"), d.title))
        srv.site.static("/feed.xml", rss(items), ctype="application/rss+xml")
        with marsad.open(tmp_path / "watch.db") as store:
            w = Watcher(store, [Feed(srv.url("/feed.xml"), "src")], config=WatchConfig(fetch=FAST),
                        analyze=Pipeline(["keywords"]))
            rep = w.run_round(force=True)
            w.close()
            assert rep.stored == 6 and rep.stories["articles"] == 6, rep.summary()
            assert rep.stories["new_stories"] == 3 and "stories: 3 new" in rep.summary()
            got = store.fetchall("SELECT id, story_id, url FROM documents")
            assert len(got) == 6 and all(r["story_id"] for r in got)
            by_place = {}
            for r in got:
                by_place.setdefault(int(r["url"].rsplit("/", 1)[1]) % 3, set()).add(r["story_id"])
            assert all(len(s) == 1 for s in by_place.values())  # one story per subject
    finally:
        srv.close()


def test_web_documents_are_built_by_the_readers_builder() -> None:
    from marsad.web.ingest import document_from_fields

    text = "وزير الخارجية يزور بيروت\nوصل وزير الخارجية إلى بيروت اليوم في زيارة رسمية تستمر يومين."
    d = document_from_fields(text=text, published="Tue, 10 Mar 2026 08:00:00 GMT")
    assert d.published == "2026-03-10T08:00:00+00:00" and d.language == "ar"
    assert d.title == "وزير الخارجية يزور بيروت" and d.origin == "web"
    p = document_from_fields(text="", title="زيارة إلى بيروت", paragraphs=[text.split("\n")[1]],
                             url="https://example.org/2026/03/11/visit")
    assert p.language == "ar" and p.published == "2026-03-11"  # the date the URL carries
    assert p.meta.get("published_from") == "url"
    bad = document_from_fields(text=text, published="not a date")
    assert bad.published is None and bad.meta.get("published_note")


def test_an_uploaded_text_gets_a_normalized_date_and_its_language(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient
    from test_web_data import LOCAL, TOKEN, build_web_db

    from marsad.web import ServeSettings, create_app

    info = build_web_db(tmp_path / "w.db")
    app = create_app(ServeSettings(db=str(info["path"]), write_token=TOKEN))
    art = {"text": "اجتماع وزراء الخارجية العرب في القاهرة\nعقد وزراء الخارجية العرب اجتماعا "
                   "طارئا في القاهرة لبحث الأوضاع في المنطقة.",
           "published": "Tue, 10 Mar 2026 08:00:00 GMT", "source": "api-test"}
    with TestClient(app, base_url=LOCAL) as c:
        ok = c.post("/api/documents", json=art, headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 201, ok.text
        doc = c.get(f"/api/documents/{ok.json()['ids'][0]}").json()["analysis"]["document"]
        assert doc["published"] == "2026-03-10T08:00:00+00:00" and doc["language"] == "ar"
        form = c.post("/ingest", data={"token": TOKEN, "published": "2026-03-12 09:30",
                                       "text": "أمطار في جدة\nشهدت جدة أمطارا غزيرة أمس."})
        assert form.status_code == 200 and 'id="ingest-result"' in form.text
    with marsad.open(info["path"], readonly=True) as store:
        [row] = store.fetchall("SELECT published, language, story_id FROM documents "
                               "WHERE title = ?", ["أمطار في جدة"])
    assert row["published"].startswith("2026-03-12T09:30") and row["language"] == "ar"
    assert row["story_id"]  # the web upload forms stories like every other path
