"""Did it happen? The status of a trigger from the cues that govern it.

A cue governs a trigger when it comes before it in the same clause (a comma, a full stop
or a connective such as بينما / حيث / بعد أن closes a clause) within a few words; future
markers (المقبل، غدا) may also follow it. The future prefix س and the purpose لـ on the
trigger itself count too. Precedence when several apply: denied (نفى) > negated (a negation
particle) > hypothetical (مخاوف من، قد، ربما) > threatened (هدد، a first-person future under a condition) > claimed (زعم، اتهم) > planned
(خطط، يعتزم، سوف، دعا إلى، إذا ...) > occurred.
"""

from __future__ import annotations

from marsad.analyze.events.scan import Match
from marsad.analyze.events.view import SentenceView

WINDOW = 10  # words a plan/threat cue reaches forward
NEG_WINDOW = 3  # negation particles govern only what follows closely
_NOT_NEGATION_AFTER = {"يزال", "تزال", "زال", "زالت", "يزالون", "بد", "سيما", "شك", "ريب", "تزالان"}

# "negated" (لم يسقط قتلى، لن تفرض عقوبات) and "hypothetical" (مخاوف من هجمات، قد يؤدي)
# are not statuses of an event: the coder drops such triggers, as the field guideline
# says nothing that did not or will not happen is coded.
NOT_EVENTS = frozenset({"negated", "hypothetical"})
_ORDER = ("denied", "negated", "hypothetical", "threatened", "claimed", "planned")


def _governs(v: SentenceView, cue: Match, m: Match, window: int) -> bool:
    if cue.last >= m.first or m.first - cue.last > window:
        return False
    return v.clause_start[m.first] <= cue.first


# verbs of happening: «لم يقع هجوم، لم تسجل أي اشتباكات، لم يتم اعتقال» negate the event itself
_HAPPEN_VERBS = frozenset({
    "يقع", "تقع", "وقع", "وقعت", "يحدث", "تحدث", "حدث", "حدثت", "يسجل", "تسجل", "سجل", "سجلت", "يتم", "تتم",
    "تم", "يجر", "تجر", "يشهد", "تشهد", "يكن", "تكن", "يكون", "تكون", "يعد", "يحصل", "تحصل", "يرد", "ترد",
    "يطلق", "تطلق", "تعد", "يوجد", "توجد", "يصدر", "تصدر", "يجري", "تجري",
})


def _negates(v: SentenceView, cue: Match, m: Match) -> bool:
    """A negation particle negates the word right after it. The trigger is negated when it is
    that word, when it follows a verb of happening («لم يقع هجوم»), or when it is the object
    of «أي» (any); «لم يسفر الهجوم عن قتلى» negates the toll, not the attack."""
    nxt = cue.last + 1
    if m.first == nxt:
        return True
    between = [k for k in range(nxt, m.first) if v.is_word(k)]
    if not between:
        return True
    first = v.raw(between[0]).lstrip("وف")
    if first in _HAPPEN_VERBS or v.raw(between[0]) in _HAPPEN_VERBS:
        return True
    if any(v.raw(k) in ("اي", "ايه") for k in between):
        return True
    # عدم / دون / بدون + a verbal noun governs its own complement
    return cue.first == cue.last and v.raw(cue.first) in ("عدم", "دون", "بدون", "بلا") and len(between) <= 1


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
            if _negates(v, cue, m):
                found.add("negated")
    for cue in v.group("cue:hypothetical"):
        if _governs(v, cue, m, WINDOW):
            found.add("hypothetical")
    if m.kind == "impf" and any(v.raw(k) in ("قد", "وقد") for k in range(max(0, m.first - 2), m.first)):
        found.add("hypothetical")  # قد + imperfect: may happen (قد + perfect: has happened)
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
