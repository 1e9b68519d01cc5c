"""The words the MA classifier looks for: title families and body evidence.

Sources: DOMAIN.md sections 1, 2 and 5 (O*NET 29.2 occupation 31-9092.00 and the
look-alike occupations). Title patterns run case-insensitively on the cleaned title;
2-letter acronyms that collide with ordinary words or places (MA, PA, NP, OR) are
case-sensitive through ``(?-i:...)``. Body patterns run on lower-cased text.
"""

from __future__ import annotations

import re

# --- Title: the MA role itself ---------------------------------------------------------

# "Medical Assistant", "Med. Asst", "Medical Assisting", "Asistente Médico/a".
# "Medical Assistance" (Medicaid) and "Medication Assistant" do not match.
MA_PHRASE = re.compile(
    r"\bmed(?:ical|\.)?[\s-]*(?:assistants?|asst\b\.?|assisting)\b"
    r"|\basistentes?\s+(?:de\s+)?m[eé]dic[oa]s?\b",
    re.IGNORECASE,
)

# MA credentials written as titles; each can collide (see VOIDED_BY below).
MA_CREDENTIAL = re.compile(r"\b(?:CMA|CCMA|RMA|NCMA|CMAC|MA-[CR])\b", re.IGNORECASE)

# Bare "MA": upper case, whole token, not "MA-C" (a credential, above).
MA_ABBREV = re.compile(r"(?-i:\bMA\b)(?!-[A-Za-z])")

# Words that make a bare "MA" in a title a clinic role (DOMAIN 5: "only next to clinic
# words"): settings, specialties, levels and MA qualifiers.
MA_ABBREV_CONTEXT = re.compile(
    r"\b(?:clinic(?:al)?|certified|registered|lead|float|back\s+office|front\s+office"
    r"|bilingual|family|primary\s+care|urgent\s+care|internal\s+medicine|medicine"
    r"|pediatric\w*|peds|derm\w*|ortho\w*|ob|gyn|ob/gyn|cardio\w*|podiatr\w*|ophth\w*"
    r"|neuro\w*|specialty|supervisor|apprentice|trainee|extern\w*|practice|physician"
    r"|health\s+center|medical\s+group|(?-i:I{1,3}|IV)|[1-3])\b",
    re.IGNORECASE,
)

# A location or a degree that reads "MA"/"PA"/"OR": removed from titles before matching.
# "Boston, MA", "Boston MA 02118", "MA/MS required", "MSW or MA".
TITLE_NOISE = re.compile(
    r",\s*(?-i:MA|PA|OR)\b(?:\s+\d{5}(?:-\d{4})?)?"
    r"|(?-i:\b(?:MA|PA|OR)\s+\d{5}(?:-\d{4})?\b)"
    r"|(?-i:\bM\.?A\.?\s*(?:/|or)\s*M\.?S\.?W?\b|\bM\.?S\.?W?\s*(?:/|or)\s*M\.?A\.?\b)"
    r"|(?-i:\bMA\s+(?:degree|in\s+[A-Z]\w+|required|preferred)\b)",
    re.IGNORECASE,
)

SURGICAL_WORD = re.compile(r"\bsurgical\b", re.IGNORECASE)
MANAGER_WORD = re.compile(r"\b(?:manager|director|supervisor|coordinator)\b", re.IGNORECASE)

# --- Title: families that are not the MA role ------------------------------------------

# Rejected even when the title also names the MA role: "Medical Assistant Instructor",
# "Veterinary Medical Assistant", "Medical Assistant App Developer".
OVERRIDE_FAMILIES: dict[str, str] = {
    "teaching": r"\b(?:instructor|faculty|professor|teacher|lecturer|adjunct|educator|tutor"
    r"|dean|curriculum)\b|\bprogram\s+director\b",
    "veterinary": r"\b(?:veterinar\w*|vet|animal|pets?|kennel|canine|feline|equine)\b",
    "non_clinical_role": r"\b(?:developer|engineer\w*|software|programmer|marketing|designer"
    r"|recruit\w*|sales|account\s+executive|product\s+manager|data\s+scientist|analyst"
    r"|accountant|accounting|consultant|copywriter|writer|editor|journalist)\b",
}

