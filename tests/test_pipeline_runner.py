"""The pipeline runner holds stages to what they declare: checked requires and assigns,
derived order, configs, per-pipeline stages over shared models, and the batch path."""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import pytest

from marsad.analyze.pipeline import (
    Pipeline,
    StageSpec,
    default_pipeline,
    register,
    registered,
    stage_order,
    unregister,
)
from marsad.errors import InputError, StageError
from marsad.model import Analysis, Document

TEXT = "قتل مسلحون ثلاثة جنود في هجوم شمال بغداد أمس، وأعلنت وزارة الدفاع العراقية الحداد."


@pytest.fixture
def stages():
    """Register test stages with ``add(...)``; every one is unregistered afterwards."""
    added: list[str] = []

    def add(name, factory, **kw) -> StageSpec:
        spec = StageSpec(name=name, factory=factory, arabic_only=kw.pop("arabic_only", False), **kw)
        register(spec)
        added.append(name)
        return spec

    registered()  # the built-ins first, so test stages come after them in registration order
    yield add
    for name in added:
        unregister(name)


def _doc(title: str = "t", text: str = "نص قصير.", language: str | None = "ar") -> Document:
    return Document(title=title, paragraphs=[text], language=language)


def _writer(field: str, value_of):
    """A factory of a stage that sets ``field`` to ``value_of(analysis)``."""
    def factory():
        def stage(a: Analysis) -> Analysis:
            setattr(a, field, value_of(a))
            return a
        return stage
    return factory


# --- selection and requirements ----------------------------------------------------------------

def test_disable_drops_stages_and_unknown_names_are_refused(stages):
    stages("t_kw", _writer("keywords", lambda a: ["k"]), assigns=("keywords",))
    stages("t_sig", _writer("signature", lambda a: [1]), assigns=("signature",))
    p = Pipeline(["t_kw", "t_sig"], disable=["t_sig"])
    assert p.names == ["t_kw"]
    a = p(_doc())
    assert a.keywords == ["k"] and a.signature is None
    assert "t_sig" not in default_pipeline(disable=["t_sig"]).names
    with pytest.raises(InputError, match="unknown stage.*nosuch"):
        Pipeline(["t_kw"], disable=["nosuch"])


def test_unmet_requirement_names_the_stage_to_enable(stages):
    stages("t_kw", _writer("keywords", lambda a: ["k"]), assigns=("keywords",))
    stages("t_sum", _writer("summary", lambda a: [len(a.keywords)]), requires=("keywords",),
           assigns=("summary",))
    with pytest.raises(InputError) as err:
        Pipeline(["t_sum"])
    msg = str(err.value)
    assert "stage 't_sum' requires 'keywords'" in msg
    assert "'t_kw'" in msg and "disable 't_sum'" in msg
    # the same pipeline with the provider enabled runs, provider first whatever the order given
    p = Pipeline(["t_sum", "t_kw"])
    assert p.names.index("t_kw") < p.names.index("t_sum")
    assert p(_doc()).summary == [1]
    # a requirement no registered stage assigns: disable the stage
    stages("t_story", _writer("events", lambda a: []), requires=("story_id",), assigns=("events",))
    with pytest.raises(InputError, match="requires 'story_id', which no registered stage assigns"):
        Pipeline(["t_story"])


def test_optional_input_left_unfilled_is_reported_not_silent(stages):
    stages("t_story", _writer("story_id", lambda a: "s1"), assigns=("story_id",))
    stages("t_sum", _writer("summary", lambda a: [int(a.story_id is not None)]),
           optional=("story_id",), assigns=("summary",))
    p = Pipeline(["t_sum"])
    assert p.degraded == ["t_sum: ran without story_id (stage 't_story' not in the pipeline)"]
    a = p(_doc())
    assert a.summary == [0] and p.degraded[0] in a.notes
    full = Pipeline(["t_sum", "t_story"])
    assert full.degraded == [] and full.names == ["t_story", "t_sum"]
    b = full(_doc())
    assert b.summary == [1] and b.notes == []


# --- what a stage may do ---------------------------------------------------------------------

def test_stage_exception_is_wrapped_with_the_stage_name(stages):
    def factory():
        def boom(a: Analysis) -> Analysis:
            raise ValueError("bad input")
        return boom

    stages("t_boom", factory, assigns=("keywords",))
    with pytest.raises(StageError) as err:
        Pipeline(["t_boom"])(_doc())
    assert err.value.stage == "t_boom" and isinstance(err.value.cause, ValueError)
    assert "stage 't_boom' failed: ValueError: bad input" in str(err.value)


