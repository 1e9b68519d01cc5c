"""The decision: title families first, body evidence to adjust and to settle ambiguity.

``confidence`` is how likely the posting is an MA job (the ``ma_confidence`` of the
export contract), so ``is_ma`` is exactly ``confidence >= 0.5``. The order below is
the order of DOMAIN.md section 5's rule sketch:

1. an overriding title role (teaching, veterinary, software/sales...) rejects;
2. a title naming the MA role accepts (lower when combined with another role);
3. a look-alike title role rejects;
4. an ambiguous title role is settled by the body;
5. a title with no known role is accepted only on strong body evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

from majobs.classify.evidence import Evidence
from majobs.classify.lexicon import (
    AMBIGUOUS_FAMILIES,
    MA_ABBREV_CONTEXT,
    MANAGER_WORD,
    SURGICAL_WORD,
    VOIDED_BY,
)
from majobs.classify.title import Span, TitleReading

# Evidence that a title's MA words are a modifier of another role, per look-alike family
# ("Physician Assistant - Medical Assistant team oversight" with NCCPA in the body).
_CONTRARY = {
    "physician_assistant": "pa", "nurse": "nurse_license", "medication_aide": "ltc",
    "nursing_assistant": "ltc", "home_health_aide": "ltc", "dental": "dental",
    "research": "research", "behavioral_health": "psych", "surgical": "operating_room",
}
# Evidence that lowers (never flips) a title that names the MA role.
_DOUBT = ("pa", "ltc", "teaching", "dental", "nurse_license", "tech")
# Clerical titles count as MA only when the posting names the MA role or a credential.
_ADMIN = ("front_office", "office_support")
# Context that, with no MA task in sight, makes the MA words the job's subject.
_SUBJECT_ONLY = frozenset({"teaching", "tech"})
_ROLE_BASE = {"ma_phrase": 0.9, "credential": 0.88, "abbrev": 0.85}


@dataclass(frozen=True, slots=True)
class Classification:
    is_ma: bool
    confidence: float   # 0..1: how likely an MA job; is_ma == (confidence >= 0.5)
    rule: str           # what decided, for admins: "title:medical_assistant", ...


def verdict(confidence: float, rule: str) -> Classification:
    confidence = round(min(max(confidence, 0.0), 1.0), 3)
    return Classification(confidence >= 0.5, confidence, rule)


def decide(reading: TitleReading, ev: Evidence) -> Classification:
    if overrides := reading.of("override"):
        return verdict(0.03, f"reject:{overrides[0].family}")
    if "vet" in ev.against:
        return verdict(0.03, "reject:veterinary_context")
    roles, voided = _ma_roles(reading, ev)
    if roles:
        return _ma_title(reading, roles, ev)
    if voided:
        return verdict(0.05, f"reject:{voided}")
    rejects, ambiguous = reading.of("reject"), reading.of("ambiguous")
    if ambiguous and rejects and (ambiguous[0].start < rejects[0].start
                                  or reading.joined(rejects[0], ambiguous[0])):
        # "Ophthalmic Tech / Scribe": the ambiguous role heads or joins the title
        return _ambiguous(ambiguous[0].family, ev, combined_with=rejects[0].family)
    if rejects:
        family = rejects[0].family
        if family in _ADMIN and ev.ma_words:
            return verdict(0.55, f"accept:{family}+ma_evidence")
        return verdict(0.05, f"reject:{family}")
    if ambiguous:
        return _ambiguous(ambiguous[0].family, ev)
    if ev.ma_words and ev.tasks >= 2 and not ev.against.intersection(_DOUBT):
        return verdict(0.6, "body:ma_evidence")
    return verdict(0.25 if ev.ma_words else 0.05, "reject:no_ma_title")


def _ma_roles(reading: TitleReading, ev: Evidence) -> tuple[list[Span], str | None]:
    """Title mentions that name the MA role, and why a credential was voided if one was."""
    roles, voided = [], None
    for span in reading.of("ma_phrase", "credential", "abbrev"):
        if span.kind == "credential":
            reason = next((r for kind, r in VOIDED_BY.get(span.family, ())
                           if kind in ev.against), None)
            if reason:
                voided = voided or reason
                continue
        elif span.kind == "abbrev" and not (
                MA_ABBREV_CONTEXT.search(reading.text) or ev.ma_words or ev.tasks >= 2):
            continue
        roles.append(span)
    return roles, voided


def _ma_title(reading: TitleReading, roles: list[Span], ev: Evidence) -> Classification:
    first = roles[0]
    name = {"ma_phrase": "medical_assistant", "abbrev": "ma_abbrev"}.get(
        first.kind, f"credential_{first.family.replace('-', '_')}")
    if SURGICAL_WORD.search(reading.text):
        # DOMAIN 5: a surgical MA is a surgical assistant unless it is clinic work.
        if "operating_room" in ev.against or ev.tasks < 1:
            return verdict(0.3, "ambiguous:surgical_medical_assistant+operating_room")
        return verdict(0.7, "ambiguous:surgical_medical_assistant+clinic_evidence")
    others = reading.of("reject")
    for other in others:
        if (other.start < first.start and not reading.joined(other, first)
                and _CONTRARY.get(other.family) in ev.against):
            return verdict(0.15, f"reject:{other.family}")
    bonus = 0.02 * min(ev.tasks, 3)
    if others:
        confidence, rule = 0.7 + bonus, f"combo:{name}+{others[0].family}"
    elif first.kind == "abbrev":
        has_context = MA_ABBREV_CONTEXT.search(reading.text)
        confidence = (0.85 if has_context else 0.75) + bonus
        rule = f"title:{name}+{'context' if has_context else 'body_evidence'}"
    else:
        confidence, rule = _ROLE_BASE[first.kind] + bonus, f"title:{name}"
    if doubts := ev.against.intersection(_DOUBT):
        if ev.tasks < 1 and doubts.intersection(_SUBJECT_ONLY):
            # "Clinical Coordinator - Medical Assisting Program", a careers blog: MA is
            # what the job is about, not what it does.
            return verdict(0.1, f"reject:{min(doubts & _SUBJECT_ONLY)}_context")
        confidence, rule = confidence - 0.2, f"{rule}+{min(doubts)}_context"
    if MANAGER_WORD.search(reading.text) and ev.tasks < 1:
        # DOMAIN 5: an MA manager with no clinical duties gets reduced confidence.
        confidence, rule = min(confidence, 0.6), f"{rule}+no_clinical_duties"
    return verdict(max(confidence, 0.55), rule)


def _ambiguous(family: str, ev: Evidence, combined_with: str = "") -> Classification:
    _, base, rejected_by = AMBIGUOUS_FAMILIES[family]
    if contrary := ev.against.intersection(rejected_by):
        return verdict(0.2, f"ambiguous:{family}+{min(contrary)}_evidence")
    score = base + 0.08 * min(ev.tasks, 4) + (0.12 if ev.ma_words else 0.0)
    if family == "ophthalmic_assistant" and "ophth_cert" in ev.against:
        score -= 0.1   # COA/COT/COMT required: an ophthalmic-technician ladder job
    name = family
    if combined_with:
        name, score = f"{family}+{combined_with}", score - 0.1
    has_evidence = ev.tasks > 0 or ev.ma_words > 0
    return verdict(min(score, 0.95),
                   f"ambiguous:{name}+{'body_evidence' if has_evidence else 'default'}")
