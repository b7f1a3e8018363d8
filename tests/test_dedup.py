"""Near-duplicate fingerprints and grouping: hand-written Arabic copies (no corpus needed),
generated copies of real SaudiNewsNet articles, the SQL index in a real SQLite store, and
the eval/bench commands."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

from marsad.analyze.dedup import (
    DEFAULT,
    DuplicateGrouper,
    MemoryDedupIndex,
    band_keys,
    fingerprint_words,
    group_signatures,
    signature,
    similarity,
)
from marsad.cli import main
from marsad.data import corpus_or_skip
from marsad.lab.dedup_eval import KINDS, build_families, make_copy, score_grouping
from marsad.model import Analysis, Document

HAND = Path(__file__).parent / "data" / "stories" / "handwritten.jsonl"

ORIGINAL = Document(
    title="الدفاع المدني ينقذ 40 محتجزا في سيول جدة",
    paragraphs=[
        ("أعلن المتحدث الرسمي للدفاع المدني بمنطقة مكة المكرمة أن فرق الإنقاذ تمكنت من إنقاذ "
        "40 شخصا احتجزتهم مياه السيول داخل مركباتهم في أنفاق جدة خلال الأمطار الغزيرة."),
        ("وأوضح أن الفرق باشرت أكثر من 300 بلاغ في أحياء الصفا والمروة والنسيم، ولم تسجل أي "
        "وفيات، فيما واصلت أمانة جدة سحب المياه المتجمعة من الشوارع والأنفاق."),
        ("ودعا المتحدث السكان إلى الابتعاد عن مجاري السيول والأودية وعدم المجازفة بعبورها، "
        "والتقيد بتعليمات السلامة التي يبثها الدفاع المدني عبر حساباته الرسمية."),
        ("وكان المركز الوطني للأرصاد قد أصدر تنبيها أحمر بهطول أمطار غزيرة على محافظة جدة "
        "ورابغ والليث تستمر حتى مساء الغد، مصحوبة برياح نشطة وتدني في مدى الرؤية."),
    ],
)

# hand-made copies, the way papers re-run an agency story
COPIES = {
    "new headline": Document(
        title="إنقاذ 40 شخصا من السيول في أنفاق جدة", paragraphs=list(ORIGINAL.paragraphs)),
    "paragraph cut": Document(title=ORIGINAL.title, paragraphs=ORIGINAL.paragraphs[:3]),
    "paragraphs moved": Document(
        title=ORIGINAL.title,
        paragraphs=[ORIGINAL.paragraphs[i] for i in (0, 3, 1, 2)]),
    "teasers added": Document(
        title=ORIGINAL.title,
        paragraphs=[ORIGINAL.paragraphs[0], ORIGINAL.paragraphs[1], "اقرأ أيضا:",
                    "الهلال يتوج بكأس الملك بعد فوزه على النصر بركلات الترجيح",
                    "أسعار النفط تقفز 4% بعد قرار أوبك بلس خفض الإنتاج",
                    ORIGINAL.paragraphs[2], ORIGINAL.paragraphs[3], "جميع الحقوق محفوظة"]),
    "spelling and digits": Document(
        title=ORIGINAL.title,
        paragraphs=[p.replace("أ", "ا").replace("40", "٤٠").replace("ة ", "ه ")
                    for p in ORIGINAL.paragraphs]),
}

# same event, written independently: a different article, never a duplicate
SAME_EVENT = Document(
    title="أمانة جدة تواصل شفط مياه الأمطار وتعيد فتح الأنفاق",
    paragraphs=[
        ("واصلت أمانة محافظة جدة لليوم الثاني أعمال شفط مياه الأمطار المتجمعة في الشوارع "
        "والأنفاق بعد السيول التي شهدتها المحافظة، وأعادت فتح ثلاثة أنفاق رئيسية."),
        ("وقالت الأمانة إن أكثر من ألف عامل و400 معدة يعملون في أحياء الصفا والمروة والنسيم، "
        "مؤكدة أن الدراسة الحضورية ستعود بعد انتهاء أعمال التنظيف."),
    ],
)


def sig(doc: Document) -> list[int]:
    s = signature(doc.title, doc.paragraphs)
    assert s is not None
    return s


@pytest.mark.parametrize("kind", sorted(COPIES))
def test_hand_made_copy_is_similar(kind):
    s = similarity(sig(ORIGINAL), sig(COPIES[kind]))
    assert s >= DEFAULT.threshold, f"{kind}: estimated Jaccard {s:.2f}"


def test_other_article_on_same_event_is_not_a_copy():
    assert similarity(sig(ORIGINAL), sig(SAME_EVENT)) < 0.2


def test_grouping_puts_copies_together_and_apart_from_other_articles():
    items = [("orig", sig(ORIGINAL))] + [(k, sig(d)) for k, d in COPIES.items()]
    items.append(("other", sig(SAME_EVENT)))
    random.Random(3).shuffle(items)  # a copy may arrive before its original
    groups = group_signatures(items)
    orig_group = groups["orig"]
    assert all(groups[k] == orig_group for k in COPIES)
    assert groups["other"] != orig_group
    assert groups["other"] == "other"  # a new group is named after its first document


def test_teaser_block_is_not_fingerprinted(reference_article: Path):
    """The reference article's "إقرا ايضًا:" and "قد يهمك أيضا:" teaser headlines belong
    to other stories: they must not take part in the fingerprint."""
    lines = reference_article.read_text(encoding="utf-8").split("\n")
    title, paras = lines[0].strip(), [x.strip() for x in lines[1:] if x.strip()]
    words = {w for p in fingerprint_words(title, paras) for w in p}
    assert "انفجار" not in words  # teaser: "انفجار في مبنى لفريق إعلامي ..."
    assert "كوكبورن" not in words  # teaser: "باترك كوكبورن يوضح ..."
    assert "وثاءق" in words  # the article itself (normalized: وثائق -> وثاءق)


def test_signature_is_a_datasketch_minhash():
    from datasketch import MinHash

    s1, s2 = sig(ORIGINAL), sig(COPIES["paragraph cut"])
    m1 = MinHash(hashvalues=s1, seed=DEFAULT.seed, scheme="affine32")
    m2 = MinHash(hashvalues=s2, seed=DEFAULT.seed, scheme="affine32")
    assert m1.jaccard(m2) == pytest.approx(similarity(s1, s2))
    assert len(s1) == DEFAULT.num_perm and all(0 <= x < 2**32 for x in s1)
    assert sig(ORIGINAL) == s1  # deterministic


def test_band_keys():
    s = sig(ORIGINAL)
    keys = band_keys(s)
    assert len(keys) == DEFAULT.bands and len(set(keys)) == DEFAULT.bands
    assert all(len(k) == 16 and int(k, 16) >= 0 for k in keys)
    other = band_keys(sig(SAME_EVENT))
    assert not set(keys) & set(other)
    changed = list(s)
    changed[0] ^= 1  # one value differs: only the first band's key changes
    k2 = band_keys(changed)
    assert k2[0] != keys[0] and k2[1:] == keys[1:]


def test_empty_document_has_no_signature_and_its_own_group():
    assert signature("", []) is None
    g = DuplicateGrouper(MemoryDedupIndex())
    assert g.add("empty", None).group_id == "empty"
    assert g.add("empty2", None).group_id == "empty2"


def test_readding_a_document_changes_nothing():
    g = DuplicateGrouper(MemoryDedupIndex())
    first = g.add("a", sig(ORIGINAL))
    g.add("b", sig(COPIES["new headline"]))
    again = g.add("a", sig(ORIGINAL))
    assert again.group_id == first.group_id == "a"
    assert len(g.index) == 2


def test_signature_stage_in_pipeline():
    from marsad.analyze.pipeline import Pipeline

    a = Pipeline(["signature"])(ORIGINAL)
    assert isinstance(a, Analysis)
    assert a.signature == sig(ORIGINAL)


def test_generated_copies_of_hand_written_articles():
    """The generator's edits (no corpus needed): every copy is grouped with its base."""
    docs = []
    for line in HAND.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        docs.append(Document(title=row["title"], paragraphs=row["text"].split("\n"),
                             url=row["id"]))
    items = build_families(docs, seed=5, copies=(len(KINDS), len(KINDS)))
    assert {c.kind for c in items} == {"base", *KINDS}
    groups = group_signatures([(c.doc_id, signature(c.document.title, c.document.paragraphs))
                               for c in items])
    score = score_grouping(items, groups)
    assert score.recall == 1.0
    assert score.precision == 1.0  # articles about the same event are not copies


