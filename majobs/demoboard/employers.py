"""Employer kinds of the demo market and how they are named.

An employer kind says which roles it posts (see ``roles.py``), its default specialty (which
specialty MA titles and duties it uses) and the EHR systems it is likely to run.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class EmployerKind:
    id: str
    suffixes: tuple[str, ...]        # name endings: "Family Medicine", "Medical Center"
    specialties: tuple[str, ...]     # specialty MA flavours this kind posts
    setting: str                     # one phrase describing the workplace
    ehrs: tuple[str, ...]


EMPLOYER_KINDS: dict[str, EmployerKind] = {k.id: k for k in (
    EmployerKind("family_clinic", ("Family Medicine", "Family Clinic", "Primary Care",
                                   "Community Health Center"),
                 ("family_medicine", "pediatrics"), "an outpatient primary care practice",
                 ("athenahealth", "eClinicalWorks", "NextGen", "Epic")),
    EmployerKind("hospital", ("Medical Center", "Regional Hospital", "Health System"),
                 ("cardiology", "obstetrics", "orthopedics", "family_medicine"),
                 "a community hospital with outpatient clinics",
                 ("Epic", "Cerner", "MEDITECH")),
    EmployerKind("urgent_care", ("Urgent Care", "Immediate Care", "Walk-In Clinic"),
                 ("urgent_care",), "a busy walk-in urgent care clinic",
                 ("eClinicalWorks", "athenahealth", "Epic")),
    EmployerKind("staffing", ("Healthcare Staffing", "Medical Staffing"),
                 ("family_medicine", "urgent_care"),
                 "a healthcare staffing agency placing clinical staff with local clinics",
                 ("Epic", "eClinicalWorks", "athenahealth")),
    EmployerKind("senior_living", ("Senior Living", "Assisted Living", "Care Center"),
                 (), "an assisted living and memory care community", ("PointClickCare",)),
    EmployerKind("dermatology", ("Dermatology", "Dermatology & Skin Surgery"),
                 ("dermatology",), "a dermatology and Mohs surgery practice",
                 ("ModMed", "Nextech", "Epic")),
    EmployerKind("dental", ("Dental Group", "Family Dentistry"), (),
                 "a general and cosmetic dentistry office", ("Dentrix", "Eaglesoft")),
    EmployerKind("veterinary", ("Animal Medical Center", "Veterinary Hospital"), (),
                 "a full-service small animal hospital", ("AVImark", "Cornerstone")),
    EmployerKind("orthopedics", ("Orthopedics & Sports Medicine", "Bone & Joint Clinic",
                                 "Orthopaedic Associates"),
                 ("orthopedics",), "an orthopedic and sports medicine practice",
                 ("ModMed", "Epic", "athenahealth")),
    EmployerKind("pediatrics", ("Pediatrics", "Children's Clinic", "Pediatric Associates"),
                 ("pediatrics",), "a pediatric primary care practice",
                 ("athenahealth", "eClinicalWorks", "Epic")),
    EmployerKind("physician_group", ("Physician Group", "Medical Group",
                                     "Physicians Associates"),
                 ("family_medicine", "internal_medicine", "cardiology", "obstetrics"),
                 "a multi-specialty physician group", ("Epic", "NextGen", "Allscripts",
                                                       "Greenway")),
    EmployerKind("college", ("Career College", "Institute of Health Careers"), (),
                 "an accredited career college with a medical assisting diploma program",
                 ("Canvas",)),
)}

# The order employers are created in: the small markets get the kinds listed first, so that
# even 6 employers cover MA clinics, a hospital, a staffing agency and look-alike employers.
KIND_ORDER: tuple[str, ...] = (
    "family_clinic", "hospital", "urgent_care", "staffing", "senior_living", "dermatology",
    "dental", "veterinary", "orthopedics", "pediatrics", "physician_group", "college",
)
# After the first round, employers repeat these kinds (MA-heavy, as in a real market).
REPEAT_KINDS: tuple[str, ...] = (
    "family_clinic", "physician_group", "urgent_care", "hospital", "dermatology", "orthopedics",
    "pediatrics", "family_clinic", "senior_living", "dental", "physician_group", "urgent_care",
    "veterinary", "college", "family_clinic", "pediatrics",
)

PREFIXES: tuple[str, ...] = (
    "Lakeside", "Valley", "Cedar Park", "Summit", "Riverbend", "Northgate", "Bluebonnet",
    "Evergreen", "Desert Sun", "Pinecrest", "Harbor", "Meadowbrook", "Sunrise", "Oak Hill",
    "Prairie", "Redwood", "Willow Creek", "Stonebridge", "Maple Grove", "Silver Lake",
    "Canyon View", "Heritage", "Brookside", "Crestview", "Fairview", "Highland", "Magnolia",
    "Bayside", "Cottonwood", "Juniper", "Aspen", "Granite", "Horizon", "Liberty", "Mesa Verde",
    "Olympic", "Piedmont", "Capital", "Trinity", "Westlake",
)


def employer_kind_for(index: int) -> str:
    if index < len(KIND_ORDER):
        return KIND_ORDER[index]
    return REPEAT_KINDS[(index - len(KIND_ORDER)) % len(REPEAT_KINDS)]


def slugify(name: str) -> str:
    """'Children's Clinic & More' -> 'childrens-clinic-more'."""
    s = re.sub(r"['’]", "", name.lower())
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def employer_name(rng: random.Random, kind: EmployerKind, city: str, taken: set[str]) -> str:
    """A unique two-plus-word name: 'Lakeside Family Medicine', then '... of Austin', then 2, 3."""
    prefixes = list(PREFIXES)
    rng.shuffle(prefixes)
    for prefix in prefixes[:12]:
        name = f"{prefix} {rng.choice(kind.suffixes)}"
        if name not in taken:
            return name
    base = f"{prefixes[0]} {kind.suffixes[0]} of {city}"
    name, n = base, 2
    while name in taken:
        name, n = f"{base} {n}", n + 1
    return name