# Rejected alone; accepted with lower confidence when the MA role is named too
# ("Medical Assistant / Phlebotomist", "MA or LPN"). Order = which name a rule shows.
REJECT_FAMILIES: dict[str, str] = {
    "physician_assistant": r"\bphysician'?s?\s+(?:assistant|associate)s?\b|\bPA-C\b|(?-i:\bPA\b)",
    "medication_aide": r"\bmedication\s+(?:aide|assistant|tech\w*)|\bmed(?:ical)?\s+aide\b"
    r"|\b(?:QMA|CMT)\b|\bmed\s*tech\b",
    "nursing_assistant": r"\bnurs(?:e|ing)\s+(?:assistant|aide|tech\w*|attendant|extern)"
    r"|\b(?:CNA|STNA|GNA|LNA)\b|\bpatient\s+care\s+(?:tech\w*|associate|assistant|attendant)"
    r"|\b(?:PCT|PCA)\b|\bcare\s+partner\b",
    "home_health_aide": r"\bhome\s+health\s+(?:aide|assistant|attendant)|\bHHA\b"
    r"|\bpersonal\s+care\s+(?:aide|assistant|attendant)|\bcaregiver\b|\bcompanion\b"
    r"|\bdirect\s+support\s+professional|\bDSP\b",
    "dental": r"\bdental\b|\bdentist\w*|\b(?:RDA|CDA|EFDA)\b|\borthodont\w*|\bhygienist\b",
    "pharmacy": r"\bpharmac(?:y|ist)\b|\bCPhT\b",
    "nurse": r"\bnurse\b|\bnursing\b|\bregistered\s+nurse|(?-i:\b(?:RN|LPN|LVN|NP|APRN)\b)",
    "therapy": r"\b(?:physical|occupational|respiratory|massage)\s+therap\w*"
    r"|\btherapy\s+(?:assistant|aide|tech\w*)|\b(?:PTA|COTA|SLPA|OTA)\b|\bspeech\b"
    r"|\brehab\w*\s+(?:aide|tech\w*|assistant)|\btherapist\b",
    "scribe": r"\bscribes?\b",
    "phlebotomy_lab": r"\bphlebotom\w*|\bvenipunctur\w*"
    r"|\blab(?:oratory)?\s+(?:assistant|tech\w*|aide|processor|associate)"
    r"|\bspecimen\s+(?:processor|collector)|\bpatient\s+service\s+tech\w*"
    r"|\bmedical\s+technologist",
    "ekg_tech": r"\b(?:EKG|ECG)\s*tech\w*|\b(?:monitor|telemetry)\s+tech\w*"
    r"|\bcardi\w+\s+tech\w*|\bsonographer",
    "imaging": r"\bradiolog\w*\s+tech\w*|\bx-?ray\s+tech\w*|\brad\s+tech\b|\b(?:MRI|CT)\s+tech\w*",
    "surgical": r"\bsurgical\s+(?:assistant|tech\w*|first\s+assist\w*)|\bsurg\s+tech\b"
    r"|\boperating\s+room\b|(?-i:\bOR\b)\s+(?:tech\w*|assistant)|\bscrub\s+tech\w*"
    r"|\bsterile\s+processing\b|\bCST\b|\bfirst\s+assistant",
    "behavioral_health": r"\bbehavio(?:u)?ral\s+(?:health\s+)?(?:tech\w*|aide|assistant|specialist)"
    r"|\bmental\s+health\s+(?:tech\w*|worker|associate|counselor|aide)"
    r"|\bpsych(?:iatric)?\s+(?:tech\w*|aide|assistant)|\b(?:RBT|BHT)\b|\bcounselor\b"
    r"|\bsocial\s+worker|\bcase\s+manager",
    "emergency_medical": r"\bEMT\b|\bparamedic\w*",
    "billing_coding": r"\bbill(?:er|ing)\b|\bcod(?:er|ing)\b|\brevenue\s+cycle\b|\bcollections\b"
    r"|\bclaims\b|\bCPC\b|\bprior\s+auth\w*|\bauthorization\s+specialist|\baccounts\s+receivable",
    "medical_records": r"\bmedical\s+records\b|\bhealth\s+information\b"
    r"|\brelease\s+of\s+information",
    "research": r"\bresearch\b|\bclinical\s+trials?\b",
    "front_office": r"\breceptionist\b|\bfront\s+desk\b|\bschedul(?:er|ing)\b|\bsecretary\b"
    r"|\bunit\s+(?:clerk|coordinator)\b|\bpatient\s+(?:access|services?|registration)\b"
    r"|\bregistration\b|\bclerk\b|\bcall\s+center\b|\bcustomer\s+service\b|\bcoordinator\b",
    "office_support": r"\badministrative\s+assistant|\bmedical\s+administrative\s+assistant"
    r"|\bexecutive\s+assistant"
    r"|\boffice\s+(?:assistant|clerk|manager)|\bdata\s+entry\b",
}

