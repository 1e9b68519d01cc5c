"""The MA taxonomy (taxonomy.yaml) and the tagger that finds its terms in text.

    from majobs.taxonomy import load_taxonomy, get_tagger, TagMatch
    tax = load_taxonomy()          # parsed once
    tax.resolve("ECG")             # -> "ekg"
    get_tagger().tag(text)         # {"certifications": ["BLS", "CMA"], "skills": [...]}

Required vs preferred certifications: `majobs.taxonomy.requirements.cert_requirements`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from majobs.taxonomy.model import (
    DEFAULT_PATH,
    GROUPS,
    Taxonomy,
    TaxonomyError,
    Term,
    read_taxonomy,
)
from majobs.taxonomy.tagger import Tagger, TagMatch

__all__ = ["GROUPS", "TagMatch", "Tagger", "Taxonomy", "TaxonomyError", "Term",
           "get_tagger", "load_taxonomy"]


@lru_cache(maxsize=4)
def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """The taxonomy, parsed once per path (default: the bundled taxonomy.yaml)."""
    return read_taxonomy(path or DEFAULT_PATH)


@lru_cache(maxsize=4)
def get_tagger(path: str | Path | None = None) -> Tagger:
    """The tagger for a taxonomy, built (one compiled regex) once per path."""
    return Tagger(load_taxonomy(path))
