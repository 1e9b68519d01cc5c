"""How good is the matcher? NDCG@10 on the hand-labeled set (tests/data/relevance) beside
three baselines on the same data: random order, TF-IDF cosine of the profile text
against the posting text (scikit-learn defaults), and BM25 (bm25s).

    python benchmarks/relevance.py [--k 10]
"""

from __future__ import annotations

import argparse

from majobs.matcher.evaluate import compare, load_eval_set


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--k", type=int, default=10)
    args = ap.parse_args()
    ev = load_eval_set()
    graded = sum(len(g) for g in ev.judgments.values())
    print(f"{len(ev.docs)} postings, {len(ev.profiles)} profiles, {graded} graded pairs "
          f"(the rest count as 0)")
    table = compare(ev, args.k)
    keys = [*ev.profiles, "mean"]
    print(f"NDCG@{args.k:<5}" + "".join(f"{k[:7]:>8}" for k in keys))
    for name, scores in table.items():
        print(f"{name:<11}" + "".join(f"{scores[k]:>8.3f}" for k in keys))
    best = max((n for n in table if n != "matcher"), key=lambda n: table[n]["mean"])
    print(f"matcher {table['matcher']['mean']:.3f} vs best baseline {best} "
          f"{table[best]['mean']:.3f}")


if __name__ == "__main__":
    main()
