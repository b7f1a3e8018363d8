"""The event coder: from an Analysis (sentences, tokens, and NER/linking output when
present) to PLOVER events.

Per sentence: scan the lexicon, filter triggers (stop patterns, weak triggers without
context, metaphor-prone triggers in sport/culture/tech/health sentences), recode riots,
decide each trigger's status, actors, reporter, location and date, and group the triggers
of one type and status that share an actor into one event. Per document: merge the same
event told in several sentences (merge.py).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field

from marsad.analyze.events import attribution, merge
from marsad.analyze.events.actors import NP, assign
from marsad.analyze.events.casualties import Casualties, casualties
from marsad.analyze.events.context import DocContext
from marsad.analyze.events.forms import IMPF, PERF, analyses, norm
from marsad.analyze.events.lexicon import Lexicon, default_lexicon
from marsad.analyze.events.roles import RoleModel, TriggerInfo, default_role_model
from marsad.analyze.events.rowcheck import RowCheck, default_row_check
from marsad.analyze.events.scan import Match, make_tokens, scan
from marsad.analyze.events.status import NOT_EVENTS, status_of
from marsad.analyze.events.typesense import Reading, TypeSense, default_type_sense
from marsad.analyze.events.view import SentenceView
from marsad.analyze.events.when import PAST_STATUSES as PAST
from marsad.analyze.events.when import LazyDates, date_of, is_background
from marsad.analyze.events.where import where_of
from marsad.model import Analysis, Event

MODE_RANK = {
    m: i for i, m in enumerate((
        "suicide-attack", "explosives", "aerial", "heavy-weapons", "firearms", "assassinate",
        "abduct", "execute", "torture", "sexual", "beat", "primitive", "destroy",
        "strike-hun", "strike-gen", "strike-lim", "riot", "obstruct", "boycott", "demo",
    ))
}
TYPE_WEIGHT = {"ASSAULT": 0.12, "PROTEST": 0.14, "COERCE": 0.04}
PROTESTER_NOUNS = ("متظاهر", "محتج", "معتصم", "مضرب")


@dataclass
class Trigger:
    m: Match
    type: str
    mode: str | None
    flags: str
    status: str = "occurred"
    purpose_only: bool = False
    source: NP | None = None
    target: NP | None = None
    report: attribution.Report | None = None
    rule_source: NP | None = None  # the rules' source, before the role model chose

    @property
    def verbal(self) -> bool:
        return self.m.kind in (PERF, IMPF)


@dataclass
class Group:
    type: str
    status: str
    triggers: list[Trigger] = field(default_factory=list)


# --- trigger filtering ---------------------------------------------------------------------

def _apply_stops(v: SentenceView, trigs: list[Trigger]) -> list[Trigger]:
    stops = v.group("stop")
    if not stops:
        return trigs
    out = []
    for t in trigs:
        keep = True
        for s in stops:
            if not (s.first <= t.m.first <= s.last or s.first <= t.m.last <= s.last):
                continue
            action = s.pat.ptype or "drop"
            if action == "drop":
                keep = False
            elif action.startswith("drop:"):
                if t.type in action[5:].split(","):
                    keep = False
            else:
                typ, _, mode = action.partition("/")
                if t.type != typ:
                    t.type, t.mode, t.flags = typ, mode or None, "s"
        if keep:
            out.append(t)
    return out


def _filter(v: SentenceView, trigs: list[Trigger], context_types: frozenset[str]) -> list[Trigger]:
    """``context_types``: the "cue:context TYPE" groups of the lexicon; a weak trigger of
    such a TYPE needs its context cue in the sentence."""
    domain = any(g.startswith("cue:domain") for g in v.by_group)
    out = []
    for t in trigs:
        span = (t.m.first, t.m.last)
        own = {t.m.first, t.m.last}
        if "w" in t.flags and t.m.kind in ("noun", "lit") and v.has_proclitic(t.m.first, "لك"):
            continue  # مصنع للقنابل: a weak noun governed by a preposition reports nothing
        if "w" in t.flags:
            ctx = "cue:context " + t.type
            if ctx in context_types and not v.has(ctx, exclude=own):
                continue
        if domain and ("m" in t.flags or ("w" in t.flags and t.type in ("ASSAULT", "PROTEST"))) \
                and not v.has("cue:hard", outside=span):
            continue
        if t.type == "ASSAULT" and t.mode not in _WEAPON_MODES and v.has("cue:accident") and not _violent(v, span):
            continue  # تحطم طائرة، عاصفة، حادث سير: deaths without an attacker
        if "w" in t.flags and t.type == "ASSAULT" and t.m.kind in ("noun", "lit") and t.m.first == t.m.last \
                and ("A" in t.m.pre or v.raw(t.m.first).lstrip("وف").startswith("ال")):
            continue  # الجرحى، الضحايا، الصواريخ: the definite noun refers back, it reports nothing
        if "P" in t.flags and t.type == "ASSAULT" and v.has("cue:context PROTEST", exclude=own):
            t.type, t.mode = "PROTEST", "riot" if t.mode in (None, "primitive", "destroy") else t.mode
        out.append(t)
    # one trigger per head word and type: the longest match
    best: dict[tuple[int, str], Trigger] = {}

    def rank(t: Trigger) -> tuple[int, bool]:
        # أصيب is the passive perfect far more often than «I hit» (a first-person imperfect)
        first_person = t.m.kind == IMPF and v.raw(t.m.first).lstrip("وف")[:1] == "ا"
        return (t.m.last - t.m.first, not first_person)

    for t in out:
        k = (t.m.first, t.type)
        if k not in best or rank(t) > rank(best[k]):
            best[k] = t
    kept = list(best.values())
    # drop a trigger inside a longer one of the same type (اطلاق النار inside فتح النار)
    final = []
    for t in kept:
        inner = any(
            o is not t and o.type == t.type and o.m.first <= t.m.first and t.m.last <= o.m.last
            and (o.m.last - o.m.first) > (t.m.last - t.m.first)
            for o in kept
        )
        if not inner:
            final.append(t)
    return sorted(final, key=lambda t: t.m.first)


_WEAPON_MODES = frozenset({"explosives", "firearms", "heavy-weapons", "aerial", "suicide-attack", "assassinate",
                           "execute", "abduct", "torture", "sexual"})
_CASUALTY_WORDS = frozenset({"قتلي", "قتيل", "قتيلا", "قتيلين", "جرحي", "جريح", "جريحا"})


def _violent(v: SentenceView, span: tuple[int, int] | None) -> bool:
    """A hard-violence cue other than a casualty count (accidents have casualties too)."""
    for c in v.group("cue:hard"):
        if span and not (c.last < span[0] or c.first > span[1]):
            continue
        if v.base(c.first) not in _CASUALTY_WORDS:
            return True
    return False
_NAME_TYPES = ("ORG", "PER", "LOC")
# types an analyst codes even when the text names no actor (an explosion, a protest, arrests)
# what these govern (تدين الهجوم، دعا إلى الإفراج) is someone else's act
_SPEECH_TYPES = frozenset({"ACCUSE", "SUPPORT", "REJECT", "REQUEST", "THREATEN"})
# types whose rows carry a toll (ACLED counts fatalities of violence and of riots)
_TOLL_TYPES = frozenset({"ASSAULT", "PROTEST"})
_NO_TOLL = Casualties()
_ACTORLESS_OK = frozenset({"ASSAULT", "PROTEST", "COERCE", "MOBILIZE", "SANCTION", "AID", "RETREAT"})


def _inside_name(v: SentenceView, m: Match) -> bool:
    """مكتب التحقيقات الفيدرالي، قوات الدعم السريع، مجلس التعاون: a trigger word inside a
    multi-word name that NER found names an organization, not an act."""
    men = v.mention_at(m.first)
    if men is None or men.type not in _NAME_TYPES:
        return False
    tok = v.toks[m.first]
    return men.start < tok.start or men.end > tok.end


_PREPS_BEFORE_MASDAR = {"علي", "في", "من", "الي", "عن", "بعد", "قبل", "اثر", "عقب", "جراء", "بسبب", "منذ"}


def _masdar(v: SentenceView, m: Match) -> Match:
    """قتل after a preposition (على قتل أعداء الله) is the verbal noun, not the verb."""
    if m.kind == PERF and m.first > 0 and v.raw(m.first - 1) in _PREPS_BEFORE_MASDAR:
        return m._replace(kind="noun")
    return m


def _claims_responsibility(v: SentenceView, m: Match) -> bool:
    k = m.first - 1
    if k >= 1 and v.raw(k) == "عن":
        k -= 1
    return k >= 0 and v.base(k).startswith(("مسؤوليه", "مسؤوليت"))


# --- grouping -----------------------------------------------------------------------------

def _np_words(v: SentenceView, np: NP | None) -> set[str]:
    if np is None:
        return set()
    return {v.base(i) for i in range(np.first, np.last + 1) if v.is_word(i) and len(v.base(i)) > 2}


def _compatible(v: SentenceView, a: NP | None, b: NP | None) -> bool:
    if a is None or b is None or a.fallback or b.fallback or a.overlaps(b):
        return True
    if a.mention and b.mention and a.mention.entity_id and b.mention.entity_id:
        return a.mention.entity_id == b.mention.entity_id
    return bool(_np_words(v, a) & _np_words(v, b))


def _same_actor(v: SentenceView, a: NP | None, b: NP | None) -> bool:
    return (a is not None and b is not None and not a.fallback and not b.fallback
            and _compatible(v, a, b))


def _group(v: SentenceView, trigs: list[Trigger]) -> list[Group]:
    groups: list[Group] = []
    occurred_types = {t.type for t in trigs if t.status == "occurred"}
    for t in trigs:
        status = t.status
        if t.purpose_only and t.type in occurred_types:
            status = "occurred"
        for g in groups:
            if g.type == t.type and g.status == status and all(
                # the rules' sources decide the grouping: the role model only chooses the roles
                _compatible(v, o.rule_source, t.rule_source)
                and (v.segment[o.m.first] == v.segment[t.m.first] or _same_actor(v, o.rule_source, t.rule_source))
                for o in g.triggers
            ):
                g.triggers.append(t)
                break
        else:
            groups.append(Group(t.type, status, [t]))
    return groups


def _primary(g: Group) -> Trigger:
    def key(t: Trigger) -> tuple:
        grammatical = t.source is not None and not t.source.fallback
        return (t.verbal and grammatical, grammatical, "w" not in t.flags, t.verbal, -t.m.first)
    return max(g.triggers, key=key)


def _best(g: Group, p: Trigger, attr: str, avoid: NP | None = None) -> NP | None:
    """The primary's actor, else the first found by grammar, else any."""
    vals = [getattr(p, attr)] + [getattr(t, attr) for t in g.triggers if t is not p]
    vals = [x for x in vals if x is not None and not x.overlaps(avoid)]

    def rank(x: NP) -> int:
        known = x.cls not in (None, "victim", "document") or x.mention is not None
        if attr == "target":
            return 0 if not x.fallback else 1
        if not x.fallback and known:
            return 0
        if not x.fallback and g.type == "PROTEST":
            return 1  # تظاهر مئات الأشخاص: the verb's own subject beats a nearby protester noun
        if x.fallback and known:
            return 1
        return 2 if not x.fallback else 3
    return min(vals, key=rank) if vals else None


