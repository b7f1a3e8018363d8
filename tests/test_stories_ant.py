"""The second story label set (ANT 2018 politics, tests/data/stories/ant2018.tsv), the
eval command on it, the end-of-run merge of split stories and the central headline."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from marsad.analyze.stories import DEFAULT, MemoryStoryStore, StoryArticle, update_stories
from marsad.cli import main
from marsad.data import corpus_or_skip
from marsad.ingest.url_date import date_from_url
from marsad.lab.stories_eval import labels_corpus, load_labels

DATA = Path(__file__).parent / "data" / "stories"
ANT = DATA / "ant2018.tsv"


def test_ant_labels_cover_one_window_and_are_ids_only():
    labels = load_labels(ANT)
    assert len(labels) == 131
    days = {date_from_url(u) for u in labels}
    assert None not in days
    assert min(days) >= "2018-07-23" and max(days) <= "2018-08-05"
    sizes: dict[str, int] = {}
    for s in labels.values():
        sizes[s] = sizes.get(s, 0) + 1
    assert sum(1 for n in sizes.values() if n > 1) >= 15  # stories recur in the window
    # ids and labels only: two tab-separated columns, no text
    for line in ANT.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            assert len(line.split("\t")) == 2
    assert labels_corpus(labels) == "ant"
    assert labels_corpus(load_labels(DATA / "labels.tsv")) == "snn"
    assert "ant2018.tsv" in (DATA / "README.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_eval_stories_on_ant_labels(capsys):
    """Regression floor for the ANT 2018 set, text only (the corpus is read in place)."""
    corpus_or_skip("topics", "train.jsonl.gz")
    assert main(["eval", "stories", str(ANT), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["corpus"] == "ant" and out["labelled_missing_from_corpus"] == 0
    assert out["articles"] == 131 and out["gold_stories"] == 95
    assert out["purity"] >= 0.9
    assert out["bcubed_f1"] >= 0.9


@pytest.mark.slow
def test_eval_stories_corpus_option_is_checked(capsys):
    corpus_or_skip("topics", "train.jsonl.gz")
    # SaudiNewsNet labels read against the ANT corpus: nothing found, a clear error
    assert main(["eval", "stories", str(DATA / "labels.tsv"), "--corpus", "ant"]) == 1
    assert "none of the labelled URLs is in the corpus" in capsys.readouterr().err


def _art(doc_id: str, day: str, title: str, terms: dict[str, float]) -> StoryArticle:
    n = sum(x * x for x in terms.values()) ** 0.5
    v = {t: x / n for t, x in terms.items()}
    return StoryArticle(doc_id=doc_id, date=day, title=title, terms=v, title_terms=v)


def test_a_split_story_is_merged_at_the_end_of_a_run():
    """Two articles too far apart to join each other, then a third close to both: one pass
    leaves two stories; the end-of-run merge makes them one (and respects the threshold)."""
    a = _art("a", "2020-01-01", "a", {"x": 1.0, "p": 1.0})
    b = _art("b", "2020-01-01", "b", {"x": 1.0, "q": 1.0, "r": 0.3})
    c = _art("c", "2020-01-02", "c", {"x": 1.0, "p": 0.8, "q": 0.8})
    d = _art("d", "2020-01-02", "d", {"x": 1.0, "q": 1.0, "p": 0.6})
    cfg = replace(DEFAULT, threshold=0.55, headline_weight=0.0)
    off = MemoryStoryStore()
    update_stories(off, [a, b, c, d], config=replace(cfg, merge=False))
    assert len(off.stories) == 2
    on = MemoryStoryStore()
    rep = update_stories(on, [a, b, c, d], config=cfg)
    assert len(on.stories) == 1 and rep.new_stories == 1
    (s,) = on.stories.values()
    assert s.article_count == 4 and set(on.assignments.values()) == {s.id}
    # a high threshold holds for the merge too: it changes nothing then
    strict, strict_off = MemoryStoryStore(), MemoryStoryStore()
    update_stories(strict, [a, b, c, d], config=replace(cfg, threshold=0.95))
    update_stories(strict_off, [a, b, c, d], config=replace(cfg, threshold=0.95, merge=False))
    assert strict.assignments == strict_off.assignments and len(strict.stories) == 3


def test_the_title_is_the_most_central_headline():
    """The first headline is an outlier (a teaser); the story is titled by the headline
    that shares most with the others, whatever the order."""
    arts = [
        _art("1", "2020-01-01", "teaser", {"w": 1.0, "k": 1.0}),
        _art("2", "2020-01-01", "side", {"w": 1.0, "m": 1.0, "z": 0.5}),
        _art("3", "2020-01-02", "centre", {"w": 1.0, "k": 0.6, "m": 0.6}),
        _art("4", "2020-01-02", "other", {"w": 1.0, "m": 0.7, "y": 0.7}),
    ]
    for order in (arts, arts[::-1]):
        store = MemoryStoryStore()
        update_stories(store, order, config=replace(DEFAULT, threshold=0.3))
        (s,) = store.stories.values()
        assert s.headline == "centre"
