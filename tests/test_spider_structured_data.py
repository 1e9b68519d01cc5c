"""Pure functions behind the JSON-LD spider: reading blocks and mapping JobPosting fields."""

from __future__ import annotations

import json
from typing import Any

import pytest

from majobs.spiders.address_guard import is_local_host
from majobs.spiders.structured_data import lenient_json, posting_fields, read_page, types_of

URL = "https://careers.lakeside.example/jobs/42"


def html_with(*blocks: str, body: str = "") -> str:
    scripts = "".join(f'<script type="application/ld+json">{b}</script>' for b in blocks)
    return f"<html><head>{scripts}</head><body>{body}</body></html>"


@pytest.mark.parametrize(("script", "expected"), [
    ('{"a": 1}', {"a": 1}),
    ('{"a": 1,}', {"a": 1}),                                   # trailing comma
    ('{"a": [1, 2,],}', {"a": [1, 2]}),
    ('{"d": "line\nbreak"}', {"d": "line\nbreak"}),            # raw newline in a string
    ('{"d": "bell\x07"}', {"d": "bell\x07"}),                  # raw control character
    ('<!-- {"a": 1} -->', {"a": 1}),                            # HTML comment wrapper
    ('//<![CDATA[\n{"a": 1}\n//]]>', {"a": 1}),                 # CDATA wrapper
    ('{"a": 1}\n{"b": 2}', [{"a": 1}, {"b": 2}]),              # two objects in one block
    ('{"a": 1};', {"a": 1}),
])
def test_lenient_json_reads_what_sites_write(script: str, expected: Any) -> None:
    assert lenient_json(script) == expected


@pytest.mark.parametrize("script", ['{"a" 1}', "", "   ", "{'a': 1}", "[" * 5 + "1"])
def test_lenient_json_gives_up_with_value_error(script: str) -> None:
    with pytest.raises(ValueError):
        lenient_json(script)


@pytest.mark.parametrize(("node", "expected"), [
    ({"@type": "JobPosting"}, {"JobPosting"}),
    ({"@type": "schema:JobPosting"}, {"JobPosting"}),
    ({"@type": "https://schema.org/JobPosting"}, {"JobPosting"}),
    ({"@type": ["JobPosting", "Thing"]}, {"JobPosting", "Thing"}),
    ({"@type": None}, set()),
    ({"@type": 7}, set()),
    ({}, set()),
])
def test_types_of(node: dict[str, Any], expected: set[str]) -> None:
    assert types_of(node) == expected


def job(**fields: Any) -> str:
    return json.dumps({"@context": "https://schema.org", "@type": "JobPosting",
                       "title": "Medical Assistant", **fields})


@pytest.mark.parametrize(("fields", "key", "expected"), [
    ({"identifier": "R-7"}, "external_id", "R-7"),
    ({"identifier": 1234}, "external_id", "1234"),
    ({"identifier": {"@type": "PropertyValue", "name": "Req", "value": "R-8"}}, "external_id",
     "R-8"),
    ({"identifier": [{"@type": "PropertyValue", "value": ""}, "R-9"]}, "external_id", "R-9"),
    ({"identifier": {"name": "no value"}}, "external_id", None),
    ({"hiringOrganization": "Valley Clinic"}, "employer", "Valley Clinic"),
    ({"hiringOrganization": {"@type": "Organization", "name": "Valley"}}, "employer", "Valley"),
    ({"url": "/jobs/42?src=ld"}, "url", "/jobs/42?src=ld"),        # the spider joins it
    ({}, "url", URL),
    ({"employmentType": ["FULL_TIME", "PER_DIEM"]}, "employment_type_raw",
     ["FULL_TIME", "PER_DIEM"]),
    ({"baseSalary": {"@type": "MonetaryAmount", "currency": "USD", "value": {
        "@type": "QuantitativeValue", "minValue": 18, "maxValue": 22, "unitText": "HOUR"}}},
     "pay_raw", {"@type": "MonetaryAmount", "currency": "USD", "value": {
         "@type": "QuantitativeValue", "minValue": 18, "maxValue": 22, "unitText": "HOUR"}}),
    ({"estimatedSalary": {"@type": "MonetaryAmountDistribution", "median": 41000}}, "pay_raw",
     {"@type": "MonetaryAmountDistribution", "median": 41000}),
    ({"datePosted": "2026-01-05T08:00:00-06:00", "validThrough": "2026-02-05"},
     "valid_through_raw", "2026-02-05"),
    ({"title": ["Clinical MA", "MA"]}, "title", "Clinical MA"),
    ({"title": None, "name": "MA (named)"}, "title", "MA (named)"),
])
def test_posting_fields(fields: dict[str, Any], key: str, expected: Any) -> None:
    page = read_page(html_with(job(**fields)), URL)
    (node,) = page.postings
    assert posting_fields(node, page, URL)[key] == expected


def test_remote_posting_takes_applicant_location_requirements() -> None:
    remote = job(jobLocationType="TELECOMMUTE",
                 applicantLocationRequirements={"@type": "State", "name": "Texas"})
    onsite = job(jobLocation={"@type": "Place", "address": "Waco, TX"},
                 applicantLocationRequirements={"@type": "Country", "name": "US"})
    page = read_page(html_with(remote, onsite), URL)
    first, second = (posting_fields(n, page, URL) for n in page.postings)
    assert first["remote_raw"] == "TELECOMMUTE"
    assert first["locations_raw"] == [{"@type": "State", "name": "Texas"}]
    assert second["remote_raw"] is None
    assert second["locations_raw"] == [{"@type": "Place", "address": "Waco, TX"}]


def test_employer_from_a_sibling_or_referenced_organization() -> None:
    org = json.dumps({"@type": "Hospital", "@id": "https://h.example/#org", "name": "St. Mary"})
    page = read_page(html_with(org, job(), job(hiringOrganization={
        "@id": "https://h.example/#org"})), URL)
    assert [posting_fields(n, page, URL)["employer"] for n in page.postings] == ["St. Mary"] * 2


def test_nesting_limits_and_too_deep_values() -> None:
    deep_salary = {"value": {}}
    cursor = deep_salary["value"]
    for _ in range(20):
        cursor["value"] = {}
        cursor = cursor["value"]
    page = read_page(html_with(job(baseSalary=deep_salary), "[" * 3000 + "]" * 3000), URL)
    assert [reason for reason, _ in page.problems] == ["jsonld_too_deep"]
    (node,) = page.postings
    assert posting_fields(node, page, URL)["pay_raw"] is None    # not passed on


def test_page_without_structured_data() -> None:
    page = read_page("<html><body><h1>Careers</h1></body></html>", URL)
    assert (page.postings, page.problems) == ([], [])


@pytest.mark.parametrize(("host", "local"), [
    ("127.0.0.1", True), ("localhost", True), ("LOCALHOST.", True), ("api.localhost", True),
    ("10.1.2.3", True), ("192.168.0.10", True), ("172.16.5.4", True), ("169.254.169.254", True),
    ("::1", True), ("::ffff:127.0.0.1", True), ("0.0.0.0", True), ("2130706433", True),
    ("127.1", True), ("0x7f.0.0.1", True), ("fd00::1", True),
    ("boards-api.greenhouse.io", False), ("8.8.8.8", False), ("api.lever.co", False),
    ("2606:4700::1111", False), ("decaf.example", False),
])
def test_is_local_host(host: str, local: bool) -> None:
    assert is_local_host(host) is local
