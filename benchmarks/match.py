"""How fast is the matcher? Index build, one profile's latency, a cohort batch, memory,
and a naive baseline (cosine computed per posting in Python) for comparison.

Postings are generated (seeded): ~1.7 KB descriptions built from duty, specialty,
requirement and boilerplate sentences, placed at random US ZIP codes, with pay, type,
dates, required/preferred certifications and the tags the pipeline would give them.

    python benchmarks/match.py [--postings 100000] [--profiles 200] [--batch 1000]
"""

from __future__ import annotations

import argparse
import math
import os
import random
import resource
import statistics
import time
from datetime import date, timedelta

import zipcodes

from majobs.matcher.docs import EMPLOYMENT_TYPES, PostingDoc
from majobs.matcher.index import build_index
from majobs.matcher.profile import Profile
from majobs.matcher.query import build_query
from majobs.matcher.rank import rank
from majobs.normalize.location import Location
from majobs.taxonomy import get_tagger, load_taxonomy

TODAY = date(2025, 6, 1)
DUTIES = [
    "Room patients, take vital signs and record the chief complaint in the EHR.",
    "Perform venipuncture and capillary draws; label and process lab specimens.",
    "Administer intramuscular and subcutaneous injections and immunizations as ordered.",
    "Perform 12-lead EKGs, spirometry and point-of-care testing (CLIA-waived).",
    "Schedule appointments, verify insurance eligibility and obtain prior authorizations.",
    "Assist providers with minor procedures, suture removal and wound care.",
    "Sterilize instruments with the autoclave and follow infection control practices.",
    "Call in prescription refills to pharmacies per provider protocol.",
    "Triage patient portal messages and phone calls for the care team.",
    "Prepare charts, scan outside records and reconcile medication lists.",
    "Apply splints and braces and take limited x-rays under supervision.",
    "Check visual acuity, perform tonometry and instill dilating drops.",
    "Greet patients at the front desk, check in and check out, collect copays.",
    "Chart in Epic, athenahealth or eClinicalWorks; keep medical records accurate.",
    "Perform urinalysis, rapid strep and glucose testing; log quality control.",
    "Explain procedures and diets to patients and families in plain language.",
]
SPECIALTIES = ["family medicine", "internal medicine", "pediatrics", "dermatology",
               "cardiology", "orthopedics", "OB/GYN", "ophthalmology", "urgent care",
               "gastroenterology", "oncology", "urology", "neurology", "podiatry"]
REQUIREMENTS = [(["CMA", "RMA", "CCMA"], "CMA, RMA or CCMA required."), (["BLS"], "BLS required."),
                (["MA_C"], "Washington MA-C required."), (["CCMA"], "NHA CCMA required."),
                ([], "Certification preferred but not required."),
                (["CPT"], "Certified Phlebotomy Technician required."), ([], "Will train.")]
BOILERPLATE = [
    "{emp} is a physician-owned practice that has served the community for {n} years.",
    "We offer a supportive team, paid training, and room to grow into a lead role within "
    "{n} months; our providers value medical assistants as partners in patient care.",
    "Requirements: high school diploma or GED, completion of an accredited medical "
    "assistant program, and {n} months of clinical experience preferred.",
    "Physical demands: stand and walk for long periods, lift up to {n} pounds, and "
    "assist patients with mobility when needed.",
    "Compensation is based on experience; shift differentials apply to evenings and "
    "weekends, and we reimburse up to ${n}00 a year for continuing education.",
    "Benefits include medical, dental and vision coverage, a {n}% 401(k) match and paid "
    "time off.",
    "We are an equal opportunity employer and value diversity at every level.",
    "Candidates must pass a background check and a drug screen before the start date.",
    "Schedule: {n} shifts per week, some evenings, rotating Saturdays.",
    "Our team of {n} providers sees a high volume of patients every day.",
]


def _tags_of(texts: list[str]) -> list[dict[str, list[str]]]:
    tagger = get_tagger()
    return [tagger.tag(t) for t in texts]


