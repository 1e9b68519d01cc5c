"""The candidate form <-> a profile mapping (DESIGN.md "Candidate profile").

The form only reshapes what was typed (lists from commas or lines, numbers from text);
validation is the matcher's ``parse_profile``, the same as for a YAML file, so the web
and the CLI accept exactly the same profiles.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.datastructures import FormData

from majobs.matcher.profile import EMPLOYMENT_TYPES

TEXT_FIELDS = ("name", "location", "summary")
NUMBER_FIELDS = ("radius_miles", "min_pay_hourly")
LIST_FIELDS = ("certifications", "skills", "specializations", "settings", "languages",
               "block_employers", "block_title_words")
FORM_FIELDS = (*TEXT_FIELDS, *NUMBER_FIELDS, *LIST_FIELDS, "employment_types", "alert_email")
VALUE_MAX = 5000


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\n;]", text) if part.strip()]


def _number(text: str) -> float | int | str:
    try:
        value = float(text.replace(",", "").lstrip("$"))
    except ValueError:
        return text  # parse_profile names the field and says it must be a number
    return int(value) if value.is_integer() else value


def form_to_profile(form: FormData) -> dict[str, Any]:
    """The typed values as a profile mapping; empty fields are left out."""
    def raw(name: str) -> str:
        value = form.get(name)  # NUL: PostgreSQL cannot store it, no profile needs it
        return value.replace("\x00", "")[:VALUE_MAX] if isinstance(value, str) else ""

    def text(name: str) -> str:
        return " ".join(raw(name).split())

    data: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        value = raw(name).strip() if name == "summary" else text(name)
        if value:
            data[name] = value
    for name in NUMBER_FIELDS:
        if text(name):
            data[name] = _number(text(name))
    for name in LIST_FIELDS:
        items = _split(raw(name))
        if items:
            data[name] = items
    types = [t.replace("\x00", "") for t in form.getlist("employment_types")
             if isinstance(t, str) and t]
    if types:
        data["employment_types"] = types
    if text("alert_email"):
        data["alerts"] = {"email": text("alert_email")}
    return data


def profile_to_form(profile: dict[str, Any]) -> dict[str, Any]:
    """A stored profile as the form's initial values."""
    out: dict[str, Any] = {}
    for name in (*TEXT_FIELDS, *NUMBER_FIELDS):
        value = profile.get(name)
        out[name] = "" if value is None else str(value)
    for name in LIST_FIELDS:
        value = profile.get(name)
        out[name] = ", ".join(str(v) for v in value) if isinstance(value, list) else (
            str(value) if value else "")
    types = profile.get("employment_types")
    out["employment_types"] = [str(t) for t in types] if isinstance(types, list) else []
    alerts = profile.get("alerts")
    out["alert_email"] = str(alerts.get("email") or "") if isinstance(alerts, dict) else ""
    return out


def field_of_error(field: str | None) -> str | None:
    """Which form field an InputError belongs to: "certifications[1]" -> certifications,
    "alerts.email" -> alert_email; None when no field of the form matches."""
    if not field:
        return None
    if field.startswith("alerts"):
        return "alert_email"
    base = re.match(r"[a-z_]+", field)
    return base.group(0) if base and base.group(0) in FORM_FIELDS else None


EMPLOYMENT_CHOICES = EMPLOYMENT_TYPES
