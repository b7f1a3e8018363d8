"""Contextual clusters (a news language model read by numpy) and their CRF features."""

from __future__ import annotations

import numpy as np
import pytest

from marsad.analyze.ner.context import ContextClusters


def _lstm_reference(x: np.ndarray, wih, whh, b) -> np.ndarray:
    """One sentence, one step at a time, gates written out (torch order i, f, g, o)."""

    def sig(z):
        return 1 / (1 + np.exp(-z))

    H = whh.shape[1]
    h = np.zeros(H)
    c = np.zeros(H)
    out = []
    for xt in x:
        g = wih @ xt + whh @ h + b
        i, f, gg, o = (g[k * H : (k + 1) * H] for k in range(4))
        c = sig(f) * c + sig(i) * np.tanh(gg)
        h = sig(o) * np.tanh(c)
        out.append(h)
    return np.array(out)


def test_packed_lstm_steps_only_running_sentences():
    from marsad.analyze.ner.lstm import gates_ifog, pad_rows, run_lstms

    rng = np.random.default_rng(1)
    H, D, K = 4, 3, 2
    lens = [1, 3, 3, 6]  # ascending, as length_batches makes them
    nets = [(rng.normal(scale=0.5, size=(4 * H, D)), rng.normal(scale=0.5, size=(4 * H, H)),
             rng.normal(scale=0.5, size=4 * H)) for _ in range(K)]
    x = rng.normal(size=(sum(lens), D))
    xw = np.stack([pad_rows((x @ gates_ifog(wih).T + gates_ifog(b)).astype(np.float32), lens)
                   for wih, _, b in nets])
    U = np.stack([gates_ifog(whh).T for _, whh, _ in nets]).astype(np.float32)
    packed = run_lstms(xw, U, lens)
    padded = run_lstms(xw, U)  # every sentence stepped to the batch's width
    starts = np.cumsum([0, *lens])
    for k, (wih, whh, b) in enumerate(nets):
        for s, n in enumerate(lens):
            want = _lstm_reference(x[starts[s]:starts[s + 1]], wih, whh, b)
            assert np.allclose(packed[k, s, :n], want, atol=1e-5)
            assert np.allclose(padded[k, s, :n], want, atol=1e-5)
            assert not packed[k, s, n:].any()  # padding is never stepped
    # lengths out of order: every sentence is stepped over the whole width, same states
    order = [3, 0, 2, 1]
    shuffled = run_lstms(xw[:, order], U, [lens[i] for i in order])
    for j, s in enumerate(order):
        assert np.allclose(shuffled[:, j, :lens[s]], packed[:, s, :lens[s]], atol=1e-6)


def _write_model(path, words, H=5, D=4, clusters=3, split=2, seed=0):
    rng = np.random.default_rng(seed)
    w = {f"{d}_{k}": rng.normal(0, 0.5, shape).astype(np.float16)
         for d in ("f", "b")
         for k, shape in (("wih", (4 * H, D + 1)), ("whh", (4 * H, H)), ("b", (4 * H,)))}
    cents = {"centroids0": rng.normal(0, 1, (clusters, 2 * H)).astype(np.float16),
             "centroids1": rng.normal(0, 1, (clusters * split, 2 * H)).astype(np.float16)}
    np.savez(path, words=np.array(words), vec_q=rng.integers(-127, 128, (len(words), D)).astype(np.int8),
             vec_scale=np.full(len(words), 0.01, np.float32), granularities=2, **w, **cents)
    return w


def test_batched_states_match_a_one_sentence_reference(tmp_path):
    words = [f"w{i}" for i in range(20)]
    w = _write_model(tmp_path / "context.npz", words)
    ctx = ContextClusters(tmp_path / "context.npz")
    rng = np.random.default_rng(1)
    # different lengths in one batch, unknown words (id 20) among them
    sents = [rng.integers(0, 21, n) for n in (7, 1, 12, 3)]
    got = ctx.states(sents)
    f = {k: v.astype(np.float64) for k, v in w.items()}
    for ids, st in zip(sents, got):
        x = ctx.emb[ids].astype(np.float64)
        fwd = _lstm_reference(x, f["f_wih"], f["f_whh"], f["f_b"])
        bwd = _lstm_reference(x[::-1], f["b_wih"], f["b_whh"], f["b_b"])[::-1]
        assert st.shape == (len(ids), 10)
        np.testing.assert_allclose(st[:, :5], fwd, atol=1e-4)
        np.testing.assert_allclose(st[:, 5:], bwd, atol=1e-4)


