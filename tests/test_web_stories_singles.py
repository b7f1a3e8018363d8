"""The stories page lists stories of two or more articles by default (as ``marsad stories``),
says how many articles stand alone, in Arabic and in English, and links to list them too
(``?singles=1``): a real SQLite database served on 127.0.0.1."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_incidents_store import db  # noqa: F401  (db: the sqlite/postgres fixture)
from test_web_data import LiveServer

import marsad
from marsad.analyze.base import base_analysis
from marsad.model import Document
from marsad.store.reads.stories import list_stories, story_sizes
from marsad.web import ServeSettings, create_app

STORY = re.compile(r'href="/story/([\w-]+)"')
TOTAL = re.compile(r'id="stories-total"><strong>(\d+)</strong>')
SINGLES = re.compile(r'id="singles"><strong>(\d+)</strong>([^<]*)<a href="([^"]+)">([^<]+)</a>')


def _doc(i: int, story: str, day: str) -> Any:
    a = base_analysis(Document(f"خبر رقم {i} عن القصة {story}", [f"تفاصيل الخبر رقم {i}."], source="okaz",
                               published=day, url=f"https://okaz.example/{i}"))
    a.story_id = story
    return a


# stories of 3 and 2 articles, and three that have one article each
LAYOUT = {"story-big": ["2015-07-10", "2015-07-11", "2015-07-12"], "story-pair": ["2015-08-01", "2015-08-02"],
          "story-one-a": ["2015-09-01"], "story-one-b": ["2015-09-02"], "story-one-c": ["2015-06-01"]}


def _all_docs() -> list[Any]:
    docs, i = [], 0
    for story, days in LAYOUT.items():
        for day in days:
            docs.append(_doc(i, story, day))
            i += 1
    return docs


@pytest.fixture(scope="module")
def path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = tmp_path_factory.mktemp("stories") / "stories.db"
    with marsad.open(p) as store:
        store.add(_all_docs())
    return p


@pytest.fixture(scope="module")
def http(path: Path):
    with LiveServer(create_app(ServeSettings(db=str(path)))) as srv, \
            httpx.Client(base_url=srv.url, timeout=30) as c:
        yield c


def get(http: httpx.Client, url: str) -> str:
    r = http.get(url)
    assert r.status_code == 200, (url, r.status_code, r.text[:300])
    return r.text


def test_the_reads_count_and_list_by_size(db) -> None:  # noqa: F811
    with marsad.open(db) as store:
        assert story_sizes(store, min_articles=2) == (0, 0)  # nothing stored yet
        store.add(_all_docs())
        assert story_sizes(store, min_articles=2) == (2, 3)
        assert story_sizes(store, min_articles=1) == (5, 3)
        assert [s["id"] for s in list_stories(store, min_articles=2)] == ["story-pair", "story-big"]


def test_by_default_only_stories_of_two_or_more(http) -> None:
    page = get(http, "/stories")
    assert STORY.findall(page) == ["story-pair", "story-big"]  # latest first
    assert TOTAL.search(page)[1] == "2" and "(من مقالين فأكثر)" in page
    m = SINGLES.search(page)
    assert m, page
    assert m[1] == "3" and "مقالًا منفردًا" in m[2] and m[3] == "/stories?singles=1" and m[4] == "اعرضها أيضًا"


def test_the_link_lists_the_single_articles_too(http) -> None:
    page = get(http, "/stories?singles=1")
    assert STORY.findall(page) == ["story-one-b", "story-one-a", "story-pair", "story-big", "story-one-c"]
    assert TOTAL.search(page)[1] == "5" and "(من مقالين فأكثر)" not in page
    m = SINGLES.search(page)
    assert m and m[1] == "3" and m[3] == "/stories" and m[4] == "أخفِها"


def test_the_english_interface_says_it_too(http) -> None:
    page = get(http, "/stories?lang=en")
    assert '<html lang="en" dir="ltr">' in page
    assert "(of two or more articles)" in page
    m = SINGLES.search(page)
    assert m and m[1] == "3" and "articles stand alone" in m[2] and m[4] == "show them too"
    page = get(http, "/stories?singles=1&lang=en")
    m = SINGLES.search(page)
    assert m and "are listed too" in m[2] and m[3] == "/stories" and m[4] == "hide them"


def test_without_single_articles_there_is_no_note(tmp_path: Path) -> None:
    p = tmp_path / "pairs.db"
    with marsad.open(p) as store:
        store.add([_doc(0, "story-pair", "2015-08-01"), _doc(1, "story-pair", "2015-08-02")])
    with LiveServer(create_app(ServeSettings(db=str(p)))) as srv, httpx.Client(base_url=srv.url, timeout=30) as c:
        page = get(c, "/stories")
    assert STORY.findall(page) == ["story-pair"] and 'id="singles"' not in page
