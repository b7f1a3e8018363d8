"""Story clustering: hand-written Arabic articles (no corpus needed), incremental updates
(new articles extend existing stories), the SQL store through ``marsad stories``, and the
eval command on small files and on our SaudiNewsNet labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from marsad.analyze.stories import (
    DEFAULT,
    MemoryStoryStore,
    Story,
    StoryArticle,
    StoryClusterer,
    article_from_analysis,
    default_weights,
    update_stories,
)
from marsad.cli import main
from marsad.data import corpus_or_skip
from marsad.lab.stories_eval import load_labels, score_clusters
from marsad.model import Analysis, Document, Entity, Mention

DATA = Path(__file__).parent / "data" / "stories"
HAND = DATA / "handwritten.jsonl"


def hand_rows() -> list[dict]:
    return [json.loads(x) for x in HAND.read_text(encoding="utf-8").splitlines() if x.strip()]


def doc_of(row: dict) -> Document:
    return Document(title=row["title"], paragraphs=row["text"].split("\n"), url=row["id"],
                    published=row["date"], language="ar")


def article(row: dict) -> StoryArticle:
    return article_from_analysis(Analysis(document=doc_of(row)))


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return hand_rows()


def test_hand_written_articles_fall_into_their_stories(rows):
    store = MemoryStoryStore()
    rep = update_stories(store, [article(r) for r in rows])
    assert rep.articles == len(rows) and rep.extended_stories == 0
    gold = {doc_of(r).id: r["story"] for r in rows}
    score = score_clusters(gold, store.assignments)
    assert score.purity == 1.0 and score.inverse_purity == 1.0
    floods = store.stories[store.assignments[doc_of(rows[0]).id]]
    assert floods.article_count == 3
    assert (floods.first_date, floods.last_date) == ("2024-11-10", "2024-11-12")
    assert "جده" in floods.top_terms()  # normalized stems


def test_new_articles_extend_existing_stories(rows):
    """Day one is clustered; later runs add day two and three: they join the stories made
    on day one (same ids), nothing is rebuilt, and a re-run changes nothing."""
    store = MemoryStoryStore()
    day1 = [r for r in rows if r["date"] == "2024-11-10"]
    later = [r for r in rows if r["date"] > "2024-11-10"]
    rep1 = update_stories(store, [article(r) for r in day1])
    assert rep1.new_stories == len(day1)  # four events, one article each
    flood_story = store.assignments[doc_of(day1[0]).id]
    before = {sid: s.article_count for sid, s in store.stories.items()}

    rep2 = update_stories(store, [article(r) for r in later])
    assert rep2.extended_stories == 4 and rep2.new_stories == 1  # the book fair is new
    flood_ids = [doc_of(r).id for r in rows if r["story"] == "jeddah-floods"]
    assert {store.assignments[d] for d in flood_ids} == {flood_story}
    s = store.stories[flood_story]
    assert s.article_count == before[flood_story] + 2
    assert s.first_date == "2024-11-10" and s.last_date == "2024-11-12"

    snapshot = {sid: (s.article_count, s.last_date) for sid, s in store.stories.items()}
    rep3 = update_stories(store, [article(r) for r in rows])  # everything again
    assert rep3.articles == 0 and rep3.skipped == len(rows)
    assert {sid: (s.article_count, s.last_date) for sid, s in store.stories.items()} == snapshot


def test_a_follow_up_after_the_window_starts_a_new_story(rows):
    store = MemoryStoryStore()
    first = rows[0]  # floods, 2024-11-10
    update_stories(store, [article(first)])
    late = dict(rows[1], date="2024-11-25", id="late")  # same text, two weeks later
    update_stories(store, [article(late)])
    assert len(store.stories) == 2
    # within the window it would have joined
    store2 = MemoryStoryStore()
    update_stories(store2, [article(first), article(rows[1])])
    assert len(store2.stories) == 1


def test_story_state_round_trip(rows):
    store = MemoryStoryStore()
    update_stories(store, [article(r) for r in rows[:3]])
    (s,) = store.stories.values()
    back = Story.from_state(id=s.id, headline=s.headline, first_date=s.first_date,
                            last_date=s.last_date, article_count=s.article_count,
                            state=json.loads(json.dumps(s.state())))
    c1, c2 = StoryClusterer([s]), StoryClusterer([back])
    art = article(rows[2])
    (a1, _), (a2, _) = c1.score(art)[0], c2.score(art)[0]
    assert a1 == pytest.approx(a2, abs=1e-4)
    assert back.to_dict()["headline"] == s.headline


def test_entities_count_and_are_listed():
    """Shared named entities raise similarity and become the story's top entities."""
    def analysed(title: str, body: str, date: str, who: list[tuple[str, str, str]]) -> Analysis:
        d = Document(title=title, paragraphs=[body], published=date)
        ments = [Mention(0, 1, name, typ, eid) for name, typ, eid in who]
        ents = [Entity(eid, typ, name) for name, typ, eid in who]
        return Analysis(document=d, mentions=ments, entities=ents)

    people = [("نيمار", "PER", "kb:neymar"), ("برشلونة", "ORG", "kb:fc-barcelona")]
    a = analysed("نيمار يغيب عن كأس السوبر الأوروبية بسبب المرض",
                 "أعلن نادي برشلونة أن مهاجمه نيمار سيغيب عن مباراة كأس السوبر الأوروبية "
                 "أمام إشبيلية بسبب إصابته بالغدة النكفية.", "2015-08-10", people)
    b = analysed("الغدة النكفية تبعد نيمار عن كأسي السوبر",
                 "سيغيب البرازيلي نيمار عن مباراتي كأس السوبر الأوروبية والإسبانية بعد "
                 "إصابته بالغدة النكفية، بحسب ما أعلن نادي برشلونة.", "2015-08-10", people)
    store = MemoryStoryStore()
    update_stories(store, [article_from_analysis(x) for x in (a, b)])
    (s,) = store.stories.values()
    assert s.article_count == 2
    top = s.top_entities()
    assert [e["id"] for e in top] == ["kb:fc-barcelona", "kb:neymar"]
    assert top[0]["articles"] == 2 and top[1]["name"] == "نيمار"


