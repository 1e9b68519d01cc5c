"""The MA classifier: accuracy over the labeled set, the named hard cases, junk input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from majobs.classify import Classification, classify
from majobs.classify.evidence import BODY_INDEX, body_patterns
from majobs.classify.prepare import clean_body
from majobs.classify.triggers import branch_keys, split_alternatives

LABELED = Path(__file__).parent / "data" / "ma_labeled.jsonl"
MIN_PRECISION = MIN_RECALL = 0.95
RULE_SHAPE = re.compile(r"^(?:empty|[a-z]+:[a-z_]+(?:\+[a-z_]+)*)$")


def _labeled() -> list[dict]:
    return [json.loads(line) for line in LABELED.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def _check(result: Classification) -> None:
    assert isinstance(result, Classification)
    assert 0.0 <= result.confidence <= 1.0
    assert result.is_ma == (result.confidence >= 0.5)
    assert RULE_SHAPE.match(result.rule), result.rule


# --- the labeled set ---------------------------------------------------------------------

def test_labeled_set_is_big_balanced_and_explained() -> None:
    rows = _labeled()
    assert len(rows) >= 300
    share = sum(r["is_ma"] for r in rows) / len(rows)
    assert 0.45 <= share <= 0.65, share
    for row in rows:
        assert set(row) == {"title", "text", "employer", "is_ma", "note"}, row
        assert isinstance(row["is_ma"], bool) and row["note"], row


def test_precision_and_recall_over_the_labeled_set() -> None:
    tp = fp = fn = 0
    wrong = []
    for row in _labeled():
        got = classify(row["title"], row["text"], row["employer"])
        _check(got)
        tp += got.is_ma and row["is_ma"]
        fp += got.is_ma and not row["is_ma"]
        fn += row["is_ma"] and not got.is_ma
        if got.is_ma != row["is_ma"]:
            wrong.append(f"  {row['title']!r}: expected {row['is_ma']}, got {got.is_ma} "
                         f"({got.confidence}, {got.rule}) -- {row['note']}")
    precision, recall = tp / ((tp + fp) or 1), tp / ((tp + fn) or 1)
    report = (f"precision {precision:.3f} recall {recall:.3f} "
              f"({len(wrong)} misclassified)\n" + "\n".join(wrong))
    print(report)
    assert precision >= MIN_PRECISION and recall >= MIN_RECALL, report


# --- named hard cases ------------------------------------------------------------------

HARD_CASES = [
    # (title, text, employer, is_ma, rule prefix)
    ("CMA", "Certified Medication Aide for our assisted living community: med pass to "
     "residents and eMAR documentation.", "Autumn Leaves Assisted Living", False,
     "reject:cma_medication_aide"),
    ("CMA", "Certified Medical Assistant for a pediatric office: vitals, vaccines, rooming.",
     "Sunny Pediatrics", True, "title:credential_cma"),
    ("Doctor's Assistant", "Diagnose and treat patients and prescribe medications. NCCPA "
     "certification required.", "Rural Clinic", False, "ambiguous:doctors_assistant+pa"),
    ("Doctor's Assistant", "Room patients, take blood pressure and give injections.",
     "Rural Clinic", True, "ambiguous:doctors_assistant+body_evidence"),
    ("Clinical Assistant", "Room patients, take vital signs and give immunizations.",
     "Family Clinic", True, "ambiguous:clinical_assistant+body_evidence"),
    ("Clinical Assistant", "Help residents with bathing and meals in our memory care unit.",
     "Maple Memory Care", False, "ambiguous:clinical_assistant+ltc"),
    ("Research Analyst - Boston, MA", "Analyze claims data in SQL.", "Insurer", False,
     "reject:non_clinical_role"),
    ("Teacher (MA required)", "Teach 9th grade English. MA in Education required.",
     "Public Schools", False, "reject:teaching"),
    ("Medical Assistant - Boston, MA", "Room patients and take vitals.", "Back Bay Clinic",
     True, "title:medical_assistant"),
    ("Physician Assistant", "Evaluate and treat patients. NCCPA required.", "Urgent Care",
     False, "reject:physician_assistant"),
    ("Medical Assistant", "Assist veterinarians with exams and restrain pets.",
     "Eastside Animal Medical Center", False, "reject:veterinary_context"),
    ("Medical Assistant Instructor", "Teach medical assisting students. CMA required.",
     "Career College", False, "reject:teaching"),
    ("Asistente Médico", "Tomar signos vitales y aplicar inyecciones.", "Clínica", True,
     "title:medical_assistant"),
    ("Medical Assistant App Developer", "Build our medical assistant chatbot in Python.",
     "AI Health", False, "reject:non_clinical_role"),
]


@pytest.mark.parametrize(("title", "text", "employer", "is_ma", "rule"), HARD_CASES,
                         ids=[f"{c[0]}->{c[4]}" for c in HARD_CASES])
def test_hard_cases(title: str, text: str, employer: str, is_ma: bool, rule: str) -> None:
    got = classify(title, text, employer)
    _check(got)
    assert (got.is_ma, got.rule.startswith(rule)) == (is_ma, True), got


def test_medical_office_assistant_vitals_raise_confidence() -> None:
    scheduling = classify("Medical Office Assistant",
                          "Schedule appointments, answer phones and verify insurance.")
    clinical = classify("Medical Office Assistant",
                        "Room patients, take vital signs and give injections.")
    assert scheduling.is_ma and clinical.is_ma
    assert scheduling.confidence <= 0.7 < clinical.confidence


@pytest.mark.parametrize(("combined", "plain"), [
    ("Medical Assistant / Phlebotomist", "Medical Assistant"),
    ("MA or LPN - Family Practice", "MA - Family Practice"),
    ("Medical Assistant/CNA", "Medical Assistant"),
])
def test_combined_titles_accept_with_lower_confidence(combined: str, plain: str) -> None:
    text = "Take vitals, draw blood and room patients."
    got, base = classify(combined, text), classify(plain, text)
    assert got.is_ma and got.rule.startswith("combo:"), got
    assert got.confidence < base.confidence


def test_doubts_lower_confidence_without_flipping() -> None:
    body = "Work up patients: history, visual acuity and tonometry."
    plain = classify("Ophthalmic Assistant", body)
    coa = classify("Ophthalmic Assistant", body + " COA required.")
    manager = classify("Medical Assistant Manager", "Manage MA staffing and budgets.")
    assert plain.is_ma and coa.is_ma and coa.confidence < plain.confidence
    combined = classify("Ophthalmic Tech / Scribe", body)
    combined_coa = classify("Ophthalmic Tech / Scribe", body + " COA required.")
    assert combined.rule.startswith("ambiguous:ophthalmic_assistant+scribe"), combined
    assert combined_coa.confidence < combined.confidence < plain.confidence
    assert manager.is_ma and manager.confidence < classify("Medical Assistant").confidence


# --- junk input ----------------------------------------------------------------------

FILLER = "We offer medical, dental and vision benefits and a 401(k) match. " * 800


JUNK = [
    (None, "", None, False),
    ("", "", "", False),
    ("   \n\t ", "  ", None, False),
    (None, "As a medical assistant you will room patients, take vitals and give "
     "injections. CMA preferred.", None, True),
    ("Medical Assistant", FILLER, "Clinic", True),                      # ~50 KB text
    ("Physician Assistant", FILLER + "NCCPA required.", None, False),
    ("Ｍｅｄｉｃａｌ Ａｓｓｉｓｔａｎｔ", "", None, True),                # full-width
    ("Medical\u00a0Assistant\u2014Peds\u200b", "", None, True),        # NBSP, em dash, ZWSP
    ("&lt;b&gt;Medical Assistant&lt;/b&gt; &amp;amp; Scheduler", "", None, True),
    (b"Certified Medical Assistant", b"Vitals \xff\xfe and injections", None, True),
    (12345, ["Room patients", "take vitals"], {"name": "x"}, False),
    ("Medical Assistant", None, None, True),
    ("\ud800 MA \udfff", "\x00\x01 vitals", None, False),              # lone surrogates
    ("<" * 5000, "&" * 50_000, ">" * 5000, False),
    ("Physician's Assistant" * 200, "diagnose " * 10_000, None, False),
]


@pytest.mark.parametrize(("title", "text", "employer", "is_ma"), JUNK,
                         ids=[f"junk{i}" for i in range(len(JUNK))])
def test_junk_input_never_raises(title: object, text: object, employer: object,
                                 is_ma: bool) -> None:
    got = classify(title, text, employer)  # type: ignore[arg-type]
    _check(got)
    assert got.is_ma is is_ma, got


WORDS = ["Medical", "Assistant", "MA", "CMA", "PA-C", "Physician", "Nurse", "Aide", "Boston",
         ",", "/", "-", "or", "&amp;", "<b>", "Clinic", "MA-C", "Certified", "Office",
         "Dental", "Surgical", "vitals", "NCCPA", "med pass", "\u2013", "ＭＡ", "Asistente",
         "Médico", "I", "II", "(", ")", "Instructor", "Phlebotomist", "Health"]
word_soup = st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(title=st.one_of(st.none(), st.text(), word_soup),
       text=st.one_of(st.text(), word_soup),
       employer=st.one_of(st.none(), st.text(), word_soup))
def test_arbitrary_strings_never_raise(title: str | None, text: str,
                                       employer: str | None) -> None:
    _check(classify(title, text, employer))


# --- the trigger index must find what the plain patterns find ---------------------------

@pytest.mark.parametrize(("pattern", "branches"), [
    (r"a|b(?:c|d)|[|x]|\||e", ["a", "b(?:c|d)", "[|x]", r"\|", "e"]),
    (r"\bvital\s+signs?|\bvitals\b", [r"\bvital\s+signs?", r"\bvitals\b"]),
])
def test_split_alternatives(pattern: str, branches: list[str]) -> None:
    assert split_alternatives(pattern) == branches


@pytest.mark.parametrize(("branch", "keys"), [
    (r"\bvital\s+signs?", {"vit"}),
    (r"\b(?:ekg|ecg)s?\b", {"ekg", "ecg"}),
    (r"(?-i:\bPA\b)", {"pa"}),
    (r"\bma-[cr]\b", {"ma"}),                # a two-letter key is a whole word...
    (r"\bpa\s+licen\w*", {"pa"}),
    (r"de-?escalat\w*", None),               # ...so "de" cannot key "deescalate"
    (r"(?:ma|pa)tient", {"mat", "pat"}),
    (r"\be?mar\b", None),                 # optional first letter: no safe key
    (r"(?:medical\s+)?administrative", None),
    (r"\\s+x", None),
])
def test_branch_keys(branch: str, keys: set[str] | None) -> None:
    assert branch_keys(branch) == (None if keys is None else frozenset(keys))


def test_trigger_index_loses_no_match_over_the_labeled_texts() -> None:
    words = re.compile(r"[a-z0-9]+")
    compiled = {name: re.compile(rx) for name, rx in body_patterns().items()}
    for row in _labeled():
        text = f"{row['title']}\n{row['employer']}\n{clean_body(row['text'])}".lower()
        found = BODY_INDEX.find(text)
        for name, pattern in compiled.items():
            expected = {m.group() for w in words.finditer(text)
                        if (m := pattern.match(text, w.start()))}
            assert expected <= found.get(name, set()), (name, text)
