"""Ranking: every posting of an index scored against one profile in numpy, best first.

Hard filters first (block rules, hidden postings, the radius), then each signal of
:mod:`majobs.matcher.weights` as an array over the remaining postings, then the top
``limit`` by score. No Python loop runs per posting, only per result returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np
from scipy import sparse

from majobs.matcher.docs import EMPLOYMENT_TYPES
from majobs.matcher.explain import MatchResult, build_result
from majobs.matcher.index import MatchIndex, norm_words
from majobs.matcher.profile import Profile
from majobs.matcher.query import Blocks, Query, build_query
from majobs.matcher.weights import DEFAULT_WEIGHTS, SIGNALS, Weights

EARTH_MILES = 3958.8
MARKET_HOURLY = 20.0    # pay reference when the candidate gives no floor (MA median ~$20-22)
SMALL_SUBSET = 8        # slice the TF-IDF rows when fewer than 1/8 of them remain


@dataclass
class Scored:
    """Scores of the candidate rows (parallel arrays) and the flags explanations need."""

    rows: np.ndarray
    score: np.ndarray
    signals: dict[str, np.ndarray]
    factor: np.ndarray
    penalties: dict[str, np.ndarray]    # penalty name -> bool array (applied)
    distance: np.ndarray                # miles, nan = unknown / remote


def rows_matvec(matrix: sparse.csr_matrix, vec: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``matrix[rows] @ vec``: slice first when few rows remain, else multiply first
    (slicing copies the rows, which costs more than the product when most remain)."""
    if rows.size * SMALL_SUBSET < matrix.shape[0]:
        return matrix[rows] @ vec
    return (matrix @ vec)[rows]


