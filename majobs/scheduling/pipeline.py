"""One pipeline run: crawl -> re-index -> match every candidate -> alerts.

The run first claims its slot (a ``schedule_events`` row unique per job and slot); a slot
already claimed is not run again, which is what keeps a scheduler killed between starting
a job and storing its next run time from running that slot twice. Each step's figures are
saved as it ends. A stop request (SIGTERM, Ctrl-C) stops the crawl child and abandons the
steps not started; the run is then recorded as interrupted.

Status: success; partial when a step had failures but the pipeline went on (a source
failed, a candidate's profile is broken, a digest was not delivered); failed when a step
raised; interrupted when the scheduler stopped it.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from majobs.db import schedule_store
from majobs.db.engine import session_factory
from majobs.db.types import utcnow
from majobs.errors import InputError
from majobs.scheduling.runtime import CrawlRequest, Runtime, current_slot

log = logging.getLogger(__name__)


@dataclass
class PipelineRun:
    job_id: str
    event_id: int
    steps: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def sources_to_crawl(sources_file: Path, only: str | None) -> list[str]:
    """The nightly crawl: enabled sources without a schedule of their own. One source's
    job: that source (if still listed and enabled)."""
    from majobs.sources import load_sources

    sources = load_sources(sources_file)
    if only is not None:
        return [s.name for s in sources if s.name == only and s.enabled]
    return [s.name for s in sources if s.enabled and not s.schedule]


def _crawl(rt: Runtime, run: PipelineRun, sources_file: Path, only: str | None) -> None:
    try:
        names = sources_to_crawl(sources_file, only)
    except InputError as exc:
        run.steps["crawl"] = {"error": str(exc)}
        run.problems.append(f"crawl: {exc}")
        return
    if not names:
        run.steps["crawl"] = {"sources": 0, "note": "nothing to crawl"}
        if only is not None:
            run.problems.append(f"crawl: source {only} is no longer listed or enabled")
        return
    from majobs.scheduling.crawl_child import crawl_in_child

    def started(pid: int) -> None:   # the history shows the crawl while it runs
        run.steps["crawl"] = {"sources": len(names), "pid": pid, "running": True}
        _save(rt, run)

    crawler = rt.crawler or crawl_in_child
    result = crawler(rt, CrawlRequest(sources_file, names, on_start=started))
    step: dict[str, Any] = {"sources": len(names), "exit_code": result.exit_code,
                            "seconds": result.seconds, "pid": result.pid}
    if result.pid is not None and result.started_at is not None:
        with session_factory(rt.engine, readonly=True).begin() as session:
            runs = schedule_store.runs_of_process(session, socket.gethostname(), result.pid,
                                                  result.started_at)
        step["runs"] = [r["id"] for r in runs]
        step["outcomes"] = {o: sum(1 for r in runs if r["outcome"] == o)
                            for o in sorted({r["outcome"] for r in runs})}
    if result.stopped:
        step["stopped"] = result.stopped + (" (SIGKILL)" if result.killed else "")
    run.steps["crawl"] = step
    if result.exit_code != 0:
        run.problems.append(f"crawl: {result.stopped or f'exit code {result.exit_code}'}")


def _index(rt: Runtime, run: PipelineRun) -> Any:
    from majobs.matcher.index import load_or_build

    t0 = time.monotonic()
    index = load_or_build(rt.engine)
    run.steps["index"] = {"postings": len(index), "seconds": round(time.monotonic() - t0, 1)}
    return index


def _match(rt: Runtime, run: PipelineRun, index: Any) -> None:
    from majobs.matcher.cohort import match_all_candidates
    from majobs.matcher.weights import Weights

    settings = rt.cfg.get("matcher", {})
    t0 = time.monotonic()
    runs = match_all_candidates(rt.engine, int(settings.get("limit", 20)), index=index,
                                weights=Weights.from_mapping(settings.get("weights")))
    errors = {r.name: r.error for r in runs if r.error}
    run.steps["match"] = {"candidates": len(runs), "new_matches": sum(len(r.new) for r in runs),
                          "errors": errors, "seconds": round(time.monotonic() - t0, 1)}
    if errors:
        run.problems.append(f"match: {len(errors)} candidate profile(s) failed")


def _alerts(rt: Runtime, run: PipelineRun) -> None:
    from majobs.scheduling.alerts import send_digests

    report = send_digests(rt.engine, rt.cfg.get("alerts", {})).as_dict()
    run.steps["alerts"] = {k: report[k] for k in ("delivery", "digests", "postings", "failed")}
    if report["failed"]:
        run.problems.append(f"alerts: {len(report['failed'])} digest(s) not delivered")


def _save(rt: Runtime, run: PipelineRun) -> None:
    with session_factory(rt.engine).begin() as session:
        schedule_store.save_steps(session, run.event_id, run.steps)


def claim(rt: Runtime, job_id: str, slot: datetime, trigger: str) -> int | None:
    with session_factory(rt.engine).begin() as session:
        return schedule_store.claim_slot(session, job_id, slot, trigger,
                                         host=socket.gethostname(), pid=os.getpid())


def run_pipeline(rt: Runtime, job_id: str, sources_file: str | Path,
                 only: str | None = None) -> str:
    """Claim this job's slot and run the pipeline; the status recorded (``duplicate``
    when the slot was already claimed and nothing ran)."""
    slot = current_slot()
    trigger = "cron" if slot is not None else "manual"
    event_id = claim(rt, job_id, slot or utcnow(), trigger)
    if event_id is None:
        log.warning("job %s: slot %s already ran or was skipped; not running it again",
                    job_id, slot)
        return "duplicate"
    run = PipelineRun(job_id, event_id)
    found: dict[str, Any] = {}
    plan: list[tuple[str, Callable[[], Any]]] = [
        ("crawl", lambda: _crawl(rt, run, Path(sources_file), only)),
        ("index", lambda: found.update(index=_index(rt, run))),
        ("match", lambda: _match(rt, run, found["index"])),
        ("alerts", lambda: _alerts(rt, run)),
    ]
    status, error = "success", None
    for i, (step, do) in enumerate(plan):
        if rt.stop.is_set():
            status = "interrupted"
            error = "; ".join([*run.problems, "scheduler stopping: not run: "
                               + ", ".join(name for name, _ in plan[i:])])
            break
        try:
            do()
        except Exception as exc:
            log.exception("job %s: %s step failed", job_id, step)
            status, error = "failed", "; ".join([*run.problems, f"{step}: {exc}"])
            break
        _save(rt, run)
    if status == "success" and run.problems:
        status, error = "partial", "; ".join(run.problems)
    with session_factory(rt.engine).begin() as session:
        schedule_store.finish_event(session, event_id, status, run.steps, error)
    log.info("job %s (slot %s): %s%s", job_id, slot, status, f": {error}" if error else "")
    return status