# -- the database, through the command -------------------------------------------------------


def _database(backend: str, tmp_path, request) -> str:
    """A SQLite file, or a fresh PostgreSQL database from tests/pg_server.py (skipped when
    that plugin is not enabled or no server can be started)."""
    if backend == "sqlite":
        return str(tmp_path / "stories.db")
    try:
        return request.getfixturevalue("pg_url")
    except pytest.FixtureLookupError:
        pytest.skip("PostgreSQL: the pg_server plugin (tests/pg_server.py) is not enabled")


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_stories_command_extends_stories_in_the_database(backend, tmp_path, rows, capsys, request):
    from marsad.store import open_store

    db = _database(backend, tmp_path, request)
    day1 = [r for r in rows if r["date"] == "2024-11-10"]
    later = [r for r in rows if r["date"] > "2024-11-10"]
    store = open_store(db)
    store.add([Analysis(document=doc_of(r)) for r in day1])
    store.close()
    assert main(["stories", "--db", db, "--json", "--min-articles", "1"]) == 0
    first = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert len(first) == 4 and all(s["article_count"] == 1 for s in first)

    store = open_store(db)
    store.add([Analysis(document=doc_of(r)) for r in later])
    store.close()
    assert main(["stories", "--db", db, "--json"]) == 0  # default: stories of 2+ articles
    cap = capsys.readouterr()
    second = [json.loads(x) for x in cap.out.splitlines()]
    assert "clustered 8 new articles: 1 new stories, 4 extended" in cap.err
    by_id = {s["id"]: s for s in second}
    assert {s["id"] for s in first} == set(by_id)  # the day-one stories grew, same ids
    floods = next(s for s in second if "جدة" in s["headline"] or "جده" in s["top_terms"])
    assert floods["article_count"] == 3
    assert (floods["first_date"], floods["last_date"]) == ("2024-11-10", "2024-11-12")

    # nothing new: listing only, nothing clustered; text output
    assert main(["stories", "--db", db, "--no-update"]) == 0
    out = capsys.readouterr().out
    assert "3 articles" in out and "2024-11-10 → 2024-11-12" in out


