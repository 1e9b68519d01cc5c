"""The taxonomy file: its contract (groups, ids), name resolution, and load-time checks."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

from majobs.taxonomy import GROUPS, TaxonomyError, load_taxonomy
from majobs.taxonomy.model import DEFAULT_PATH, parse_taxonomy, read_taxonomy

DESIGN_CERT_IDS = ("CMA", "RMA", "NCMA", "CCMA", "CMAA", "CPT", "CET", "BLS", "MA_C")
EXTRA_CERT_IDS = ("CMAC", "ACLS", "PALS", "RPT", "MA_R", "COA", "COT", "COMT", "X_RAY_LIMITED")
# ids other modules (profiles, matcher weights, classifier) name by hand
BRIEF_IDS = {
    "skills": ("vital_signs", "phlebotomy", "ekg", "injections", "epic", "cerner",
               "athenahealth", "eclinicalworks", "nextgen", "communication", "compassion",
               "adaptability", "attention_to_detail", "teamwork", "billing_coding",
               "scheduling", "ehr_documentation", "x_ray", "medical_terminology"),
    "specializations": ("pediatrics", "cardiology", "orthopedics", "obstetrics_gynecology",
                        "ophthalmology", "podiatry", "dermatology", "family_medicine",
                        "internal_medicine"),
    "settings": ("urgent_care", "hospital", "physician_office", "outpatient_care_center",
                 "retail_clinic", "telehealth"),
    "languages": ("spanish",),
    "role_flags": ("front_office", "back_office", "bilingual", "medication_aide"),
    "ma_types": ("medical_assistant", "clinical_ma", "administrative_ma"),
}


@pytest.fixture(scope="module")
def tax():
    return load_taxonomy()


def test_load_is_cached(tax):
    assert load_taxonomy() is tax


def test_groups_are_exactly_the_contract(tax):
    assert {t.group for t in tax.terms.values()} == set(GROUPS)
    assert set(GROUPS) == {"certifications", "skills", "specializations", "settings",
                           "ma_types", "languages", "role_flags"}


@pytest.mark.parametrize("cert_id", DESIGN_CERT_IDS + EXTRA_CERT_IDS)
def test_certification_ids(tax, cert_id):
    assert tax.group_of(cert_id) == "certifications"


@pytest.mark.parametrize(("group", "term_id"),
                         [(g, i) for g, ids in BRIEF_IDS.items() for i in ids])
def test_named_ids_exist_in_their_group(tax, group, term_id):
    assert tax.group_of(term_id) == group


def test_skill_categories_all_report_as_skills(tax):
    categories = {t.category for t in tax.terms.values() if t.group == "skills"}
    assert {"clinical", "lab", "administrative", "ehr_systems", "people"} <= categories


def test_id_spelling_and_terms_are_complete(tax):
    for term in tax.terms.values():
        pattern = r"[A-Z][A-Z0-9_]*" if term.group == "certifications" else r"[a-z][a-z0-9_]*"
        assert re.fullmatch(pattern, term.id), term.id
        assert term.label and term.synonyms, term.id
        assert all(s == " ".join(s.split()) for s in term.synonyms), term.id
        assert all(i in tax.terms for i in term.implies), term.id


def test_terms_compare_and_print_stably(tax):
    # matcher/index.py fingerprints the taxonomy with repr(sorted(terms.items()))
    assert repr(sorted(tax.terms.items())) == repr(sorted(load_taxonomy().terms.items()))


@pytest.mark.parametrize(("name", "expected"), [
    ("Certified Medical Assistant", "CMA"),
    ("certified medical assistant", "CMA"),
    ("cma", "CMA"),
    ("C.M.A.", "CMA"),
    ("CMA (AAMA)", "CMA"),
    ("Registered Medical Assistant", "RMA"),
    ("NHA CCMA", "CCMA"),
    ("MA-C", "MA_C"),
    ("Medical Assistant - Certified", "MA_C"),
    ("ma_c", "MA_C"),
    ("BLS/CPR", "BLS"),
    ("CPR", "BLS"),
    ("Basic Life Support", "BLS"),
    ("heartsaver", "HEARTSAVER"),
    ("ECG", "ekg"),
    ("EKG", "ekg"),
    ("electrocardiogram", "ekg"),
    ("vital signs", "vital_signs"),
    ("Vital-Signs", "vital_signs"),
    ("vitals", "vital_signs"),
    ("vital_signs", "vital_signs"),
    ("phlebotomist", "phlebotomy"),
    ("venipuncture", "phlebotomy"),
    ("injection", "injections"),
    ("Injections", "injections"),
    ("immunizations", "injections"),
    ("X-ray", "x_ray"),
    ("xray", "x_ray"),
    ("Epic", "epic"),
    ("eCW", "eclinicalworks"),
    ("Oracle Health", "cerner"),
    ("OB/GYN", "obstetrics_gynecology"),
    ("women's health", "obstetrics_gynecology"),
    ("Peds", "pediatrics"),
    ("urgent care", "urgent_care"),
    ("Doctor's Office", "physician_office"),
    ("FQHC", "community_health_center"),
    ("Spanish", "spanish"),
    ("Español", "spanish"),
    ("team player", "teamwork"),
    ("detail-oriented", "attention_to_detail"),
    ("front desk", "front_office"),
    ("PA-C", "physician_assistant"),
    ("Certified Medication Aide", "medication_aide"),
    ("back office medical assistant", "clinical_ma"),
])
def test_resolve(tax, name, expected):
    assert tax.resolve(name) == expected


@pytest.mark.parametrize("name", ["", "   ", "---", "quantum chromodynamics", "MA", "cinema",
                                  None, 42, "dental insurance"])
def test_resolve_unknown(tax, name):
    assert tax.resolve(name) is None


def test_group_of_unknown_raises(tax):
    with pytest.raises(KeyError):
        tax.group_of("no_such_term")


def test_ids_by_group(tax):
    certs = tax.ids("certifications")
    assert certs == sorted(certs) and set(DESIGN_CERT_IDS) <= set(certs)
    assert all(tax.group_of(i) == "languages" for i in tax.ids("languages"))


def test_read_default_file_equals_cached(tax):
    assert read_taxonomy(DEFAULT_PATH).terms == tax.terms


# --- load-time checks: a broken file fails loudly, naming what is wrong -------------------

_DOC = yaml.load(Path(DEFAULT_PATH).read_text(encoding="utf-8"),
                 Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _doc() -> dict:
    return copy.deepcopy(_DOC)


def _break(doc: dict, how: str) -> dict:
    certs = doc["groups"]["certifications"]["ma_credentials"]
    skills = doc["groups"]["skills"]["clinical"]
    if how == "missing group":
        del doc["groups"]["languages"]
    elif how == "extra group":
        doc["groups"]["hobbies"] = {"x": {"knitting": {"label": "K", "synonyms": ["knit"]}}}
    elif how == "lowercase cert id":
        certs["cma2"] = {"label": "x", "synonyms": ["zzz cert"]}
    elif how == "upper skill id":
        skills["Vitals2"] = {"label": "x", "synonyms": ["zzz skill"]}
    elif how == "no synonyms":
        skills["empty_one"] = {"label": "Empty", "synonyms": []}
    elif how == "no label":
        skills["nolabel"] = {"synonyms": ["zzz nolabel"]}
    elif how == "unknown field":
        skills["odd"] = {"label": "Odd", "synonyms": ["zzz odd"], "colour": "red"}
    elif how == "shared synonym":
        skills["ekg_twin"] = {"label": "Twin", "synonyms": ["E.C.G."]}
    elif how == "defined twice":
        doc["groups"]["settings"]["care_settings"]["vital_signs"] = {
            "label": "x", "synonyms": ["zzz twice"]}
    elif how == "bad implies":
        skills["vital_signs"]["implies"] = ["no_such_term"]
    elif how == "rule bad regex":
        doc["context_rules"].append({"name": "r", "term": "CMA", "near": "(", "action": "drop"})
    elif how == "rule unknown term":
        doc["context_rules"].append({"name": "r", "term": "NOPE", "near": "x", "action": "drop"})
    elif how == "rule bad action":
        doc["context_rules"].append({"name": "r", "term": "CMA", "near": "x", "action": "zap"})
    elif how == "rule remap without to":
        doc["context_rules"].append({"name": "r", "term": "CMA", "near": "x",
                                     "action": "remap"})
    elif how == "rule without near":
        doc["context_rules"].append({"name": "r", "term": "CMA", "action": "drop"})
    elif how == "rule bad window":
        doc["context_rules"].append({"name": "r", "term": "CMA", "near": "x",
                                     "action": "drop", "window": "wide"})
    elif how == "not a mapping":
        return ["groups"]  # type: ignore[return-value]
    return doc


@pytest.mark.parametrize("how", [
    "missing group", "extra group", "lowercase cert id", "upper skill id", "no synonyms",
    "no label", "unknown field", "shared synonym", "defined twice", "bad implies",
    "rule bad regex", "rule unknown term", "rule bad action", "rule remap without to",
    "rule without near", "rule bad window", "not a mapping",
])
def test_broken_taxonomy_is_rejected(how):
    assert parse_taxonomy(_doc()).terms  # the unbroken document loads
    with pytest.raises(TaxonomyError):
        parse_taxonomy(_break(_doc(), how))


def test_load_other_path(tmp_path):
    doc = _doc()
    doc["groups"]["languages"]["languages"]["klingon"] = {"label": "Klingon",
                                                         "synonyms": ["tlhingan hol"]}
    path = tmp_path / "tax.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    other = load_taxonomy(path)
    assert other.resolve("Tlhingan Hol") == "klingon"
    assert load_taxonomy().resolve("Tlhingan Hol") is None
