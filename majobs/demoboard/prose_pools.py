"""Sentences the demo postings are assembled from, by role.

Written for this project from the MA career guides and O*NET 31-9092 tasks (DOMAIN.md §1):
duties, requirements, settings and skills as real postings phrase them. Certification lines
carry the canonical ids they REQUIRE (the ground truth); "preferred" and mere mentions carry
none. A certification is named only in these lines, so the truth stays unambiguous.
"""

from __future__ import annotations

CertLine = tuple[str, tuple[str, ...]]

MA_CORE_DUTIES: tuple[str, ...] = (
    "Room patients, take vital signs (blood pressure, pulse, temperature, height and weight) "
    "and record the chief complaint",
    "Update medical histories, allergies and medication lists in {ehr}",
    "Administer IM and subcutaneous injections and immunizations as ordered by the provider",
    "Perform venipuncture and finger sticks; label, log and process specimens",
    "Run CLIA-waived point-of-care tests (rapid strep, urinalysis, glucose, pregnancy tests)",
    "Perform 12-lead EKGs and spirometry",
    "Assist providers with exams and minor procedures; remove sutures and staples",
    "Clean and sterilize instruments, restock exam rooms and follow infection control and "
    "OSHA guidelines",
    "Process prescription refill requests and call pharmacies per clinic protocol",
    "Change wound dressings and apply splints under the provider's direction",
    "Explain procedures, medications and after-visit instructions to patients",
    "Schedule follow-up visits, referrals and outside imaging or lab tests",
    "Work the patient message queue and return calls for the care team",
    "Inventory and order clinical supplies",
)

SPECIALTY_DUTIES: dict[str, tuple[str, ...]] = {
    "family_medicine": ("Prepare patients for annual wellness visits and chronic care "
                        "follow-ups (diabetes, hypertension)",),
    "internal_medicine": ("Track hemoglobin A1c, lipid and other chronic care labs for the "
                          "provider panel",),
    "pediatrics": ("Perform well-child checks: growth measurements, vision and hearing "
                   "screening, vaccines with VIS handouts",
                   "Calm young patients and their parents during shots and blood draws"),
    "dermatology": ("Assist with skin biopsies, cryotherapy, excisions and Mohs surgery",
                    "Photograph lesions and prepare specimens for dermatopathology"),
    "orthopedics": ("Apply and remove casts and splints; fit braces, boots and crutches",
                    "Prepare patients for x-rays and joint injections"),
    "urgent_care": ("Triage walk-in patients and run rapid flu, COVID-19 and strep tests",
                    "Take limited-scope x-rays where licensed"),
    "cardiology": ("Perform EKGs, apply Holter and event monitors",
                   "Prepare patients for stress tests and echocardiograms"),
    "obstetrics": ("Assist with pelvic exams, Pap smears and prenatal visits",
                   "Perform fetal heart tone checks and urine dips at OB visits"),
}

OFFICE_DUTIES: tuple[str, ...] = (
    "Greet and check in patients, verify insurance and collect copays",
    "Schedule appointments and manage the provider calendar",
    "Scan documents and keep medical records complete and HIPAA compliant",
)

LEAD_DUTIES: tuple[str, ...] = (
    "Train and onboard new medical assistants and build the daily MA schedule",
    "Audit rooming quality and supply levels and report to the clinic manager",
)

BILINGUAL_LINE = "Interpret for Spanish-speaking patients during rooming and phone calls"

LOOKALIKE_DUTIES: dict[str, tuple[str, ...]] = {
    "physician_assistant": (
        "Examine, diagnose and treat patients with acute and chronic conditions",
        "Order and interpret labs and imaging; prescribe medications",
        "Perform procedures such as laceration repair and joint injections",
        "Document visits in {ehr} and collaborate with the supervising physician"),
    "cna": (
        "Assist residents and patients with ADLs: bathing, dressing, toileting and feeding",
        "Take and record vital signs and intake and output",
        "Reposition and transfer patients safely using a gait belt or mechanical lift",
        "Report changes in condition to the charge nurse"),
    "medication_aide": (
        "Administer scheduled medications to residents during med pass",
        "Document medication administration on the eMAR",
        "Observe residents for side effects and report them to the nurse",
        "Help residents with ADLs between med passes"),
    "dental_assistant": (
        "Chairside assisting for restorative, endodontic and hygiene procedures",
        "Take dental radiographs and intraoral photos",
        "Sterilize instruments and turn over operatories",
        "Chart procedures in {ehr}"),
    "pharmacy_tech": (
        "Fill, label and check prescriptions and unit-dose medications",
        "Compound IV admixtures under pharmacist supervision",
        "Restock automated dispensing cabinets on nursing units",
        "Track inventory and expired medications"),
    "vet_assistant": (
        "Restrain dogs and cats for exams, vaccines and treatments",
        "Clean kennels, exam rooms and surgical instruments",
        "Feed and walk hospitalized patients and monitor recovery",
        "Help the veterinary technicians with lab samples and x-rays"),
    "ma_instructor": (
        "Teach medical assisting courses: clinical procedures, pharmacology and medical "
        "terminology",
        "Supervise students in the skills lab and on externship sites",
        "Prepare students for the CMA (AAMA) and RMA certification exams",
        "Maintain attendance, grades and curriculum records"),
    "scribe": (
        "Document patient encounters in real time in {ehr} for the physician",
        "Record history, exam findings and orders as dictated",
        "Track pending labs and imaging results for the provider",
        "Prepare charts before shifts"),
    "receptionist": (
        "Greet and check in patients, verify insurance and collect copays",
        "Schedule appointments and manage the provider calendar",
        "Answer a multi-line phone and route messages to the care team",
        "Scan documents and keep demographics current in {ehr}"),
    "phlebotomist": (
        "Perform venipuncture and capillary collections on adult and pediatric patients",
        "Label, process, centrifuge and package specimens for the reference lab",
        "Verify patient identity and lab orders before every draw",
        "Maintain draw station supplies and quality control logs"),
    "lpn": (
        "Administer medications and treatments under RN and physician supervision",
        "Perform wound care, catheter care and tube feedings",
        "Document assessments and care in {ehr}",
        "Supervise nursing assistants on the unit"),
    "biller": (
        "Submit clean claims to Medicare, Medicaid and commercial payers",
        "Review ICD-10 and CPT codes on charges for accuracy",
        "Work denials and A/R follow-up; post payments and adjustments",
        "Answer patient billing questions"),
}

