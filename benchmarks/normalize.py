"""How fast are the description cleaner and the pay finder? Prints postings/s and MB/s.

Generates N descriptions of about 3 KB each (seeded, so two runs see the same text):
HTML paragraphs and lists, a third of them entity-escaped as Greenhouse sends them,
with phone numbers, ZIP codes, bonuses, 401(k) and a pay line in varied phrasing.
Times clean_description on the raw bodies, parse_pay_text on the plain text it returns,
and both together; also reports how many bodies yielded a pay.

    python benchmarks/normalize.py [--n 5000] [--text-bytes 3000] [--seed 7]
"""

from __future__ import annotations

import argparse
import html
import random
import time
from collections.abc import Callable, Sequence

from majobs.normalize.html import clean_description
from majobs.normalize.pay import parse_pay_text

SENTENCES = [
    "Room patients, take vital signs and update charts in Epic.",
    "Perform phlebotomy, EKGs and point-of-care testing such as rapid strep and urinalysis.",
    "Schedule appointments, verify insurance and obtain prior authorizations.",
    "Call our recruiter at (512) 555-0142 with any questions.",
    "Our clinic is located at 1200 Main St, Austin, TX 78701.",
    "We offer medical, dental and vision insurance and a 401(k) with a 4% match.",
    "New hires are eligible for a $1,500 sign-on bonus after 90 days.",
    "Tuition reimbursement up to $5,250 per year is available.",
    "Serving our community since 1998, with 24/7 nurse line support.",
    "Current BLS certification and a CMA, RMA or CCMA credential are preferred.",
    "Monday through Friday, 8:00 AM to 5:00 PM, with rotating Saturdays.",
    "Bilingual English/Spanish candidates are encouraged to apply.",
]
PAY_LINES = [
    "Pay: ${lo:.2f} - ${hi:.2f} per hour, based on experience.",
    "Compensation: ${lo:.0f} to ${hi:.0f} an hour.",
    "The pay range for this role is ${lo:.2f}–${hi:.2f}/hr.",
    "Salary: ${ylo:,.0f} - ${yhi:,.0f} annually.",
    "Starting at ${lo:.2f}/hour.",
    "Hourly: {lo:.2f}",
    "Competitive pay, DOE.",
]


def make_body(rng: random.Random, size: int) -> str:
    """One description of about `size` characters of HTML."""
    lo = rng.uniform(16, 24)
    hi = lo + rng.choice((2, 3, 4))
    pay = rng.choice(PAY_LINES).format(lo=lo, hi=hi, ylo=lo * 2080, yhi=hi * 2080)
    parts: list[str] = []
    while sum(map(len, parts)) < size:
        if rng.random() < 0.3:
            items = "".join(f"<li>{rng.choice(SENTENCES)}</li>" for _ in range(4))
            parts.append(f"<ul>{items}</ul>")
        else:
            parts.append(f"<p>{' '.join(rng.sample(SENTENCES, 3))}</p>")
    parts.insert(rng.randrange(len(parts) + 1), f"<p><strong>{pay}</strong></p>")
    body = "<div>" + "".join(parts) + "</div>"
    return html.escape(body, quote=True) if rng.random() < 1 / 3 else body


def timed(label: str, fn: Callable[[str], object], inputs: Sequence[str]) -> None:
    """Print throughput by wall clock and by this process's CPU time (steadier on a
    shared machine)."""
    wall, cpu = time.perf_counter(), time.process_time()
    for value in inputs:
        fn(value)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    megabytes = sum(map(len, inputs)) / 1e6
    print(f"{label:<30} wall {len(inputs) / wall:>7,.0f}/s {megabytes / wall:>6.2f} MB/s | "
          f"cpu {len(inputs) / cpu:>7,.0f}/s {megabytes / cpu:>6.2f} MB/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--text-bytes", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    bodies = [make_body(rng, args.text_bytes) for _ in range(args.n)]
    texts = [clean_description(body)[1] for body in bodies]  # warm-up, and input for pay
    mean_kb = sum(map(len, bodies)) / len(bodies) / 1000
    print(f"{len(bodies):,} descriptions, mean {mean_kb:.1f} KB raw, "
          f"{sum(map(len, texts)) / len(texts) / 1000:.1f} KB plain")
    timed("clean_description", clean_description, bodies)
    timed("parse_pay_text (plain text)", parse_pay_text, texts)
    timed("both", lambda body: parse_pay_text(clean_description(body)[1]), bodies)
    found = sum(parse_pay_text(text) is not None for text in texts)
    print(f"pay found in {found:,} of {len(texts):,} ({found / len(texts):.0%}; "
          f"{PAY_LINES[-1]!r} bodies state none)")


if __name__ == "__main__":
    main()
