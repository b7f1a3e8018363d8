"""Reported speech: who reports an event ("قالت الرسالة إن ..."، "أعلنت القوات ..."،
"بحسب وكالة ...")? The event is what is reported; the reporter is kept beside it."""

from __future__ import annotations

from dataclasses import dataclass

from marsad.analyze.events.actors import NP, np_at, np_before
from marsad.analyze.events.forms import analyses
from marsad.analyze.events.scan import Match
from marsad.analyze.events.view import COMPLEMENTIZERS, SentenceView

_PRONOUN_COMPS = {"انه", "انها", "انهم", "بانه", "بانها", "بانهم", "لانه"}
_SKIP_AFTER_VERB = {"به", "بها", "له", "لها", "لهم", "عن", "امس", "اليوم"}


@dataclass
class Report:
    cue: Match
    reporter: NP
    verb: bool  # a reporting verb (vs. بحسب X)
    comp: int | None  # index of the complementizer after the reporter, if any


def find_reports(v: SentenceView, heads: set[int]) -> list[Report]:
    out: list[Report] = []
    for cue in v.group("cue:report"):
        k = cue.last + 1
        while k < len(v.toks) and v.is_word(k) and (v.raw(k) in _SKIP_AFTER_VERB or v.is_time(k)):
            k += 1
        np = np_at(v, k, trigger_heads=heads)
        if np is None:
            np = np_before(v, cue.first, trigger_heads=heads)
            if np is not None and np.cls in (None, "victim"):
                np = None
        if np is None:
            continue
        comp = None
        for j in range(max(np.last, cue.last) + 1, min(len(v.toks), np.last + 8)):
            if v.raw(j) in COMPLEMENTIZERS:
                comp = j
                break
        out.append(Report(cue, np, True, comp))
    for cue in v.group("cue:report-prep"):
        k = cue.last + 1
        if k < len(v.toks) and v.raw(k) in ("ل", "لما", "عن"):
            k += 1
        while k < len(v.toks) and v.is_word(k) and (v.raw(k) in _SKIP_AFTER_VERB or v.cue_at("report", k)):
            k += 1
        np = np_at(v, k, trigger_heads=heads)
        if np is None and v.is_word(k):  # وفقا لصحيفة اكسبريس: the clitic ل sits on the noun
            np = _np_without_lam(v, k, heads)
        if np is not None:
            out.append(Report(cue, np, False, None))
    return out


def _np_without_lam(v: SentenceView, k: int, heads: set[int]) -> NP | None:
    if not v.has_proclitic(k, "ل"):
        return None
    last = k
    j = k + 1
    while j < len(v.toks) and j - k < 4 and v.is_word(j) and not v.is_stop(j) and j not in v.verb_at:
        last = j
        j += 1
    return NP(k, last, False, "document", None)


def reporter_for(v: SentenceView, reports: list[Report], m: Match) -> Report | None:
    """The report governing trigger m: the nearest reporting verb before it (the trigger
    after its reporter; without إن/أن only in the same clause: كشفت وثائق عن خطط ...، حيث
    ... is the writer's own), else a following one or a بحسب X anywhere in the sentence."""
    before = [r for r in reports if r.verb and r.reporter.last < m.first and r.cue.first < m.first
              and (r.comp is not None or v.segment[r.cue.first] == v.segment[m.first])]
    if before:
        return max(before, key=lambda r: r.cue.first)
    after = [r for r in reports if r.verb and r.cue.first > m.last]
    if after:
        return min(after, key=lambda r: r.cue.first)
    prep = [r for r in reports if not r.verb and not (r.reporter.first <= m.first <= r.reporter.last)]
    return prep[0] if prep else None


def pronoun_subject(v: SentenceView, r: Report, m: Match) -> bool:
    """'أعلن الجيش أنه قتل ...': the complementizer's pronoun is the reporter."""
    return r.comp is not None and v.raw(r.comp) in _PRONOUN_COMPS and 0 < m.first - r.comp <= 2


def possessive_of_reporter(v: SentenceView, np: NP) -> bool:
    """'قال الجيش إن قواته قتلت ...': a one-word agent with a possessive pronoun."""
    if np.first != np.last:
        return False
    a = v.agent_at.get(np.first)
    if not a or a[0] not in ("military", "police", "armed"):
        return False
    return any(enc in ("ه", "ها", "هم") for _, _, enc in analyses(v.raw(np.first)))