MA_CERT_LINES: tuple[CertLine, ...] = (
    ("CMA (AAMA) or RMA (AMT) certification required", ("CMA", "RMA")),
    ("Current CCMA (NHA) certification required", ("CCMA",)),
    ("Must hold a current national MA certification (CMA, RMA, NCMA or CCMA) - required",
     ("CMA", "CCMA", "NCMA", "RMA")),
    ("National MA certification (CMA, RMA, CCMA or NCMA) preferred", ()),
    ("Medical assistant certification preferred but not required", ()),
    ("New graduates welcome: we pay for your CCMA exam after 90 days", ()),
)
WA_CERT_LINE: CertLine = (
    "Active Washington State Medical Assistant-Certified (MA-C) credential required", ("MA_C",))
BLS_LINES: tuple[CertLine, ...] = (
    ("Current BLS for Healthcare Providers (AHA) certification required", ("BLS",)),
    ("Must obtain BLS certification within 30 days of hire", ("BLS",)),
    ("BLS/CPR preferred", ()),
)
EXTRA_CERT_LINES: dict[str, CertLine] = {
    "cardiology": ("CET (EKG technician) certification preferred", ()),
    "ma_phleb": ("Phlebotomy certification (CPT through NHA) required", ("CPT",)),
    "ma_office": ("CMAA certification a plus", ()),
}

LOOKALIKE_CERT_LINES: dict[str, tuple[CertLine, ...]] = {
    "physician_assistant": (
        ("NCCPA certification (PA-C) and an active state PA license required", ()),
        ("Current BLS and ACLS certification required", ("BLS",))),
    "cna": (("Active state CNA certification required", ()),
            ("CPR/BLS certification required", ("BLS",))),
    "medication_aide": (
        ("Active state Certified Medication Aide (CMA) certificate required", ()),
        ("Current CNA certification in good standing required", ())),
    "dental_assistant": (("Dental radiography certificate required", ()),
                         ("CPR/BLS certification required", ("BLS",))),
    "pharmacy_tech": (("PTCB certification (CPhT) required within 6 months of hire", ()),),
    "vet_assistant": (("No certification needed; we train on the job", ()),),
    "ma_instructor": (
        ("Current CMA (AAMA), RMA (AMT) or CCMA (NHA) credential required",
         ("CMA", "CCMA", "RMA")),),
    "scribe": (),
    "receptionist": (("CMAA certification a plus", ()),),
    "phlebotomist": (
        ("Phlebotomy certification required: CPT (NHA) or PBT (ASCP)", ("CPT",)),
        ("BLS/CPR preferred", ())),
    "lpn": (("Current LPN license in {state_name} required", ()),
            ("Current BLS certification required", ("BLS",))),
    "biller": (("CPC certification preferred", ()),),
}