# --- the coder -------------------------------------------------------------------------------

class EventCoder:
    def __init__(self, lexicon: Lexicon | None = None, roles: RoleModel | None | bool = True,
                 rowcheck: RowCheck | None | bool = True, typesense: TypeSense | None | bool = True) -> None:
        """``roles``: the role model, ``rowcheck``: the last check of each row, ``typesense``:
        the trigger-sense chooser (True: the shipped one; None/False: the rules alone)."""
        self.lex = lexicon or default_lexicon()
        self.typesense: TypeSense | None = default_type_sense() if typesense is True else (typesense or None)
        self.type_observer: Callable[..., None] | None = None  # training: called with (ctx, v, [Reading]) before the sense is chosen
        self.roles: RoleModel | None = default_role_model() if roles is True else (roles or None)
        self.rowcheck: RowCheck | None = default_row_check() if rowcheck is True else (rowcheck or None)
        # training: called with (ctx, v, trigger, TriggerInfo)
        self.role_observer: Callable[[DocContext, SentenceView, Trigger, TriggerInfo], None] | None = None
        self.context_types = frozenset(
            p.group for p in self.lex.patterns if p.group.startswith("cue:context "))
        # first words of trigger patterns: a sentence with none of them has no event to code
        self._sport_forms = frozenset(
            form for form, hits in self.lex.index.items()
            if any(self.lex.patterns[pid].group == "cue:domain sport" and len(self.lex.patterns[pid].tokens) == 1
                   for pid, _ in hits)
        )
        self._trigger_first = frozenset(
            form for form, hits in self.lex.index.items()
            if any(self.lex.patterns[pid].group == "trigger" for pid, _ in hits)
        )

    SPORT_DENSITY = 0.06  # share of words that are sport cues; sport articles measured 0.07-0.17
    SPORT_MIN = 4

    def _is_sport_doc(self, tokens) -> bool:
        hits = words = 0
        memo = self._memo
        for t in tokens:
            kind = memo.get(t.text)
            if kind is None:
                kind = self._token_kind(t.text)
            if kind & 1:
                words += 1
                if kind & 2:
                    hits += 1
        return hits >= self.SPORT_MIN and hits >= self.SPORT_DENSITY * words

    def _may_have_trigger(self, toks_slice) -> bool:
        memo = self._memo
        for t in toks_slice:
            kind = memo.get(t.text)
            if kind is None:
                kind = self._token_kind(t.text)
            if kind & 4:
                return True
        return False

    @property
    def _memo(self) -> dict[str, int]:
        """Token text -> its :meth:`_token_kind` bits, remembered per coder (both answers
        depend on the text alone and the lexicon's forms, fixed when the coder is built)."""
        memo = self.__dict__.get("_token_kinds")
        if memo is None or len(memo) > 200_000:
            memo = self.__dict__["_token_kinds"] = {}
        return memo

    def _token_kind(self, text: str) -> int:
        """1: a word (counted by :meth:`_is_sport_doc`); 2: a word with a reading that is a
        sport cue; 4: a reading that can begin a trigger (:meth:`_may_have_trigger`)."""
        readings = analyses(norm(text))
        kind = 0
        if text[:1].isalnum():
            kind = 1
            if any(base in self._sport_forms for base, _pre, _enc in readings):
                kind |= 2
        if any(base in self._trigger_first for base, _pre, _enc in readings):
            kind |= 4
        self._memo[text] = kind
        return kind

    def sentence_view(self, ctx: DocContext, analysis: Analysis, si: int, toks_slice) -> SentenceView:
        toks = make_tokens([(t.start, t.end, t.text) for t in toks_slice])
        s = analysis.sentences[si]
        return SentenceView(si, toks, scan(toks, self.lex), ctx.mentions_in(s.start, s.end),
                            known=self.lex.words)

    def code_sentence(self, ctx: DocContext, v: SentenceView, dates: LazyDates,
                      sent_start: int, sent_end: int) -> list[Event]:
        trigs = [Trigger(_masdar(v, m), m.pat.ptype or "", m.pat.mode, m.pat.flags) for m in v.group("trigger")]
        if not trigs:
            return []
        trigs = [t for t in _filter(v, _apply_stops(v, trigs), self.context_types) if not _inside_name(v, t.m)]
        if self.typesense is not None or self.type_observer is not None:
            trigs = self._choose_senses(ctx, v, trigs)
        if not trigs:
            return []
        heads = {t.m.first for t in trigs}
        reports = attribution.find_reports(v, heads)
        reporter_nps = [r.reporter for r in reports]
        for r in reports:  # the words between a reporting verb and its إن are not actors
            if r.verb and r.comp is not None and r.comp > r.reporter.last + 1:
                reporter_nps.append(NP(r.reporter.last + 1, r.comp - 1))
        for t in trigs:
            t.status, t.purpose_only = status_of(v, t.m)
            t.source, t.target = assign(v, t.m, t.type, heads, reporter_nps)
            t.report = attribution.reporter_for(v, reports, t.m)
            if t.report is not None:
                if (t.verbal and attribution.pronoun_subject(v, t.report, t.m)) or (
                    t.source is not None and attribution.possessive_of_reporter(v, t.source)
                ):
                    t.source = t.report.reporter
                if t.source is not None and t.source.overlaps(t.report.reporter) and not t.verbal:
                    t.source = None
                if t.report.verb and _claims_responsibility(v, t.m):
                    t.source = t.report.reporter  # أعلنت الجماعة مسؤوليتها عن خطف ...
            if t.type == "ASSAULT" and t.m.enc in ("ه", "ها", "هم") and not t.verbal and t.target is None:
                # هزيمتها / مقتله: the pronoun is the victim, its antecedent the nearest actor before
                if t.source is not None and t.source.fallback and t.source.last < t.m.first:
                    t.target, t.source = t.source, None
                if t.source is None and t.report is not None and t.report.verb and \
                        t.report.reporter.cls in ("military", "armed", "police", "group", "state"):
                    t.source = t.report.reporter
            if t.type == "PROTEST" and any(p in v.raw(t.m.first) for p in PROTESTER_NOUNS):
                t.source = NP(t.m.first, t.m.first, False, "protester", "CVL", fallback=True)
        trigs = [t for t in trigs if t.status not in NOT_EVENTS]
        if ctx.sport and not (v.has("cue:context COERCE") or _violent(v, None)):
            # sport news: matches, clubs and federations are not political actors; arrests,
            # raids and violence reported in it still are
            trigs = [t for t in trigs if t.type in ("COERCE", "PROTEST") or (t.type == "ASSAULT" and "m" not in t.flags)]
        if not trigs:
            return []
        requests = [t for t in trigs if t.type == "REQUEST" and t.source is not None and not t.source.fallback]
        for t in trigs:  # دعا الاتحاد إلى الإضراب: the caller is the planned protest's source
            if t.status == "planned" and (t.source is None or t.source.fallback):
                before = [r for r in requests if r.m.first < t.m.first]
                if before:
                    t.source = before[-1].source
        for t in trigs:  # اتفق البلدان على تبادل المعلومات: a verbal noun governed by an earlier
            # trigger of its clause shares that trigger's subject
            if t.source is None and not t.verbal:
                gov = [o for o in trigs if o.m.first < t.m.first and o.verbal and o.source is not None
                       and o.type not in _SPEECH_TYPES
                       and not o.source.fallback and v.segment[o.m.first] == v.segment[t.m.first]
                       and not o.source.overlaps(t.target)]
                if gov:
                    t.source = gov[-1].source
        for t in trigs:
            t.rule_source = t.source
        if self.roles is not None or self.role_observer is not None:
            for t in trigs:
                victims = frozenset((o.target.first, o.target.last) for o in trigs
                                    if o.type == t.type and o.target is not None)
                info = TriggerInfo(t.m, t.type, frozenset(heads), t.source, t.target,
                                   t.report.reporter if t.report is not None else None, bool(ctx.mentions),
                                   victims)
                if self.role_observer is not None:
                    self.role_observer(ctx, v, t, info)
                if self.roles is not None:
                    t.source, t.target = self.roles.choose(v, info)
        events = []
        for g in _group(v, trigs):
            if g.type not in _ACTORLESS_OK and not any(
                    t.rule_source is not None and t.rule_source.cls != "victim" for t in g.triggers) \
                    and not any(t.report is not None for t in g.triggers):
                continue  # a meeting, call or agreement with no identifiable actor is not codeable
            if g.status in PAST and is_background(dates, v, _primary(g).m.first, sent_start, sent_end, ctx):
                continue  # historical background, not news
            events.append(self._event(ctx, v, g, dates, sent_start, sent_end))
        return events

    def _choose_senses(self, ctx: DocContext, v: SentenceView, trigs: list[Trigger]) -> list[Trigger]:
        """Each trigger's type as the sense model reads it in context: re-typed (taking the mode of
        the lexicon's reading of that type at the head word, if any) or dropped; one per head and type."""
        readings = [Reading(t.m, t.type, t.flags) for t in trigs]
        if self.type_observer is not None:
            self.type_observer(ctx, v, readings)
        if self.typesense is None:
            return trigs
        chosen = self.typesense.choose(v, readings, sport=ctx.sport)
        kept_types = {(t.m.first, new) for t, new in zip(trigs, chosen, strict=True) if new == t.type}
        out: list[Trigger] = []
        seen: set[tuple[int, str]] = set()
        for t, new in zip(trigs, chosen, strict=True):
            if new is None or (t.m.first, new) in seen:
                continue
            if new != t.type:
                same = next((o for o in trigs if o.m.first == t.m.first and o.type == new), None)
                if same is None and any(ty == new for _h, ty in kept_types):
                    continue  # دعت تركيا إلى الإفراج: the noun belongs to the act the sentence already codes
                t.type, t.mode = new, same.mode if same is not None else None
            seen.add((t.m.first, new))
            out.append(t)
        return out

    def _event(self, ctx: DocContext, v: SentenceView, g: Group, dates: LazyDates,
               sent_start: int, sent_end: int) -> Event:
        p = _primary(g)
        target = _best(g, p, "target")
        source = _best(g, p, "source", avoid=target)
        if source is not None and target is not None and source.overlaps(target):
            target = None
        report = p.report or next((t.report for t in g.triggers if t.report), None)
        modes = [t.mode for t in g.triggers if t.mode]
        mode = min(modes, key=lambda x: MODE_RANK.get(x, 99)) if modes else None
        strong = any("w" not in t.flags for t in g.triggers)
        conf = 0.75 if strong else 0.55
        conf += TYPE_WEIGHT.get(g.type, 0.0)
        if source is not None:
            conf += 0.05
        conf += 0.04 * min(3, len(g.triggers) - 1)
        if any(gr.startswith("cue:domain") for gr in v.by_group):
            conf -= 0.15
        contiguous = p.m.last - p.m.first + 1 == p.m.pat.length
        trig_span = ctx.span(v, p.m.first, p.m.last if contiguous else p.m.first)
        where = where_of(ctx, v, p.m, (source, target))
        date, date_precision = date_of(dates, trig_span.start, sent_start, sent_end, g.status, ctx)
        toll = casualties(ctx.text[sent_start:sent_end], trigger_start=trig_span.start - sent_start,
                          trigger_end=trig_span.end - sent_start) if g.type in _TOLL_TYPES else _NO_TOLL
        reporter = None
        if report is not None and not (source is not None and report.reporter.overlaps(source) and report.verb is False):
            reporter = ctx.span(v, report.reporter.first, report.reporter.last, report.reporter.mention)
        src_ent = ctx.entities.get(source.mention.entity_id) if source and source.mention and source.mention.entity_id else None
        tgt_ent = ctx.entities.get(target.mention.entity_id) if target and target.mention and target.mention.entity_id else None
        return Event(
            type=g.type,
            status=g.status,
            trigger=trig_span,
            sentence=v.index,
            confidence=round(max(0.05, min(0.99, conf)), 2),
            mode=mode,
            source=ctx.span(v, source.first, source.last, source.mention) if source else None,
            target=ctx.span(v, target.first, target.last, target.mention) if target else None,
            location=where.location,
            place=where.place,
            date=date,
            reporter=reporter,
            country=where.country,
            geo_precision=where.precision,
            date_precision=date_precision,
            source_name=src_ent.name_ar if src_ent else None,
            source_en=src_ent.name_en if src_ent else None,
            target_name=tgt_ent.name_ar if tgt_ent else None,
            target_en=tgt_ent.name_en if tgt_ent else None,
            fatalities=toll.killed,
            injured=toll.injured,
        )

    def code(self, analysis: Analysis, *, merge_mentions: bool = True) -> list[Event]:
        """All events of a document (sentences and tokens must be filled)."""
        ctx = DocContext(analysis)
        tokens = analysis.tokens
        starts = [t.start for t in tokens]
        events: list[Event] = []
        text = analysis.text
        ctx.sport = self._is_sport_doc(tokens)  # per document, on its context: coders are shared
        for si, s in enumerate(analysis.sentences):
            lo = bisect.bisect_left(starts, s.start)
            hi = bisect.bisect_left(starts, s.end)
            if lo == hi or not self._may_have_trigger(tokens[lo:hi]):
                continue
            v = self.sentence_view(ctx, analysis, si, tokens[lo:hi])
            if not v.by_group.get("trigger"):
                continue
            events.extend(self.code_sentence(ctx, v, LazyDates(text, s.start, s.end, ctx.published, v),
                                             s.start, s.end))
        headline_end = len(analysis.document.title) if analysis.document.title else 0
        if merge_mentions:
            events = merge.merge_document(events, text, headline_end=headline_end,
                                          sentence_starts=[s.start for s in analysis.sentences])
        if self.rowcheck is not None:
            events = self.rowcheck.keep(analysis, events, headline_end)
        return events


_DEFAULT: EventCoder | None = None


def default_coder() -> EventCoder:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = EventCoder()
    return _DEFAULT


def code_events(analysis: Analysis) -> list[Event]:
    return default_coder().code(analysis)
