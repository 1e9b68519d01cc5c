"""A factory of JobPostingItems as the pipeline leaves them (normalized, classified,
tagged), for tests of the store and everything downstream of it.

Import it as ``from item_factory import build_item`` (a module name of its own: several
``conftest`` modules exist, so ``from conftest import ...`` depends on import order), or
use the ``make_item`` fixture.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from majobs import dedup
from majobs.items import JobPostingItem
from majobs.normalize.location import Location
from majobs.normalize.pay import Pay

DUTIES = [
    "Room patients, take vital signs and record medical histories in Epic.",
    "Perform venipuncture and capillary draws; label and process lab specimens.",
    "Administer intramuscular and subcutaneous injections and immunizations as ordered.",
    "Perform 12-lead EKGs, spirometry and point-of-care testing.",
    "Schedule appointments, verify insurance and manage prior authorizations.",
    "Assist providers with minor procedures, suture removal and wound care.",
    "Sterilize instruments, stock exam rooms and keep supply inventory.",
    "Call in prescription refills to pharmacies per provider protocol.",
    "Triage patient portal messages and phone calls for the care team.",
    "Prepare charts, scan outside records and reconcile medication lists.",
]

SCHEDULES = ["Monday to Friday 8am-5pm", "four 10-hour shifts", "evenings and Saturdays",
             "per diem float coverage"]

SPECIALTIES = [
    "Family Medicine", "Pediatrics", "Dermatology", "Cardiology", "Orthopedics", "OB/GYN",
    "Urgent Care", "Internal Medicine", "Gastroenterology", "Neurology", "Oncology",
    "Ophthalmology", "ENT", "Urology", "Endocrinology", "Rheumatology", "Pulmonology",
    "Podiatry", "Allergy", "Nephrology", "Infectious Disease", "Pain Management",
    "Sports Medicine", "Plastic Surgery", "General Surgery", "Vascular", "Wound Care",
    "Occupational Health", "Behavioral Health", "Geriatrics", "Women's Health",
    "Sleep Medicine", "Hematology", "Primary Care", "Float Pool", "Lab", "Immunizations",
    "Student Health", "Travel Medicine", "Telehealth",
]
LEVELS = ["", " II", " III", " Lead", " Senior"]


def default_title(n: int) -> str:
    """A title per n (distinct for n < 200), so by default two n are two postings."""
    level = LEVELS[n // len(SPECIALTIES) % len(LEVELS)]
    return f"Medical Assistant{level} - {SPECIALTIES[n % len(SPECIALTIES)]}"


def posting_text(n: int, employer: str = "Valley Family Clinic",
                 title: str = "Medical Assistant") -> str:
    """A realistic description; n picks its duties, schedule and pay, so two n differ in
    the parts a reader cares about while sharing the employer's boilerplate."""
    duties = " ".join(DUTIES[(n + k * 3) % len(DUTIES)] for k in range(4))
    schedule = SCHEDULES[n % len(SCHEDULES)]
    return (
        f"{employer} is hiring a {title} to join our busy outpatient team (opening {n}). "
        f"Responsibilities: {duties} "
        f"Schedule: {schedule} at our location number {n}. "
        f"Pay range ${16 + n % 9}.00 to ${20 + n % 9}.50 per hour depending on experience. "
        "Requirements: high school diploma, completion of an accredited medical assistant "
        "program, current BLS from the American Heart Association. CMA, RMA or CCMA "
        "preferred. About us: we are a physician-owned practice serving the community for "
        "thirty years. Benefits include medical, dental, vision, 401(k) match and paid time "
        "off. We are an equal opportunity employer and value diversity."
    )


def build_item(n: int = 1, **kw: Any) -> JobPostingItem:
    """A JobPostingItem as the pipeline leaves it (normalized, classified, tagged).
    Keyword arguments override fields; ``city``/``state``/``postal_code`` build the
    location, ``pay=None`` leaves pay out, ``text`` replaces the description. Items
    with another ``n`` are other postings (title and text differ)."""
    source = kw.pop("source", "clinic-a")
    employer = kw.pop("employer", "Valley Family Clinic")
    title = kw.pop("title", default_title(n))
    city, state = kw.pop("city", "Austin"), kw.pop("state", "TX")
    postal_code = kw.pop("postal_code", "78701")
    url = kw.pop("url", f"https://jobs.example.org/{source}/postings/{n}?utm_source=feed")
    text = kw.pop("text", None) or posting_text(n, employer, title)
    pay = kw.pop("pay", (18.0 + n % 5, 22.0 + n % 5))
    loc = Location(city=city, state=state, postal_code=postal_code, country="US",
                   lat=30.27, lon=-97.74, raw=f"{city}, {state} {postal_code}")
    item = JobPostingItem(
        source=source, url=url, title=title, external_id=kw.pop("external_id", f"{n}"),
        employer=employer, apply_url=url + "#apply" if url else None,
        canonical_url=dedup.canonical_url(url), urls=[url] if url else [],
        locations=[loc], remote=False, employment_type="full_time",
        pay=Pay(pay[0], pay[1], "hour", "USD", pay[0], pay[1],
                f"${pay[0]:.2f} - ${pay[1]:.2f} per hour") if pay else None,
        date_posted=date(2025, 3, 1), valid_through=None,
        safe_html=f"<p>{text}</p>", text=text, is_ma=True, ma_confidence=0.93,
        ma_rule="title:medical assistant",
        tags={"certifications": ["BLS", "CMA"], "skills": ["phlebotomy", "vital_signs"],
              "specializations": ["family_medicine"], "settings": ["clinic"]},
        required_certifications=["BLS"], preferred_certifications=["CMA", "CCMA"],
        crawled_at=datetime(2025, 3, 2, tzinfo=UTC),
    )
    for key, value in kw.items():
        if not hasattr(item, key):
            raise TypeError(f"JobPostingItem has no field {key!r}")
        setattr(item, key, value)
    item.dedup_key = dedup.dedup_key(item.employer, item.title,
                                      item.locations[0] if item.locations else None)
    item.content_hash = dedup.content_hash(item)
    return item
