"""The match index: TF-IDF vectors of the active MA postings plus numpy columns of their
structured fields, so one profile is scored against every posting in a few array ops.

Persisted with joblib next to the database (``sqlite:///dir/majobs.db`` ->
``dir/majobs.index/``; other URLs -> a per-URL cache directory, or ``MAJOBS_INDEX_DIR``)
with a fingerprint of the postings; :func:`load_or_build` reuses it until they change.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from scipy import sparse

from majobs.matcher.docs import EMPLOYMENT_TYPES, TAG_GROUPS, PostingDoc
from majobs.matcher.vectors import Analyzer, TextVectors, build_vectors, taxonomy_analyzer

FORMAT = 2                      # bump when the saved layout changes
MAX_CERTS = 64                  # certification bits per posting (uint64)
# National MA certifications an employer usually treats as interchangeable.
MA_CLASS = ("CMA", "RMA", "NCMA", "CCMA", "CMAC", "NRCMA")
EPOCH = date(1970, 1, 1)


def doc_text(doc: PostingDoc) -> str:
    return f"{doc.title}\n{doc.text}"


def norm_words(text: str | None) -> str:
    """Lowercase words joined by single spaces, padded: ' aya healthcare inc '."""
    if not text:
        return " "
    words = "".join(c if c.isalnum() else " " for c in text.lower()).split()
    return f" {' '.join(words)} "


@dataclass
class MatchIndex:
    ids: np.ndarray                 # int64 posting ids, ascending
    vectors: TextVectors            # TF-IDF rows (same order as ids) and raw counts
    lat: np.ndarray                 # float64 degrees, nan = unknown
    lon: np.ndarray
    lat_rad: np.ndarray             # the same in radians, and cos(lat): distances are
    lon_rad: np.ndarray             # computed per query over every row, so the
    cos_lat: np.ndarray             # per-row trigonometry is done once here
    remote: np.ndarray              # bool
    pay_min: np.ndarray             # float32 hourly, nan = not stated
    pay_max: np.ndarray
    type_code: np.ndarray           # int8 index into EMPLOYMENT_TYPES, -1 = unknown
    posted_day: np.ndarray          # float32 days since 1970-01-01, nan = unknown
    cert_ids: tuple[str, ...]       # bit i of the masks = cert_ids[i]
    req_mask: np.ndarray            # uint64
    pref_mask: np.ndarray
    any_mask: np.ndarray            # required | preferred | mentioned
    tag_ids: dict[str, tuple[str, ...]]       # group -> column ids
    tag_matrix: dict[str, sparse.csr_matrix]  # group -> n x ids, 1.0 where tagged
    tag_count: dict[str, np.ndarray]          # group -> tags per posting (float32)
    analyzer: Analyzer                        # text -> tokens, for queries
    employer_rows: dict[str, np.ndarray]      # normalized employer -> rows
    title_rows: dict[str, np.ndarray]         # normalized title -> rows
    fingerprint: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    @property
    def matrix(self) -> sparse.csr_matrix:
        """n x vocabulary TF-IDF, rows L2-normalized (float32)."""
        return self.vectors.matrix

    def rows_of(self, posting_ids: Iterable[int]) -> np.ndarray:
        """Row numbers of the given posting ids (ids not in the index are skipped)."""
        wanted = np.fromiter((int(i) for i in posting_ids), dtype=np.int64)
        if wanted.size == 0 or len(self) == 0:
            return np.empty(0, dtype=np.int64)
        pos = np.searchsorted(self.ids, wanted)
        pos = np.clip(pos, 0, len(self) - 1)
        return pos[self.ids[pos] == wanted]

    def cert_bits(self, certs: Iterable[str]) -> np.uint64:
        bits = 0
        for cert in certs:
            if cert in self.cert_ids:
                bits |= 1 << self.cert_ids.index(cert)
        return np.uint64(bits)

    def cert_names(self, bits: int) -> list[str]:
        return [c for i, c in enumerate(self.cert_ids) if int(bits) >> i & 1]


def build_index(docs: Sequence[PostingDoc] | Any, analyzer: Analyzer | None = None,
                fingerprint: str = "", n_jobs: int | None = None,
                previous: MatchIndex | None = None) -> MatchIndex:
    """Vectorize ``docs`` (posting records, or a SQLAlchemy session to read the active MA
    postings from) and pack their structured fields into numpy columns.
    With ``previous`` (same analyzer), unchanged texts reuse its token counts."""
    if not isinstance(docs, Sequence):
        from majobs.db import match_store

        docs = match_store.load_index_docs(docs)
    analyzer = analyzer or taxonomy_analyzer
    docs = sorted({d.id: d for d in docs}.values(), key=lambda d: d.id)  # one row per id
    n = len(docs)
    reuse = previous.vectors if previous is not None and previous.analyzer is analyzer \
        else None
    vectors, tokenized = build_vectors([d.id for d in docs], [doc_text(d) for d in docs],
                                       analyzer, reuse, n_jobs)

    def floats(values: Iterable[float | None], dtype: Any) -> np.ndarray:
        return np.array([np.nan if v is None else v for v in values], dtype=dtype)

    lat = floats((d.lat for d in docs), np.float64)
    lon = floats((d.lon for d in docs), np.float64)
    cert_ids = _cert_vocabulary(docs)
    bit = {c: np.uint64(1) << np.uint64(i) for i, c in enumerate(cert_ids)}

    def mask(certs: Iterable[str]) -> np.uint64:
        out = np.uint64(0)
        for c in certs:
            out |= bit.get(c, np.uint64(0))
        return out

    req = np.array([mask(d.required_certifications) for d in docs], dtype=np.uint64)
    pref = np.array([mask(d.preferred_certifications) for d in docs], dtype=np.uint64)
    mentioned = np.array([mask(d.tags.get("certifications", ())) for d in docs],
                         dtype=np.uint64)
    tag_ids, tag_matrix, tag_count = {}, {}, {}
    for group in TAG_GROUPS:
        tag_ids[group], tag_matrix[group] = _tag_matrix(docs, group)
        tag_count[group] = np.asarray(tag_matrix[group].sum(axis=1), dtype=np.float32).ravel()
    return MatchIndex(
        ids=np.array([d.id for d in docs], dtype=np.int64), vectors=vectors,
        lat=lat, lon=lon, lat_rad=np.radians(lat), lon_rad=np.radians(lon),
        cos_lat=np.cos(np.radians(lat)),
        remote=np.array([d.remote for d in docs], dtype=bool),
        pay_min=floats((d.pay_hourly_min for d in docs), np.float32),
        pay_max=floats((d.pay_hourly_max for d in docs), np.float32),
        type_code=np.array([EMPLOYMENT_TYPES.index(d.employment_type)
                            if d.employment_type in EMPLOYMENT_TYPES else -1 for d in docs],
                           dtype=np.int8),
        posted_day=floats(((d.date_posted - EPOCH).days if d.date_posted else None
                           for d in docs), np.float32),
        cert_ids=cert_ids, req_mask=req, pref_mask=pref, any_mask=req | pref | mentioned,
        tag_ids=tag_ids, tag_matrix=tag_matrix, tag_count=tag_count, analyzer=analyzer,
        employer_rows=_rows_by(norm_words(d.employer) for d in docs),
        title_rows=_rows_by(norm_words(d.title) for d in docs),
        fingerprint=fingerprint, meta={"format": FORMAT, "postings": n, "tokenized": tokenized},
    )


def _cert_vocabulary(docs: Sequence[PostingDoc]) -> tuple[str, ...]:
    seen: Counter[str] = Counter(MA_CLASS)  # always present: the equivalence needs them
    for d in docs:
        seen.update({*d.required_certifications, *d.preferred_certifications,
                     *d.tags.get("certifications", ())})
    # More than 64 distinct ids only happens with junk in the data: keep the common ones.
    common = [c for c, _ in seen.most_common(MAX_CERTS)]
    return tuple(sorted(common))


def _tag_matrix(docs: Sequence[PostingDoc], group: str
                ) -> tuple[tuple[str, ...], sparse.csr_matrix]:
    ids = sorted({t for d in docs for t in d.tags.get(group, ())})
    col = {t: i for i, t in enumerate(ids)}
    rows, cols = [], []
    for r, d in enumerate(docs):
        for t in set(d.tags.get(group, ())):
            rows.append(r)
            cols.append(col[t])
    data = np.ones(len(rows), dtype=np.float32)
    shape = (len(docs), max(1, len(ids)))
    return tuple(ids), sparse.csr_matrix((data, (rows, cols)), shape=shape)


def _rows_by(keys: Iterable[str]) -> dict[str, np.ndarray]:
    groups: dict[str, list[int]] = {}
    for row, key in enumerate(keys):
        groups.setdefault(key, []).append(row)
    return {k: np.array(v, dtype=np.int64) for k, v in groups.items()}


# --- persistence ---------------------------------------------------------------------

def index_dir_for(url: str, override: str | Path | None = None) -> Path:
    """Where the index of the database at ``url`` lives."""
    if override:
        return Path(override)
    if os.environ.get("MAJOBS_INDEX_DIR"):
        return Path(os.environ["MAJOBS_INDEX_DIR"])
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if u.get_backend_name() == "sqlite" and u.database and u.database != ":memory:":
        db = Path(u.database)
        return db.with_name(db.stem + ".index")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    key = hashlib.sha256(u.render_as_string(hide_password=True).encode()).hexdigest()[:16]
    return cache / "majobs" / "index" / key


def save_index(index: MatchIndex, directory: Path) -> None:
    """Write atomically: a reader sees the old index or the new one, never half."""
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
    os.close(fd)
    try:
        joblib.dump(index, tmp)
        os.replace(tmp, directory / "index.joblib")
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    (directory / "fingerprint.txt").write_text(index.fingerprint, encoding="utf-8")


def saved_fingerprint(directory: Path) -> str | None:
    try:
        return (directory / "fingerprint.txt").read_text(encoding="utf-8").strip()
    except OSError:
        return None


def load_saved(directory: Path, fingerprint: str) -> MatchIndex | None:
    """The saved index when it was built from postings with this fingerprint."""
    if saved_fingerprint(directory) != fingerprint:
        return None
    index = _load(directory)
    return index if index is not None and index.fingerprint == fingerprint else None


def _load(directory: Path) -> MatchIndex | None:
    """The saved index of this format, whatever its fingerprint; None if unusable."""
    if not (directory / "index.joblib").exists():
        return None
    try:
        index = joblib.load(directory / "index.joblib")
    except Exception:  # a damaged or foreign file: rebuild rather than fail
        return None
    if not isinstance(index, MatchIndex) or index.meta.get("format") != FORMAT:
        return None
    return index


def load_or_build(engine: Any, index_dir: str | Path | None = None, *,
                  rebuild: bool = False) -> MatchIndex:
    """The index of the active MA postings in ``engine``'s database: the saved one while
    the postings are unchanged, else a fresh one (saved for next time)."""
    from majobs.db import match_store
    from majobs.db.engine import session_factory

    directory = index_dir_for(engine.url.render_as_string(hide_password=False), index_dir)
    with session_factory(engine, readonly=True).begin() as session:
        fingerprint = f"v{FORMAT}:{_taxonomy_signature()}:" + \
            match_store.postings_fingerprint(session)
        saved = _load(directory)
        if saved is not None and saved.fingerprint == fingerprint and not rebuild:
            return saved
        docs = match_store.load_index_docs(session)
    # The last saved index, even if stale, spares re-tokenizing unchanged postings.
    index = build_index(docs, fingerprint=fingerprint, previous=None if rebuild else saved)
    with contextlib.suppress(OSError):  # read-only place: answer, rebuild next time
        save_index(index, directory)
    return index


def _taxonomy_signature() -> str:
    """Changes when the taxonomy does (its tokens are in the vectors)."""
    try:
        from majobs.taxonomy import load_taxonomy

        terms = load_taxonomy().terms
        text = repr(sorted(terms.items()) if isinstance(terms, dict) else sorted(terms))
    except Exception:
        return "none"
    return hashlib.sha256(text.encode()).hexdigest()[:12]