def test_result_that_is_not_an_analysis_is_a_stage_error(stages):
    stages("t_none", lambda: (lambda a: None), assigns=("keywords",))
    with pytest.raises(StageError, match="t_none.*returned NoneType, not Analysis"):
        Pipeline(["t_none"])(_doc())


def test_writing_an_undeclared_field_is_a_stage_error(stages):
    def factory():
        def sneaky(a: Analysis) -> Analysis:
            a.keywords = ["k"]
            a.summary = [0]  # not declared
            return a
        return sneaky

    stages("t_sneaky", factory, assigns=("keywords",))
    with pytest.raises(StageError, match="wrote summary, which it does not assign"):
        Pipeline(["t_sneaky"])(_doc())

    def extras_factory():
        def stage(a: Analysis) -> Analysis:
            a.extras["mine"] = 1
            a.extras["other"] = 2
            a.notes.append("a note is always allowed")
            return a
        return stage

    stages("t_extras", extras_factory, assigns=("extras.mine",))
    with pytest.raises(StageError, match="wrote extras.other"):
        Pipeline(["t_extras"])(_doc())


def test_undeclared_field_names_are_refused_at_registration():
    with pytest.raises(ValueError, match="not_a_field"):
        StageSpec(name="t_bad", factory=lambda: (lambda a: a), assigns=("not_a_field",))


# --- order ------------------------------------------------------------------------------------

def test_order_is_derived_from_declarations(stages):
    # registered consumers first: the order comes from requires/assigns, ties by registration
    c = stages("t_c", _writer("events", lambda a: []), requires=("summary",), assigns=("events",))
    free = stages("t_free", _writer("signature", lambda a: [0]), assigns=("signature",))
    b = stages("t_b", _writer("summary", lambda a: [0]), requires=("keywords",), assigns=("summary",))
    a = stages("t_a", _writer("keywords", lambda a: ["k"]), assigns=("keywords",))
    assert [s.name for s in stage_order([c, free, b, a])] == ["t_free", "t_a", "t_b", "t_c"]
    assert Pipeline(["t_c", "t_b", "t_a", "t_free"]).names == ["t_free", "t_a", "t_b", "t_c"]
    loop = StageSpec(name="t_loop", factory=lambda: (lambda x: x), requires=("events",),
                     assigns=("summary",))
    with pytest.raises(InputError, match="each read what another of them assigns"):
        stage_order([c, loop])


def test_default_order_is_the_data_flow():
    names = default_pipeline().names
    assert names == ["ner", "link", "events", "topic", "keywords", "summary", "signature"]


# --- configuration ------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Cfg:
    k: int = 1
    word: str = "w"


def test_config_override_reaches_the_factory(stages):
    seen: list[_Cfg] = []

    def factory(config: _Cfg):
        seen.append(config)
        return _writer("keywords", lambda a: [config.word] * config.k)()

    stages("t_cfg", factory, assigns=("keywords",), config=_Cfg())
    assert Pipeline(["t_cfg"])(_doc()).keywords == ["w"]
    assert Pipeline(["t_cfg"], config={"t_cfg": {"k": 3}})(_doc()).keywords == ["w"] * 3
    assert Pipeline(["t_cfg"], config={"t_cfg": _Cfg(2, "x")})(_doc()).keywords == ["x", "x"]
    assert seen == [_Cfg(), _Cfg(3, "w"), _Cfg(2, "x")]
    with pytest.raises(InputError, match="no option 'size'"):
        Pipeline(["t_cfg"], config={"t_cfg": {"size": 3}})
    stages("t_plain", _writer("summary", lambda a: []), assigns=("summary",))
    with pytest.raises(InputError, match="no options"):
        Pipeline(["t_plain"], config={"t_plain": {"k": 1}})


def test_config_of_a_real_stage():
    text = ("أعلنت وزارة الصحة السعودية اليوم عن افتتاح مستشفى جديد في مدينة الرياض "
            "يضم مئتي سرير، وقال وزير الصحة إن المستشفى سيخدم سكان الأحياء الشمالية.")
    a = Pipeline(["keywords"], config={"keywords": {"k": 2}})(_doc("مستشفى جديد", text))
    b = Pipeline(["keywords"])(_doc("مستشفى جديد", text))
    assert len(a.keywords) == 2 and a.keywords == b.keywords[:2] and len(b.keywords) > 2


# --- ownership of stages and shared models -----------------------------------------------------

