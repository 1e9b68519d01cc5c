"""The roles posted on the demo board: Medical Assistant variants and their look-alikes.

Each role says whether it IS an MA job (DOMAIN.md §5: the ground truth the classifier is
scored against), its titles, which employer kinds post it, its pay band and employment types.
The prose for each role lives in ``prose_pools.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

# Canonical certification ids (DESIGN.md); the ground truth lists only these.
CANONICAL_CERTS = ("CMA", "RMA", "NCMA", "CCMA", "CMAA", "CPT", "CET", "BLS", "MA_C")

MA_CLINICS = ("family_clinic", "hospital", "urgent_care", "staffing", "dermatology",
              "orthopedics", "pediatrics", "physician_group")


@dataclass(frozen=True)
class Role:
    id: str
    is_ma: bool
    titles: tuple[str, ...]
    hosts: tuple[str, ...]            # employer kinds that post it
    weight: float                     # share within its class (MA / look-alike)
    hourly: tuple[float, float]       # pay band in USD per hour
    yearly: bool = False              # usually quoted per year
    types: tuple[tuple[str, int], ...] = (("full_time", 70), ("part_time", 20),
                                          ("per_diem", 10))
    department: str = "Clinical Operations"
    pool: str = ""                    # key into prose_pools.DUTIES (defaults to id)

    @property
    def duties_key(self) -> str:
        return self.pool or self.id


# Specialty MA titles by specialty: {specialty: titles}.
SPECIALTY_TITLES: dict[str, tuple[str, ...]] = {
    "family_medicine": ("Family Medicine Medical Assistant", "Medical Assistant - Family Medicine",
                        "Primary Care Medical Assistant"),
    "internal_medicine": ("Internal Medicine Medical Assistant",
                          "Medical Assistant - Internal Medicine"),
    "pediatrics": ("Pediatric Medical Assistant", "Medical Assistant - Pediatrics",
                   "Peds Clinical Medical Assistant"),
    "dermatology": ("Dermatology Medical Assistant", "Medical Assistant - Dermatology",
                    "Derm MA - Mohs Surgery"),
    "orthopedics": ("Orthopedic Medical Assistant", "Medical Assistant - Orthopedics",
                    "Ortho Clinical Medical Assistant"),
    "urgent_care": ("Urgent Care Medical Assistant", "Medical Assistant - Urgent Care",
                    "Urgent Care MA / X-Ray"),
    "cardiology": ("Cardiology Medical Assistant", "Medical Assistant - Cardiology"),
    "obstetrics": ("OB/GYN Medical Assistant", "Medical Assistant - Women's Health"),
}

MA_ROLES: tuple[Role, ...] = (
    Role("ma_general", True, (
        "Medical Assistant", "Medical Assistant (MA)", "Certified Medical Assistant (CMA)",
        "Clinical Medical Assistant", "Registered Medical Assistant (RMA)",
        "Back Office Medical Assistant", "Medical Assistant I", "Medical Assistant II",
        "MEDICAL ASSISTANT", "Clinic Medical Assistant", "Medical Assistant - Float Pool",
        "Certified Clinical Medical Assistant (CCMA)"),
        MA_CLINICS, 40, (17.0, 23.5)),
    Role("ma_specialty", True, (), MA_CLINICS, 16, (17.5, 24.0)),
    Role("ma_office", True, ("Medical Office Assistant", "Medical Office Assistant - Clinical"),
         ("family_clinic", "physician_group", "pediatrics", "dermatology", "orthopedics"),
         8, (16.5, 21.5)),
    Role("ma_lead", True, ("Lead Medical Assistant", "Lead MA", "Medical Assistant Supervisor"),
         ("family_clinic", "hospital", "urgent_care", "physician_group", "dermatology",
          "orthopedics", "pediatrics"), 6, (21.0, 27.0), types=(("full_time", 1),)),
    Role("ma_bilingual", True, ("Bilingual Medical Assistant (Spanish)",
                                "Bilingual Medical Assistant - English/Spanish",
                                "Medical Assistant, Bilingual Spanish"),
         MA_CLINICS, 8, (18.0, 24.0)),
    Role("ma_prn", True, ("PRN Medical Assistant", "Medical Assistant - Per Diem",
                          "Medical Assistant PRN"),
         MA_CLINICS, 7, (19.0, 25.0), types=(("per_diem", 1),)),
    Role("ma_phleb", True, ("Medical Assistant / Phlebotomist", "Medical Assistant-Phlebotomy"),
         ("family_clinic", "hospital", "urgent_care", "staffing", "physician_group"),
         5, (18.0, 24.0)),
)

LOOKALIKE_ROLES: tuple[Role, ...] = (
    Role("physician_assistant", False, ("Physician Assistant (PA-C)",
                                        "Physician Assistant - Urgent Care", "PA-C, Dermatology",
                                        "Physician Assistant"),
         ("family_clinic", "hospital", "urgent_care", "dermatology", "orthopedics",
          "physician_group"), 12, (50.0, 59.0), yearly=True, department="Advanced Practice"),
    Role("cna", False, ("Certified Nursing Assistant (CNA)", "CNA - Night Shift",
                        "Nursing Assistant (CNA)"),
         ("hospital", "senior_living", "staffing"), 12, (16.0, 21.0), department="Nursing"),
    Role("medication_aide", False, ("Certified Medication Aide (CMA)",
                                    "CMA - Certified Medication Aide",
                                    "Med Aide (CMA) - Assisted Living"),
         ("senior_living", "staffing"), 9, (16.5, 20.5), department="Resident Care"),
    Role("dental_assistant", False, ("Dental Assistant", "Registered Dental Assistant (RDA)",
                                     "Dental Assistant - Chairside"),
         ("dental",), 8, (18.0, 25.0), department="Dental"),
    Role("pharmacy_tech", False, ("Pharmacy Technician", "Certified Pharmacy Technician (CPhT)"),
         ("hospital",), 7, (17.0, 23.0), department="Pharmacy"),
    Role("vet_assistant", False, ("Veterinary Assistant", "Vet Assistant",
                                  "Veterinary Assistant - Animal Medical Center"),
         ("veterinary",), 6, (15.0, 19.0), department="Hospital Team"),
    Role("ma_instructor", False, ("Medical Assistant Instructor",
                                  "Medical Assisting Program Instructor",
                                  "Clinical Instructor - Medical Assisting"),
         ("college", "hospital"), 5, (22.0, 29.0), yearly=True,
         types=(("full_time", 3), ("part_time", 1)), department="Education"),
    Role("scribe", False, ("Medical Scribe", "ED Medical Scribe", "Clinical Scribe"),
         ("hospital", "urgent_care", "physician_group", "staffing"), 8, (15.0, 18.0)),
    Role("receptionist", False, ("Medical Receptionist", "Front Desk Receptionist",
                                 "Patient Service Representative - Front Desk"),
         ("family_clinic", "physician_group", "dermatology", "orthopedics", "pediatrics",
          "dental"), 10, (16.0, 20.0), department="Patient Access"),
    Role("phlebotomist", False, ("Phlebotomist", "Phlebotomy Technician",
                                 "Certified Phlebotomy Technician"),
         ("hospital", "family_clinic", "staffing"), 10, (17.0, 23.0), department="Laboratory"),
    Role("lpn", False, ("Licensed Practical Nurse (LPN)", "LPN - Clinic",
                        "Licensed Vocational Nurse / LPN"),
         ("hospital", "senior_living", "physician_group", "staffing"), 8, (25.0, 32.0),
         department="Nursing"),
    Role("biller", False, ("Medical Biller", "Medical Billing Specialist",
                           "Billing and Coding Specialist"),
         ("physician_group", "hospital", "dermatology"), 6, (18.0, 25.0), yearly=True,
         types=(("full_time", 1),), department="Revenue Cycle"),
)

ROLES: dict[str, Role] = {r.id: r for r in MA_ROLES + LOOKALIKE_ROLES}

# A staffing agency's assignments: contract and temporary more than anything else.
STAFFING_TYPES: tuple[tuple[str, int], ...] = (("contract", 45), ("temporary", 35),
                                               ("per_diem", 20))


def titles_for(role: Role, specialty: str | None) -> tuple[str, ...]:
    if role.id == "ma_specialty":
        return SPECIALTY_TITLES.get(specialty or "family_medicine",
                                    SPECIALTY_TITLES["family_medicine"])
    return role.titles
