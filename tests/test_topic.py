"""Topic classifier: the shipped model on hand-written articles, the commands (classify,
eval, train on a slice), the stage, metrics and error handling."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from marsad.analyze.topic import LABELS, load_model
from marsad.analyze.topic.model import TopicModel
from marsad.cli import main
from marsad.errors import ResourceMissing
from marsad.lab.topic.metrics import score

# Our own short articles, two per label, written for this test (not from any corpus), with
# the punctuation and digits real articles have (one training corpus has none).
HANDWRITTEN = [
    ("politics", "البرلمان يصادق على قانون الانتخابات الجديد",
     ("صادق مجلس النواب، مساء الثلاثاء، على مشروع قانون الانتخابات الجديد بأغلبية 120 صوتا، "
     "بعد جلسة عامة شهدت نقاشا حادا بين كتل المعارضة والأغلبية الحاكمة. وقال رئيس الحكومة إن "
     "القانون يضمن تمثيلا عادلا للأحزاب، فيما اتهمت المعارضة الحكومة بتفصيله على مقاسها قبل "
     "الانتخابات التشريعية المقبلة. ودعا الرئيس الأحزاب إلى الحوار الوطني.")),
    ("politics", "وزير الخارجية يبحث مع نظيره الفرنسي الأزمة في ليبيا",
     ("بحث وزير الخارجية خلال اتصال هاتفي مع نظيره الفرنسي تطورات الأزمة الليبية وسبل دعم "
     "المسار السياسي برعاية الأمم المتحدة. وأكد الوزيران ضرورة وقف إطلاق النار وانسحاب "
     "المرتزقة والقوات الأجنبية، وتنظيم انتخابات رئاسية وبرلمانية في أقرب الآجال، كما تناولا "
     "العلاقات الثنائية والتعاون الأمني على الحدود.")),
    ("economy", "البنك المركزي يرفع سعر الفائدة لكبح التضخم",
     ("قرر البنك المركزي رفع سعر الفائدة الرئيسي بمقدار 75 نقطة أساس إلى 8 بالمئة، في محاولة "
     "لكبح التضخم الذي بلغ 9.1% على أساس سنوي. وأوضح محافظ البنك أن ارتفاع أسعار الطاقة "
     "والمواد الغذائية وتراجع قيمة العملة المحلية أمام الدولار يفرضان تشديد السياسة النقدية، "
     "متوقعا تباطؤ النمو الاقتصادي وتراجع القروض الاستهلاكية خلال الربع المقبل.")),
    ("economy", "ارتفاع صادرات زيت الزيتون وتحسن الميزان التجاري",
     ("سجلت صادرات زيت الزيتون ارتفاعا بنسبة 40 في المئة خلال الأشهر الستة الأولى من العام، "
     "ما ساهم في تقليص عجز الميزان التجاري، وفق بيانات المعهد الوطني للإحصاء. وبلغت قيمة "
     "الصادرات 2.3 مليار دينار، فيما تراجعت الواردات من المحروقات. ويتوقع خبراء أن تستفيد "
     "الشركات المصدرة من ارتفاع الأسعار في الأسواق الأوروبية والاستثمار في التعليب.")),
    ("sport", "الترجي يفوز على النجم ويتصدر الدوري",
     ("حقق الترجي الرياضي فوزا ثمينا على النجم الساحلي بهدفين مقابل هدف، في قمة الجولة "
     "العاشرة من الدوري الممتاز لكرة القدم. وسجل المهاجم هدف الفوز في الدقيقة 88 بضربة رأس "
     "إثر ركنية، ليرفع الفريق رصيده إلى 25 نقطة في صدارة الترتيب. وأشاد المدرب بأداء لاعبيه "
     "رغم غياب الحارس الأساسي بسبب الإصابة، فيما احتج الضيوف على قرارات الحكم.")),
    ("sport", "العداءة تحرز الميدالية الذهبية في بطولة العالم",
     ("أحرزت العداءة الميدالية الذهبية في سباق 3000 متر موانع ضمن بطولة العالم لألعاب القوى، "
     "بعدما قطعت المسافة في زمن قياسي. وتقدمت البطلة على منافستها الكينية في الأمتار الأخيرة، "
     "لتهدي بلادها أول لقب عالمي في هذه المسابقة، وتضمن تأهلها إلى الألعاب الأولمبية المقبلة. "
     "وهنأ الاتحاد الوطني للرياضة اللاعبة ومدربها على هذا الإنجاز.")),
    ("culture", "افتتاح الدورة الجديدة لمهرجان قرطاج السينمائي",
     ("افتتحت مساء السبت الدورة الجديدة لأيام قرطاج السينمائية بعرض فيلم روائي طويل للمخرجة "
     "الشابة، بحضور عدد كبير من الممثلين والنقاد والجمهور. ويتنافس على جوائز المهرجان 18 "
     "فيلما من دول عربية وإفريقية، إلى جانب ورشات للسيناريو وندوات فكرية حول السينما "
     "المستقلة. وكرمت إدارة المهرجان الممثلة الراحلة في لفتة أثارت تأثر الحاضرين.")),
    ("culture", "معرض الكتاب يحتفي بالرواية العربية",
     ("يستضيف معرض الكتاب الدولي هذا العام أكثر من 300 دار نشر، ويخصص برنامجا ثقافيا للرواية "
     "العربية يتضمن أمسيات شعرية ولقاءات مع الروائيين وتوقيع إصدارات جديدة. وقال مدير المعرض "
     "إن الدورة تحتفي بالأدب والترجمة والمسرح، وتمنح جائزة للإبداع الأدبي لأفضل رواية أولى، "
     "كما يعرض فنانون تشكيليون لوحاتهم في رواق الفنون.")),
    ("technology", "إطلاق شبكة الجيل الخامس للهاتف المحمول",
     ("أعلنت شركة الاتصالات إطلاق خدمات شبكة الجيل الخامس في العاصمة، بسرعات إنترنت تفوق 1 "
     "غيغابت في الثانية. وأوضحت الشركة أن الهواتف الذكية الحديثة تدعم التقنية الجديدة، وأن "
     "الشبكة ستتوسع لتشمل المدن الكبرى قبل نهاية العام. ويرى خبراء أن الجيل الخامس سيسرع "
     "التحول الرقمي وتطبيقات إنترنت الأشياء والحوسبة السحابية والذكاء الاصطناعي.")),
    ("technology", "ثغرة أمنية في متصفح شهير تهدد ملايين المستخدمين",
     ("حذر باحثون في الأمن السيبراني من ثغرة خطيرة في متصفح إنترنت شهير تسمح للقراصنة "
     "بالتحكم في أجهزة الكمبيوتر عن بعد وسرقة كلمات المرور. ودعت الشركة المطورة المستخدمين "
     "إلى تحديث البرنامج فورا إلى الإصدار الأخير، مؤكدة أنها أصلحت الخلل في نظامي ويندوز "
     "وأندرويد. وتعد هذه الثغرة الثالثة التي تكتشف في التطبيق هذا العام.")),
    ("health", "وزارة الصحة تطلق حملة تلقيح ضد الإنفلونزا الموسمية",
     ("أطلقت وزارة الصحة حملة وطنية للتلقيح ضد الإنفلونزا الموسمية تستهدف كبار السن والمصابين "
     "بالأمراض المزمنة كالسكري وضغط الدم. ودعا الأطباء المواطنين إلى التوجه إلى المراكز "
     "الصحية والمستشفيات للحصول على اللقاح مجانا، مشيرين إلى أن الفيروس ينتشر بسرعة في فصل "
     "الشتاء، وأن الوقاية تقلل من مضاعفات المرض ومن الضغط على أقسام الإنعاش.")),
    ("health", "دراسة: النوم الجيد يقلل خطر أمراض القلب",
     ("كشفت دراسة طبية حديثة أن النوم لمدة سبع ساعات يوميا يقلل خطر الإصابة بأمراض القلب "
     "والسكتة الدماغية بنسبة 30%. وتابع الباحثون حالة آلاف المرضى على مدى عشر سنوات، ولاحظوا "
     "أن قلة النوم ترفع ضغط الدم ومستوى الكوليسترول وتضعف المناعة. وينصح الأطباء بممارسة "
     "الرياضة والتغذية الصحية والابتعاد عن التدخين لحماية صحة القلب.")),
    ("religion", "فضل صيام الأيام العشر من ذي الحجة",
     ("يحرص المسلمون على صيام الأيام العشر من ذي الحجة، وهي أيام فضلها الله تعالى على سائر "
     "أيام السنة، كما ورد في الحديث الشريف عن النبي صلى الله عليه وسلم. ويستحب فيها الإكثار "
     "من الذكر والتكبير وقراءة القرآن والصدقة، وصيام يوم عرفة الذي يكفر ذنوب سنتين. ويؤكد "
     "العلماء أن العبادة في هذه الأيام من أعظم القربات إلى الله.")),
    ("religion", "خطبة الجمعة تدعو إلى التراحم وصلة الرحم",
     ("دعا خطيب الجامع الكبير في خطبة الجمعة المصلين إلى التراحم وصلة الرحم والإحسان إلى "
     "الجيران، مستشهدا بآيات من القرآن الكريم وأحاديث نبوية شريفة. وأوضح الإمام أن الإسلام "
     "جعل الأخلاق الحسنة من كمال الإيمان، وأن الصلاة والزكاة لا تكتملان إلا بحسن المعاملة، "
     "داعيا إلى التوبة والاستغفار والتمسك بتعاليم الدين الحنيف.")),
]


def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _handwritten_rows(*, labels: bool = True) -> list[dict]:
    rows = []
    for i, (label, title, text) in enumerate(HANDWRITTEN):
        r = {"id": f"hw{i}", "title": title, "text": text}
        if labels:
            r["label"] = label
        rows.append(r)
    return rows


@pytest.mark.parametrize("label,title,text", HANDWRITTEN, ids=[f"{h[0]}-{i % 2}" for i, h in enumerate(HANDWRITTEN)])
def test_shipped_model_labels_handwritten_article(label, title, text):
    pred = load_model().classify(text, title)
    assert pred.label == label, f"{title!r}: {pred.label} ({pred.score:.2f}), expected {label}"
    assert 0.0 < pred.score <= 1.0
    assert abs(sum(pred.scores.values()) - 1.0) < 1e-4
    assert pred.score == max(pred.scores.values())


def test_label_does_not_depend_on_punctuation_digits_or_title():
    """One corpus has no punctuation or digits: the model must not care."""
    import re

    model = load_model()
    for label, title, text in HANDWRITTEN:
        stripped = re.sub(r"[^\w\s]|\d", " ", text)
        a, b, c = model.classify(text, title), model.classify(stripped), model.classify(text)
        assert a.label == b.label == c.label == label
        assert abs(a.scores[label] - b.scores[label]) < 0.2


def test_source_names_and_site_notices_are_ignored():
    model = load_model()
    _, title, text = HANDWRITTEN[10]  # health
    wrapped = ("دبي، الإمارات العربية المتحدة (CNN)-- " + text + " (رويترز)\n"
               "يمكنكم استلام إشعارات بأهم الموضوعات بعد تحميل أحدث نسخة من تطبيق بي بي سي عربي")
    a, b = model.classify(text, title), model.classify(wrapped, title)
    assert a.label == b.label == "health"
    assert abs(a.score - b.score) < 0.05


def test_model_is_compact_plain_arrays_with_provenance():
    model = load_model()
    assert model.labels == LABELS
    assert model.coef.shape == (len(model.vocab), len(LABELS))
    assert 0.05 < model.temperature < 5
    meta = model.meta
    assert meta["dev"]["accuracy"] > 0.9 and meta["data"]["sha1"]
    npz = Path(__file__).resolve().parents[1] / "src/marsad/resources/topic/model.npz"
    assert npz.stat().st_size < 4_000_000


def test_missing_model_names_the_training_command(tmp_path):
    with pytest.raises(ResourceMissing, match="marsad train topic"):
        TopicModel.load(tmp_path)


def test_stage_sets_topic_on_reference_article(reference_article):
    from marsad.analyze.pipeline import Pipeline
    from marsad.model import Document

    lines = [x.strip() for x in reference_article.read_text(encoding="utf-8").split("\n")]
    doc = Document(title=lines[0], paragraphs=[x for x in lines[1:] if x])
    a = Pipeline(["topic"])(doc)
    assert a.topic is not None and a.topic.label == "politics" and a.topic.score > 0.5


def test_stage_leaves_topic_empty_without_arabic_words():
    from marsad.analyze.pipeline import Pipeline
    from marsad.model import Document

    a = Pipeline(["topic"])(Document(title="123", paragraphs=["!!! 456"]))
    assert a.topic is None and any("topic" in n for n in a.notes)


def test_metrics_on_a_known_example():
    s = score(["a", "a", "b", "b"], ["a", "b", "b", "b"], labels=["a", "b"])
    assert s.accuracy == 0.75
    assert s.per_class["a"].precision == 1.0 and s.per_class["a"].recall == 0.5
    assert abs(s.per_class["b"].f1 - 0.8) < 1e-9
    assert abs(s.macro_f1 - (2 / 3 + 0.8) / 2) < 1e-9
    assert s.confusion == [[1, 1], [0, 2]]


# -- commands -----------------------------------------------------------------------------------
def test_classify_prints_id_label_score_per_line(tmp_path, capsys):
    rows = _handwritten_rows(labels=False)
    rows[0].pop("id")  # no id: the line number stands in
    rows[1].pop("title")
    f = _write_jsonl(tmp_path / "in.jsonl", rows)
    assert main(["classify", str(f), "--json"]) == 0
    out = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert len(out) == len(rows)
    assert out[0]["id"] == "1" and out[2]["id"] == "hw2"
    for o, (label, _, _) in zip(out, HANDWRITTEN):
        assert set(o) == {"id", "label", "score"} and o["label"] in LABELS
        assert 0 < o["score"] <= 1
    assert sum(o["label"] == h[0] for o, h in zip(out, HANDWRITTEN)) >= len(HANDWRITTEN) - 1
    assert main(["classify", str(f)]) == 0
    tsv = capsys.readouterr().out.splitlines()
    assert tsv[2].split("\t")[:2] == ["hw2", out[2]["label"]]


def test_eval_prints_accuracy_macro_f1_and_confusion(tmp_path, capsys):
    f = _write_jsonl(tmp_path / "gold.jsonl", _handwritten_rows())
    assert main(["eval", "topic", str(f)]) == 0
    out = capsys.readouterr().out
    assert "accuracy" in out and "macro-F1" in out and "confusion" in out
    for label in LABELS:
        assert label in out
    assert main(["eval", "topic", str(f), "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["n"] == len(HANDWRITTEN) and s["accuracy"] >= 0.85 and s["macro_f1"] >= 0.85
    assert sum(map(sum, s["confusion"])) == len(HANDWRITTEN)


def test_bad_input_is_a_clear_error_not_a_traceback(tmp_path, capsys):
    f = tmp_path / "bad.jsonl"
    f.write_text('{"text": "نص", "id": "a"}\n{not json\n{"title": "بلا نص"}\n'
                 '{"text": "فاز الفريق بالمباراة", "id": "b"}\n', encoding="utf-8")
    assert main(["classify", str(f)]) == 1  # bad lines are reported and skipped, the rest go on
    out = capsys.readouterr()
    assert [line.split("\t")[0] for line in out.out.splitlines()] == ["a", "b"]
    assert "bad.jsonl:2" in out.err and "bad.jsonl:3" in out.err
    assert "2 malformed line(s) skipped" in out.err
    g = _write_jsonl(tmp_path / "nolabel.jsonl", [{"text": "نص قصير", "label": "weather"}])
    assert main(["eval", "topic", str(g)]) == 1
    assert "label" in capsys.readouterr().err
    assert main(["classify", str(tmp_path / "missing.jsonl")]) == 1
    assert "missing.jsonl" in capsys.readouterr().err