def generate_postings(n: int, places: list[tuple[float, float]], seed: int = 7
                      ) -> list[PostingDoc]:
    rng = random.Random(seed)
    duty_tags = _tags_of(DUTIES)
    spec_tags = _tags_of([f"Our {s} practice" for s in SPECIALTIES])
    docs = []
    for i in range(1, n + 1):
        spec = rng.randrange(len(SPECIALTIES))
        duties = rng.sample(range(len(DUTIES)), rng.randint(4, 8))
        req, req_text = rng.choice(REQUIREMENTS)
        emp = f"Clinic {rng.randrange(n // 5 + 1)}"
        boiler = [b.format(emp=emp, n=rng.randint(2, 40)) for b in rng.sample(BOILERPLATE, 7)]
        text = " ".join([f"{emp} is hiring a Medical Assistant for our busy "
                         f"{SPECIALTIES[spec]} practice.", *(DUTIES[d] for d in duties),
                         req_text, *boiler])
        tags: dict[str, set[str]] = {}
        for t in [spec_tags[spec], *(duty_tags[d] for d in duties)]:
            for group, ids in t.items():
                tags.setdefault(group, set()).update(ids)
        lat, lon = rng.choice(places)
        low = round(rng.uniform(15, 26), 2)
        docs.append(PostingDoc(
            id=i, title=f"Medical Assistant - {SPECIALTIES[spec].title()}", employer=emp,
            text=text, lat=lat + rng.uniform(-0.1, 0.1), lon=lon + rng.uniform(-0.1, 0.1),
            remote=rng.random() < 0.01, employment_type=rng.choice(EMPLOYMENT_TYPES),
            pay_hourly_min=low if rng.random() < 0.8 else None,
            pay_hourly_max=low + rng.choice([2, 3, 4, 5]) if rng.random() < 0.8 else None,
            date_posted=TODAY - timedelta(days=rng.randrange(90)),
            tags={g: sorted(v) for g, v in tags.items()},
            required_certifications=req, preferred_certifications=rng.sample(["BLS", "CPT"], 1)))
    return docs


def generate_profiles(n: int, places: list[tuple[float, float]], seed: int = 11
                      ) -> list[Profile]:
    rng = random.Random(seed)
    tax = load_taxonomy()
    skills, specs = tax.ids("skills"), tax.ids("specializations")
    certs = ["CMA", "RMA", "CCMA", "NCMA", "BLS", "CPT", "MA_C"]
    out = []
    for i in range(n):
        lat, lon = rng.choice(places)
        out.append(Profile(
            name=f"p{i}", location=Location(lat=lat, lon=lon),
            radius_miles=rng.choice([10, 25, 25, 50, None]),
            certifications=tuple(rng.sample(certs, rng.randint(0, 3))),
            skills=tuple(rng.sample(skills, rng.randint(3, 7))),
            specializations=tuple(rng.sample(specs, rng.randint(0, 1))),
            employment_types=tuple(rng.sample(EMPLOYMENT_TYPES, rng.randint(1, 2))),
            min_pay_hourly=rng.choice([None, 16, 18, 20, 22]),
            summary="Medical assistant with clinic experience: vitals, injections, EHR."))
    return out