def test_each_pipeline_builds_its_own_stages_once(stages):
    built: list[object] = []

    def factory():
        def stage(a: Analysis) -> Analysis:
            a.keywords = ["k"]
            return a
        built.append(stage)
        return stage

    stages("t_own", factory, assigns=("keywords",))
    p1, p2 = Pipeline(["t_own"]), Pipeline(["t_own"])
    assert built == []  # built when first run, not when declared
    for _ in range(3):
        p1(_doc())
        p2(_doc())
    assert len(built) == 2 and p1.stage("t_own") is not p2.stage("t_own")


def _model_of(stage) -> object:
    model = getattr(stage, "model", None)
    return model if model is not None else inspect.getclosurevars(stage).nonlocals["model"]


def test_two_pipelines_share_one_loaded_ner_model():
    p1, p2 = Pipeline(["ner"]), Pipeline(["ner"])
    a1, a2 = p1(_doc(text=TEXT)), p2(_doc(text=TEXT))
    assert p1.stage("ner") is not p2.stage("ner")
    assert _model_of(p1.stage("ner")) is _model_of(p2.stage("ner"))
    assert a1.mentions == a2.mentions and a1.mentions


# --- batches ----------------------------------------------------------------------------------

def test_pipe_keeps_order_and_uses_a_stage_batch_method(stages):
    batches: list[int] = []
    singles: list[str] = []

    class Batched:
        def __call__(self, a: Analysis) -> Analysis:
            raise AssertionError("the runner should use pipe()")

        def pipe(self, analyses: list[Analysis]) -> list[Analysis]:
            batches.append(len(analyses))
            for a in analyses:
                a.keywords = [a.document.title]
            return analyses

    def single_factory():
        def stage(a: Analysis) -> Analysis:
            singles.append(a.document.title)
            a.summary = [len(singles)]
            return a
        return stage

    stages("t_batch", Batched, assigns=("keywords",), arabic_only=True)
    stages("t_single", single_factory, assigns=("summary",))
    docs = [_doc(f"d{i}") for i in range(5)]
    docs[3] = _doc("d3", "an English text.", language="en")
    p = Pipeline(["t_batch", "t_single"])
    out = list(p.pipe(iter(docs), batch_size=2))
    assert [a.document.title for a in out] == ["d0", "d1", "d2", "d3", "d4"]
    assert batches == [2, 1, 1]  # the English document skips the Arabic-only stage
    assert singles == ["d0", "d1", "d2", "d3", "d4"]
    assert [a.keywords for a in out] == [["d0"], ["d1"], ["d2"], [], ["d4"]]
    assert any("Arabic stages skipped" in n for n in out[3].notes)
    assert set(p.timings) == {"t_batch", "t_single"}
    assert list(p.pipe([])) == []
    with pytest.raises(InputError, match="batch_size"):
        list(p.pipe(docs, batch_size=0))


def test_batch_method_must_return_one_analysis_per_document(stages):
    class Short:
        def __call__(self, a: Analysis) -> Analysis:
            return a

        def pipe(self, analyses: list[Analysis]) -> list[Analysis]:
            return analyses[:1]

    stages("t_short", Short, assigns=("keywords",))
    with pytest.raises(StageError, match="pipe returned 1 analyses for 2"):
        list(Pipeline(["t_short"]).pipe([_doc(), _doc()]))


# --- the real pipeline ----------------------------------------------------------------------

def test_default_pipeline_on_arabic_text_single_and_batched():
    p = default_pipeline()
    docs = [_doc("هجوم شمال بغداد", TEXT), _doc("خبر", "افتتح وزير الصحة مستشفى جديدا في جدة.")]
    one = [p(d).to_json() for d in docs]
    batched = [a.to_json() for a in default_pipeline().pipe(docs, batch_size=2)]
    assert one == batched
    a = p(docs[0])
    assert p.degraded == [] and a.notes == []
    assert [e.type for e in a.events] == ["ASSAULT"]
    assert any(m.entity_id for m in a.mentions) and a.entities
    assert a.topic is not None and a.keywords and a.signature


def test_disabling_ner_degrades_link_and_says_so():
    p = default_pipeline(disable=["ner"])
    assert p.names == ["link", "events", "topic", "keywords", "summary", "signature"]
    assert p.degraded == ["link: ran without mentions (stage 'ner' not in the pipeline)"]
    a = p(_doc("هجوم شمال بغداد", TEXT))
    assert p.degraded[0] in a.notes
    # link still finds the knowledge base's names, and events still codes the trigger
    assert any(m.entity_id for m in a.mentions) and [e.type for e in a.events] == ["ASSAULT"]
    alone = Pipeline(["events"])
    assert alone.degraded == [("events: ran without mentions, entities, extras.link "
                               "(stages 'ner' and 'link' not in the pipeline)")]
