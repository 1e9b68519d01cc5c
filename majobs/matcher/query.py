"""A profile turned into what the ranker compares against an index: a TF-IDF vector,
certification bits, tag vectors, place, pay floor and wanted employment types."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from majobs.matcher.docs import EMPLOYMENT_TYPES, TAG_GROUPS
from majobs.matcher.index import EPOCH, MA_CLASS, MatchIndex
from majobs.matcher.profile import Profile
from majobs.matcher.vectors import id_token


@dataclass(frozen=True)
class Blocks:
    """What a candidate must never see: block rules (global + own) and hidden postings."""

    employers: tuple[str, ...] = ()
    title_words: tuple[str, ...] = ()
    posting_ids: frozenset[int] = frozenset()   # not_interested, or hidden otherwise

    def merged(self, other: Blocks) -> Blocks:
        return Blocks(tuple(dict.fromkeys(self.employers + other.employers)),
                      tuple(dict.fromkeys(self.title_words + other.title_words)),
                      self.posting_ids | other.posting_ids)


@dataclass
class Query:
    text: np.ndarray            # dense float32 TF-IDF vector over the index vocabulary
    held: np.uint64             # certification bits the candidate holds
    held_ma: bool               # holds one of the interchangeable national MA certs
    ma_bits: np.uint64
    tags: dict[str, np.ndarray]  # group -> 0/1 float32 over index.tag_ids[group]
    tag_count: dict[str, int]
    lat: float | None
    lon: float | None
    radius: float | None
    min_pay: float | None
    type_codes: np.ndarray      # int8 codes of the wanted employment types
    today: float                # days since 1970-01-01


def query_tokens(index: MatchIndex, profile: Profile) -> list[str]:
    """The profile as TF-IDF tokens: one token per taxonomy id it names (the same token
    the tagger gives any synonym of it in a posting), plus the words of its free text."""
    free = "\n".join([*profile.free_skills, *profile.free_languages, profile.summary])
    ids = [*profile.certifications, *profile.skills, *profile.specializations,
           *profile.settings, *profile.languages]
    return [id_token(i) for i in ids] + index.analyzer(free)


def build_query(index: MatchIndex, profile: Profile, today: date) -> Query:
    dense = index.vectors.query(query_tokens(index, profile))
    held = index.cert_bits(profile.certifications)
    ma_bits = index.cert_bits(MA_CLASS)
    wanted = {"skills": profile.skills, "specializations": profile.specializations,
              "settings": profile.settings, "languages": profile.languages}
    tags, counts = {}, {}
    for group in TAG_GROUPS:
        ids = index.tag_ids[group]
        vec = np.zeros(index.tag_matrix[group].shape[1], dtype=np.float32)
        for term in wanted[group]:
            if term in ids:
                vec[ids.index(term)] = 1.0
        tags[group], counts[group] = vec, len(wanted[group])
    loc = profile.location
    return Query(
        text=dense, held=held, held_ma=bool(held & ma_bits), ma_bits=ma_bits,
        tags=tags, tag_count=counts,
        lat=loc.lat if loc else None, lon=loc.lon if loc else None,
        radius=profile.radius_miles, min_pay=profile.min_pay_hourly,
        type_codes=np.array([EMPLOYMENT_TYPES.index(t) for t in profile.employment_types],
                            dtype=np.int8),
        today=float((today - EPOCH).days),
    )
