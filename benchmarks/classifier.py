"""How fast is the MA classifier? Prints postings per second.

10,000 synthetic postings: a title from the labeled set and about 3 KB of text made by
recombining the set's snippets with typical posting boilerplate. Seeded, so two runs
classify the same postings.

    python benchmarks/classifier.py [--n 10000] [--text-bytes 3000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from collections import Counter
from pathlib import Path

from majobs.classify import classify

LABELED = Path(__file__).resolve().parents[1] / "tests" / "data" / "ma_labeled.jsonl"
FILLER = [
    "We offer competitive pay, medical, dental and vision insurance, and a 401(k) match.",
    "Paid time off begins accruing on your first day.",
    "Our clinic is an equal opportunity employer and values diversity.",
    "Applicants must pass a background check and drug screen prior to hire.",
    "Schedule: Monday through Friday, 8:00 AM to 5:00 PM, with occasional Saturdays.",
    "Come grow your career with a team that puts patients first.",
    "Reasonable accommodations are available for applicants with disabilities.",
    "Tuition reimbursement and continuing education support are available.",
]


def make_postings(n: int, text_bytes: int, seed: int = 7) -> list[tuple[str, str, str]]:
    rows = [json.loads(line) for line in LABELED.read_text(encoding="utf-8").splitlines()]
    snippets = [r["text"] for r in rows if r["text"]]
    rng = random.Random(seed)
    postings = []
    for _ in range(n):
        row = rng.choice(rows)
        parts, size = [row["text"]], len(row["text"])
        while size < text_bytes:
            part = rng.choice(FILLER) if rng.random() < 0.6 else rng.choice(snippets)
            parts.append(part)
            size += len(part) + 1
        rng.shuffle(parts)
        postings.append((row["title"], " ".join(parts), row["employer"]))
    return postings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--text-bytes", type=int, default=3_000)
    args = parser.parse_args()
    postings = make_postings(args.n, args.text_bytes)
    mean_len = sum(len(t) for _, t, _ in postings) / len(postings)
    start, cpu_start = time.perf_counter(), time.process_time()
    results = [classify(title, text, employer) for title, text, employer in postings]
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    rules = Counter(r.rule.split(":")[0] for r in results)
    # CPU time too: on a shared machine the wall clock also counts other processes.
    print(f"classified {len(postings)} postings (mean text {mean_len:.0f} chars): "
          f"wall {elapsed:.2f} s = {len(postings) / elapsed:,.0f} postings/s; "
          f"cpu {cpu:.2f} s = {len(postings) / cpu:,.0f} postings/s; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"is_ma: {sum(r.is_ma for r in results)}; rule kinds: {dict(rules)}")


if __name__ == "__main__":
    main()
