"""Candidate profiles: strict validation naming file, field and reason; synonyms resolve."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from majobs.errors import InputError
from majobs.matcher.profile import load_profile, parse_profile

GOOD: dict[str, Any] = {
    "name": "Jordan Rivera",
    "location": "78701",
    "radius_miles": 25,
    "certifications": ["Certified Clinical Medical Assistant", "BLS/CPR"],
    "skills": ["phlebotomy", "Vital Signs", "ECG", "Epic", "typing 60 wpm"],
    "specializations": ["peds"],
    "settings": ["urgent care"],
    "employment_types": ["full_time", "Part-Time"],
    "min_pay_hourly": "$18.50",
    "languages": ["Spanish", "Klingon"],
    "summary": "  CCMA with two\n years in pediatrics. ",
    "block_employers": "Aya Healthcare, Medical Staffing Inc",
    "block_title_words": ["travel"],
    "alerts": {"email": "jordan@example.org", "min_score": 0.6},
}


def test_good_profile_resolves_synonyms_and_keeps_free_text() -> None:
    p = parse_profile(GOOD, "jordan.yaml")
    assert p.certifications == ("CCMA", "BLS")
    assert p.skills == ("phlebotomy", "vital_signs", "ekg", "epic")
    assert p.free_skills == ("typing 60 wpm",)
    assert p.specializations == ("pediatrics",)
    assert p.settings == ("urgent_care",)
    assert p.employment_types == ("full_time", "part_time")
    assert p.min_pay_hourly == 18.5
    assert p.languages == ("spanish",) and p.free_languages == ("Klingon",)
    assert p.summary == "CCMA with two years in pediatrics."
    assert p.block_employers == ("Aya Healthcare", "Medical Staffing Inc")
    assert p.location is not None and p.location.postal_code == "78701"
    assert p.alerts is not None and p.alerts.email == "jordan@example.org"
    assert any("typing 60 wpm" in n for n in p.notes)


def test_city_state_location_and_minimal_profile() -> None:
    p = parse_profile({"location": "Austin, TX"}, "p.yaml", default_name="p")
    assert p.name == "p" and p.location is not None and p.location.lat is not None
    assert p.radius_miles is None and p.certifications == ()


def _with(**changes: Any) -> dict[str, Any]:
    data = dict(GOOD)
    for key, value in changes.items():
        if value is ...:
            data.pop(key, None)
        else:
            data[key] = value
    return data


BAD = [
    (_with(hobbies=["chess"]), "hobbies", "unknown field"),
    (_with(certifications=["CMA", "Certified Unicorn Handler"]), "certifications[1]",
     "unknown certification"),
    (_with(certifications=["phlebotomy"]), "certifications[0]", "skills"),
    (_with(skills=["CCMA"]), "skills[0]", "certifications"),
    (_with(certifications="CMA, 42, BLS"), "certifications[1]", "unknown certification"),
    (_with(certifications=[{"id": "CMA"}]), "certifications[0]", "must be text"),
    (_with(certifications={"CMA": True}), "certifications", "must be a list"),
    (_with(specializations=["astrology"]), "specializations[0]", "unknown specialization"),
    (_with(settings=["moon base"]), "settings[0]", "unknown setting"),
    (_with(location="00000"), "location", "unknown ZIP"),
    (_with(location="7870"), "location", "unknown"),
    (_with(location="Springfield"), "location", "unknown city"),
    (_with(location=2134), "location", "quoted"),
    (_with(location=["78701"]), "location", "5-digit ZIP"),
    (_with(location=...), "radius_miles", "needs a location"),
    (_with(radius_miles=-5), "radius_miles", "below 0"),
    (_with(radius_miles=0), "radius_miles", "greater than 0"),
    (_with(radius_miles="far"), "radius_miles", "must be a number"),
    (_with(radius_miles=10000), "radius_miles", "too large"),
    (_with(min_pay_hourly=-3), "min_pay_hourly", "below 0"),
    (_with(min_pay_hourly=45000), "min_pay_hourly", "/hour"),
    (_with(min_pay_hourly=400), "min_pay_hourly", "not a plausible hourly rate"),
    (_with(min_pay_hourly=True), "min_pay_hourly", "must be a number"),
    (_with(min_pay_hourly=float("nan")), "min_pay_hourly", "must be a number"),
    (_with(employment_types=["full time", "gig"]), "employment_types[1]",
     "unknown employment type"),
    (_with(employment_types=[None]), "employment_types[0]", "must be text"),
    (_with(name=["a", "b"]), "name", "must be text"),
    (_with(summary={"text": "x"}), "summary", "must be text"),
    (_with(alerts="yes"), "alerts", "must be a mapping"),
    (_with(alerts={"email": "not-an-address"}), "alerts.email", "not an e-mail"),
    (_with(alerts={"email": "a@b.org", "min_score": 2}), "alerts.min_score", "too large"),
    (_with(alerts={"sms": "555"}), "alerts.sms", "unknown field"),
]


@pytest.mark.parametrize(("data", "field", "reason"), BAD)
def test_bad_field_names_file_field_and_reason(data: dict[str, Any], field: str,
                                               reason: str) -> None:
    with pytest.raises(InputError) as err:
        parse_profile(data, "cohort/jordan.yaml")
    assert err.value.file == "cohort/jordan.yaml"
    assert err.value.field == field
    assert reason in err.value.reason
    assert str(err.value).startswith(f"cohort/jordan.yaml: {field}: ")


@pytest.mark.parametrize(("content", "reason"), [
    ("name: [unclosed\n", "not valid YAML (line"),
    ("- just\n- a list\n", "must be a mapping"),
    ("", "must be a mapping"),
    (b"\xff\xfe\x00bad", "cannot read"),
])
def test_load_profile_bad_files(tmp_path: Path, content: str | bytes, reason: str) -> None:
    path = tmp_path / "p.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_profile(path)
    assert err.value.file == str(path) and reason in err.value.reason


def test_load_profile_missing_file_and_default_name(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        load_profile(tmp_path / "nope.yaml")
    path = tmp_path / "casey.yaml"
    path.write_text('location: "98101"\ncertifications: [MA-C]\n', encoding="utf-8")
    p = load_profile(path)
    assert p.name == "casey" and p.certifications == ("MA_C",)
