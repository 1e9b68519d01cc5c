"""dedup: canonical URLs, employer|title|place keys, text similarity, content hashes."""

from __future__ import annotations

import html
from dataclasses import replace
from datetime import date

import pytest

from majobs import dedup
from majobs.normalize.location import Location
from majobs.normalize.pay import Pay

# --- canonical_url ----------------------------------------------------------------------


@pytest.mark.parametrize("url, expected", [
    ("https://boards.greenhouse.io/valleyhealth/jobs/4012345?gh_jid=4012345&gh_src=abc12",
     "https://boards.greenhouse.io/valleyhealth/jobs/4012345?gh_jid=4012345"),
    ("HTTPS://Boards.Greenhouse.IO:443/valleyhealth/jobs/4012345#app",
     "https://boards.greenhouse.io/valleyhealth/jobs/4012345"),
    ("https://jobs.lever.co/lakeside/0b5c1c2e-6d1f-4b5a-9e1f-1d2c3b4a5e6f?lever-source=LinkedIn",
     "https://jobs.lever.co/lakeside/0b5c1c2e-6d1f-4b5a-9e1f-1d2c3b4a5e6f"),
    ("https://careers.example.org/job?jobId=778&utm_source=indeed&utm_medium=cpc&fbclid=Iw1",
     "https://careers.example.org/job?jobId=778"),
    ("http://careers.example.org:80/job?b=2&a=1&ref=homepage&gclid=xyz",
     "http://careers.example.org/job?a=1&b=2"),
    ("  http://127.0.0.1:8765/lakeside/jobs/12?source=sitemap  ",
     "http://127.0.0.1:8765/lakeside/jobs/12"),
    ("https://example.com/jobs/medical%20assistant?title=MA%E2%80%93CMA",
     "https://example.com/jobs/medical%20assistant?title=MA%E2%80%93CMA"),
    ("https://example.com", "https://example.com/"),
    ("mailto:hr@example.com", "mailto:hr@example.com"),
    ("not a url", "not a url"),
    ("", ""), ("   ", ""), (None, ""),
    ("https://example.com:notaport/jobs", "https://example.com:notaport/jobs"),
])
def test_canonical_url(url: str | None, expected: str) -> None:
    assert dedup.canonical_url(url) == expected


def test_canonical_url_is_idempotent() -> None:
    url = "HTTPS://Jobs.Example.com:443/a/b?z=1&utm_campaign=x&a=2#frag"
    once = dedup.canonical_url(url)
    assert dedup.canonical_url(once) == once


# --- dedup_key --------------------------------------------------------------------------

AUSTIN = Location(city="Austin", state="TX", postal_code="78701")
ROUND_ROCK = Location(city="Round Rock", state="TX", postal_code="78664")
ZIP_ONLY = Location(postal_code="78701")
REMOTE = Location(remote=True)

SAME_KEY = [  # (employer, title, place) pairs one job seeker would call the same posting
    (("Valley Family Clinic", "Medical Assistant", AUSTIN),
     ("Valley Family Clinic, LLC", "Medical Assistant (Full Time)", AUSTIN)),
    (("Lakeside Health, Inc.", "Certified Medical Assistant - Req #12345", AUSTIN),
     ("LAKESIDE HEALTH", "Certified Medical Assistant", AUSTIN)),
    (("Smith Family Medicine, P.A.", "MA - Family Medicine - $18-$22/hr", AUSTIN),
     ("Smith Family Medicine PA", "Medical Assistant – Family Medicine", AUSTIN)),
    (("Baylor Scott & White Health", "Medical Assistant - Austin, TX", AUSTIN),
     ("Baylor Scott and White", "Medical Assistant", AUSTIN)),
    (("Ascension Seton", "Medical Assistant in Austin, TX", AUSTIN),
     ("Ascension Seton", "Medical Assistant, Full-Time, Days", AUSTIN)),
    (("Clínica Médica del Valle", "Medical Assistant (Bilingual)", AUSTIN),
     ("Clinica Medica del Valle", "Medical Assistant - Bilingual", AUSTIN)),
    (("Valley Family Clinic", "Sr. Med. Asst (Austin, TX)", AUSTIN),
     ("Valley Family Clinic", "Senior Medical Assistant", AUSTIN)),
    (("Valley Family Clinic", "Medical Assistant (R-004521)", AUSTIN),
     ("Valley Family Clinic", "Medical Assistant JR004521", AUSTIN)),
    (("Telehealth Partners", "Virtual Medical Assistant | Remote", REMOTE),
     ("Telehealth Partners LLC", "Virtual Medical Assistant", "Remote - US")),
    (("Valley Family Clinic", "Medical Assistant", ZIP_ONLY),
     ("Valley Family Clinic", "Medical Assistant - PRN", ZIP_ONLY)),
    (("Lakeside Health", "Lakeside Health: Medical Assistant", AUSTIN),
     ("Lakeside Health", "Medical Assistant", AUSTIN)),
    (("Valley Family Clinic, PLLC", "Medical Assistant - Valley Family Clinic", AUSTIN),
     ("Valley Family Clinic", "Medical Assistant", AUSTIN)),
]
OTHER_KEY = [  # ... and pairs that are different postings
    (("Valley Family Clinic", "Medical Assistant", AUSTIN),
     ("Valley Family Clinic", "Medical Assistant", ROUND_ROCK)),
    (("Valley Family Clinic", "Medical Assistant", AUSTIN),
     ("Lakeside Clinic", "Medical Assistant", AUSTIN)),
    (("Valley Family Clinic", "Medical Assistant", AUSTIN),
     ("Valley Family Clinic", "Medical Receptionist", AUSTIN)),
    (("Valley Family Clinic", "Medical Assistant - Pediatrics", AUSTIN),
     ("Valley Family Clinic", "Medical Assistant - Dermatology", AUSTIN)),
    (("Valley Family Clinic", "Medical Assistant", AUSTIN),
     ("Valley Family Clinic", "Physician Assistant", AUSTIN)),
    (("Valley Family Clinic", "Medical Assistant", AUSTIN),
     ("Valley Family Clinic", "Medical Assistant", REMOTE)),
]


