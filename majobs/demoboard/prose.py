"""Assemble a posting's description and write it out as HTML or plain text.

``build_prose`` picks sentences from ``prose_pools`` for a role; ``sections`` /
``body_html`` / ``body_text`` lay them out the way every channel shares (each renderer then
wraps or escapes them its own way).
"""

from __future__ import annotations

import functools
import random
from html import escape

from majobs.demoboard import prose_pools as pp
from majobs.demoboard.employers import EMPLOYER_KINDS
from majobs.demoboard.model import Clinic, Employer, Posting, Prose
from majobs.demoboard.roles import Role

HEADINGS: tuple[tuple[str, str, str, str], ...] = (
    ("Responsibilities", "Qualifications", "Skills", "Benefits"),
    ("What you'll do", "What you bring", "Nice to have", "What we offer"),
    ("Essential Duties", "Requirements", "Skills and Abilities", "Perks"),
)
DETAILS_HEADING = "Position details"
TYPE_LABELS = {"full_time": "full-time", "part_time": "part-time", "per_diem": "per diem",
               "contract": "contract", "temporary": "temporary"}


def esc(s: str) -> str:
    """Escape text for an HTML text node (fast path: most sentences need nothing)."""
    if "&" in s or "<" in s or ">" in s:
        return escape(s, quote=False)
    return s


def _fill(s: str, ctx: dict[str, object]) -> str:
    return s.format(**ctx) if "{" in s else s


def _cert_lines(rng: random.Random, role: Role, specialty: str | None,
                state: str) -> list[pp.CertLine]:
    if not role.is_ma:
        return list(pp.LOOKALIKE_CERT_LINES.get(role.id, ()))
    lines: list[pp.CertLine] = []
    if state == "WA" and rng.random() < 0.6:
        lines.append(pp.WA_CERT_LINE)
    elif rng.random() < 0.85:
        lines.append(rng.choice(pp.MA_CERT_LINES))
    if rng.random() < 0.7:
        lines.append(rng.choice(pp.BLS_LINES))
    extra = pp.EXTRA_CERT_LINES.get(role.id) or pp.EXTRA_CERT_LINES.get(specialty or "")
    if extra:
        lines.append(extra)
    return lines


def _duties(rng: random.Random, role: Role, specialty: str | None) -> list[str]:
    if not role.is_ma:
        return list(pp.LOOKALIKE_DUTIES[role.duties_key])
    duties = rng.sample(pp.MA_CORE_DUTIES, rng.randint(5, 8))
    if role.id == "ma_specialty" or rng.random() < 0.3:
        duties[1:1] = pp.SPECIALTY_DUTIES.get(specialty or "", ())
    if role.id == "ma_office":
        duties[0:0] = pp.OFFICE_DUTIES
    if role.id == "ma_lead":
        duties.extend(pp.LEAD_DUTIES)
    if role.id == "ma_bilingual":
        duties.append(pp.BILINGUAL_LINE)
    return duties


