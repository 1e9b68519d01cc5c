"""Relevance evaluation: the labeled set in tests/data/relevance, NDCG@k, and baselines.

The set: hand-written MA postings (``postings*.yaml``), candidate profiles
(``profiles.yaml``) and graded judgments 0-3 (``judgments.yaml``; unjudged = 0).
Baselines see the same information as the matcher, as flat text: random order, TF-IDF
cosine (scikit-learn defaults) and BM25 (bm25s), plus BM25 behind the same radius filter.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from majobs.matcher.docs import PostingDoc, make_doc
from majobs.matcher.index import MatchIndex, build_index
from majobs.matcher.profile import Profile, parse_profile
from majobs.matcher.rank import rank

HOURS_PER_YEAR = 2080
EVAL_TODAY = date(2025, 6, 1)     # the postings' dates are relative to this day
Ranker = Callable[[str], list[int]]   # profile key -> posting ids, best first


@dataclass
class EvalSet:
    docs: list[PostingDoc]
    keys: dict[int, str]                      # doc id -> posting key ("aus01")
    flat_text: dict[int, str]                 # doc id -> everything as one text
    profiles: dict[str, Profile]
    profile_text: dict[str, str]
    judgments: dict[str, dict[int, int]]      # profile key -> doc id -> grade


def default_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "tests" / "data" / "relevance"


def load_eval_set(directory: Path | None = None) -> EvalSet:
    from majobs.normalize.location import resolve_place
    from majobs.taxonomy import get_tagger

    directory = directory or default_dir()
    raw: list[dict[str, Any]] = []
    for path in sorted(directory.glob("postings*.yaml")):
        raw += yaml.safe_load(path.read_text(encoding="utf-8"))
    tagger = get_tagger()
    docs, keys, flat = [], {}, {}
    for n, p in enumerate(raw, start=1):
        place = resolve_place(p["zip"])
        low, high, period = p.get("pay") or (None, None, None)
        per = HOURS_PER_YEAR if period == "year" else 1
        body = f"{p['title']}\n{p['text']}"
        docs.append(make_doc(
            id=n, title=p["title"], employer=p["employer"], text=p["text"],
            lat=place.lat if place else None, lon=place.lon if place else None,
            remote=p.get("remote", False), employment_type=p["type"],
            pay_hourly_min=low / per if low else None,
            pay_hourly_max=high / per if high else None,
            date_posted=p["posted"], tags=tagger.tag(body),
            required_certifications=p["required"], preferred_certifications=p["preferred"]))
        keys[n] = p["id"]
        pay = f"${low}-${high} per {period}" if low else ""
        flat[n] = (f"{p['title']}. {p['employer']}. {p['city']}, {p['state']} {p['zip']}"
                   f"{' remote' if p.get('remote') else ''}. {p['type'].replace('_', ' ')}. "
                   f"{pay}. {p['text']}")
    by_key = {v: k for k, v in keys.items()}
    profiles_raw = yaml.safe_load((directory / "profiles.yaml").read_text(encoding="utf-8"))
    profiles = {k: parse_profile(v, f"profiles.yaml:{k}") for k, v in profiles_raw.items()}
    text = {k: " ".join(_words(v)) for k, v in profiles_raw.items()}
    judged = yaml.safe_load((directory / "judgments.yaml").read_text(encoding="utf-8"))
    judgments = {k: {by_key[pk]: int(g) for pk, g in grades.items()}
                 for k, grades in judged.items()}
    return EvalSet(docs, keys, flat, profiles, text, judgments)


def _words(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [w for v in value.values() for w in _words(v)]
    if isinstance(value, list):
        return [w for v in value for w in _words(v)]
    return [str(value).replace("_", " ")]


def ndcg_at_k(ranked: list[int], grades: dict[int, int], k: int = 10) -> float:
    """Normalized DCG with gains 2^g - 1; 1.0 is the ideal order of the judged set."""
    def dcg(gains: list[int]) -> float:
        return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(gains[:k]))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(d, 0) for d in ranked]) / ideal if ideal > 0 else 0.0


def matcher_ranker(ev: EvalSet, index: MatchIndex | None = None, k: int = 10,
                   **kw: Any) -> Ranker:
    index = index or build_index(ev.docs)
    return lambda key: [r.posting_id for r in rank(index, ev.profiles[key], limit=k,
                                                   today=EVAL_TODAY, **kw)]


def random_ranker(ev: EvalSet, seed: int = 7) -> Ranker:
    ids = [d.id for d in ev.docs]

    def order(key: str) -> list[int]:
        rng = random.Random(f"{seed}:{key}")
        return rng.sample(ids, len(ids))
    return order


def tfidf_ranker(ev: EvalSet) -> Ranker:
    from sklearn.feature_extraction.text import TfidfVectorizer

    ids = [d.id for d in ev.docs]
    vec = TfidfVectorizer()
    matrix = vec.fit_transform(ev.flat_text[i] for i in ids)

    def order(key: str) -> list[int]:
        sims = (matrix @ vec.transform([ev.profile_text[key]]).T).toarray().ravel()
        return [ids[i] for i in np.lexsort((ids, -sims))]
    return order


def bm25_ranker(ev: EvalSet) -> Ranker:
    import bm25s

    ids = [d.id for d in ev.docs]
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize([ev.flat_text[i] for i in ids], stopwords="en",
                                   show_progress=False), show_progress=False)

    def order(key: str) -> list[int]:
        query = bm25s.tokenize([ev.profile_text[key]], stopwords="en", show_progress=False)
        found, _ = retriever.retrieve(query, k=len(ids), show_progress=False)
        return [ids[int(i)] for i in found[0]]
    return order


def within_radius(ev: EvalSet, ranker: Ranker) -> Ranker:
    """A baseline that also drops postings outside the profile's radius (a stronger,
    fairer comparison: the matcher's radius filter alone explains much of its lead)."""
    from majobs.matcher.rank import haversine_miles

    lat = np.array([np.nan if d.lat is None else d.lat for d in ev.docs])
    lon = np.array([np.nan if d.lon is None else d.lon for d in ev.docs])
    remote = np.array([d.remote for d in ev.docs])
    ids = [d.id for d in ev.docs]

    def order(key: str) -> list[int]:
        p = ev.profiles[key]
        if p.location is None or p.radius_miles is None:
            return ranker(key)
        dist = haversine_miles(p.location.lat, p.location.lon, lat, lon)
        ok = {i for i, d, r in zip(ids, dist, remote, strict=True)
              if r or not d > p.radius_miles}
        return [i for i in ranker(key) if i in ok]
    return order


def mean_ndcg(ev: EvalSet, ranker: Ranker, k: int = 10) -> dict[str, float]:
    """NDCG@k per profile, plus "mean"."""
    scores = {key: ndcg_at_k(ranker(key), ev.judgments.get(key, {}), k)
              for key in ev.profiles}
    scores["mean"] = sum(scores.values()) / len(ev.profiles)
    return scores


def compare(ev: EvalSet, k: int = 10) -> dict[str, dict[str, float]]:
    """NDCG@k of the matcher and the three baselines, per profile and mean."""
    return {"matcher": mean_ndcg(ev, matcher_ranker(ev, k=k), k),
            "random": mean_ndcg(ev, random_ranker(ev), k),
            "tfidf": mean_ndcg(ev, tfidf_ranker(ev), k),
            "bm25": mean_ndcg(ev, bm25_ranker(ev), k),
            "bm25+radius": mean_ndcg(ev, within_radius(ev, bm25_ranker(ev)), k)}