MA_REQUIREMENTS: tuple[str, ...] = (
    "High school diploma or GED",
    "Graduate of an accredited medical assisting program (CAAHEP or ABHES)",
    "1+ year of clinical experience in an outpatient setting preferred",
    "Comfortable taking vital signs and giving injections to patients of all ages",
)
LOOKALIKE_REQUIREMENTS: dict[str, tuple[str, ...]] = {
    "physician_assistant": ("Master's degree from an ARC-PA accredited PA program",
                            "DEA registration or eligibility"),
    "cna": ("High school diploma or GED", "Able to lift 50 lbs and stand for a full shift"),
    "medication_aide": ("High school diploma or GED", "6 months of long-term care experience"),
    "dental_assistant": ("1+ year of chairside experience", "Knowledge of dental terminology"),
    "pharmacy_tech": ("State pharmacy technician registration",
                      "Hospital pharmacy experience preferred"),
    "vet_assistant": ("Love of animals and a strong stomach", "Able to lift 40 lbs"),
    "ma_instructor": ("Associate degree or higher", "3+ years of medical assisting experience",
                      "Teaching experience preferred"),
    "scribe": ("Typing speed of 50+ words per minute", "Interest in medicine or PA/MD school"),
    "receptionist": ("1+ year of front desk experience in a medical office",
                     "Knowledge of insurance verification"),
    "phlebotomist": ("6+ months of venipuncture experience", "High school diploma or GED"),
    "lpn": ("Graduate of an accredited practical nursing program",
            "1+ year of clinical nursing experience"),
    "biller": ("2+ years of medical billing experience", "Knowledge of ICD-10 and CPT coding"),
}

SKILLS: tuple[str, ...] = (
    "Working knowledge of medical terminology and HIPAA",
    "Experience with {ehr} or another EHR",
    "Clear, kind communication with patients and providers",
    "Attention to detail and the ability to multitask in a fast-paced clinic",
    "Able to stand for long periods and lift up to 25 lbs",
    "Microsoft Office (Outlook, Word, Excel)",
)

BENEFITS: tuple[str, ...] = (
    "Medical, dental and vision insurance",
    "401(k) with a {match}% company match",
    "Paid time off and {holidays} paid holidays",
    "Tuition reimbursement up to $2,500 per year",
    "Employee referral bonus of $500",
    "$0 premium employee health plan option",
    "Free CEUs and paid certification renewal",
    "Annual scrubs allowance",
)
SIGN_ON = "${bonus:,} sign-on bonus for eligible new hires"

SCHEDULES: dict[str, tuple[str, ...]] = {
    "full_time": ("Full-time, Monday–Friday, 8:00 a.m.–5:00 p.m.",
                  "Full-time, four 10-hour shifts per week", "Full-time (40 hours/week)"),
    "part_time": ("Part-time, 24 hours per week", "Part-time (20–30 hrs/wk), Tuesday–Thursday",
                  "Part time, three days per week"),
    "per_diem": ("PRN / per diem: pick up shifts as needed",
                 "Per diem, flexible shifts to cover vacations",
                 "PRN, minimum two shifts per month"),
    "contract": ("13-week contract assignment, day shift",
                 "Contract position (6 months) with possible extension"),
    "temporary": ("Temporary assignment, about 3 months",
                  "Temporary coverage for a leave of absence (8–10 weeks)"),
}

ABOUT: tuple[str, ...] = (
    "{employer} is {setting} with {n} location{s} across the {metro} area.",
    "At {employer}, {setting} serving the {metro} area, every patient visit starts with our "
    "clinical team.",
    "{employer} has cared for families in the {metro} area for over {years} years as {setting}.",
)

MA_SUMMARIES: tuple[str, ...] = (
    "As a {title} at our {clinic} location you will support our providers with clinical and "
    "administrative work, keeping the clinic day running smoothly for {per_day} patients.",
    "Our medical assistants are the first people patients meet and the link between patients "
    "and providers. You will room patients, take vitals and keep charts accurate in {ehr}.",
    "Join a care team of {team} providers where medical assistants work at the top of their "
    "training, from rooming and injections to patient education.",
)
LOOKALIKE_SUMMARIES: dict[str, str] = {
    "physician_assistant": "We are adding a PA-C to our team of physicians at our {clinic} "
                           "location.",
    "cna": "Our nursing assistants give hands-on care to residents and patients at our "
           "{clinic} location.",
    "medication_aide": "Our medication aides keep med pass safe and on time for the residents "
                       "of our assisted living community.",
    "dental_assistant": "Our dental assistants keep the chair moving for {team} dentists.",
    "pharmacy_tech": "Join the inpatient pharmacy team supporting our nursing units.",
    "vet_assistant": "Our animal medical center treats dogs, cats and pocket pets and needs an "
                     "assistant who loves them as much as we do.",
    "ma_instructor": "Share your clinical experience with the next generation of medical "
                     "assistants in our diploma program.",
    "scribe": "Scribes free our physicians from the keyboard so they can focus on patients.",
    "receptionist": "Be the welcoming voice and face of our {clinic} front desk.",
    "phlebotomist": "Our {clinic} patient service center collects specimens for clinics "
                    "across the metro.",
    "lpn": "Our LPNs deliver hands-on nursing care alongside RNs and physicians.",
    "biller": "Keep our revenue cycle healthy: claims out clean, denials worked, questions "
              "answered.",
}

EEO = ("{employer} is an equal opportunity employer. All qualified applicants will receive "
       "consideration without regard to race, color, religion, sex, national origin, "
       "disability or veteran status.")

TEXT_EDITS: tuple[str, ...] = (
    "Our {clinic} location now also opens on Saturday mornings.",
    "We moved to a new, larger building with twelve exam rooms.",
    "The care team now includes a nurse practitioner and a behavioral health specialist.",
)