# Titles that are an MA job or not depending on the body. base: confidence with no
# evidence either way (>= 0.5 means accepted by default); against: evidence kinds
# (see NEGATIVE_KINDS) that reject the title outright.
AMBIGUOUS_FAMILIES: dict[str, tuple[str, float, frozenset[str]]] = {
    "medical_office_assistant": (
        r"\b(?:medical|physician'?s?|doctor'?s?)\s+office\s+(?:assistant|asst\b\.?|worker)"
        r"|\bMOA\b",
        0.6, frozenset({"vet", "dental", "tech"})),
    "ophthalmic_assistant": (
        r"\b(?:ophthalmic|ophthalmolog\w*|optometr\w*|eye\s*care|ocular)\s+"
        r"(?:assistant|aide|asst|tech\b|technician)",
        0.65, frozenset({"vet"})),
    "chiropractic_assistant": (
        r"\bchiropract\w*\s+(?:assistant|aide|asst|tech\w*)", 0.65, frozenset({"vet"})),
    "podiatric_assistant": (
        r"\bpodiatr\w*\s+(?:assistant|aide|asst|tech\w*)", 0.65, frozenset({"vet"})),
    "doctors_assistant": (
        r"\bdoctor'?s?\s+(?:assistant|aide)|\bphysician'?s?\s+aide",
        0.55, frozenset({"pa", "vet", "dental"})),
    "medical_support_assistant": (
        r"\bmedical\s+support\s+assistant|\bMSA\b", 0.45, frozenset({"admin_only"})),
    "clinical_assistant": (
        r"\bclinic(?:al)?\s+(?:assistant|aide|asst)\b",
        0.35, frozenset({"ltc", "psych", "research", "pa"})),
    "health_assistant": (
        r"\bhealth\s+(?:assistant|aide)\b", 0.35, frozenset({"ltc", "psych"})),
}

# --- Body evidence (lower-cased text) ---------------------------------------------------

