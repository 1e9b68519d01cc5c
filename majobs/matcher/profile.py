"""Candidate profiles (DESIGN.md "Candidate profile"): load, validate, resolve.

Validation is strict and happens before any matching: an unknown field, a wrong type,
an unknown certification / specialization / setting / employment type, a ZIP or city
we cannot place, a negative or absurd pay floor raise :class:`InputError` naming the
file, the field and the reason.

Closed vocabularies are errors when a name is unknown (certifications, specializations,
settings, employment types): a typo there would silently change who is eligible.
Skills and languages are open-ended: a name the taxonomy does not know is *kept as free
text* (``Profile.free_skills`` / ``free_languages``), searched as words in the TF-IDF
query, and reported in ``Profile.notes`` so the CLI can say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from majobs.errors import InputError
from majobs.normalize.location import Location

EMPLOYMENT_TYPES = ("full_time", "part_time", "contract", "temporary", "per_diem")
FIELDS = {
    "name", "location", "radius_miles", "certifications", "skills", "specializations",
    "settings", "employment_types", "min_pay_hourly", "languages", "summary",
    "block_employers", "block_title_words", "alerts",
}
MAX_HOURLY = 150.0      # above this the number is a yearly salary or a typo
MAX_RADIUS = 3000.0
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Alerts:
    email: str | None = None
    min_score: float | None = None     # None: the configured default


@dataclass(frozen=True)
class Profile:
    name: str
    location: Location | None = None
    location_text: str | None = None
    radius_miles: float | None = None
    certifications: tuple[str, ...] = ()     # canonical taxonomy ids
    skills: tuple[str, ...] = ()             # taxonomy ids
    free_skills: tuple[str, ...] = ()        # skills the taxonomy does not know
    specializations: tuple[str, ...] = ()
    settings: tuple[str, ...] = ()
    employment_types: tuple[str, ...] = ()
    min_pay_hourly: float | None = None
    languages: tuple[str, ...] = ()
    free_languages: tuple[str, ...] = ()
    summary: str = ""
    block_employers: tuple[str, ...] = ()
    block_title_words: tuple[str, ...] = ()
    alerts: Alerts | None = None
    notes: tuple[str, ...] = field(default=(), compare=False)

    def taxonomy_ids(self) -> set[str]:
        return {*self.certifications, *self.skills, *self.specializations, *self.settings,
                *self.languages}


def load_profile(path: str | Path) -> Profile:
    """Read a YAML (or JSON) profile file and validate it."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(file, None, "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(file, None, f"cannot read: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise InputError(file, None, f"not valid YAML{where}") from None
    if not isinstance(data, dict):
        raise InputError(file, None, "must be a mapping of fields (name: ..., location: ...)")
    return parse_profile(data, file, default_name=Path(path).stem)


def parse_profile(data: dict[str, Any], file: str, default_name: str | None = None) -> Profile:
    """Validate a profile mapping (from YAML, JSON or a stored candidate)."""
    if not isinstance(data, dict):
        raise InputError(file, None, "must be a mapping of fields")
    unknown = sorted(str(k) for k in data if k not in FIELDS)
    if unknown:
        raise InputError(file, unknown[0], f"unknown field (known: {', '.join(sorted(FIELDS))})")
    from majobs.taxonomy import load_taxonomy

    tax = load_taxonomy()
    notes: list[str] = []
    name = _text(file, "name", data.get("name")) or default_name
    if not name:
        raise InputError(file, "name", "is required")
    location_text, location = _location(file, data.get("location"))
    radius = _number(file, "radius_miles", data.get("radius_miles"), 0, MAX_RADIUS)
    if radius is not None and radius <= 0:
        raise InputError(file, "radius_miles", "must be greater than 0")
    if radius is not None and location is None:
        raise InputError(file, "radius_miles", "needs a location to measure from")
    certs = _closed(file, "certifications", data.get("certifications"), tax, "certifications")
    skills, free_skills = _open(file, "skills", data.get("skills"), tax, "skills")
    languages, free_langs = _open(file, "languages", data.get("languages"), tax, "languages")
    notes += [f"skill '{s}' is not in the taxonomy: matched as free text" for s in free_skills]
    specs = _closed(file, "specializations", data.get("specializations"), tax, "specializations")
    settings = _closed(file, "settings", data.get("settings"), tax, "settings")
    types = _employment_types(file, data.get("employment_types"))
    min_pay = _pay(file, data.get("min_pay_hourly"))
    return Profile(
        name=name, location=location, location_text=location_text, radius_miles=radius,
        certifications=certs, skills=skills, free_skills=free_skills, specializations=specs,
        settings=settings, employment_types=types, min_pay_hourly=min_pay,
        languages=languages, free_languages=free_langs,
        summary=_text(file, "summary", data.get("summary")) or "",
        block_employers=_strings(file, "block_employers", data.get("block_employers")),
        block_title_words=_strings(file, "block_title_words", data.get("block_title_words")),
        alerts=_alerts(file, data.get("alerts")), notes=tuple(notes),
    )


# --- field parsers -----------------------------------------------------------------------

def _text(file: str, where: str, value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InputError(file, where, f"must be text, got {type(value).__name__}")
    return " ".join(str(value).split()) or None


def _strings(file: str, where: str, value: Any) -> tuple[str, ...]:
    """A list of non-empty strings; one string may hold a comma-separated list."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        raise InputError(file, where, f"must be a list, got {type(value).__name__}")
    out: list[str] = []
    for i, item in enumerate(value):
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            raise InputError(file, f"{where}[{i}]", f"must be text, got {type(item).__name__}")
        text = " ".join(str(item).split())
        if text and text not in out:
            out.append(text)
    return tuple(out)


def _resolve(tax: Any, name: str, group: str) -> str | None:
    """The taxonomy id for ``name`` in ``group``; None when unknown or in another group."""
    term = tax.resolve(name)
    if term is None or tax.group_of(term) != group:
        return None
    return term


def _closed(file: str, where: str, value: Any, tax: Any, group: str) -> tuple[str, ...]:
    out: list[str] = []
    for i, name in enumerate(_strings(file, where, value)):
        term = _resolve(tax, name, group)
        if term is None:
            other = tax.resolve(name)
            hint = (f" (it is one of the {tax.group_of(other)})" if other is not None
                    else f" (known: {', '.join(_ids(tax, group))})")
            raise InputError(file, f"{where}[{i}]", f"unknown {where[:-1]} '{name}'{hint}")
        if term not in out:
            out.append(term)
    return tuple(out)


def _open(file: str, where: str, value: Any, tax: Any, group: str
          ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    known: list[str] = []
    free: list[str] = []
    for i, name in enumerate(_strings(file, where, value)):
        term = _resolve(tax, name, group)
        if term is None and tax.resolve(name) is not None:
            other = tax.group_of(tax.resolve(name))
            raise InputError(file, f"{where}[{i}]",
                             f"'{name}' is one of the {other}; list it there")
        if term is None:
            free.append(name)
        elif term not in known:
            known.append(term)
    return tuple(known), tuple(free)


def _ids(tax: Any, group: str) -> list[str]:
    return sorted(t for t in tax.terms if tax.group_of(t) == group)


def _location(file: str, value: Any) -> tuple[str | None, Location | None]:
    if value is None:
        return None, None
    if isinstance(value, int) and not isinstance(value, bool):
        if not 10000 <= value <= 99999:
            # YAML reads 02134 as an octal number: the ZIP is lost.
            raise InputError(file, "location", "ZIP codes must be quoted, e.g. \"02134\"")
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise InputError(file, "location", "must be a 5-digit ZIP code or 'City, ST'")
    text = " ".join(value.split())
    from majobs.normalize.location import resolve_place

    place = resolve_place(text)
    if place is None or place.lat is None or place.lon is None:
        kind = "ZIP code" if re.fullmatch(r"[\d\s-]+", text) else "city"
        raise InputError(file, "location",
                         f"unknown {kind} '{text}' (write a 5-digit ZIP or 'City, ST')")
    return text, place


def _number(file: str, where: str, value: Any, low: float, high: float) -> float | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip().lstrip("$").replace(",", ""))
        except ValueError:
            raise InputError(file, where, f"must be a number, got '{value}'") from None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise InputError(file, where, f"must be a number, got {type(value).__name__}")
    if value < low:
        raise InputError(file, where, f"must not be below {low:g}")
    if value > high:
        raise InputError(file, where, f"{value:g} is too large (at most {high:g})")
    return float(value)


def _pay(file: str, value: Any) -> float | None:
    number = _number(file, "min_pay_hourly", value, 0, float("inf"))
    if number is not None and number > MAX_HOURLY:
        hint = f" (a yearly {number:,.0f} is {number / 2080:.2f}/hour)" if number >= 10000 else ""
        raise InputError(file, "min_pay_hourly",
                         f"{number:g} is not a plausible hourly rate{hint}")
    return number


def _employment_types(file: str, value: Any) -> tuple[str, ...]:
    out: list[str] = []
    for i, name in enumerate(_strings(file, "employment_types", value)):
        key = re.sub(r"[\s-]+", "_", name.strip().lower())
        if key not in EMPLOYMENT_TYPES:
            raise InputError(file, f"employment_types[{i}]",
                             f"unknown employment type '{name}' "
                             f"(known: {', '.join(EMPLOYMENT_TYPES)})")
        if key not in out:
            out.append(key)
    return tuple(out)


def _alerts(file: str, value: Any) -> Alerts | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InputError(file, "alerts", "must be a mapping with email and min_score")
    extra = sorted(str(k) for k in value if k not in ("email", "min_score"))
    if extra:
        raise InputError(file, f"alerts.{extra[0]}", "unknown field (known: email, min_score)")
    email = _text(file, "alerts.email", value.get("email"))
    if email is not None and not EMAIL_RE.match(email):
        raise InputError(file, "alerts.email", f"'{email}' is not an e-mail address")
    return Alerts(email=email,
                  min_score=_number(file, "alerts.min_score", value.get("min_score"), 0, 1))