def haversine_miles(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    p1, p2 = np.radians(lat), np.radians(lats)
    dlat, dlon = p2 - p1, np.radians(lons - lon)
    h = np.sin(dlat / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_MILES * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def _miles_to_rows(index: MatchIndex, lat: float, lon: float, rows: np.ndarray) -> np.ndarray:
    """Haversine like :func:`haversine_miles`, with the rows' trigonometry precomputed."""
    p1 = np.radians(lat)
    h = np.sin((index.lat_rad[rows] - p1) / 2) ** 2 + np.cos(p1) * index.cos_lat[rows] * \
        np.sin((index.lon_rad[rows] - np.radians(lon)) / 2) ** 2
    return 2 * EARTH_MILES * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def blocked_rows(index: MatchIndex, blocks: Blocks) -> np.ndarray:
    """Rows hidden by employer / title-word rules (whole words, case-insensitive) or by id."""
    out: list[np.ndarray] = [index.rows_of(blocks.posting_ids)]
    for table, values in ((index.employer_rows, blocks.employers),
                          (index.title_rows, blocks.title_words)):
        needles = [norm_words(v) for v in values if norm_words(v).strip()]
        if needles:
            out += [rows for key, rows in table.items() if any(n in key for n in needles)]
    return np.concatenate(out) if out else np.empty(0, dtype=np.int64)


def candidate_rows(index: MatchIndex, query: Query, blocks: Blocks
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Rows that survive the hard filters, and their distances (nan = unknown/remote)."""
    keep = np.ones(len(index), dtype=bool)
    keep[blocked_rows(index, blocks)] = False
    if query.lat is None or query.lon is None:
        rows = np.flatnonzero(keep)
        return rows, np.full(rows.shape, np.nan)
    known = ~np.isnan(index.lat) & ~index.remote
    if query.radius is not None:
        # A cheap box first, so the trigonometry runs on nearby rows only.
        dlat = query.radius / 69.0 + 0.01
        dlon = query.radius / (69.0 * max(np.cos(np.radians(query.lat)), 0.01)) + 0.01
        near = (np.abs(index.lat - query.lat) <= dlat) & \
            (np.abs(index.lon - query.lon) <= dlon)
        keep &= ~known | near
    rows = np.flatnonzero(keep)
    dist = np.full(rows.shape, np.nan)
    has = known[rows]
    dist[has] = _miles_to_rows(index, query.lat, query.lon, rows[has])
    if query.radius is not None:
        inside = ~(dist > query.radius)   # nan (unknown place, remote) stays
        rows, dist = rows[inside], dist[inside]
    return rows, dist


def score_rows(index: MatchIndex, query: Query, rows: np.ndarray, dist: np.ndarray,
               w: Weights = DEFAULT_WEIGHTS) -> Scored:
    s: dict[str, np.ndarray] = {}
    # text: cosine of L2-normalized TF-IDF vectors, saturating at w.text_saturation
    cos = rows_matvec(index.matrix, query.text, rows)
    s["text"] = np.clip(cos / w.text_saturation, 0.0, 1.0)

    # certifications: required ones held (national MA certs count as equivalents),
    # and the share of every certification the posting names that the candidate holds
    req = index.req_mask[rows]
    held, ma = query.held, query.ma_bits
    miss_other = (req & ~ma & ~held) != 0
    req_ma = req & ma
    ma_exact = (req_ma == 0) | ((req_ma & held) != 0)
    ma_equiv = ~ma_exact & query.held_ma
    hard_miss = miss_other | (~ma_exact & ~ma_equiv)
    held_x = held | ma if query.held_ma else held
    named = index.any_mask[rows]
    n_named = np.bitwise_count(named).astype(np.float32)
    n_held = np.bitwise_count(named & held_x).astype(np.float32)
    mention = np.where(n_named > 0, n_held / np.maximum(n_named, 1), 0.5)
    req_score = np.where(hard_miss, 0.0, np.where(ma_equiv, 0.6, 1.0))
    s["certs"] = 0.6 * req_score + 0.4 * mention

    # skills (+ languages): cosine of the binary tag vectors; 0.5 when either side is empty
    shared = np.zeros(rows.shape, dtype=np.float32)
    count = np.zeros(rows.shape, dtype=np.float32)
    for group in ("skills", "languages"):
        shared += rows_matvec(index.tag_matrix[group], query.tags[group], rows)
        count += index.tag_count[group][rows]
    mine = query.tag_count["skills"] + query.tag_count["languages"]
    s["skills"] = np.where((count > 0) & (mine > 0),
                           shared / np.sqrt(np.maximum(count, 1) * max(mine, 1)), 0.5)

    # specialization and setting: 1 same, 0.5 general / not said, 0 a different one
    for signal, group in (("specialization", "specializations"), ("setting", "settings")):
        if query.tag_count[group] == 0:
            s[signal] = np.full(rows.shape, 0.5)
            continue
        hit = rows_matvec(index.tag_matrix[group], query.tags[group], rows)
        tagged = index.tag_count[group][rows]
        s[signal] = np.where(hit > 0, 1.0, np.where(tagged > 0, 0.0, 0.5))

    # place: closer is better; remote passes; unknown is neutral
    remote = index.remote[rows]
    if query.lat is None:
        place = np.full(rows.shape, 0.5)
    elif query.radius is not None:
        place = 1.0 - 0.5 * np.minimum(dist / query.radius, 1.0)
    else:
        place = 1.0 / (1.0 + dist / w.place_scale_miles)
    place = np.where(remote, w.remote_place, np.where(np.isnan(place), 0.5, place))
    s["place"] = place

    # pay: the posting's minimum (its maximum when only that is known) against the floor
    pmin, pmax = index.pay_min[rows], index.pay_max[rows]
    stated = np.where(np.isnan(pmin), pmax, pmin)
    ref = query.min_pay if query.min_pay is not None else MARKET_HOURLY
    s["pay"] = np.where(np.isnan(stated), 0.5,
                        np.clip(0.5 + (stated - ref) / w.pay_span_hourly, 0.0, 1.0))
    below = np.zeros(rows.shape, dtype=bool)
    if query.min_pay is not None:
        below = pmax < query.min_pay    # nan compares False: unknown never sinks

    # employment type
    code = index.type_code[rows]
    if query.type_codes.size == 0:
        s["type"] = np.full(rows.shape, 0.5)
        type_miss = np.zeros(rows.shape, dtype=bool)
    else:
        table = np.zeros(len(EMPLOYMENT_TYPES) + 1, dtype=bool)   # code -1 -> slot 0
        table[query.type_codes + 1] = True
        wanted = table[code + 1]
        type_miss = (code >= 0) & ~wanted
        s["type"] = np.where(code < 0, 0.5, wanted.astype(np.float64))

    # recency: half-life decay of the posting's age
    age = np.maximum(query.today - index.posted_day[rows], 0.0)
    s["recency"] = np.where(np.isnan(age), 0.5, 0.5 ** (age / w.recency_half_life_days))

    penalties = {"missing_required_cert": hard_miss, "equivalent_ma_cert": ma_equiv,
                 "pay_below_floor": below, "type_mismatch": type_miss}
    factor = np.ones(rows.shape)
    for name, applied in penalties.items():
        factor = np.where(applied, factor * getattr(w, name), factor)
    weights = w.additive()
    total = sum(weights.values())
    blend = sum(weights[name] * s[name] for name in SIGNALS) / total
    return Scored(rows=rows, score=factor * blend, signals=s, factor=factor,
                  penalties=penalties, distance=dist)


def top_positions(score: np.ndarray, ids: np.ndarray, limit: int) -> np.ndarray:
    """Positions of the ``limit`` best scores, best first; ties by posting id."""
    if limit <= 0 or score.size == 0:
        return np.empty(0, dtype=np.int64)
    if score.size > limit:
        cut = np.partition(score, score.size - limit)[score.size - limit]
        pos = np.flatnonzero(score >= cut)
    else:
        pos = np.arange(score.size)
    order = np.lexsort((ids[pos], -score[pos]))
    return pos[order][:limit]


def rank(index: MatchIndex, profile: Profile, limit: int = 20, blocked: Blocks | None = None,
         weights: Weights = DEFAULT_WEIGHTS, today: date | None = None) -> list[MatchResult]:
    """The ``limit`` best postings for ``profile``, with their explanations.
    ``blocked``: global and candidate block rules and hidden postings; the profile's own
    ``block_employers`` / ``block_title_words`` are always added."""
    today = today or datetime.now(UTC).date()
    blocks = Blocks(profile.block_employers, profile.block_title_words)
    if blocked is not None:
        blocks = blocks.merged(blocked)
    query = build_query(index, profile, today)
    rows, dist = candidate_rows(index, query, blocks)
    scored = score_rows(index, query, rows, dist, weights)
    best = top_positions(scored.score, index.ids[rows], limit)
    return [build_result(index, query, scored, int(p), weights) for p in best]