@pytest.mark.parametrize("a, b", SAME_KEY)
def test_dedup_key_same_posting(a: tuple, b: tuple) -> None:
    assert dedup.dedup_key(*a) == dedup.dedup_key(*b) != ""


@pytest.mark.parametrize("a, b", OTHER_KEY)
def test_dedup_key_different_postings(a: tuple, b: tuple) -> None:
    assert dedup.dedup_key(*a) != dedup.dedup_key(*b)


@pytest.mark.parametrize("employer, title, place", [
    (None, None, None), ("Acme", "", AUSTIN), ("Acme", "  (Full Time) ", AUSTIN),
    ("Acme", 123, AUSTIN), ("Acme", "Req #123456", None)])
def test_dedup_key_without_a_title_is_empty(employer: object, title: object,
                                            place: object) -> None:
    assert dedup.dedup_key(employer, title, place) == ""  # type: ignore[arg-type]


def test_dedup_key_tolerates_odd_values() -> None:
    assert dedup.dedup_key(None, "Medical Assistant", None) == "|medical assistant|"
    assert dedup.dedup_key(42, "Medical Assistant", Location()) == "|medical assistant|"  # type: ignore[arg-type]


# --- similar ----------------------------------------------------------------------------

BOILERPLATE = (
    "About Valley Family Clinic: For more than thirty years Valley Family Clinic has cared "
    "for families across Central Texas with twelve primary care and specialty locations. "
    "Our physicians, nurses and medical assistants work as one team to give every patient "
    "timely, respectful care close to home. Benefits: medical, dental and vision insurance "
    "from day one; 401(k) with a 4% match; paid time off and paid holidays; tuition "
    "assistance and paid certification exam fees; employee assistance program. Valley "
    "Family Clinic is an equal opportunity employer. All qualified applicants will receive "
    "consideration for employment without regard to race, color, religion, sex, sexual "
    "orientation, gender identity, national origin, disability or veteran status."
)
BACK_OFFICE = (
    "Medical Assistant - Family Medicine. We are looking for a clinical medical assistant "
    "for our busy family medicine clinic in north Austin. What you will do: room patients "
    "and take vital signs, height and weight; record chief complaint, history and "
    "medication lists in Epic; perform venipuncture, injections and immunizations; run "
    "point-of-care tests (strep, flu, urinalysis, glucose); perform EKGs; assist providers "
    "with minor procedures; clean and stock exam rooms. Schedule: Monday to Friday, 7:30am "
    "to 4:30pm, no weekends. Pay: $19.00 - $23.00 per hour based on experience. What you "
    "need: graduate of an accredited medical assistant program; CMA, RMA or CCMA, or able "
    "to certify within 90 days; current BLS for healthcare providers. "
)
FRONT_OFFICE = (
    "Medical Assistant - Patient Access. Join the front desk team at our south Austin "
    "pediatric office. What you will do: greet and check in patients; verify insurance "
    "eligibility and collect copays; schedule appointments and follow-up visits in "
    "athenahealth; answer phones and route portal messages; obtain referrals and prior "
    "authorizations; scan and index outside records. Schedule: Tuesday to Saturday, "
    "9:00am to 6:00pm. Pay: $17.00 - $19.50 per hour. What you need: one year of medical "
    "office experience; CMAA preferred; bilingual English/Spanish a plus. "
)
AGGREGATOR_HEAD = ("Medical Assistant - Family Medicine\nValley Family Clinic - Austin, TX "
                   "78758\n$19 - $23 an hour - Full-time\nPosted 3 days ago\nApply now\n"
                   "Job details\n")