def naive_rank(index, docs_weights, profile: Profile, limit: int = 20) -> list[int]:
    """The baseline: a Python loop over postings, cosine from dicts, haversine per row."""
    q = build_query(index, profile, TODAY)
    qvec = {int(c): float(q.text[c]) for c in q.text.nonzero()[0]}
    scored = []
    for row, weights in enumerate(docs_weights):
        lat, lon = float(index.lat[row]), float(index.lon[row])
        if profile.radius_miles and q.lat is not None and not math.isnan(lat):
            p1, p2 = math.radians(q.lat), math.radians(lat)
            h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * \
                math.sin(math.radians(lon - q.lon) / 2) ** 2
            if 2 * 3958.8 * math.asin(math.sqrt(h)) > profile.radius_miles:
                continue
        cos = sum(w * qvec.get(c, 0.0) for c, w in weights.items())
        scored.append((cos, int(index.ids[row])))
    scored.sort(reverse=True)
    return [pid for _, pid in scored[:limit]]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--postings", type=int, default=100_000)
    ap.add_argument("--profiles", type=int, default=200)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--naive", type=int, default=5, help="profiles for the naive baseline")
    args = ap.parse_args()

    rng = random.Random(3)
    places = [(float(z["lat"]), float(z["long"])) for z in rng.sample(zipcodes.list_all(), 400)]
    t0 = time.perf_counter()
    docs = generate_postings(args.postings, places)
    print(f"generated {len(docs):,} postings "
          f"({statistics.mean(len(d.text) for d in docs):,.0f} chars each) "
          f"in {time.perf_counter() - t0:.1f} s")
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(wall times below include waiting for other processes; cpu times do not)")
    t0, c0 = time.perf_counter(), time.process_time()
    index = build_index(docs)
    build = time.perf_counter() - t0
    print(f"index build: {build:.1f} s wall  ({index.matrix.shape[1]:,} terms, "
          f"{index.matrix.nnz:,} non-zeros; main-process cpu {time.process_time() - c0:.1f} s, "
          f"tokenizing runs in {os.cpu_count()} worker processes)")

    changed = [PostingDoc(**{**d.__dict__, "text": d.text + " Updated."})
               if d.id % 100 == 0 else d for d in docs]
    t0 = time.perf_counter()
    index = build_index(changed, previous=index)
    print(f"incremental rebuild, 1% of texts changed: {time.perf_counter() - t0:.1f} s "
          f"({index.meta['tokenized']:,} re-tokenized)")

    profiles = generate_profiles(max(args.profiles, args.batch), places)
    rank(index, profiles[0], today=TODAY)  # warm-up (tagger, caches)
    lat, cpu = [], []
    for p in profiles[:args.profiles]:
        t0, c0 = time.perf_counter(), time.process_time()
        rank(index, p, limit=20, today=TODAY)
        lat.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    lat.sort()
    cpu.sort()
    p50, p95 = lat[len(lat) // 2], lat[int(len(lat) * 0.95) - 1]
    print(f"one profile ({len(lat)} profiles): p50 {p50:.1f} ms, p95 {p95:.1f} ms wall; "
          f"cpu p50 {cpu[len(cpu) // 2]:.1f} ms, p95 {cpu[int(len(cpu) * 0.95) - 1]:.1f} ms")

    t0, c0 = time.perf_counter(), time.process_time()
    for p in profiles[:args.batch]:
        rank(index, p, limit=20, today=TODAY)
    print(f"batch: {args.batch} profiles in {time.perf_counter() - t0:.1f} s wall "
          f"({time.process_time() - c0:.1f} s cpu)")

    from joblib.externals.loky import get_reusable_executor

    get_reusable_executor().shutdown(wait=True)  # reap the tokenizer workers: their rusage
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"peak memory: {peak_mb:,.0f} MiB (this process: postings, index, ranking); "
          f"largest tokenizer worker {children.ru_maxrss / 1024:,.0f} MiB; "
          f"worker cpu {children.ru_utime:.0f} s")

    csr = index.matrix
    weights = [dict(zip(csr.indices[csr.indptr[r]:csr.indptr[r + 1]].tolist(),
                        csr.data[csr.indptr[r]:csr.indptr[r + 1]].tolist(), strict=True))
               for r in range(csr.shape[0])]
    naive, naive_cpu = [], []
    for p in profiles[:args.naive]:
        t0, c0 = time.perf_counter(), time.process_time()
        naive_rank(index, weights, p)
        naive.append((time.perf_counter() - t0) * 1000)
        naive_cpu.append((time.process_time() - c0) * 1000)
    ours: list[float] = []  # the same profiles on the same clock as the baseline
    for p in profiles[:args.naive]:
        c0 = time.process_time()
        rank(index, p, limit=20, today=TODAY)
        ours.append((time.process_time() - c0) * 1000)
    mid = len(naive) // 2
    print(f"naive baseline (per-posting Python loop, {len(naive)} profiles): p50 "
          f"{sorted(naive)[mid]:.0f} ms wall, {sorted(naive_cpu)[mid]:.0f} ms cpu; matcher on "
          f"the same profiles {sorted(ours)[mid]:.1f} ms cpu -> "
          f"{sorted(naive_cpu)[mid] / max(sorted(ours)[mid], 1e-3):.0f}x faster")


if __name__ == "__main__":
    main()
