"""Employment type: source values and titles -> full_time|part_time|contract|temporary|per_diem."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from majobs.normalize.employment import (
    EMPLOYMENT_TYPES,
    employment_type_from_text,
    parse_employment_type,
    resolve_employment_type,
)

REAL = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real"

VALUES: list[tuple[object, str | None]] = [
    ("FULL_TIME", "full_time"), ("Full-Time", "full_time"), ("Full time", "full_time"),
    ("FullTime", "full_time"), ("full-time", "full_time"), (" Full  Time ", "full_time"),
    ("Regular Full-Time Employee", "full_time"), ("PART_TIME", "part_time"),
    ("Part-Time", "part_time"), ("Part time (24 hrs/wk)", "part_time"),
    ("PartTime", "part_time"), ("PRN", "per_diem"), ("Per Diem", "per_diem"),
    ("per-diem", "per_diem"), ("PER_DIEM", "per_diem"), ("Intermittent", "per_diem"),
    ("Temp", "temporary"), ("Temporary", "temporary"), ("TEMPORARY", "temporary"),
    ("Intern", "temporary"), ("INTERN", "temporary"), ("Internship", "temporary"),
    ("Seasonal", "temporary"), ("Temporary Full-Time", "temporary"),
    ("Contract", "contract"), ("Contractor", "contract"), ("CONTRACTOR", "contract"),
    ("Contract to Hire", "contract"),
    (["PART_TIME", "FULL_TIME"], "part_time"),              # first meaningful entry
    (["", None, "OTHER", "CONTRACTOR"], "contract"),
    ({"id": "permanent", "label": "Full-time"}, "full_time"),  # SmartRecruiters
    ({"id": "part-time", "label": "Part-time"}, "part_time"),
    ({"id": "intern"}, "temporary"),
    ({"descriptor": "Full time"}, "full_time"),              # Workday-style
    ("OTHER", None), ("VOLUNTEER", None), ("Multiple Schedules", None), ("", None),
    (None, None), (5, None), (True, None), ([], None), ({}, None), ([[[[["FULL_TIME"]]]]], None),
]


@pytest.mark.parametrize(("raw", "expected"), VALUES)
def test_parse_employment_type(raw: object, expected: str | None) -> None:
    assert parse_employment_type(raw) == expected


TEXTS = [
    ("PRN Medical Assistant", "per_diem"),
    ("Medical Assistant PRN - Pediatrics", "per_diem"),
    ("Per Diem Medical Assistant", "per_diem"),
    ("Medical Assistant (Part-Time)", "part_time"),
    ("Medical Assistant - Full Time - Days", "full_time"),
    ("Medical Assistant - Contract", "contract"),
    ("Medical Assistant (Contract)", "contract"),
    ("Temporary Medical Assistant", "temporary"),
    ("Medical Assistant Intern", "temporary"),
    ("Medical Assistant - Temp to Hire", "temporary"),
    ("This is a full-time position. Part-time staff are also welcome to apply.", "full_time"),
    ("Medical Assistant", None),
    ("Internal Medicine Medical Assistant", None),
    ("Administer PRN medications as ordered", None),
    ("Help run seasonal flu vaccine clinics", None),
    ("Manage payer contract renewals", None),
    ("Measure temperature and blood pressure", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), TEXTS)
def test_employment_type_from_text(text: str, expected: str | None) -> None:
    assert employment_type_from_text(text) == expected


def test_results_are_canonical_for_real_source_values() -> None:
    found = []
    for name in ("lever/palantir_postings.json", "lever/veeva_postings.json"):
        found += [parse_employment_type(p["categories"]["commitment"])
                  for p in json.loads((REAL / name).read_text())]
    for name in ("ashby/openevidence_job_board.json",
                 "ashby/highlightta_job_board_compensation.json"):
        found += [parse_employment_type(j["employmentType"])
                  for j in json.loads((REAL / name).read_text())["jobs"]]
    knight = json.loads((REAL / "smartrecruiters/knightgayles_cna_lpn_postings_list.json")
                        .read_text())
    found += [parse_employment_type(p["typeOfEmployment"]) for p in knight["content"]]
    msd = json.loads((REAL / "workday/msd_cxs_job_detail.json").read_text())["jobPostingInfo"]
    found.append(parse_employment_type(msd["timeType"]))
    found.append(employment_type_from_text(msd["title"]))
    assert found == ["full_time"] * 8 + ["part_time", "full_time", "temporary"]
    assert set(found) <= set(EMPLOYMENT_TYPES)


@pytest.mark.parametrize(
    ("raw", "title", "text", "expected"),
    [
        ("Part time", "Medical Assistant - PRN", "", "per_diem"),          # Workday timeType
        ("PartTime", "Medical Assistant", "This is a per diem role.", "per_diem"),  # Ashby
        ("Part time", "Medical Assistant", "20 hours a week.", "part_time"),
        ("FULL_TIME", "PRN Medical Assistant", "", "full_time"),           # the field wins
        (None, "Medical Assistant (Part-Time)", "", "part_time"),
        (None, "Medical Assistant", "Per Diem position, flexible shifts.", "per_diem"),
        (None, "Medical Assistant", "", None),
        (["CONTRACTOR"], "Medical Assistant - PRN", None, "contract"),
    ],
)
def test_resolve_employment_type_refines_the_field_with_the_words(raw, title, text, expected):
    assert resolve_employment_type(raw, title, text) == expected