def build_prose(rng: random.Random, role: Role, specialty: str | None, employer: Employer,
                clinic: Clinic, title: str, employment_type: str) -> Prose:
    kind = EMPLOYER_KINDS[employer.kind]
    n = len(employer.clinics)
    ctx: dict[str, object] = {
        "employer": employer.name, "setting": kind.setting, "n": n, "s": "" if n == 1 else "s",
        "metro": employer.metro.name, "years": employer.years, "title": title,
        "clinic": clinic.label, "ehr": employer.ehr, "per_day": rng.choice((30, 40, 60, 80)),
        "team": rng.randint(4, 14), "state_name": clinic.city.state_name,
        "match": rng.randint(3, 6), "holidays": rng.randint(6, 9),
    }
    summary = (rng.choice(pp.MA_SUMMARIES) if role.is_ma
               else pp.LOOKALIKE_SUMMARIES[role.duties_key])
    certs = _cert_lines(rng, role, specialty, clinic.city.state)
    requirements = list(pp.MA_REQUIREMENTS[: rng.randint(1, 4)] if role.is_ma
                        else pp.LOOKALIKE_REQUIREMENTS[role.duties_key])
    if role.id == "ma_bilingual":
        requirements.append("Bilingual English/Spanish required")
    requirements[1:1] = [line for line, _ in certs]
    required = sorted({c for _, ids in certs for c in ids})
    benefits = rng.sample(pp.BENEFITS, rng.randint(3, 5))
    if rng.random() < 0.6:
        benefits.insert(rng.randint(0, len(benefits)), pp.SIGN_ON.format(
            bonus=rng.choice((500, 750, 1000, 1500, 2000, 2500, 3000))))
    phone = f"({employer.metro.area_code}) 555-01{rng.randint(0, 99):02d}"
    contact = rng.choice((f"Questions? Call our recruiting team at {phone}.",
                          f"Questions about this role: {phone} (text or call).",
                          f"Call {phone} to talk with a recruiter."))
    return Prose(
        about=_fill(rng.choice(pp.ABOUT), ctx), summary=_fill(summary, ctx),
        duties=tuple(_fill(d, ctx) for d in _duties(rng, role, specialty)),
        requirements=tuple(_fill(r, ctx) for r in requirements),
        skills=tuple(_fill(s, ctx) for s in rng.sample(pp.SKILLS, rng.randint(2, 4))),
        benefits=tuple(_fill(b, ctx) for b in benefits),
        schedule=rng.choice(pp.SCHEDULES[employment_type]),
        contact=contact, eeo=_fill(pp.EEO, ctx), required_certs=tuple(required),
    )


def details(p: Posting, employer: Employer) -> list[str]:
    clinic = employer.clinics[p.clinic]
    lines = [f"Location: {clinic.street}, {clinic.place}", f"Schedule: {p.prose.schedule}"]
    if p.offer and p.offer.in_text:
        lines.append(p.offer.text())
    return lines


def sections(p: Posting, employer: Employer) -> list[tuple[str, tuple[str, ...]]]:
    h = HEADINGS[employer.headings % len(HEADINGS)]
    return [(h[0], p.prose.duties), (h[1], p.prose.requirements), (h[2], p.prose.skills),
            (DETAILS_HEADING, tuple(details(p, employer))), (h[3], p.prose.benefits)]


def intro(p: Posting) -> tuple[str, str]:
    """(about the employer, about the role) paragraphs."""
    summary = f"{p.prose.summary} {p.prose.extra}".strip()
    return p.prose.about, summary


@functools.lru_cache(maxsize=4096)
def body_html(p: Posting, employer: Employer, br: bool = False) -> str:
    """The description as HTML: paragraphs + headed lists; ``br``: JazzHR-like <br> lines.

    Cached: a detail page, its JSON-LD and the feed all embed the same body.
    """
    about, summary = intro(p)
    if br:
        lines = [esc(about), "", esc(summary)]
        for heading, items in sections(p, employer):
            lines += ["", f"{esc(heading)}:"] + [f"• {esc(i)}" for i in items]
        lines += ["", esc(p.prose.contact), esc(p.prose.eeo)]
        return "<br>".join(lines)
    parts = [f"<p>{esc(about)}</p>", f"<p>{esc(summary)}</p>"]
    for heading, items in sections(p, employer):
        lis = "".join(f"<li>{esc(i)}</li>" for i in items)
        parts.append(f"<h3>{esc(heading)}</h3><ul>{lis}</ul>")
    parts += [f"<p>{esc(p.prose.contact)}</p>", f"<p><em>{esc(p.prose.eeo)}</em></p>"]
    return "\n".join(parts)


def body_text(p: Posting, employer: Employer) -> str:
    about, summary = intro(p)
    out = [about, "", summary]
    for heading, items in sections(p, employer):
        out += ["", heading] + [f"- {i}" for i in items]
    out += ["", p.prose.contact, "", p.prose.eeo]
    return "\n".join(out)


def html_list(items: tuple[str, ...] | list[str]) -> str:
    """Lever's bare list content: "\\n<li>...</li>" per item."""
    return "".join(f"\n<li>{escape(i, quote=False)}</li>" for i in items)
