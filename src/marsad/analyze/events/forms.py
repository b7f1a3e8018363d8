"""Arabic word forms for trigger matching: inflect a lexicon entry, peel clitics off a token.

The lexicon lists a verb by its perfect and imperfect third-person forms (``قتل/يقتل``) and
a noun by its singular (``هجوم*``); :func:`verb_forms` and :func:`noun_forms` derive the
regular inflections. At match time :func:`analyses` peels the clitics Arabic attaches
(و ف, ب ل ك س, ال, and attached pronouns) so that ``وبالهجمات`` or ``فقتلوهم`` meet the
same index entries. Everything works on :func:`normalize_for_match` output.
"""

from __future__ import annotations

from functools import lru_cache

from marsad.text.normalize import normalize_for_match

# kinds of indexed forms: which clitics each may carry
PERF, IMPF, NOUN, LIT = "perf", "impf", "noun", "lit"

_ENCLITICS = ("هما", "كما", "هم", "هن", "ها", "كم", "كن", "نا", "ني", "ه", "ك")
_CONJ = "وف"
_PREP = "بلكس"


@lru_cache(maxsize=100_000)
def norm(token: str) -> str:
    return normalize_for_match(token)


def verb_forms(perfect: str, imperfect: str) -> dict[str, str]:
    """Surface forms (normalized, without clitics) of a verb, mapped to PERF or IMPF."""
    out: dict[str, str] = {}
    p = norm(perfect)
    if p:
        forms = {p, p + "ت", p + "وا", p + "و", p + "ا", p + "تا", p + "ن", p + "نا", p + "تم", p + "تما"}
        if p.endswith(("ي", "ا")) and len(p) >= 3:  # رمى → رمت رموا, دعا → دعت دعوا
            b = p[:-1]
            forms |= {b + "ت", b + "وا", b + "و", b + "تا", b + "يا", b + "وت"}
        for f in forms:
            out[f] = PERF
    i = norm(imperfect)
    if i:
        core = i[1:] if i[0] in "يتنا" else i
        for pre in "يتنا":
            out.setdefault(pre + core, IMPF)
        for pre in "يت":
            stems = [pre + core]
            if core.endswith(("ي", "و", "ا")):
                stems.append(pre + core[:-1])
            for s in stems:
                for suf in ("ون", "وا", "و", "ان", "ا", "ين", "ن"):
                    out.setdefault(s + suf, IMPF)
    return out


def noun_forms(singular: str) -> set[str]:
    """Regular inflections of a noun or participle: feminine/sound plurals, duals,
    accusative alif, construct forms (before a pronoun or genitive)."""
    n = norm(singular)
    if not n:
        return set()
    forms = {n}
    if n.endswith("ه") and len(n) >= 3:
        b = n[:-1]
        forms |= {b + "ات", b + "ت", b + "تان", b + "تين", b + "تا", b + "تي"}
    else:
        forms |= {n + "ا", n + "ات", n + "ان", n + "ين", n + "ون", n + "و"}
        if n.endswith("ي"):  # nisba: انتحاري → انتحاريه انتحاريون
            forms |= {n + "ه", n + "ات", n + "تين", n + "تان"}
        if n.endswith("ا") and len(n) >= 4:  # مقتلا? keep the bare too
            forms.add(n[:-1])
    return forms


@lru_cache(maxsize=200_000)
def analyses(tok: str) -> tuple[tuple[str, str, str], ...]:
    """All (base, proclitics, enclitic) readings of a normalized token, the token itself
    first. Proclitics are returned as a string of the letters peeled, ``ال`` as 'A'."""
    out: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()

    def add(base: str, pre: str) -> None:
        if (base, pre) in seen or len(base) < 2:
            return
        seen.add((base, pre))
        out.append((base, pre, ""))

    add(tok, "")
    stage1 = [(tok, "")]
    if (len(tok) > 3 or (len(tok) == 3 and tok[0] == "و")) and tok[0] in _CONJ:
        stage1.append((tok[1:], tok[0]))  # وحث، وشن: و on a two-letter verb too
    stage2 = list(stage1)
    for x, p in stage1:
        if len(x) > 3 and x[0] in _PREP:
            stage2.append((x[1:], p + x[0]))
    for x, p in stage2:
        add(x, p)
        if x.startswith("ال") and len(x) > 3:
            add(x[2:], p + "A")
        elif x.startswith("لل") and len(x) > 3 and "ل" not in p:
            add(x[2:], p + "لA")
    # attached pronouns on every proclitic reading (not on the definite ones)
    for base, pre, _ in list(out):
        if "A" in pre:
            continue
        for enc in _ENCLITICS:
            if base.endswith(enc) and len(base) - len(enc) >= 3:
                b = base[: -len(enc)]
                if (b, pre + "+" + enc) not in seen:
                    seen.add((b, pre + "+" + enc))
                    out.append((b, pre, enc))
    return tuple(out)


def compatible(kind: str, pre: str, enc: str) -> bool:
    """May a form of this kind carry these clitics? (ال and ب never go on a verb, س only on
    an imperfect, a perfect takes only و/ف.)"""
    if not pre:
        return True
    core = pre.lstrip(_CONJ)
    if not core:
        return True
    if kind == PERF:
        return False
    if kind == IMPF:
        return core in ("س", "ل")
    if "س" in core:
        return False
    return not (enc and "A" in core)
