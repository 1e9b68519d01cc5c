"""The index's TF-IDF side: taxonomy tokens, scikit-learn's weighting, incremental rebuilds,
and persistence on disk."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from majobs.matcher.docs import PostingDoc, make_doc
from majobs.matcher.index import build_index, load_saved, save_index
from majobs.matcher.vectors import taxonomy_analyzer

TEXTS = [
    "Certified Medical Assistant (CMA) for pediatrics: vitals, vaccines, EKG.",
    "C.M.A. or RMA required. Perform ECGs and venipuncture; Washington MA-C.",
    "Front desk: scheduling, insurance verification, prior authorizations.",
    "Dermatology MA: biopsies, Mohs, wound care, X-ray not needed.",
    "",
    "Bilingual Spanish MA &amp; phlebotomy – community health center.",
]


def docs(texts: list[str], start: int = 1) -> list[PostingDoc]:
    return [make_doc(id=start + i, title="Medical Assistant", text=t)
            for i, t in enumerate(texts)]


def weights_by_token(index, row: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    m = index.matrix
    cols = m.indices[m.indptr[row]:m.indptr[row + 1]]
    return {index.vectors.terms[c]: float(v)
            for c, v in zip(cols, m.data[m.indptr[row]:m.indptr[row + 1]], strict=True)}


def test_taxonomy_tokens_keep_credentials_whole() -> None:
    index = build_index(docs(TEXTS))
    row = weights_by_token(index, 1)
    assert {"tx_cma", "tx_rma", "tx_ekg", "tx_phlebotomy", "tx_ma_c"} <= set(row)
    assert "ma" not in row and "c" not in row   # what a word tokenizer would leave


def test_weights_equal_scikit_learn_tfidf() -> None:
    index = build_index(docs(TEXTS))
    ref = TfidfVectorizer(analyzer=taxonomy_analyzer, sublinear_tf=True)
    matrix = ref.fit_transform(f"Medical Assistant\n{t}" for t in TEXTS)
    terms = ref.get_feature_names_out()
    for row in range(len(TEXTS)):
        expected = {terms[c]: v for c, v in zip(matrix[row].indices, matrix[row].data,
                                                strict=True)}
        got = weights_by_token(index, row)
        assert got.keys() == expected.keys()
        for tok, v in expected.items():
            assert got[tok] == pytest.approx(v, rel=1e-5)


def test_incremental_rebuild_matches_a_fresh_build() -> None:
    first = build_index(docs(TEXTS))
    assert first.meta["tokenized"] == len(TEXTS)
    changed = [*TEXTS[:2], "Ophthalmic assistant: visual acuity, tonometry.", *TEXTS[3:5]]
    new = docs(changed) + docs(["Orthopedics: splinting, casting, x-ray."], start=50)
    again = build_index(new, previous=first)
    fresh = build_index(new)
    assert again.meta["tokenized"] == 2          # the changed text and the new posting
    assert again.ids.tolist() == fresh.ids.tolist()
    for row in range(len(new)):
        a, b = weights_by_token(again, row), weights_by_token(fresh, row)
        assert a.keys() == b.keys()
        assert all(a[t] == pytest.approx(b[t], rel=1e-5) for t in b)
    assert "tx_insurance" not in again.vectors.vocab   # posting 3's words left with it
    assert set(again.vectors.vocab) == set(fresh.vectors.vocab)


def test_empty_and_blank_indexes() -> None:
    for index in (build_index([]), build_index(docs(["", "  "]))):
        assert index.matrix.shape[0] == len(index)
        vec = index.vectors.query(["tx_cma", "anything"])
        assert vec.shape == (index.matrix.shape[1],) and not vec.any()
    grown = build_index(docs(TEXTS[:1]), previous=build_index(docs([""])))
    assert grown.matrix.nnz > 0


def test_saved_index_round_trip(tmp_path: Path) -> None:
    index = build_index(docs(TEXTS), fingerprint="fp-1")
    save_index(index, tmp_path)
    loaded = load_saved(tmp_path, "fp-1")
    assert loaded is not None and loaded.ids.tolist() == index.ids.tolist()
    assert np.allclose(loaded.matrix.toarray(), index.matrix.toarray())
    assert load_saved(tmp_path, "fp-2") is None
    (tmp_path / "index.joblib").write_bytes(b"not a pickle")
    assert load_saved(tmp_path, "fp-1") is None


def test_query_vector_equals_transformer_output() -> None:
    index = build_index(docs(TEXTS))
    vocab = index.vectors.vocab
    tokens = ["tx_cma", "tx_cma", "tx_ekg", "needed", "unheard-of"]
    counts = sparse.csr_matrix(
        ([2.0, 1.0, 1.0], ([0, 0, 0], [vocab["tx_cma"], vocab["tx_ekg"], vocab["needed"]])),
        shape=(1, index.matrix.shape[1]))
    expected = index.vectors.transformer.transform(counts).toarray().ravel()
    assert np.allclose(index.vectors.query(tokens), expected, atol=1e-6)


def test_parallel_tokenizing_gives_the_same_index(monkeypatch: pytest.MonkeyPatch) -> None:
    from majobs.matcher import vectors

    many = docs(TEXTS * 3)
    serial = build_index(many, n_jobs=1)
    monkeypatch.setattr(vectors, "PARALLEL_MIN_DOCS", 2)
    parallel = build_index(many, n_jobs=2)
    assert parallel.vectors.terms == serial.vectors.terms
    assert np.allclose(parallel.matrix.toarray(), serial.matrix.toarray())
