"""How each channel spells an employment type (Style.type_form picks one per posting)."""

from __future__ import annotations

from typing import Any

# schema.org employmentType: enum strings, arrays, and the free text career sites also use.
JSONLD_TYPES: dict[str, tuple[Any, ...]] = {
    "full_time": ("FULL_TIME", ["FULL_TIME"], "Full-Time", "FULL_TIME"),
    "part_time": ("PART_TIME", ["PART_TIME", "OTHER"], "Part time (24 hrs/wk)", "Part-Time"),
    "per_diem": ("PER_DIEM", "PRN", ["PER_DIEM"], "Per Diem"),
    "contract": ("CONTRACTOR", ["CONTRACTOR"], "Contract"),
    "temporary": ("TEMPORARY", ["TEMPORARY", "OTHER"], "Temp"),
}
# Lever categories.commitment (free text per company: the real fixtures differ in case).
LEVER_TYPES: dict[str, tuple[str, ...]] = {
    "full_time": ("Full-time", "Full-Time", "Full time"),
    "part_time": ("Part-time", "Part time (24 hrs/wk)", "Part-Time"),
    "per_diem": ("Per Diem", "PRN", "Per diem / PRN"),
    "contract": ("Contract", "Contractor"),
    "temporary": ("Temporary", "Temp"),
}
# Greenhouse custom field "Employment Type" (metadata single_select values).
GREENHOUSE_TYPES: dict[str, tuple[str, ...]] = {
    "full_time": ("Full-Time", "Full time"),
    "part_time": ("Part-Time", "Part time"),
    "per_diem": ("Per Diem", "PRN"),
    "contract": ("Contract",),
    "temporary": ("Temporary",),
}


def spell(table: dict[str, tuple[Any, ...]], employment_type: str, form: int) -> Any:
    options = table[employment_type]
    return options[form % len(options)]
