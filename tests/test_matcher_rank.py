"""Ranking on plain records: hard constraints, penalties, block rules, explanations."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from majobs.matcher.docs import PostingDoc, make_doc
from majobs.matcher.index import build_index
from majobs.matcher.profile import Profile
from majobs.matcher.query import Blocks
from majobs.matcher.rank import rank
from majobs.matcher.weights import DEFAULT_WEIGHTS, SIGNALS, Weights
from majobs.normalize.location import Location

TODAY = date(2025, 6, 1)
AUSTIN = (30.2713, -97.7426)
ROUND_ROCK = (30.5083, -97.6789)     # ~17 miles north
SAN_ANTONIO = (29.4241, -98.4936)    # ~75 miles south-west
CORNER = (AUSTIN[0] + 0.29, AUSTIN[1] + 0.335)   # 20 mi north + 20 mi east: ~28 miles

BODY = ("Pediatric clinic seeks a Medical Assistant: room patients, vital signs, "
        "immunizations, venipuncture and EKGs, Epic charting.")


def doc(i: int, **kw: Any) -> PostingDoc:
    base: dict[str, Any] = dict(
        id=i, title="Medical Assistant - Pediatrics", employer=f"Clinic {i}", text=BODY,
        lat=AUSTIN[0], lon=AUSTIN[1], employment_type="full_time", pay_hourly_min=19,
        pay_hourly_max=23, date_posted=date(2025, 5, 25),
        tags={"skills": ["vital_signs", "injections", "phlebotomy", "ekg", "epic"],
              "specializations": ["pediatrics"], "certifications": ["BLS"]},
        required_certifications=[], preferred_certifications=["BLS"])
    base.update(kw)
    return make_doc(**base)


JORDAN = Profile(
    name="Jordan", location=Location(city="Austin", state="TX", postal_code="78701",
                                     lat=AUSTIN[0], lon=AUSTIN[1]),
    radius_miles=25, certifications=("CCMA", "BLS"),
    skills=("phlebotomy", "vital_signs", "ekg", "epic"), specializations=("pediatrics",),
    employment_types=("full_time",), min_pay_hourly=18,
    summary="CCMA with two years in pediatrics: vaccines, blood draws, EKGs.")


def ranked(docs: list[PostingDoc], profile: Profile = JORDAN, **kw: Any) -> dict[int, Any]:
    results = rank(build_index(docs), profile, limit=kw.pop("limit", 50), today=TODAY, **kw)
    return {r.posting_id: r for r in results}


def test_radius_excludes_far_postings_but_remote_and_unknown_places_pass() -> None:
    out = ranked([doc(1), doc(2, lat=ROUND_ROCK[0], lon=ROUND_ROCK[1]),
                  doc(3, lat=SAN_ANTONIO[0], lon=SAN_ANTONIO[1]),
                  doc(4, lat=SAN_ANTONIO[0], lon=SAN_ANTONIO[1], remote=True),
                  doc(5, lat=None, lon=None), doc(6, lat=CORNER[0], lon=CORNER[1])])
    assert set(out) == {1, 2, 4, 5}
    assert out[1].distance_miles == 0 and 15 < out[2].distance_miles < 20
    assert out[4].remote and out[4].distance_miles is None
    assert out[5].distance_miles is None and "place unknown" in out[5].explanation["reasons"]
    assert out[1].score > out[2].score   # closer, all else equal
    wide = ranked([doc(3, lat=SAN_ANTONIO[0], lon=SAN_ANTONIO[1])],
                  replace(JORDAN, radius_miles=None))
    assert 70 < wide[3].distance_miles < 80


def test_missing_required_cert_pulls_far_down_and_is_listed() -> None:
    out = ranked([doc(1, required_certifications=["BLS"]),
                  doc(2, required_certifications=["CET"])])
    assert out[2].missing == ["CET"] and out[1].missing == []
    assert out[2].score <= out[1].score * DEFAULT_WEIGHTS.missing_required_cert + 1e-9
    assert "missing_required_cert" in out[2].explanation["penalties"]


@pytest.mark.parametrize(("required", "held", "penalty", "missing"), [
    (["CCMA", "CMA", "RMA"], ("CCMA",), None, []),      # "CCMA, CMA or RMA": one is enough
    (["CMA"], ("CMA", "BLS"), None, []),
    (["CMA"], ("CCMA",), "equivalent_ma_cert", ["CMA"]),  # another national MA cert
    (["CMA"], ("CMAA",), "missing_required_cert", ["CMA"]),  # admin cert is no substitute
    (["CMA"], (), "missing_required_cert", ["CMA"]),
    (["MA_C", "BLS"], ("CCMA", "BLS"), "missing_required_cert", ["MA_C"]),
    ([], (), None, []),
])
def test_certification_requirements(required: list[str], held: tuple[str, ...],
                                    penalty: str | None, missing: list[str]) -> None:
    out = ranked([doc(1, required_certifications=required)],
                 replace(JORDAN, certifications=held))
    assert sorted(out[1].missing) == sorted(missing)
    applied = set(out[1].explanation["penalties"]) & {"equivalent_ma_cert",
                                                       "missing_required_cert"}
    assert applied == ({penalty} if penalty else set())


def test_held_preferred_cert_lifts() -> None:
    out = ranked([doc(1, preferred_certifications=["CCMA"], tags={}),
                  doc(2, preferred_certifications=["CMAA"], tags={})])
    assert out[1].score > out[2].score and "CCMA" in out[1].matched


@pytest.mark.parametrize(("low", "high", "sinks"), [
    (15.0, 17.0, True),          # the most it pays is below the floor
    (17.0, 19.0, False),         # the range reaches the floor
    (15.0, None, False),         # "from $15": the top is unknown
    (None, None, False),         # unknown pay is neutral
    (None, 17.5, True),          # "up to $17.50"
])
def test_pay_below_floor_sinks(low: float | None, high: float | None, sinks: bool) -> None:
    out = ranked([doc(1, pay_hourly_min=low, pay_hourly_max=high)])
    assert ("pay_below_floor" in out[1].explanation["penalties"]) is sinks
    if low is None and high is None:
        assert out[1].explanation["signals"]["pay"] == 0.5


def test_higher_minimum_pay_ranks_higher_and_type_mismatch_penalized() -> None:
    out = ranked([doc(1, pay_hourly_min=18), doc(2, pay_hourly_min=22),
                  doc(3, employment_type="per_diem"), doc(4, employment_type=None)])
    assert out[2].score > out[1].score
    assert "type_mismatch" in out[3].explanation["penalties"]
    assert out[4].explanation["signals"]["type"] == 0.5 and out[4].score > out[3].score


def test_specialty_and_text_order() -> None:
    derm = ("Dermatology practice: biopsies, cryotherapy, Mohs surgery assists, wound care.")
    out = ranked([doc(1), doc(2, title="Medical Assistant - Dermatology", text=derm,
                          tags={"specializations": ["dermatology"], "skills": ["wound_care"]}),
                  doc(3, title="Medical Assistant", text="Family clinic, vitals.",
                      tags={"skills": ["vital_signs"]})])
    assert out[1].score > out[3].score > out[2].score
    assert out[2].explanation["signals"]["specialization"] == 0.0
    assert out[3].explanation["signals"]["specialization"] == 0.5


def test_block_rules_and_hidden_postings_apply_before_ranking() -> None:
    docs = [doc(1, employer="Aya Healthcare, Inc."), doc(2, employer="Ayala Family Clinic"),
            doc(3, title="Travel Medical Assistant"), doc(4, title="Medical Assistant"),
            doc(5, title="Traveling Medical Assistant"), doc(6)]
    blocks = Blocks(employers=("aya healthcare",), title_words=("TRAVEL",),
                    posting_ids=frozenset({6, 999}))
    out = ranked(docs, blocked=blocks)
    assert set(out) == {2, 4, 5}
    own = ranked(docs, replace(JORDAN, block_employers=("Ayala Family Clinic",)))
    assert 2 not in own and 1 in own


def test_explanations_sum_to_score_and_limit_order() -> None:
    docs = [doc(i, pay_hourly_min=15 + i % 7, date_posted=date(2025, 1 + i % 5, 1),
                required_certifications=["CET"] if i % 4 == 0 else [],
                employment_type="part_time" if i % 5 == 0 else "full_time")
            for i in range(1, 40)]
    results = rank(build_index(docs), JORDAN, limit=10, today=TODAY)
    assert len(results) == 10
    scores = [r.score for r in results]
    assert scores == sorted(scores, reverse=True)
    for r in results:
        shares = r.explanation["shares"]
        assert set(shares) == set(SIGNALS)
        assert sum(shares.values()) == pytest.approx(r.score, abs=2e-3)
        assert all(0 <= v <= 1 for v in r.explanation["signals"].values())
        assert r.explanation["reasons"]
        assert "tx_" not in " ".join(r.matched)


def test_bad_records_and_empty_index_do_not_crash() -> None:
    junk = [make_doc(id=1, title=None, text=None, lat="north", lon=float("nan"),
                     pay_hourly_min="lots", pay_hourly_max=float("inf"), tags="oops",
                     required_certifications={"x": 1}, date_posted="someday",
                     employment_type="FULL TIME"),
            make_doc(id=2, title="", lat=91.0, lon=10.0, tags={"skills": [None, 3, "ekg"]})]
    out = ranked(junk)
    assert set(out) == {1, 2}
    assert all(0 <= r.score <= 1 for r in out.values())
    assert rank(build_index([]), JORDAN, today=TODAY) == []
    assert rank(build_index([doc(1)]), JORDAN, limit=0, today=TODAY) == []


def test_profile_without_location_or_preferences_is_neutral() -> None:
    bare = Profile(name="anyone")
    out = ranked([doc(1), doc(2, lat=SAN_ANTONIO[0], lon=SAN_ANTONIO[1])], bare)
    assert set(out) == {1, 2}
    assert {r.explanation["signals"]["place"] for r in out.values()} == {0.5}


def test_weights_validation() -> None:
    from majobs.errors import InputError

    assert Weights.from_mapping({"text": 0.5}).text == 0.5
    for bad in ({"txt": 1}, {"text": -1}, {"text": "high"}, {"pay_below_floor": 2},
                dict.fromkeys(SIGNALS, 0), {"text_saturation": 0}):
        with pytest.raises(InputError):
            Weights.from_mapping(bad)


WORDS = st.sampled_from(["vital signs", "EKG", "venipuncture", "CMA", "MA-C", "Epic",
                         "dermatology", "scheduling", "per diem", "x-ray", "–", "&amp;"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(
    st.lists(WORDS, max_size=8), st.floats(25, 35), st.floats(-100, -90),
    st.one_of(st.none(), st.floats(5, 80)), st.booleans(),
    st.lists(st.sampled_from(["CMA", "RMA", "CCMA", "BLS", "CET", "MA_C"]), max_size=3)),
    min_size=1, max_size=12),
    held=st.lists(st.sampled_from(["CMA", "CCMA", "BLS", "CPT"]), max_size=3, unique=True))
def test_scores_stay_in_unit_range(rows: list[Any], held: list[str]) -> None:
    docs = [make_doc(id=i, title="Medical Assistant", text=" ".join(words), lat=lat, lon=lon,
                     pay_hourly_min=pay, remote=remote, required_certifications=req)
            for i, (words, lat, lon, pay, remote, req) in enumerate(rows, start=1)]
    profile = replace(JORDAN, certifications=tuple(held), radius_miles=None)
    results = rank(build_index(docs), profile, limit=len(docs), today=TODAY)
    assert len(results) == len(docs)
    assert all(0.0 <= r.score <= 1.0 and np.isfinite(r.score) for r in results)
