"""Required vs preferred certifications, from the plain text of real-looking postings."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from majobs.taxonomy import load_taxonomy
from majobs.taxonomy.requirements import CertRequirements, cert_requirements

# (posting text as html->text gives it, required, preferred)
CASES = [
    ("CMA or RMA required.", {"CMA", "RMA"}, set()),
    ("Certification preferred (CMA, RMA, or CCMA).", set(), {"CMA", "RMA", "CCMA"}),
    ("Must obtain BLS within 30 days of hire.", {"BLS"}, set()),
    ("BLS required", {"BLS"}, set()),
    ("Current BLS certification", {"BLS"}, set()),
    ("Requirements: High school diploma or GED, CCMA", {"CCMA"}, set()),
    ("Preferred qualifications: CMA or RMA; 2 years of experience", set(), {"CMA", "RMA"}),
    ("Requirements\n- High school diploma or GED\n- CMA or RMA\n- BLS/CPR\n"
     "Preferred\n- Phlebotomy certification\n- Bilingual Spanish",
     {"CMA", "RMA", "BLS"}, {"CPT"}),
    ("We pay for your CMA exam!", set(), set()),
    ("CMA certification a plus", set(), {"CMA"}),
    ("RMA desired", set(), {"RMA"}),
    ("Nice to have: CCMA", set(), {"CCMA"}),
    ("CMA required, RMA preferred", {"CMA"}, {"RMA"}),
    ("Required: BLS, preferred: CMA", {"BLS"}, {"CMA"}),
    ("Must have CMA or RMA and 1 year experience preferred", {"CMA", "RMA"}, set()),
    ("Certification is not required but preferred: CMA", set(), {"CMA"}),
    ("CMA exam fees reimbursed after 90 days", set(), set()),
    ("**Qualifications**\n- Current CPR card\n- NCCT or CCMA certification strongly preferred\n"
     "- 1 year as a medical assistant", {"BLS"}, {"NCMA", "CCMA"}),
    ("Benefits:\n- Tuition reimbursement toward your CMA\n- 401(k) match", set(), set()),
    ("Certified Medical Assistant (CMA) - Full Time - Day shift", set(), set()),
    ("Licenses/Certifications:\nBLS (American Heart Association)\nCMA (AAMA) or RMA (AMT)",
     {"BLS", "CMA", "RMA"}, set()),
    ("Ideally you hold a CCMA.", set(), {"CCMA"}),
    ("Minimum Qualifications:\n- Graduate of a medical assistant program.\n"
     "- C.M.A. or R.M.A. (must be current).", {"CMA", "RMA"}, set()),
    ("No certification required; we will train. CMAs welcome.", set(), {"CMA"}),
    ("Certification (CMA/RMA) within 6 months of hire is required.", {"CMA", "RMA"}, set()),
    ("Bilingual a plus. BLS certification from AHA required upon hire.", {"BLS"}, set()),
    ("What you'll bring\n- NHA CCMA or CMA (AAMA)\n- BLS for Healthcare Providers\n"
     "Nice to have\n- Phlebotomy certified\n- EKG certification",
     {"CCMA", "CMA", "BLS"}, {"CPT", "CET"}),
    ("Job Requirements:\n- Washington State MA-C or MA-R credential\n"
     "- Current BLS\nPreferred Qualifications:\n- ACLS", {"MA_C", "MA_R", "BLS"}, {"ACLS"}),
    ("Responsibilities\n- Maintain current BLS certification\n- Assist providers with EKGs",
     {"BLS"}, set()),
    ("## Responsibilities\n- Perform venipuncture (CPT certification helpful but we offer "
     "on-site training)", set(), set()),
    ("Qualifications: CMA, RMA or NCMA certification is preferred but not required.",
     set(), {"CMA", "RMA", "NCMA"}),
    ("MA-C (Washington) is mandatory. Interim MA-C accepted.", {"MA_C"}, set()),
    ("Sign-on bonus for certified MAs (CMA, RMA) - $1,500!", set(), set()),
    ("Education/Experience:\nGraduate of an accredited Medical Assistant program\n"
     "CCMA, CMA or RMA", {"CCMA", "CMA", "RMA"}, set()),
    ("Preferred:\nCPR/BLS\nCMAA\nRequired:\nCMA", {"CMA"}, {"BLS", "CMAA"}),
    ("The ideal candidate will have an active CMA credential.", set(), {"CMA"}),
    ("Must be a Certified Medical Assistant (CMA) or Registered Medical Assistant (RMA).",
     {"CMA", "RMA"}, set()),
    ("Knowledge of CPT codes and ICD-10 required. CCMA preferred.", set(), {"CCMA"}),
    ("CMA needed for med pass in our assisted living community. BLS required.", {"BLS"}, set()),
    ("Our MAs can earn their CMA through our career ladder program.", set(), set()),
    ("Heartsaver CPR is not accepted; BLS required.", {"BLS"}, set()),
]


@pytest.mark.parametrize(("text", "required", "preferred"), CASES,
                         ids=[c[0][:40] for c in CASES])
def test_required_and_preferred(text, required, preferred):
    result = cert_requirements(text)
    assert set(result.required) == required
    assert set(result.preferred) == preferred


def test_enough_cases():
    assert len(CASES) >= 25


def test_lists_are_sorted_disjoint_and_certifications_only():
    text = "\n".join(c[0] for c in CASES)
    result = cert_requirements(text)
    tax = load_taxonomy()
    for ids in (result.required, result.preferred, result.mentioned):
        assert ids == sorted(set(ids))
        assert all(tax.group_of(i) == "certifications" for i in ids)
    assert not set(result.required) & set(result.preferred)
    assert not set(result.mentioned) & (set(result.required) | set(result.preferred))


def test_required_wins_over_preferred_across_the_posting():
    text = "CMA preferred.\nRequirements:\n- CMA (AAMA)\n- BLS"
    result = cert_requirements(text)
    assert result.required == ["BLS", "CMA"] and result.preferred == []


def test_a_mere_mention_is_reported_as_mentioned():
    result = cert_requirements("We pay for your CMA exam, and BLS is required.")
    assert result.required == ["BLS"] and result.mentioned == ["CMA"]


@pytest.mark.parametrize("value", ["", "   \n\n ", "No certifications here.", None, 12,
                                   b"CMA required", ["CMA required"]])
def test_empty_or_wrong_input(value):
    assert cert_requirements(value) == CertRequirements()


_PIECES = ["CMA", "RMA", "BLS", "CPT", "C.M.A.", "MA-C", "required", "preferred", "a plus",
           "not required", "we pay for", "Requirements:", "Preferred:", "Benefits", "\n", "- ",
           "; ", ". ", ", ", " or ", "within 30 days", "must", "current", ":", "(", ")",
           "•", "**", "İ", "\u2013", "nice to have"]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300),
                 st.lists(st.sampled_from(_PIECES), max_size=40).map(" ".join),
                 st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)))
def test_arbitrary_text_never_raises(text):
    result = cert_requirements(text)
    assert not set(result.required) & set(result.preferred)
