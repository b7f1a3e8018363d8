"""Did it happen? The status of a trigger from the cues that govern it.

A cue governs a trigger when it comes before it in the same clause (a comma, a full stop
or a connective such as بينما / حيث / بعد أن closes a clause) within a few words; future
markers (المقبل، غدا) may also follow it. The future prefix س and the purpose لـ on the
trigger itself count too. Precedence when several apply: denied (نفى، a negation) >
threatened (هدد، a first-person future under a condition) > claimed (زعم، اتهم) > planned
(خطط، يعتزم، سوف، دعا إلى، إذا ...) > occurred.
"""

from __future__ import annotations

from marsad.analyze.events.scan import Match
from marsad.analyze.events.view import SentenceView

WINDOW = 10  # words a plan/threat cue reaches forward
NEG_WINDOW = 3  # negation particles govern only what follows closely
_NOT_NEGATION_AFTER = {"يزال", "تزال", "زال", "زالت", "يزالون", "بد", "سيما", "شك", "ريب", "تزالان"}

_ORDER = ("denied", "threatened", "claimed", "planned")


def _governs(v: SentenceView, cue: Match, m: Match, window: int) -> bool:
    if cue.last >= m.first or m.first - cue.last > window:
        return False
    return v.clause_start[m.first] <= cue.first


def status_of(v: SentenceView, m: Match) -> tuple[str, bool]:
    """(status, purpose_only): purpose_only is True when the only reason for 'planned' is a
    purpose لـ on the trigger (so it may join an occurred event of its sentence)."""
    found: set[str] = set()
    for cue in v.group("cue:deny"):
        if _governs(v, cue, m, WINDOW):
            found.add("denied")
    for cue in v.group("cue:negation"):
        if _governs(v, cue, m, NEG_WINDOW):
            nxt = v.raw(cue.last + 1)
            if nxt in _NOT_NEGATION_AFTER or (v.base(cue.last + 1) in _NOT_NEGATION_AFTER):
                continue
            found.add("denied")
    for cue in v.group("cue:threat"):
        if _governs(v, cue, m, WINDOW):
            found.add("threatened")
    for name in ("cue:claim", "cue:accuse"):
        for cue in v.group(name):
            if _governs(v, cue, m, WINDOW):
                found.add("claimed")
    # a condition before the trigger (إذا فشلت المفاوضات فإن الجيش سيشن ...) or right after it
    # (سنقاتلهم إذا دخلوا): the sentence-level reading, up to two clauses away
    conditional = any(
        (c.last < m.first and m.first - c.last <= 2 * WINDOW) or (c.first > m.last and c.first - m.last <= 4)
        for c in v.group("cue:condition")
    )
    for name in ("cue:plan", "cue:request"):
        for cue in v.group(name):
            if _governs(v, cue, m, WINDOW):
                found.add("planned")
    for cue in v.group("cue:future"):
        if _governs(v, cue, m, WINDOW) or (
            cue.first > m.last and cue.first - m.last <= 4 and v.clause_start[cue.first] <= m.first
        ):
            found.add("planned")
    future_prefix = "س" in m.pre and m.kind == "impf"
    first_person = m.kind == "impf" and v.raw(m.first).lstrip("وف").lstrip("س")[:1] == "ن"
    if future_prefix:
        found.add("threatened" if (first_person and conditional) else "planned")
    elif conditional:
        found.add("threatened" if first_person else "planned")
    purpose_only = False
    if not found and m.kind == "impf" and "ل" in m.pre.lstrip("وف"):
        found.add("planned")
        purpose_only = True
    for s in _ORDER:
        if s in found:
            return s, purpose_only
    return "occurred", False