# MA work (O*NET 31-9092 tasks and tools). Weight per distinct category found.
TASK_TERMS: dict[str, tuple[float, str]] = {
    "vitals": (1.0, r"vital\s+signs?|\bvitals\b|blood\s+pressure|height(?:\s+and\s+|/)weight"
               r"|signos\s+vitales|pulse\s+ox\w*"),
    "rooming": (1.0, r"\broom(?:s|ing)?\s+(?:\w+\s+)?patients\b|\brooming\b|patient\s+intake"
                r"|prepare\s+(?:\w+\s+)?patients\s+for|exam(?:ination)?\s+rooms?|work-?ups?\b"
                r"|pre-?testing|pre-exam|preparar\s+a\s+los\s+pacientes"),
    "injections": (1.0, r"\binjections?\b|\bimmuni[sz]ations?\b|\bvaccin\w*|\bshots\b"
                   r"|\btb\s+(?:skin\s+)?test|\bppd\b|inyecciones|vacunas"),
    "assist_provider": (1.0, r"\bassist\w*\s+(?:the\s+|our\s+)?(?:providers?|physicians?"
                        r"|doctors?|clinicians?|\w*ologists?|podiatrists?|optometrists?"
                        r"|chiropractors?)\b|\bminor\s+(?:\S+\s+)?procedures\b|\bsutures?\b"
                        r"|\bbiops(?:y|ies)\b|\bsplint\w*|\bwound\s+care\b"),
    "history": (1.0, r"medical\s+histor\w*|patient\s+histor\w*|case\s+histor\w*|\bhistories\b"
                r"|chief\s+complaint"
                r"|medication\s+reconciliation|reconcil\w*\s+medications|\bmed\s+rec\b"),
    "lab": (1.0, r"point[-\s]of[-\s]care|\bpoct\b|clia[-\s]waived|urinalysis|\burine\s+\w+"
            r"|rapid\s+(?:strep|flu|covid|tests?)|\bstrep\b|\bspecimens?\b|venipuncture"
            r"|phlebotomy|blood\s+draws?|draw\s+(?:blood|labs)|lab\s+draws|finger\s*sticks?"
            r"|\bglucose\b|\ba1c\b|drug\s+screens?|\bswabs?\b"),
    "diagnostic_tests": (1.0, r"\bekgs?\b|\becgs?\b|electrocardiogram|spirometry|audiogram\w*"
                         r"|holter|nebuli[sz]er|hearing\s+screen\w*|vision\s+screen\w*"
                         r"|visual\s+acuity|tonometry|\biop\b|visual\s+fields?|refraction"
                         r"|\bdilat\w*|eye\s+(?:drops|pressure)|\bpupils?\b"),
    "sterilize": (1.0, r"sterili[sz]\w*|autoclave|\binstruments\b"),
    "ehr": (0.5, r"\behr\b|\bemr\b|electronic\s+(?:health|medical)\s+records?|\bepic\b"
            r"|eclinicalworks|athena\w*|cerner|nextgen|\bcharting\b|expediente\s+electr"),
    "refills": (0.5, r"\brefills?\b|call\s+in\s+prescriptions|prior\s+auth\w*|\breferrals?\b"),
}

# The posting names the MA role or an MA credential / accreditation.
MA_WORD_TERMS = (
    r"medical\s+assist(?:ant|ing)s?|asistentes?\s+m[eé]dic[oa]|\bcma\b|\bccma\b|\brma\b"
    r"|\bncma\b|\bcmac\b"
    r"|\bma-[cr]\b|\baama\b|\bncct\b|\bamca\b|caahep|abhes"
)

