"""The snippet finder stems only the tokens that can hold a wanted stem: its snippets and
highlights must equal those of the plain rule (stem every token), on real articles and on
texts built to trip it (diacritics and tatweel inside words, alef and yeh variants,
presentation forms, Latin capitals, characters normalization expands)."""

from __future__ import annotations

import gzip
import json
import random

import pytest

from marsad.data import corpus_or_skip
from marsad.store import snippet as fast
from marsad.text.segment import tokenize, words
from marsad.text.stem import stem, stems


def reference(text: str, wanted: set[str], *, width: int = 32) -> fast.Snippet:
    """The plain rule: every token stemmed, every window slid over (the former code)."""
    if len(text) > fast._HEAD:
        head = _reference(text[:fast._HEAD], wanted, width=width)
        if head.highlights or not wanted:
            return head
    return _reference(text, wanted, width=width)


def _reference(text: str, wanted: set[str], *, width: int) -> fast.Snippet:
    toks = tokenize(text)
    if not toks:
        return fast.Snippet("")
    hits = [bool(wanted) and t.text[0].isalnum() and stem(t.text) in wanted for t in toks]
    run = sum(hits[:width])
    best, best_i = run, 0
    for i in range(1, max(1, len(toks) - width + 1)):
        run += hits[i + width - 1] - hits[i - 1] if i + width - 1 < len(toks) else -hits[i - 1]
        if run > best:
            best, best_i = run, i
    lo = max(0, best_i - (3 if best_i else 0))
    hi = min(len(toks), best_i + width)  # the whole window after its 3 tokens of context
    start, end = toks[lo].start, toks[hi - 1].end
    piece = text[start:end].replace("\n", " ")
    marks = [(t.start - start, t.end - start) for t, h in zip(toks[lo:hi], hits[lo:hi]) if h]
    prefix = "… " if lo > 0 else ""
    suffix = " …" if hi < len(toks) else ""
    marks = [(s + len(prefix), e + len(prefix)) for s, e in marks]
    return fast.Snippet(prefix + piece + suffix, marks)


def same(text: str, wanted: set[str], width: int = 32) -> None:
    a, b = fast.make_snippet(text, wanted, width=width), reference(text, wanted, width=width)
    assert (a.text, a.highlights) == (b.text, b.highlights), (text[:80], wanted)


TRICKY = [
    "قالت وزارة الدفاع السورية إن المقاتلين انسحبوا من حلب، وأكد الجيش السوري أن سوريا ستبقى.",
    "المُقَاتِلِينَ في سُورِيَا وَبِسُورِيَّة، والمقـــاتلين بالأمس — سوريا.",  # diacritics, tatweel
    "إعلان الأمم المتحدة: آمال، أمل، إمارة ومسؤول ومسئول وعلى وعلي والمدرسة مدرسه",  # letter variants
    "ﷲ أكبر والله أكبر ﻻ لا سوريا ﺳﻮﺭﻳﺎ",  # presentation forms and ligatures (fallback)
    "Reuters reported that İstanbul and ISTANBUL and Istanbul; ΟΔΟΣ Σ σ ς.",  # expanding lower()
    "Saudi ARAMCO aramco Aramco's 2015 ٢٠١٥ ۲۰۱۵ 1.5 ١٫٥ 𝐀𝐁 😀 سوريا",  # digits, astral
    "سوريا\u200fسوريا\u200b وسوريا\u00adبسوريا",  # invisible controls inside and between words
    "",
    "...",
    "سوريا",
]


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_texts_match_the_plain_rule(text: str) -> None:
    vocab = sorted({w for t in TRICKY for w in words(t)})
    for w in vocab:
        for width in (32, 3):
            same(text, set(stems(w)), width)
    same(text, set())
    same(text, {"سوري", "مقاتل"})
    same(text, {"ﷲ"})  # a stem no text can normalize to contain


def test_windows_in_long_texts_match_the_plain_rule() -> None:
    rng = random.Random(3)
    pool = ["سوريا", "حلب", "الجيش", "قال", "في", "من", "المقاتلين", "روسيا", "دمشق", "و", "،", "."]
    for _ in range(300):
        text = " ".join(rng.choice(pool) for _ in range(rng.randint(1, 160)))
        wanted = set(stems(" ".join(rng.sample(pool[:9], rng.randint(1, 3)))))
        same(text, wanted, width=rng.choice([3, 8, 32]))


def test_long_article_past_the_head_matches_the_plain_rule() -> None:
    text = "خبر عادي عن الطقس. " * 500 + "المقاتلين في حلب. " * 3
    assert len(text) > fast._HEAD
    same(text, set(stems("المقاتلين")))
    same(text, set(stems("الطقس")))