# -- eval command ------------------------------------------------------------------------------


def test_eval_stories_command_on_a_small_file(capsys):
    assert main(["eval", "stories", str(HAND), "--json", "--confusion"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["articles"] == 12 and out["gold_stories"] == 5
    assert out["purity"] == 1.0 and out["bcubed_f1"] == 1.0
    assert len(out["confusion"]) == 5


def test_eval_stories_command_with_a_too_high_threshold_scores_worse(capsys):
    assert main(["eval", "stories", str(HAND), "--json", "--threshold", "0.9"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["clusters"] == 12 and out["inverse_purity"] < 0.5


def test_eval_stories_rejects_bad_labels(tmp_path, capsys):
    bad = tmp_path / "labels.tsv"
    bad.write_text("url\tstory\nhttp://x\n", encoding="utf-8")
    assert main(["eval", "stories", str(bad)]) == 1
    assert "expected 'url<TAB>story'" in capsys.readouterr().err
    assert main(["eval", "stories", str(tmp_path / "missing.tsv")]) == 1


def test_labels_file_is_our_annotation():
    labels = load_labels(DATA / "labels.tsv")
    assert len(labels) >= 100
    stories = {line.split("\t")[0] for line in (DATA / "stories.tsv").read_text(
        encoding="utf-8").splitlines() if line and not line.startswith(("#", "story\t"))}
    assert set(labels.values()) == stories


@pytest.mark.slow
def test_eval_stories_on_saudinewsnet_labels(capsys):
    """Regression floor for the hand-labelled SaudiNewsNet set, text only."""
    corpus_or_skip("saudinewsnet", "articles.jsonl.gz")
    assert main(["eval", "stories", str(DATA / "labels.tsv"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["labelled_missing_from_corpus"] == 0 and out["articles"] >= 150
    assert out["purity"] >= 0.85
    assert out["bcubed_f1"] >= 0.8


def test_default_config_is_sane():
    assert 0 < DEFAULT.threshold < 1
    assert default_weights().docs > 10000
    assert default_weights().idf("قال") < default_weights().idf("سترة")


# -- catching up after an interrupted ingest ---------------------------------------------------

def test_ingest_clusters_what_an_interrupted_run_left(tmp_path, rows):
    """A run killed after its last batch committed but before story clustering leaves
    stored articles without a story (simulated: the articles stored exactly as a batch
    write stores them, no clustering). The next run stores nothing new and still folds
    them into their stories; the run after that has nothing left to do."""
    import marsad
    from marsad.analyze.pipeline import default_pipeline, registered
    from marsad.run.engine import ingest

    pipe = default_pipeline(disable=[s for s in registered() if s != "keywords"])  # quick
    with marsad.open(tmp_path / "cut.db") as store:
        store.add([pipe(doc_of(r)) for r in rows])  # the interrupted run's batches
        assert store.fetchall("SELECT COUNT(*) AS n FROM documents WHERE story_id IS NULL")[0]["n"] == len(rows)

        rep = ingest(store, [doc_of(r) for r in rows], pipeline=pipe, progress=False)
        assert (rep.new, rep.known, rep.failed) == (0, len(rows), 0)
        assert rep.stories["articles"] == len(rows)
        assert "earlier run left without a story" in rep.summary()
        got = {r["id"]: r["story_id"] for r in store.fetchall("SELECT id, story_id FROM documents")}
        assert all(got.values())
        gold = {doc_of(r).id: r["story"] for r in rows}
        score = score_clusters(gold, got)
        assert score.purity == 1.0 and score.inverse_purity == 1.0

        again = ingest(store, [doc_of(r) for r in rows], pipeline=pipe, progress=False)
        assert again.new == 0 and again.stories["articles"] == 0