# Evidence against, by kind. Each kind: (strong terms, weak terms, weak terms needed).
NEGATIVE_KINDS: dict[str, tuple[str, str, int]] = {
    "pa": (r"nccpa|\bpance\b|arc-pa|physician\s+assistant\s+(?:program|licen\w*|degree)"
           r"|\bpa\s+(?:licen\w*|program)",
           r"\bdiagnos(?:e|es|ing)\b|\bprescrib(?:e|es|ing)\b|prescriptive|\bdea\b"
           r"|collaborating\s+physician|supervising\s+physician|treatment\s+plans?"
           r"|order\s+and\s+interpret|\bpa-c\b|first\s+assist", 2),
    "ltc": (r"assisted\s+living|long[-\s]term\s+care|nursing\s+(?:home|facilit\w+)"
            r"|skilled\s+nursing|memory\s+care|\bmed(?:ication)?\s+pass\b|\bemar\b|the\s+mar\b"
            r"|medication\s+administration\s+record|medication\s+aides?|\bmed\s+aides?"
            r"|\bqma\b|senior\s+living|\bsnf\b|activities\s+of\s+daily\s+living|\badls?\b"
            r"|medication\s+assistant|nurse\s+aide\s+registry|state\s+tested",
            r"\bresidents?\b|\bcaregivers?\b|personal\s+care|\bbathing\b|\btoileting\b"
            r"|\bfeeding\b|in\s+their\s+homes", 2),
    "teaching": ("", r"\bstudents?\b|curricul\w*|lesson\s+plans?|\bteach\w*|faculty"
                 r"|classroom|\blectures?\b|accreditation|syllabus|\bcourses?\b|adjunct", 2),
    "tech": ("", r"software|developer|\bengineer\w*|typescript|javascript|python|\breact\b"
             r"|pytorch|machine\s+learning|\bmlops\b|chatbot|language\s+models?|marketing"
             r"|\bcampaigns?\b|\bseo\b|\bquota\b|\bsaas\b|roadmap|\bapi\b|\bsql\b", 2),
    # An allergy clinic tests for "cats and dogs": pets alone need three words.
    "vet": (r"veterinar\w*|\bdvms?\b|animal\s+(?:hospital|medical\s+center|clinic)"
            r"|\bkennels?\b|\bvet\s+(?:tech\w*|clinic|hospital)",
            r"\banimals?\b|\bpets?\b|canine|feline|\bdogs?\b|\bcats?\b|\bvet\b", 3),
    "dental": ("", r"\bdental\b|\bdentists?\b|chairside|hygienist|\brda\b|orthodont\w*"
               r"|coronal\s+polish|sealants?|radiographs", 2),
    "nurse_license": (r"nclex|\brn\s+licen\w*|\blpn\s+licen\w*|\blvn\s+licen\w*|nursing\s+licen\w*"
                      r"|school\s+of\s+nursing", "", 0),
    "admin_only": (r"no\s+clinical\s+duties|non-?clinical\s+role|not\s+a\s+clinical"
                   r"|no\s+patient\s+care", "", 0),
    "operating_room": (r"operating\s+room|sterile\s+field|scrub\s+in\b|intraoperative"
                       r"|\bor\s+cases\b|first\s+assist", "", 0),
    "research": (r"clinical\s+trials?|\birb\b|case\s+report\s+forms?|study\s+visits", "", 0),
    "psych": (r"psychiatric|de-escalat\w*|deescalat\w*|safety\s+checks"
              r"|residential\s+treatment", "", 0),
    "ophth_cert": (r"\bcoa\b|\bcot\b|\bcomt\b|jcahpo", "", 0),
    # Collisions of MA credential acronyms (DOMAIN 2).
    "finance": (r"management\s+accountant|\bcpa\b|month-end|general\s+ledger", "", 0),
    "returns": (r"return\s+merchandise|returns?\s+authori[sz]ation", "", 0),
    "arkansas": (r"arkansas|medication\s+assistant", "", 0),
}

# Which evidence kinds void a title credential: "CMA" in assisted living is a Certified
# Medication Aide, "CMA or CPA" a Certified Management Accountant, "RMA" a return
# merchandise authorization, Arkansas "MA-C" a Medication Assistant-Certified.
VOIDED_BY: dict[str, tuple[tuple[str, str], ...]] = {
    "cma": (("ltc", "cma_medication_aide"), ("finance", "cma_management_accountant")),
    "ccma": (),
    "rma": (("returns", "rma_return_merchandise"),),
    "ncma": (),
    "cmac": (),
    "ma-c": (("arkansas", "ma_c_medication_assistant"), ("ltc", "ma_c_medication_assistant")),
    "ma-r": (),
}