AGGREGATOR_FOOT = ("\nReport job\nHiring insights: Job activity - Posted 3 days ago. "
                   "Similar jobs: Medical Receptionist - Austin Diagnostic Clinic; "
                   "Phlebotomist - Quest Diagnostics; Patient Care Technician - St. David's. "
                   "People also searched: medical assistant part time, cna, phlebotomy.")
ORIGINAL = BACK_OFFICE + BOILERPLATE

NEAR_DUPLICATES = [  # (what source B sent, expected containment at least)
    ("aggregator header and footer", AGGREGATOR_HEAD + ORIGINAL + AGGREGATOR_FOOT),
    ("entity-escaped, bullets and odd whitespace",
     html.escape(ORIGINAL.replace("; ", "\n\u2022 ").replace(" ", "  "))),
    ("truncated with 'read more'", ORIGINAL[: len(ORIGINAL) * 2 // 3] + "… read more"),
    ("pay range updated in one copy", ORIGINAL.replace("$19.00 - $23.00", "$20.00 - $24.50")),
    ("unicode dashes and quotes", ORIGINAL.replace(" - ", " \u2013 ").replace("'", "\u2019")),
    ("boilerplate first", BOILERPLATE + " " + BACK_OFFICE),
]
DIFFERENT = [
    ("same employer boilerplate, front vs back office", FRONT_OFFICE + BOILERPLATE),
    ("another employer's posting", FRONT_OFFICE.replace("pediatric", "orthopedic")),
    ("empty text", ""),
    ("a stub", "Medical Assistant. Apply online."),
]


@pytest.mark.parametrize("label, text", NEAR_DUPLICATES, ids=[n[0] for n in NEAR_DUPLICATES])
def test_similar_near_duplicates(label: str, text: str) -> None:
    assert dedup.similar(ORIGINAL, text), (label, dedup.containment(ORIGINAL, text))
    assert dedup.similar(text, ORIGINAL)  # symmetric


@pytest.mark.parametrize("label, text", DIFFERENT, ids=[d[0] for d in DIFFERENT])
def test_similar_different_postings(label: str, text: str) -> None:
    assert not dedup.similar(ORIGINAL, text), (label, dedup.containment(ORIGINAL, text))


def test_threshold_separates_the_two_groups_with_a_margin() -> None:
    dup = min(dedup.containment(ORIGINAL, t) for _, t in NEAR_DUPLICATES)
    other = max(dedup.containment(ORIGINAL, t) for _, t in DIFFERENT)
    assert other + 0.1 <= dedup.SIMILAR_THRESHOLD <= dup - 0.05, (other, dup)


def test_similar_tolerates_non_text() -> None:
    assert not dedup.similar(None, ORIGINAL)
    assert not dedup.similar(ORIGINAL, 12)  # type: ignore[arg-type]


# --- content_hash -----------------------------------------------------------------------

@pytest.mark.parametrize("field, value", [
    ("title", "Lead Medical Assistant"), ("employer", "Other Clinic"),
    ("locations", [Location(city="Round Rock", state="TX")]), ("remote", True),
    ("employment_type", "part_time"), ("pay", Pay(30.0, 35.0, "hour")),
    ("date_posted", date(2025, 4, 1)), ("text", "Different description.")])
def test_content_hash_changes_with_what_a_reader_sees(make_item, field: str,
                                                      value: object) -> None:  # type: ignore[no-untyped-def]
    item = make_item(1)
    before = dedup.content_hash(item)
    setattr(item, field, value)
    assert dedup.content_hash(item) != before


def test_content_hash_ignores_crawl_details(make_item) -> None:  # type: ignore[no-untyped-def]
    a, b = make_item(1), make_item(1)
    b.crawled_at, b.url, b.external_id = None, "https://elsewhere.example/1", "zz"
    b.locations = [replace(loc, raw="AUSTIN,TX") for loc in b.locations]
    assert dedup.content_hash(a) == dedup.content_hash(b)
    assert len(dedup.content_hash(a)) == 64
