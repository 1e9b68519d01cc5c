"""Federal jobs on the demo board: VA health care systems that post only on USAJOBS.

One VA employer per chosen metro, named as USAJOBS names the agency ("Veterans Health
Administration"), with a medical center and community clinics. Its postings are the
federal versions of three roles (DOMAIN.md §5): clinical Medical Assistants (also titled
"Health Technician (Medical Assistant)", series 0640), Medical Support Assistants (series
0679: scheduling and clerical, so NOT MA work despite the O*NET alternate title) and
Nursing Assistants. Pay is always structured (GS salary per year), the text never states it.
"""

from __future__ import annotations

import random
from collections import Counter

from majobs.demoboard import urls
from majobs.demoboard.model import Clinic, Employer
from majobs.demoboard.payforms import PayOffer
from majobs.demoboard.places import METROS, STREETS, Metro

VA_NAME = "Veterans Health Administration"
VA_DEPARTMENT = "Department of Veterans Affairs"
FEDERAL_SHARE = 0.04          # of all postings (at least 2 in a market of 20 or more)
POSTINGS_PER_VA = 2500        # one more VA employer (another metro) per this many postings

# role id -> (titles as VA writes them, job series (name, code), GS grades low/high)
FEDERAL_ROLES: dict[str, tuple[tuple[str, ...], tuple[str, str], tuple[str, str]]] = {
    "ma_general": (("Medical Assistant", "Health Technician (Medical Assistant)",
                    "Medical Assistant (Primary Care)"),
                   ("Health Aid And Technician", "0640"), ("5", "6")),
    "receptionist": (("Medical Support Assistant", "Medical Support Assistant (OA)",
                      "MEDICAL SUPPORT ASSISTANT"),
                     ("Medical Support Assistance", "0679"), ("4", "5")),
    "cna": (("Nursing Assistant", "Nursing Assistant (Primary Care)"),
            ("Nurse Assistant", "0621"), ("4", "5")),
}
LOOKALIKE_WEIGHTS = {"receptionist": 2, "cna": 1}
# USAJOBS PositionSchedule: "Intermittent" is VA's per diem.
SCHEDULES = {"full_time": ("Full-time", "1"), "part_time": ("Part-time", "2"),
             "per_diem": ("Intermittent", "4")}
ABOUT = ("The {metro} VA Health Care System serves Veterans at its VA medical center and "
         "community-based outpatient clinics across the {metro} area. Working for VA, you "
         "join the largest integrated health care system in the nation, with federal "
         "benefits, paid leave and a retirement plan.")


def va_count(postings: int) -> int:
    return 0 if postings < 20 else min(len(METROS), 1 + postings // POSTINGS_PER_VA)


def federal_count(postings: int) -> int:
    return 0 if postings < 20 else max(2, round(FEDERAL_SHARE * postings))


def va_metros(employers: tuple[Employer, ...], n: int) -> list[Metro]:
    """The metros with the most employers first: VA jobs where the market is."""
    counts = Counter(e.metro.name for e in employers)
    order = sorted(METROS, key=lambda m: (-counts[m.name], METROS.index(m)))
    return order[:n]


def make_va_employers(seed: int, employers: tuple[Employer, ...],
                      n: int) -> tuple[Employer, ...]:
    out = []
    for k, metro in enumerate(va_metros(employers, n)):
        rng = random.Random(f"{seed}:va:{metro.name}")
        cities = rng.sample(metro.cities, min(len(metro.cities), rng.randint(2, 3)))
        clinics = tuple(
            Clinic(f"{c.name} VA Medical Center" if i == 0 else f"{c.name} VA Clinic",
                   f"{rng.randint(100, 9800)} {rng.choice(STREETS)}", c)
            for i, c in enumerate(cities))
        slug = f"va-{urls.metro_slug(metro)}"
        out.append(Employer(
            index=len(employers) + k, slug=slug, board=slug.replace("-", ""), name=VA_NAME,
            kind="hospital", channel="usajobs", metro=metro, clinics=clinics, ehr="CPRS",
            years=rng.randint(60, 90), headings=rng.randrange(3), name_space=False,
            source_style=0))
    return tuple(out)


def federal_role(rng: random.Random, is_ma: bool) -> str:
    if is_ma:
        return "ma_general"
    roles = list(LOOKALIKE_WEIGHTS)
    return rng.choices(roles, weights=[LOOKALIKE_WEIGHTS[r] for r in roles])[0]


def federal_offer(rng: random.Random, band: tuple[float, float]) -> PayOffer:
    """A GS salary range per year (USAJOBS PositionRemuneration, RateIntervalCode PA)."""
    low, high = band
    hourly = round(rng.uniform(low, high - 2.0), 2)
    top = round(min(high, hourly + rng.choice((3.0, 4.0, 5.0))), 2)
    return PayOffer(form="range_year", lo=float(round(hourly * 2080)),
                    hi=float(round(top * 2080)), template=0, structured=True, in_text=False)
