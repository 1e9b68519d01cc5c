"""How fast is the taxonomy tagger? Prints postings/s and MB/s for tag() and index_tokens(),
and the same for a naive baseline (one regex per synonym, every synonym per posting).

Postings are generated: about 3 KB each of posting-like prose with taxonomy synonyms
(and their plural/dotted variants) mixed in, plus look-alikes that must not match
("cinema", "Mac", "CPT codes"). Seeded, so two runs tag the same text. The baseline is
slow, so it runs on a sample and its rate is per posting like the rest.

    python benchmarks/tagger.py [--postings 10000] [--size 3000] [--baseline 1000]
"""

from __future__ import annotations

import argparse
import random
import re
import time
from collections.abc import Callable

from majobs.taxonomy import get_tagger, load_taxonomy
from majobs.taxonomy.patterns import is_case_sensitive, variants

FILLER = (
    "We are seeking a motivated team member to join our growing practice.",
    "Our providers see a high volume of patients each day and rely on staff who keep "
    "the clinic running smoothly.",
    "The schedule is Monday through Friday with rotating Saturdays.",
    "Benefits include paid time off, a retirement plan and tuition support.",
    "Candidates must pass a background check and drug screen prior to hire.",
    "We are an equal opportunity employer and value diversity in our workforce.",
    "Duties may change as the needs of the department change.",
    "Applicants should be able to stand for long periods and lift up to twenty-five pounds.",
    "Come grow your career with us!",
    "We love movies at the cinema, Mac computers, and our Boston, MA office.",
    "Our coders assign ICD-10 and CPT codes to every visit.",
)
TEMPLATES = (
    "Experience with {} is required.", "{} preferred.", "You will {} daily.",
    "Knowledge of {} and {} a plus.", "Must have {}.", "Our {} team is growing.",
    "Responsibilities include {}, {} and {}.", "- {}", "{} / {}",
)


def make_postings(n: int, size: int, seed: int = 7) -> list[str]:
    tax = load_taxonomy()
    forms = [form for term in tax.terms.values() for syn in term.synonyms
             for form in variants(syn, term.group == "certifications")]
    rng = random.Random(seed)
    postings = []
    for _ in range(n):
        parts: list[str] = []
        length = 0
        while length < size:
            if rng.random() < 0.45:
                template = rng.choice(TEMPLATES)
                part = template.format(*(rng.choice(forms) for _ in range(template.count("{}"))))
            else:
                part = rng.choice(FILLER)
            parts.append(part)
            length += len(part) + 1
        postings.append("\n".join(parts) if rng.random() < 0.5 else " ".join(parts))
    return postings


class NaiveTagger:
    """The obvious design: one compiled regex per synonym, all of them run on every text.

    Given the tagger's own speed-ups so the comparison is fair: patterns start with a
    literal (re's fast prefix search; a leading look-behind is ~30x slower), run on the
    lower-cased text for case-insensitive synonyms, and the left word boundary is checked
    in Python. No context rules, no longest-match resolution.
    """

    def __init__(self) -> None:
        tax = load_taxonomy()
        self.patterns: list[tuple[str, re.Pattern[str], bool]] = []
        for term in tax.terms.values():
            for syn in term.synonyms:
                cased = is_case_sensitive(syn)
                words = re.split(r"[\s\-]+", syn if cased else syn.lower())
                body = r"[\s\-]+".join(re.escape(w) for w in words)
                self.patterns.append((term.id, re.compile(rf"{body}(?!\w)"), cased))

    def tag(self, text: str) -> set[str]:
        low = text.lower()
        found: set[str] = set()
        for term_id, pattern, cased in self.patterns:
            if term_id in found:
                continue
            subject = text if cased else low
            for m in pattern.finditer(subject):
                before = subject[m.start() - 1] if m.start() else " "
                if not (before.isalnum() or before == "_"):
                    found.add(term_id)
                    break
        return found


def measure(label: str, fn: Callable[[str], object], texts: list[str]) -> float:
    """Run fn over texts; print wall-clock and CPU rates; return CPU postings/s.

    CPU time is the steadier figure on a shared machine (wall time includes waiting
    for other processes)."""
    wall, cpu = time.perf_counter(), time.process_time()
    for text in texts:
        fn(text)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    megabytes = sum(len(t.encode()) for t in texts) / 1e6
    print(f"{label:<26} {len(texts):>6} postings | wall {wall:7.2f} s "
          f"{len(texts) / wall:7.0f}/s {megabytes / wall:6.2f} MB/s | cpu {cpu:7.2f} s "
          f"{len(texts) / cpu:7.0f}/s {megabytes / cpu:6.2f} MB/s")
    return len(texts) / cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=10_000)
    parser.add_argument("--size", type=int, default=3_000, help="characters per posting")
    parser.add_argument("--baseline", type=int, default=1000, help="postings for the baseline")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    start = time.perf_counter()
    tagger = get_tagger()
    build = time.perf_counter() - start
    terms = load_taxonomy().terms
    print(f"taxonomy: {len(terms)} terms, {sum(len(t.synonyms) for t in terms.values())} "
          f"synonyms; tagger built in {build:.2f} s (one regex, "
          f"{len(tagger.pattern.pattern) / 1000:.0f} KB of pattern)")
    postings = make_postings(args.postings, args.size, args.seed)
    mean = sum(len(p) for p in postings) / len(postings)
    print(f"postings: {len(postings)} generated, mean {mean:.0f} characters\n")

    tag_rate = measure("tagger.tag()", tagger.tag, postings)
    measure("tagger.index_tokens()", tagger.index_tokens, postings)
    naive = NaiveTagger()
    sample = postings[: args.baseline]
    naive_rate = measure(f"naive ({len(naive.patterns)} regexes)", naive.tag, sample)
    print(f"\ntag() is {tag_rate / naive_rate:.0f}x the naive baseline (CPU postings/s)")

    hits = sum(len(tagger.find(p)) for p in sample)
    agree = sum(set().union(*tagger.tag(p).values()) <= naive.tag(p) | _implied(tagger, p)
                for p in sample)
    print(f"sample: {hits / len(sample):.1f} hits per posting; tagger ids within the "
          f"baseline's (plus implied/remapped) on {agree}/{len(sample)} postings")


def _implied(tagger, text: str) -> set[str]:
    tax = load_taxonomy()
    out: set[str] = set()
    for hit in tagger.find(text):
        out.add(hit.id)
        out.update(tax.terms[hit.id].implies)
    return out


if __name__ == "__main__":
    main()
