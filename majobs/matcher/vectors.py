"""TF-IDF vectors of posting texts over taxonomy tokens, rebuilt incrementally.

The taxonomy tagger (pure Python) is the slow part of an index build, so the raw term
counts of every posting are kept with a stamp of its text: a rebuild re-tokenizes only
new or changed postings, then recomputes IDF over all counts (scikit-learn's
``TfidfTransformer``, sublinear tf, L2 rows). Large batches tokenize on all cores.
"""

from __future__ import annotations

import hashlib
import os
from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import joblib
import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfTransformer

Analyzer = Callable[[str], list[str]]
TOKEN_PREFIX = "tx_"            # the tagger's token for a taxonomy id: tx_<id lower>
PARALLEL_MIN_DOCS = 4000        # below this, worker start-up costs more than it saves


def taxonomy_analyzer(text: str) -> list[str]:
    """Taxonomy hits as single tokens (``tx_<id>``, synonyms folded) plus lowercase words.
    A module function so a saved index pickles it by reference."""
    from majobs.taxonomy import get_tagger

    return get_tagger().index_tokens(text)


def id_token(term_id: str) -> str:
    return TOKEN_PREFIX + term_id.lower()


def text_stamp(text: str) -> int:
    """64-bit fingerprint of a text: equal stamps -> reuse the counts."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "replace"),
                                          digest_size=8).digest(), "little")


@dataclass
class CountChunk:
    """Raw term counts of some texts over their own small vocabulary (what a tokenizer
    worker sends back: far smaller than the token lists themselves)."""

    terms: list[str]
    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray


def count_chunk(analyzer: Analyzer, texts: list[str]) -> CountChunk:
    vocab: dict[str, int] = {}
    # compact typed arrays, not lists of Python ints: this is the build's memory peak
    indptr, indices, data = array("q", [0]), array("i"), array("f")
    for text in texts:
        counts = Counter(analyzer(text))
        indices.extend(vocab.setdefault(tok, len(vocab)) for tok in counts)
        data.extend(counts.values())
        indptr.append(len(indices))
    return CountChunk(list(vocab), np.frombuffer(indptr, dtype=np.int64).copy(),
                      np.frombuffer(indices, dtype=np.int32).copy(),
                      np.frombuffer(data, dtype=np.float32).copy())


def count_texts(texts: list[str], analyzer: Analyzer, n_jobs: int | None = None
                ) -> list[CountChunk]:
    """Counts of ``texts`` in order, in chunks; large batches use every core."""
    jobs = n_jobs or os.cpu_count() or 1
    if jobs == 1 or len(texts) < PARALLEL_MIN_DOCS:
        return [count_chunk(analyzer, texts)]
    size = -(-len(texts) // (jobs * 4))
    return list(joblib.Parallel(n_jobs=jobs)(
        joblib.delayed(count_chunk)(analyzer, texts[i:i + size])
        for i in range(0, len(texts), size)))


@dataclass
class TextVectors:
    terms: list[str]                # column -> token
    vocab: dict[str, int]           # token -> column
    counts: sparse.csr_matrix       # n x terms raw term counts (float32)
    stamps: np.ndarray              # uint64 text stamp per row
    ids: np.ndarray                 # int64 posting id per row
    transformer: TfidfTransformer
    matrix: sparse.csr_matrix       # n x terms TF-IDF, rows L2-normalized (float32)

    def query(self, tokens: list[str]) -> np.ndarray:
        """A dense TF-IDF vector for a query's tokens (unknown tokens are ignored):
        the transformer's own weighting (1 + log tf) * idf, L2-normalized, computed here
        because its transform() validation costs milliseconds per call."""
        dense = np.zeros(len(self.terms), dtype=np.float32)
        counts = Counter(t for t in tokens if t in self.vocab)
        if not counts:
            return dense
        cols = np.array([self.vocab[t] for t in counts], dtype=np.int64)
        tf = 1.0 + np.log(np.array(list(counts.values()), dtype=np.float64))
        weights = tf * self.transformer.idf_[cols]
        dense[cols] = weights / np.linalg.norm(weights)
        return dense


def build_vectors(ids: Sequence[int], texts: Sequence[str], analyzer: Analyzer,
                  previous: TextVectors | None = None, n_jobs: int | None = None
                  ) -> tuple[TextVectors, int]:
    """Vectors of ``texts`` (one per id); rows whose id and text stamp match ``previous``
    reuse its counts. Returns the vectors and how many texts were tokenized."""
    stamps = np.array([text_stamp(t) for t in texts], dtype=np.uint64)
    ids_arr = np.asarray(ids, dtype=np.int64)
    reuse_from = _reusable_rows(ids_arr, stamps, previous)
    fresh = np.flatnonzero(reuse_from < 0)
    terms = list(previous.terms) if previous is not None else []
    vocab = dict(previous.vocab) if previous is not None else {}
    chunks = count_texts([texts[i] for i in fresh], analyzer, n_jobs)
    for chunk in chunks:   # chunk-local term numbers -> global columns, in place
        to_global = np.empty(len(chunk.terms), dtype=np.int32)
        for j, tok in enumerate(chunk.terms):
            col = vocab.get(tok)
            if col is None:
                col = vocab[tok] = len(terms)
                terms.append(tok)
            to_global[j] = col
        chunk.indices = to_global[chunk.indices] if chunk.indices.size else \
            chunk.indices.astype(np.int32)
    width = max(1, len(terms))
    parts = [sparse.csr_matrix((c.data, c.indices, c.indptr),
                               shape=(c.indptr.size - 1, width)) for c in chunks]
    kept = np.flatnonzero(reuse_from >= 0)
    if kept.size:
        old = previous.counts[reuse_from[kept]]  # type: ignore[union-attr]
        parts.append(sparse.csr_matrix((old.data, old.indices, old.indptr),
                                       shape=(kept.size, width)))
    stacked = sparse.vstack(parts, format="csr", dtype=np.float32) if parts else \
        sparse.csr_matrix((0, width), dtype=np.float32)
    del chunks, parts
    # stacked rows: fresh rows in order, then kept rows; put each back at its position
    source = np.concatenate([fresh, kept])
    counts = stacked if np.array_equal(source, np.arange(source.size)) else \
        stacked[np.argsort(source, kind="stable")]
    counts, terms = _drop_unused(counts, terms)
    vocab = {t: i for i, t in enumerate(terms) if t}
    transformer = TfidfTransformer(sublinear_tf=True)
    if counts.nnz:
        matrix = transformer.fit_transform(counts).astype(np.float32).tocsr()
    else:  # nothing to learn: an idf of ones keeps transform() working
        transformer.fit(sparse.csr_matrix(np.ones((1, counts.shape[1]), dtype=np.float32)))
        matrix = counts.copy()
    return TextVectors(terms, vocab, counts, stamps, ids_arr, transformer, matrix), fresh.size


def _reusable_rows(ids: np.ndarray, stamps: np.ndarray, previous: TextVectors | None
                   ) -> np.ndarray:
    """For each row, the previous row with the same id and stamp, else -1."""
    out = np.full(ids.shape, -1, dtype=np.int64)
    if previous is None or previous.ids.size == 0 or ids.size == 0:
        return out
    order = np.argsort(previous.ids, kind="stable")
    pos = np.clip(np.searchsorted(previous.ids[order], ids), 0, order.size - 1)
    cand = order[pos]
    same = (previous.ids[cand] == ids) & (previous.stamps[cand] == stamps)
    out[same] = cand[same]
    return out


def _drop_unused(counts: sparse.csr_matrix, terms: list[str]
                 ) -> tuple[sparse.csr_matrix, list[str]]:
    """Remove columns no posting uses any more (the vocabulary must not grow forever).
    With no terms at all, one placeholder column "" that no token can hit."""
    used = np.bincount(counts.indices, minlength=counts.shape[1]) > 0
    if terms and used.all():
        return counts, terms
    keep = np.flatnonzero(used[:len(terms)])
    if keep.size == 0:
        return sparse.csr_matrix((counts.shape[0], 1), dtype=np.float32), [""]
    return counts[:, keep].tocsr(), [terms[i] for i in keep]