def test_make_copy_edits_what_it_says():
    rng = random.Random(1)
    pool = ["عنوان آخر تماما"]
    assert make_copy(ORIGINAL, "exact", rng, pool).paragraphs == ORIGINAL.paragraphs
    cut = make_copy(ORIGINAL, "deletion", rng, pool)
    assert len(" ".join(cut.paragraphs).split()) < len(ORIGINAL.body.split())
    moved = make_copy(ORIGINAL, "reorder", rng, pool)
    assert sorted(moved.paragraphs) == sorted(ORIGINAL.paragraphs)
    assert moved.paragraphs != ORIGINAL.paragraphs
    boiler = make_copy(ORIGINAL, "boilerplate", rng, pool)
    assert any(p.startswith(("اقرأ", "إقرا", "قد يهمك", "شاهد", "مواضيع")) for p in boiler.paragraphs)
    with pytest.raises(ValueError):
        make_copy(ORIGINAL, "nonsense", rng, pool)


@pytest.mark.slow
def test_generated_copies_of_saudinewsnet():
    """Real syndicated text: 300 random articles among the first 6,000 of the corpus,
    each with 1-4 edited copies. Recall must be near-perfect; strict precision counts
    corpus-native syndicated copies as errors, hence the lower floor."""
    from marsad.lab.corpora.snn import iter_documents
    from marsad.lab.dedup_eval import evaluate

    corpus_or_skip("saudinewsnet", "articles.jsonl.gz")
    docs = []
    for d in iter_documents():
        docs.append(d)
        if len(docs) >= 6000:
            break
    score, _items = evaluate(docs, bases=300, seed=11)
    assert score.families == 300 and score.documents > 600
    assert score.recall >= 0.97
    assert score.precision >= 0.85
    for kind in ("exact", "headline", "reorder"):
        assert score.recall_by_kind[kind] == 1.0