def test_labels_do_not_depend_on_the_batch(tmp_path):
    words = ["w" + chr(97 + i) for i in range(20)]
    _write_model(tmp_path / "context.npz", words)
    ctx = ContextClusters(tmp_path / "context.npz")
    sents = [["wb", "wf", "xx", "wh"], ["wd"], ["wj"] * 30, []]
    together = ctx.labels(sents)
    for s, lab in zip(sents, together):
        alone = ctx.labels([s])[0]
        assert lab.shape == (len(s), 2)
        np.testing.assert_array_equal(lab, alone)
    coarse, fine = together[2][:, 0], together[2][:, 1]
    assert coarse.max() < 3 and fine.max() < 6
    # a fine cluster is one of its coarse cluster's children
    assert (fine // 2 == coarse).all()


def test_context_features_reach_the_crf(tmp_path):
    from marsad.analyze.ner.features import FeatureExtractor, FeatureSettings

    words = ["قال", "الرئيس", "في", "مدينه"]
    _write_model(tmp_path / "context.npz", words)
    ctx = ContextClusters(tmp_path / "context.npz")
    ext = FeatureExtractor(FeatureSettings(clusters=False, gazetteer=False, context=True),
                           None, None, ctx)
    toks = ["قال", "الرئيس", "زيد", "في", "مدينة", "عمرو"]
    feats = ext.sentence(toks)
    labels = ext.context_labels([toks])[0]
    for f, row in zip(feats, labels):
        assert [x for x in f if x.startswith("lc")] == [f"lc0={row[0]}", f"lc1={row[1]}"]
    # given the batch's labels, the same features
    assert ext.sentence(toks, labels) == feats
    off = FeatureExtractor(FeatureSettings(clusters=False, gazetteer=False), None, None, ctx)
    assert not any(x.startswith("lc") for f in off.sentence(toks) for x in f)


def test_train_context_small_run(tmp_path):
    """The recipe end to end on a few hundred sentences (torch is a training-only extra)."""
    pytest.importorskip("torch")
    from marsad.lab.ner.context_train import ContextSettings, build_context

    rng = np.random.default_rng(0)
    words = ["في", "قال", "الرئيس", "مدينه", "وزير", "الخارجيه", "اليوم", "امس"]
    np.savez(tmp_path / "vectors.npz", words=np.array(words),
             vectors=rng.normal(0, 1, (len(words), 8)))
    texts = [" ".join(rng.choice(words + ["زيد", "عمرو"], 12)) + "." for _ in range(300)]
    s = ContextSettings(vocab=8, dim=8, hidden=6, steps=20, batch=16, clusters=4, split=2,
                        kmeans_sentences=100)
    summary = build_context(texts, tmp_path / "vectors.npz", tmp_path / "context.npz", s,
                            log=lambda m: None)
    assert summary["corpus_sentences"] == 300 and summary["perplexity"] > 0
    ctx = ContextClusters(tmp_path / "context.npz")
    lab = ctx.labels([["قال", "الرئيس", "زيد"]])[0]
    assert lab.shape == (3, 2) and lab[:, 0].max() < 4 and (lab[:, 1] // 2 == lab[:, 0]).all()


def test_shipped_network_same_emissions_alone_batched_and_cached():
    """The per-word-type input cache and the batched LSTM loop change nothing: a sentence
    scores the same alone, in a batch of other lengths, and from a cold or warm cache."""
    from marsad.analyze.ner.tagger import load_model

    net = load_model().networks[0]
    sents = [["قال", "الرئيس", "الفرنسي", "إيمانويل", "ماكرون", "في", "باريس", "."],
             ["وزارة", "الخارجية"], ["غادر", "الوفد", "القاهرة", "متجها", "إلى", "جدة"]]
    net._type_proj.clear()
    cold = net.emissions(sents)
    warm = net.emissions(sents)
    for s, a, b in zip(sents, cold, warm):
        alone = net.emissions([s])[0]
        assert a.shape == (len(s), 9)
        np.testing.assert_allclose(a, b, atol=1e-5)
        np.testing.assert_allclose(a, alone, atol=1e-5)
