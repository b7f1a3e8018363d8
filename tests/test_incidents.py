"""Incident fusion (issue 18): hand-made reports through the real Fuser, the scores on made-up
gold, the evaluation on a tiny corpus written to a temporary MARSAD_DATA, and the real
labelled set when the SaudiNewsNet corpus is present."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from conftest import run_cli

from marsad.analyze.incidents import Fuser, Report, fuse
from marsad.lab.incidents.evaluate import GOLD, evaluate, read_gold, score
from marsad.model import Event, Place, Span

NAJRAN = Place("gn:103630", "نجران", "Najran", "SA", 17.4933, 44.1277)
JIZAN = Place("gn:105299", "جازان", "Jizan", "SA", 16.8892, 42.5511)
ABHA = Place("gn:110690", "أبها", "Abha", "SA", 18.2164, 42.5053)
ROOT = Path(__file__).resolve().parents[1]


def ev(*, place: Place | None = NAJRAN, date: str | None = "2015-07-24", status: str = "occurred",
       type_: str = "ASSAULT", fatalities: int | None = None, start: int = 0, sentence: int = 0,
       source_en: str | None = None, trigger: str = "قصف") -> Event:
    return Event(
        type=type_, status=status, trigger=Span(start, start + len(trigger), trigger), sentence=sentence,
        confidence=0.9, location=Span(0, 5, "نجران") if place else None, place=place,
        country=place.country if place else "SA", geo_precision="place" if place else "country",
        date=date, date_precision="day" if date and "/" not in date else None,
        fatalities=fatalities, source_en=source_en,
    )


def rep(article: str, source: str, published: str, event: Event, *, text: str | None = None) -> Report:
    return Report(article, source, published, event, text, True)


def test_same_strike_in_three_papers_is_one_incident_with_three_sources():
    reports = [rep(f"a{i}", src, "2015-07-25", ev()) for i, src in enumerate(("okaz", "sabq", "alriyadh"))]
    [inc] = fuse(reports)
    assert (inc.n_articles, inc.n_sources) == (3, 3)
    assert (inc.type, inc.country, inc.place, inc.date, inc.date_precision) == \
        ("ASSAULT", "SA", "Najran", "2015-07-24", "day")
    assert inc.geo_precision == "place" and inc.lat == pytest.approx(17.4933)
    assert [r.article for r in inc.reports] == ["a0", "a1", "a2"]
    assert inc.first_report == inc.last_report == "2015-07-25"


def test_same_type_same_day_in_two_towns_stays_two():
    incs = fuse([rep("a", "okaz", "2015-07-25", ev(place=NAJRAN)),
                 rep("b", "sabq", "2015-07-25", ev(place=JIZAN)),
                 rep("c", "alyaum", "2015-07-25", ev(place=JIZAN))])
    assert sorted((i.place, i.n_articles) for i in incs) == [("Jizan", 2), ("Najran", 1)]


def test_same_town_a_week_apart_stays_two_and_a_vague_report_joins_the_right_one():
    incs = fuse([rep("a", "okaz", "2015-07-25", ev(date="2015-07-24")),
                 rep("b", "sabq", "2015-08-01", ev(date="2015-07-31")),
                 # no date: the lead's happening, the publication day or the two before it
                 rep("c", "alyaum", "2015-08-01", ev(date=None))])
    by_date = {i.date: i.n_articles for i in incs}
    assert by_date == {"2015-07-24": 1, "2015-07-31": 2}


def test_claimed_and_occurred_reports_make_an_occurred_incident():
    [inc] = fuse([rep("a", "okaz", "2015-07-25", ev(status="claimed")),
                  rep("b", "sabq", "2015-07-25", ev(status="occurred"))])
    assert inc.status == "occurred"
    [only] = fuse([rep("a", "okaz", "2015-07-25", ev(status="claimed"))])
    assert only.status == "claimed"


def test_fatalities_best_estimate_is_the_latest_toll_and_range_spans_the_reports():
    [inc] = fuse([rep("a", "okaz", "2015-08-06", ev(place=ABHA, date="2015-08-06", fatalities=13)),
                  rep("b", "sabq", "2015-08-06", ev(place=ABHA, date="2015-08-06", fatalities=10)),
                  rep("c", "alyaum", "2015-08-07", ev(place=ABHA, date="2015-08-06", fatalities=15)),
                  rep("d", "alwatan", "2015-08-07", ev(place=ABHA, date="2015-08-06"))])
    assert inc.fatalities == 15
    assert inc.fatalities_range == (10, 15)
    assert inc.n_articles == 4


def test_readding_changes_nothing_and_ids_are_deterministic():
    reports = [rep("a", "okaz", "2015-07-25", ev()), rep("b", "sabq", "2015-07-25", ev(place=JIZAN))]
    f = Fuser()
    first = f.add(reports)
    assert len(first) == 2
    before = f.incidents()
    assert f.add(reports) == []
    assert f.add(reports[:1]) == []
    assert f.incidents() == before
    assert [i.id for i in Fuser().add(reports)] == [i.id for i in first]
    # a new report of a known happening changes exactly that incident
    changed = f.add([rep("c", "alyaum", "2015-07-25", ev())])
    assert len(changed) == 1 and changed[0].n_articles == 2 and changed[0].id in {i.id for i in first}


def test_rows_that_report_no_incident():
    assert fuse([rep("a", "okaz", "2015-07-25", ev(status="planned"))]) == []
    assert fuse([rep("a", "okaz", "2015-07-25", ev(status="denied"))]) == []
    # background: a month before the publication
    assert fuse([rep("a", "okaz", "2015-07-25", ev(date="2015-06-26"))]) == []
    # an undated row deep in the body
    body = Report("a", "okaz", "2015-07-25", ev(date=None, sentence=9), None, False)
    assert fuse([body]) == []


def test_a_vague_report_of_another_article_needs_evidence_to_join():
    # same type, country and day, but no place, actor, wording or toll in common: two incidents
    incs = fuse([rep("a", "okaz", "2015-07-25", ev(place=NAJRAN)),
                 rep("b", "sabq", "2015-07-25", ev(place=None, date="2015-07-24"))])
    assert len(incs) == 2
    # the same wording (a syndicated copy) is evidence enough with the same day
    text = "سقط مقذوف عسكري أطلق من داخل الأراضي اليمنية على محل تجاري في مدينة نجران"
    incs = fuse([rep("a", "okaz", "2015-07-25", ev(place=NAJRAN), text=text),
                 rep("b", "sabq", "2015-07-25", ev(place=None, date="2015-07-24"), text=text)])
    assert len(incs) == 1


def test_plain_tuples_are_reports():
    [inc] = fuse([("a", "okaz", "2015-07-25", ev()), ("b", "sabq", "2015-07-25", ev())])
    assert inc.n_sources == 2


# --- scores ---------------------------------------------------------------------------------

def test_scores_on_made_up_clusters():
    gold = {"a": ["x"], "b": ["x"], "c": ["y"], "d": ["y", "z"]}
    perfect = {"a": ["1"], "b": ["1"], "c": ["2"], "d": ["2", "3"]}
    s = score(gold, perfect)
    assert (s.pair_precision, s.pair_recall, s.bcubed_precision, s.bcubed_recall) == (1, 1, 1, 1)
    # all in one incident: every pair predicted, 2 of 6 right
    s = score(gold, {k: ["1"] for k in gold})
    assert (s.gold_pairs, s.predicted_pairs, s.correct_pairs) == (2, 6, 2)
    assert s.pair_precision == pytest.approx(1 / 3) and s.pair_recall == 1
    assert s.bcubed_recall == pytest.approx((1 + 1 + 1 + 0.75) / 4)  # d: (1/2 + 1) / 2 on itself
    # every article alone: nothing joined, precision perfect
    s = score(gold, {k: [k] for k in gold})
    assert s.pair_recall == 0 and s.bcubed_precision == 1
    # a: itself 1, b 0; d: itself min(2, 1) / 2, c 0
    assert s.bcubed_recall == pytest.approx((0.5 + 0.5 + 0.5 + 0.25) / 4)


# --- the evaluation on a tiny made-up corpus --------------------------------------------------

ARTICLES = [
    ("okaz", "2015-07-25 09:00:00", "سقوط مقذوف على محل تجاري في نجران",
     ("أعلن المتحدث الرسمي للدفاع المدني بمنطقة نجران أن مقذوفا عسكريا أطلق من داخل الأراضي "
     "اليمنية سقط أمس على محل تجاري في مدينة نجران مما أدى إلى إصابة مقيم.")),
    ("sabq", "2015-07-25 10:00:00", "مقذوف يمني يصيب مقيما في نجران",
     ("أعلن المتحدث الرسمي للدفاع المدني بمنطقة نجران أن مقذوفا عسكريا أطلق من داخل الأراضي "
     "اليمنية سقط أمس على محل تجاري في مدينة نجران مما أدى إلى إصابة مقيم.")),
    ("alyaum", "2015-07-25 11:00:00", "سقوط قذيفة على منزل في جازان",
     ("أعلن الدفاع المدني أن قذيفة أطلقت من الأراضي اليمنية سقطت أمس على منزل في مدينة جازان "
     "مما أدى إلى إصابة مواطنين.")),
]


@pytest.fixture
def tiny(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data" / "saudinewsnet"
    data.mkdir(parents=True)
    rows, gold = [], []
    clusters = ["snn-najran-shop", "snn-najran-shop", "snn-jizan-house"]
    for i, ((src, when, title, body), cl) in enumerate(zip(ARTICLES, clusters, strict=True)):
        url = f"http://example.org/{src}/{i}"
        rows.append({"source": src, "url": url, "date_extracted": when, "title": title,
                     "author": "", "content": body})
        gold.append({"url": url, "line": i + 1, "source": src, "date_extracted": when,
                     "incidents": [{"cluster": cl, "type": "ASSAULT", "date": "2015-07-24",
                                    "place_en": None, "country": "SA", "fatalities": None}]})
    rows.insert(0, {"source": "sabq", "url": "http://example.org/other", "date_extracted":
                    "2015-07-25 08:00:00", "title": "طقس", "author": "", "content": "أجواء حارة."})
    with gzip.open(data / "articles.jsonl.gz", "wt", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in gold), encoding="utf-8")
    monkeypatch.setenv("MARSAD_DATA", str(tmp_path / "data"))
    return path


def test_evaluation_on_a_tiny_labelled_set(tiny: Path):
    from marsad.analyze.pipeline import Pipeline

    run = evaluate(tiny, Pipeline(["ner", "link", "events"]))
    urls = [g.url for g in read_gold(tiny)]
    najran1, najran2, jizan = (run.predicted[u] for u in urls)
    assert najran1 & najran2, "the two copies of the Najran story share an incident"
    assert not (najran1 | najran2) & jizan, "the Jizan story of the same day is another incident"
    s = run.scores
    assert (s.pair_precision, s.pair_recall, s.bcubed_precision, s.bcubed_recall) == (1, 1, 1, 1)


def test_cli_eval_incidents_on_the_tiny_set(tiny: Path, tmp_path: Path):
    import os

    res = run_cli("eval", "incidents", "--gold", str(tiny), "--json", "--min-bcubed", "0.9",
                  env={"MARSAD_DATA": os.environ["MARSAD_DATA"]})
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["articles"] == 3 and out["bcubed_f1"] == 1.0 and out["pair_f1"] == 1.0


def test_missing_gold_article_is_a_clear_error(tiny: Path, tmp_path: Path):
    from marsad.analyze.pipeline import Pipeline
    from marsad.errors import InputError

    bad = tmp_path / "bad.jsonl"
    line = json.loads(tiny.read_text(encoding="utf-8").splitlines()[0])
    line["url"] = "http://example.org/nowhere"
    bad.write_text(json.dumps(line) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="not in the corpus"):
        evaluate(bad, Pipeline(["events"]))


# --- the labelled SaudiNewsNet set --------------------------------------------------------

@pytest.mark.slow
def test_fusion_on_the_labelled_saudinewsnet_set():
    from marsad.analyze.pipeline import Pipeline
    from marsad.data import corpus_or_skip

    corpus = corpus_or_skip("saudinewsnet", "articles.jsonl.gz")
    run = evaluate(ROOT / GOLD, Pipeline(["ner", "link", "events"]), corpus=corpus)
    s = run.scores
    assert s.articles == 151 and s.gold_pairs == 454  # the README's counts
    # a floor under the measured figures (B-cubed F1 0.78 when written), not the target of 0.90
    assert s.bcubed_f1 >= 0.72 and s.pair_precision >= 0.8
    for inc in run.incidents.values():
        if inc.fatalities_range:
            lo, hi = inc.fatalities_range
            assert lo <= (inc.fatalities or 0) <= hi
