"""The tagger: finding taxonomy terms in posting text, context rules, tokens for TF-IDF."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from majobs.taxonomy import GROUPS, TagMatch, get_tagger, load_taxonomy
from majobs.taxonomy.patterns import variants


@pytest.fixture(scope="module")
def tagger():
    return get_tagger()


def ids(tagger, text: str) -> list[str]:
    return [m.id for m in tagger.find(text)]


def test_tagger_is_cached(tagger):
    assert get_tagger() is tagger


# --- every group: text a posting would carry -> an id that must be found ------------------

FOUND = [
    # certifications
    ("CMA or RMA required", "CMA"),
    ("CMA or RMA required", "RMA"),
    ("Certified Medical Assistant through AAMA", "CMA"),
    ("NCMA (NCCT) accepted for this medical assistant role", "NCMA"),
    ("NHA CCMA preferred", "CCMA"),
    ("CMAA for the front desk", "CMAA"),
    ("Certified Phlebotomy Technician (CPT) a plus", "CPT"),
    ("CET (NHA) holders welcome", "CET"),
    ("Current BLS through the American Heart Association", "BLS"),
    ("Washington State MA-C credential required", "MA_C"),
    ("Medical Assistant-Certified (WA DOH)", "MA_C"),
    ("AMCA certified (CMAC)", "CMAC"),
    ("ACLS and PALS for the urgent care team", "ACLS"),
    ("ACLS and PALS for the urgent care team", "PALS"),
    ("Ophthalmic tech, COA preferred", "COA"),
    ("limited scope x-ray permit required in Oregon", "X_RAY_LIMITED"),
    # skills: clinical, lab, administrative, EHR systems, people
    ("Take vitals and room patients", "vital_signs"),
    ("Take vitals and room patients", "rooming"),
    ("Record blood pressures and heights and weights", "vital_signs"),
    ("Perform blood draws as needed", "phlebotomy"),
    ("Administer IM injections and immunizations", "injections"),
    ("Perform 12-lead EKGs", "ekg"),
    ("Point-of-care testing: rapid strep, urinalysis", "poct_clia_waived"),
    ("Process specimens and label them", "specimen_processing"),
    ("Schedule appointments and verify insurance", "scheduling"),
    ("Schedule appointments and verify insurance", "insurance"),
    ("ICD-10 coding experience", "billing_coding"),
    ("Experience with Epic or Cerner", "epic"),
    ("Experience with Epic or Cerner", "cerner"),
    ("athenaOne and eClinicalWorks (eCW) users", "athenahealth"),
    ("athenaOne and eClinicalWorks (eCW) users", "eclinicalworks"),
    ("NextGen experience", "nextgen"),
    ("Excellent communication skills", "communication"),
    ("A compassionate, caring team player", "compassion"),
    ("A compassionate, caring team player", "teamwork"),
    ("Detail-oriented and adaptable", "attention_to_detail"),
    ("Detail-oriented and adaptable", "adaptability"),
    ("Knowledge of medical terminology and HIPAA", "medical_terminology"),
    ("Knowledge of medical terminology and HIPAA", "hipaa"),
    # specializations
    ("Busy pediatric clinic", "pediatrics"),
    ("OB/GYN practice", "obstetrics_gynecology"),
    ("Women's Health Center", "obstetrics_gynecology"),
    ("Orthopaedics and sports medicine", "orthopedics"),
    ("Cardiology clinic", "cardiology"),
    ("Dermatology and Mohs surgery", "dermatology"),
    ("Family Medicine residency clinic", "family_medicine"),
    ("Internal medicine group", "internal_medicine"),
    ("Podiatry: foot and ankle", "podiatry"),
    ("Ophthalmology practice", "ophthalmology"),
    ("GI lab and endoscopy", "gastroenterology"),
    ("ENT clinic", "ent"),
    # settings
    ("Urgent care center open 7 days", "urgent_care"),
    ("Regional hospital", "hospital"),
    ("Private practice physician office", "physician_office"),
    ("Ambulatory care center", "outpatient_care_center"),
    ("MinuteClinic retail clinic", "retail_clinic"),
    ("Telehealth visits", "telehealth"),
    ("Federally qualified health center (FQHC)", "community_health_center"),
    # ma types
    ("Medical Assistant - Family Practice", "medical_assistant"),
    ("Clinical Medical Assistant", "clinical_ma"),
    ("Medical Office Assistant", "administrative_ma"),
    ("Lead MA", "lead_ma"),
    ("Ophthalmic Technician", "ophthalmic_assistant"),
    # languages
    ("Bilingual in Spanish", "spanish"),
    ("Se habla español", "spanish"),
    ("Vietnamese or Tagalog speakers", "vietnamese"),
    ("Vietnamese or Tagalog speakers", "tagalog"),
    ("ASL skills", "asl"),
    # role flags
    ("Front desk and back office", "front_office"),
    ("Front desk and back office", "back_office"),
    ("Bilingual preferred", "bilingual"),
    ("Supervised by a PA-C", "physician_assistant"),
    ("CNA or Medical Assistant", "CNA"),
]


@pytest.mark.parametrize(("text", "term_id"), FOUND)
def test_finds_term(tagger, text, term_id):
    assert term_id in ids(tagger, text)


def test_every_group_is_exercised(tagger):
    tax = load_taxonomy()
    assert {tax.group_of(i) for _, i in FOUND} == set(GROUPS)


# --- collisions and context rules (DOMAIN.md section 2) -----------------------------------

NOT_FOUND = [
    ("We love going to the cinema", "CMA"),
    ("Cma or rma", "CMA"),
    ("cma or rma", "RMA"),
    ("Boston, MA 02115", "medical_assistant"),
    ("Knowledge of CPT codes and ICD-10", "CPT"),
    ("ICD-10/CPT coding experience", "CPT"),
    ("Familiar with CPT and HCPCS", "CPT"),
    ("CPT coding and billing", "CPT"),
    ("CMA (Certified Medication Aide) for our assisted living community", "CMA"),
    ("CMA needed for med pass on the memory care unit", "CMA"),
    ("Certified Medication Aide / CMA - long-term care", "CMA"),
    ("Arkansas MA-C (Medication Assistant-Certified)", "MA_C"),
    ("Little Rock, AR. MA-C for med pass", "MA_C"),
    ("Heartsaver CPR/AED accepted", "BLS"),
    ("Heartsaver First Aid CPR AED", "BLS"),
    ("NCCT certified phlebotomist", "NCMA"),
    ("NCCT certification for our billing office", "NCMA"),
    ("According to the BLS, wages rose", "BLS"),
    ("Handle RMA returns for merchandise in the warehouse", "RMA"),
    ("CMA, CPA or management accountant for finance", "CMA"),
    ("an epic journey", "epic"),
    ("Post-9/11 GI Bill for veterans", "gastroenterology"),
    ("Dental, vision and medical insurance", "dental"),
    ("Employee referral bonus", "insurance"),
    ("Reliable transportation required", "dependability"),
    ("Educate patients and caregivers", "home_health_aide"),
]


@pytest.mark.parametrize(("text", "term_id"), NOT_FOUND)
def test_does_not_find_term(tagger, text, term_id):
    assert term_id not in ids(tagger, text)


@pytest.mark.parametrize(("text", "becomes"), [
    ("Knowledge of CPT codes and ICD-10", "billing_coding"),
    ("Familiar with CPT and HCPCS", "billing_coding"),
    ("CMA (Certified Medication Aide) for our assisted living community", "medication_aide"),
    ("Arkansas MA-C (Medication Assistant-Certified)", "medication_aide"),
    ("Heartsaver CPR/AED accepted", "HEARTSAVER"),
])
def test_ambiguous_acronym_is_read_from_context(tagger, text, becomes):
    assert becomes in ids(tagger, text)


@pytest.mark.parametrize("text", [
    "CPT (NHA) certification required; billing experience a plus",
    "Phlebotomy: CPT certification required",
    "CMA or RMA required for our family medicine clinic",
    "Seattle, WA clinic: MA-C or MA-R credential with WA DOH",
    "NCCT certified medical assistant",
    "CMA; BLS/CPR; CPT",
])
def test_ambiguous_acronym_keeps_its_credential_meaning(tagger, text):
    found = {m.id for m in tagger.find(text)}
    expected = {"CPT", "CMA", "MA_C", "NCMA"} & {
        load_taxonomy().resolve(w) for w in text.replace(";", " ").replace(":", " ").split()}
    assert expected and expected <= found


@pytest.mark.parametrize(("text", "california"), [
    ("Medical Assistant, Los Angeles, CA 90012. CCMA (California certified) required", True),
    ("CCBMA-recognized CCMA for our Fresno clinic", True),
    ("CCMA (NHA) for our Austin, TX clinic", False),
])
def test_ccma_in_california_context_says_so(tagger, text, california):
    hits = [m for m in tagger.find(text) if m.id == "CCMA"]
    assert hits
    assert all(("California" in (m.note or "")) is california for m in hits)


@pytest.mark.parametrize("text", ["MA", "ma", "Mac", "MAC address", "mac and cheese",
                                  "MA program", "Worcester, MA", "MA in Economics"])
def test_never_tags_bare_ma_or_mac(tagger, text):
    assert tagger.find(text) == []


# --- spelling: dotted, hyphenated, unicode dashes, plurals, -ist forms -------------------

@pytest.mark.parametrize(("text", "term_id", "surface"), [
    ("Must be a C.M.A. or R.M.A.", "CMA", "C.M.A."),
    ("Must be a C.M.A. or R.M.A.", "RMA", "R.M.A."),
    ("C.M.A required", "CMA", "C.M.A"),
    ("WA MA-C credential", "MA_C", "WA MA-C"),
    ("MA-C required", "MA_C", "MA-C"),
    ("MA\u2011C required", "MA_C", "MA\u2011C"),
    ("MA - C required", "MA_C", "MA - C"),
    ("Supervised by a PA-C", "physician_assistant", "PA-C"),
    ("Perform X-rays", "x_ray", "X-rays"),
    ("Take X\u2013ray images", "x_ray", "X\u2013ray"),
    ("Perform xrays", "x_ray", "xrays"),
    ("BLS/CPR card", "BLS", "BLS/CPR"),
    ("CPR / BLS card", "BLS", "CPR / BLS"),
    ("EKG/ECG experience", "ekg", "EKG/ECG"),
    ("Perform EKGs", "ekg", "EKGs"),
    ("CMAs and RMAs welcome", "CMA", "CMAs"),
    ("CMA's welcome", "CMA", "CMA's"),
    ("Experienced phlebotomist", "phlebotomy", "phlebotomist"),
    ("Give injections", "injections", "injections"),
    ("Obtain vitals", "vital_signs", "vitals"),
    ("Doctors office", "physician_office", "Doctors office"),
    ("doctor\u2019s office", "physician_office", "doctor\u2019s office"),
    ("vital\n  signs", "vital_signs", "vital\n  signs"),
    ("Point of care testing", "poct_clia_waived", "Point of care testing"),
    ("point-of-care testing", "poct_clia_waived", "point-of-care testing"),
    ("Heart & Vascular Institute", "cardiology", "Heart & Vascular"),
    ("Heart and Vascular Institute", "cardiology", "Heart and Vascular"),
    ("check-in and check in patients", "check_in_out", "check-in"),
])
def test_spelling_variants(tagger, text, term_id, surface):
    hits = [m for m in tagger.find(text) if m.id == term_id]
    assert surface in [m.surface for m in hits]


# --- overlaps: the longest synonym wins -------------------------------------------------

@pytest.mark.parametrize(("text", "term_id", "absent"), [
    ("Certified Clinical Medical Assistant", "CCMA", {"clinical_ma", "medical_assistant"}),
    ("Certified Phlebotomy Technician", "CPT", {"phlebotomy", "phlebotomy_technician"}),
    ("Medical Assistant-Certified", "MA_C", {"medical_assistant"}),
    ("Medical Office Assistant", "administrative_ma", {"physician_office"}),
    ("Urgent care clinic", "urgent_care", {"physician_office"}),
    ("Heartsaver CPR", "HEARTSAVER", {"BLS"}),
    ("EKG technician", "ekg_technician", {"ekg"}),
    ("pulmonary function test", "spirometry", {"pulmonology"}),
])
def test_longest_match_wins(tagger, text, term_id, absent):
    found = ids(tagger, text)
    assert found == [term_id]
    assert not absent & set(found)


def test_find_reports_offsets_and_order(tagger):
    text = "  Clinic seeks CMA; Epic, vitals & EKGs.\nBLS required."
    hits = tagger.find(text)
    assert [m.id for m in hits] == ["physician_office", "CMA", "epic", "vital_signs", "ekg",
                                    "BLS"]
    for m in hits:
        assert isinstance(m, TagMatch)
        assert text[m.start:m.end] == m.surface
        assert m.group == load_taxonomy().group_of(m.id)
    assert all(a.end <= b.start for a, b in pairwise(hits))


def test_offsets_survive_text_whose_lowercase_is_longer(tagger):
    text = "İstanbul İİ clinic: CMA needed"   # "İ".lower() is two characters
    hits = tagger.find(text)
    assert [(m.id, text[m.start:m.end]) for m in hits] == [("physician_office", "clinic"),
                                                           ("CMA", "CMA")]


# --- tag() ------------------------------------------------------------------------------

def test_tag_groups_sorted_unique_with_implied_ids(tagger):
    text = ("Ophthalmic Technician (COA) for our eye clinic. Epic, Epic, EKG and ECG. "
            "Spanish a plus. Urgent care experience.")
    tags = tagger.tag(text)
    assert list(tags) == [g for g in GROUPS if g in tags]  # contract order, no empty groups
    for group, values in tags.items():
        assert values == sorted(set(values))
        assert all(load_taxonomy().group_of(v) == group for v in values)
    assert tags["certifications"] == ["COA"]
    assert "ophthalmology" in tags["specializations"]     # implied by COA and the ma type
    assert tags["skills"].count("ekg") == 1 and "epic" in tags["skills"]
    assert tags["ma_types"] == ["ophthalmic_assistant"]


@pytest.mark.parametrize("text", ["", "   \n\t ", "lorem ipsum dolor sit amet", "1234 5678",
                                  "!!!???", "\x00\x01\x02", "😀" * 500])
def test_tag_empty_and_garbage(tagger, text):
    assert tagger.tag(text) == {}
    assert tagger.find(text) == []


@pytest.mark.parametrize("value", [None, 42, 3.5, b"CMA", ["CMA"], {"a": "CMA"}])
def test_wrong_types_are_empty(tagger, value):
    assert tagger.find(value) == []
    assert tagger.tag(value) == {}
    assert tagger.index_tokens(value) == []


def test_html_entities_and_markup_do_not_crash(tagger):
    text = "<p>CMA &amp; RMA&nbsp;required</p><li>EKG&#39;s</li>" * 50
    assert "CMA" in tagger.tag(text)["certifications"]


# --- index_tokens() ---------------------------------------------------------------------

@pytest.mark.parametrize(("text", "tokens"), [
    ("We need a CMA in Boston", ["we", "need", "tx_cma", "in", "boston"]),
    ("ECG and EKG", ["tx_ekg", "and", "tx_ekg"]),
    ("MA-C, C.M.A. and X-ray", ["tx_ma_c", "tx_cma", "and", "tx_x_ray"]),
    ("BLS/CPR + EKG/ECG", ["tx_bls", "tx_ekg"]),
    ("Certified Medical Assistant (CMA)", ["tx_cma", "tx_cma"]),
    ("Vital signs, 2 yrs", ["tx_vital_signs", "yrs"]),
    ("Knowledge of CPT codes", ["knowledge", "of", "tx_billing_coding"]),
    ("cinema tickets", ["cinema", "tickets"]),
    ("", []),
])
def test_index_tokens(tagger, text, tokens):
    assert tagger.index_tokens(text) == tokens


def test_index_tokens_one_token_per_hit(tagger):
    text = "Medical Assistant needed: phlebotomy, injections, Epic; Spanish-speaking."
    tokens = tagger.index_tokens(text)
    assert [t for t in tokens if t.startswith("tx_")] == [
        "tx_" + m.id.lower() for m in tagger.find(text)]
    assert all(t == t.lower() and len(t) >= 2 for t in tokens)


# --- every synonym of the file is findable as itself -------------------------------------

def _all_forms():
    tax = load_taxonomy()
    for term in tax.terms.values():
        for synonym in term.synonyms:
            for form in variants(synonym, term.group == "certifications"):
                yield term.id, form


def test_every_synonym_and_variant_is_found(tagger):
    tax = load_taxonomy()
    missing = []
    for term_id, form in _all_forms():
        text = f"Medical assistant wanted; we list {form} here"
        hits = [m for m in tagger.find(text) if m.surface == form]
        if [m.id for m in hits] != [term_id] and tax.resolve(form) == term_id:
            missing.append((term_id, form, [(m.id, m.surface) for m in tagger.find(text)]))
    assert missing == []


# --- property: arbitrary text never breaks the tagger -----------------------------------

_WORDS = [
    *[form for _, form in _all_forms()][::7],
    "the", "and", ",", ".", "/", "-", "(", ")", "\n", "  ", "MA", "C", ".", "İ", "ß", "&amp;",
    "\u2013", "\u00a0", "required", "preferred", "CPT", "codes", "med", "pass", "NCCT"]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=400),
                 st.lists(st.sampled_from(_WORDS), max_size=60).map(" ".join),
                 st.lists(st.sampled_from(_WORDS), max_size=60).map("".join)))
def test_arbitrary_text_never_raises(text):
    tagger = get_tagger()
    hits = tagger.find(text)
    for m in hits:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.surface
    assert all(a.end <= b.start for a, b in pairwise(hits))
    tags = tagger.tag(text)
    assert {i for v in tags.values() for i in v} >= {m.id for m in hits}
    tokens = tagger.index_tokens(text)
    assert sum(t.startswith("tx_") for t in tokens) >= len(hits)


def test_repeated_surfaces_are_judged_by_their_own_context(tagger):
    # The tagger remembers surfaces it has resolved; terms with context rules must still
    # be judged afresh each time, and remembered rejections stay rejected.
    for _ in range(3):
        assert ids(tagger, "CMA required") == ["CMA"]
        assert "CMA" not in ids(tagger, "CMA for med pass in assisted living")
        assert ids(tagger, "Cma and epic") == []
        assert ids(tagger, "Epic and CMA") == ["epic", "CMA"]


def test_a_fresh_tagger_agrees_with_the_cached_one(tagger):
    from majobs.taxonomy import Tagger

    text = "\n".join(t for t, _ in FOUND + NOT_FOUND)
    tagger.find(text)  # warm the cache
    assert Tagger(load_taxonomy()).find(text) == tagger.find(text)