# -- the SQL index, in a real SQLite store ------------------------------------------------


def _stored(store, doc: Document) -> Analysis:
    """Write ``doc`` through the store's normal path without a signature (so only our
    grouping below touches dedup), then return its Analysis with the signature."""
    a = Analysis(document=doc)
    store.add([a])
    a.signature = sig(doc)
    return a


def _database(backend: str, tmp_path, request) -> str:
    """A SQLite file, or a fresh PostgreSQL database from tests/pg_server.py (skipped when
    that plugin is not enabled or no server can be started)."""
    if backend == "sqlite":
        return str(tmp_path / "dedup.db")
    try:
        return request.getfixturevalue("pg_url")
    except pytest.FixtureLookupError:
        pytest.skip("PostgreSQL: the pg_server plugin (tests/pg_server.py) is not enabled")


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_sql_index_groups_and_survives_reopening(backend, tmp_path, request):
    from marsad.store import open_store
    from marsad.store.dedup_sql import SQLDedupIndex, assign_dup_group

    db = _database(backend, tmp_path, request)
    store = open_store(db)
    orig = _stored(store, ORIGINAL)
    with store.transaction() as tx:
        m = assign_dup_group(tx, orig)
    assert m.group_id == ORIGINAL.id and not m.is_copy
    store.close()

    # a new process: the index is read from the database, not rebuilt in memory
    store = open_store(db)
    copy = _stored(store, COPIES["teasers added"])
    other = _stored(store, SAME_EVENT)
    with store.transaction() as tx:
        m1 = assign_dup_group(tx, copy)
        m2 = assign_dup_group(tx, other)
        rows = tx.execute("SELECT id, dup_group FROM documents ORDER BY id")
        cand = SQLDedupIndex(tx).candidates(band_keys(copy.signature), limit=5)
    assert m1.is_copy and m1.group_id == ORIGINAL.id and m1.matched == ORIGINAL.id
    assert not m2.is_copy and m2.group_id == SAME_EVENT.id
    groups = {r["id"]: r["dup_group"] for r in rows}
    assert groups[COPIES["teasers added"].id] == ORIGINAL.id
    assert groups[SAME_EVENT.id] == SAME_EVENT.id
    # the copy itself and its original share every band (teasers are not fingerprinted)
    assert {c.doc_id for c in cand[:2]} == {ORIGINAL.id, copy.document.id}
    assert all(np.array_equal(c.signature, copy.signature) for c in cand[:2])
    store.close()


# -- commands -----------------------------------------------------------------------------


def test_eval_dedup_command_on_a_small_file(capsys):
    assert main(["eval", "dedup", "--input", str(HAND), "--bases", "12", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["families"] == 12 and out["documents"] > 12
    assert out["precision"] == 1.0 and out["recall"] == 1.0
    assert set(out["copy_recall_by_kind"]) <= set(KINDS)


def test_eval_dedup_command_rejects_bad_input(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    assert main(["eval", "dedup", "--input", str(bad)]) == 1
    assert "line 1 is not JSON" in capsys.readouterr().err


def test_eval_dedup_audit_file_is_well_formed():
    from marsad.lab.dedup_eval import load_audit

    audit = load_audit(Path(__file__).parent / "data" / "dedup" / "audit.tsv")
    assert len(audit) >= 60
    assert set(audit.values()) == {"same", "different"}


def test_bench_dedup_command(capsys):
    corpus_or_skip("saudinewsnet", "articles.jsonl.gz")
    assert main(["bench", "dedup", "--limit", "300", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert 0 < out["groups"] <= out["articles"] <= 300
    assert out["signature_and_grouping_sqlite"]["per_cpu_s"] > 0