def test_the_finder_does_not_stem_every_word() -> None:
    """Only tokens that can hold a wanted stem reach the stemmer (whose cache would
    otherwise grow with every word of every snippet shown)."""
    text = " ".join(f"كلمة{i}" for i in range(400)) + " سوريا"
    before = stem.cache_info()
    fast.make_snippet(text, {"سوري"})
    after = stem.cache_info()
    assert (after.hits + after.misses) - (before.hits + before.misses) < 5


def test_saudinewsnet_articles_match_the_plain_rule() -> None:
    path = corpus_or_skip("saudinewsnet", "articles.jsonl.gz")
    rng = random.Random(11)
    texts = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i % 97 == 0:
                texts.append(json.loads(line).get("content") or "")
            if len(texts) >= 120:
                break
    for k, text in enumerate(texts):
        own = [w for w in words(text) if w[0].isalpha()]
        other = [w for w in words(texts[(k + 1) % len(texts)]) if w[0].isalpha()]
        for pick in (own, other, own + other):
            if pick:
                wanted = set(stems(" ".join(rng.sample(pick, min(3, len(pick))))))
                same(text[:3000], wanted)
                same(text, wanted)


def _demo_texts() -> list[str]:
    from importlib.resources import files

    path = files("marsad") / "resources" / "demo" / "articles.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r.get("text") or "" for r in rows]


def test_demo_articles_match_the_plain_rule() -> None:
    """The packaged demo articles, alone and run together into long texts (hits far apart,
    past the head, in separate islands), with words of their own and of other articles."""
    texts = _demo_texts()
    assert len(texts) >= 10
    rng = random.Random(5)
    joined = [" ".join(texts[i:i + 6]) for i in range(0, len(texts), 6)]
    for k, text in enumerate([*texts, *joined]):
        own = [w for w in words(text) if w[0].isalpha()]
        other = [w for w in words(texts[(k + 1) % len(texts)]) if w[0].isalpha()]
        for pick in (own, other, own + other):
            wanted = set(stems(" ".join(rng.sample(pick, min(3, len(pick))))))
            for width in (32, 8, 3):
                same(text, wanted, width)
        same(text, set())


def test_sparse_hits_in_long_texts_match_the_plain_rule() -> None:
    """Hits a few, or many, tokens apart in long texts of short and long words, so that
    some are read in islands of their own and some are reached by reading on."""
    rng = random.Random(8)
    short = ["في", "من", "و", "،", ".", "قال", "عن"]
    long = ["المستشفيات", "والمفاوضات", "https://example.com/a/b/c/d/e/f", "الاستثنائية", "2026-01-02"]
    for _ in range(200):
        filler = short if rng.random() < 0.5 else short + long
        parts = []
        for _ in range(rng.randint(1, 12)):
            parts += [rng.choice(filler) for _ in range(rng.choice([0, 1, 5, 20, 33, 34, 35, 60, 300]))]
            parts.append(rng.choice(["سوريا", "بسوريا", "حلب", "وحلب،"]))
        parts += [rng.choice(filler) for _ in range(rng.randint(0, 40))]
        text = " ".join(parts)
        for wanted in ({"سوري"}, {"حلب"}, {"سوري", "حلب"}):
            same(text, wanted, width=rng.choice([3, 8, 32]))


def test_far_apart_hits_are_found_without_reading_between_them() -> None:
    """Two hits thousands of tokens apart: the tokens between them are not all read (the
    spans :func:`snippet._islands` returns are far fewer than the text's tokens), and the
    snippet is still the plain rule's."""
    text = "سوريا " + "خبر عادي عن الطقس " * 800 + "سوريا وحلب " + "خبر آخر " * 10
    wanted = {"سوري", "حلب"}
    matches = [(m.start(1), m.end(1)) for m in fast._stem_finder(frozenset(wanted)).finditer(text)]
    spans, candidates, n = fast._islands(text, matches, 32)
    assert len(spans) < len(tokenize(text)) // 10
    assert n > len(spans)
    assert [text[spans[i][0]:spans[i][1]] for i in candidates] == ["سوريا", "سوريا", "وحلب"]
    same(text, wanted)
    same(text, {"حلب"}, 3)
    same(text[:fast._HEAD], {"حلب"})


def test_the_word_an_article_was_found_by_is_in_its_snippet():
    """A window after the lead ends on its last hit; shifting it back for context once cut
    that hit off (18% of search snippets on 30k SaudiNewsNet articles showed no hit)."""
    text = " ".join(["قال"] * 100 + ["الحوثيين"] + ["أمس"] * 50)
    sn = fast.make_snippet(text, {stem("الحوثيين")}, width=32)
    assert [sn.text[s:e] for s, e in sn.highlights] == ["الحوثيين"]
    shown = sn.text.removeprefix("… ").removesuffix(" …").split()
    assert len(shown) == 32 + 3 and shown[-1] == "الحوثيين"  # the window and 3 tokens before it
