"""Is this posting really a Medical Assistant job? Readable rules, not a model.

>>> classify("Clinical MA | $22/hr", "Room patients, take vitals.").is_ma
True
>>> classify("Certified Medication Aide (CMA)", "Med pass in assisted living.").rule
'reject:cma_medication_aide'

See ``rules`` for the decision order and ``lexicon`` for every pattern.
"""

from __future__ import annotations

from majobs.classify.evidence import scan
from majobs.classify.prepare import clean_body, clean_title
from majobs.classify.rules import Classification, decide, verdict
from majobs.classify.title import read_title

__all__ = ["Classification", "classify"]


def classify(title: str | None, text: str = "", employer: str | None = None) -> Classification:
    """Classify one posting from its title, plain-text description and employer.

    Never raises: any value (None, bytes, HTML, 50 KB of text) gets a verdict.
    """
    clean = clean_title(title)
    body = clean_body(text)
    if not clean and not body:
        return verdict(0.0, "empty")
    # The employer only adds context ("... Senior Living", "... Animal Hospital").
    context = f"{clean}\n{clean_title(employer)}\n{body}".lower()
    return decide(read_title(clean), scan(context))
