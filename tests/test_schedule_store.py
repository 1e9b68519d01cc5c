"""The scheduler's SQL on both backends: one row per (job, slot), skips never overwrite a
run, stale runs interrupted, history order, crawl runs of a stopped child closed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from majobs.db import runs, schedule_store
from majobs.db.models import CrawlRun, ScheduleEvent, Source

T0 = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)


def test_a_slot_is_claimed_once(db_sessions: sessionmaker[Session]) -> None:
    with db_sessions.begin() as s:
        first = schedule_store.claim_slot(s, "nightly", T0, "cron", host="h", pid=10)
    assert first is not None
    # the same instant written in another zone is the same slot
    same = T0.astimezone(timezone(timedelta(hours=-6)))
    with db_sessions.begin() as s:
        assert schedule_store.claim_slot(s, "nightly", same, "cron") is None
        assert schedule_store.record_skip(s, "nightly", T0, "missed") is None
        assert schedule_store.claim_slot(s, "source:busy", T0, "cron") is not None
        assert schedule_store.claim_slot(s, "nightly", T0 + timedelta(days=1), "cron")
    with db_sessions.begin() as s:
        rows = s.scalars(select(ScheduleEvent).order_by(ScheduleEvent.id)).all()
        assert [(r.job_id, r.slot, r.status) for r in rows] == [
            ("nightly", T0, "running"), ("source:busy", T0, "running"),
            ("nightly", T0 + timedelta(days=1), "running")]
        assert rows[0].host == "h" and rows[0].pid == 10 and rows[0].started_at is not None


def test_finish_interrupt_and_history(db_sessions: sessionmaker[Session]) -> None:
    with db_sessions.begin() as s:
        a = schedule_store.claim_slot(s, "nightly", T0, "cron")
        b = schedule_store.claim_slot(s, "nightly", T0 + timedelta(days=1), "manual")
        schedule_store.record_skip(s, "nightly", T0 + timedelta(days=2), "still going")
        schedule_store.save_steps(s, a, {"crawl": {"exit_code": 0}})
        schedule_store.finish_event(s, a, "success", {"crawl": {"exit_code": 0},
                                                      "index": {"postings": 3}})
    with pytest.raises(ValueError, match="status must be one of"), db_sessions.begin() as s:
        schedule_store.finish_event(s, a, "running", {})
    with db_sessions.begin() as s:
        assert schedule_store.interrupt_stale(s) == 1       # b only
        hist = schedule_store.history(s, limit=10)
        assert [(h.id, h.status) for h in hist[1:]] == [(b, "interrupted"), (a, "success")]
        assert hist[0].status == "skipped" and hist[0].error == "still going"
        assert hist[0].started_at is None
        assert hist[2].steps == {"crawl": {"exit_code": 0}, "index": {"postings": 3}}
        assert [h.id for h in schedule_store.history(s, limit=1)] == [hist[0].id]
        assert schedule_store.last_events(s)["nightly"].id == hist[0].id
        assert schedule_store.stored_next_runs(s) == {}


def test_runs_of_a_stopped_child_are_closed(db_sessions: sessionmaker[Session]) -> None:
    since = datetime.now(UTC) - timedelta(seconds=5)
    with db_sessions.begin() as s:
        src = Source(name="board", kind="feed", config={})
        s.add(src)
        s.flush()
        ok = runs.start_run(s, src.id)
        runs.finish_run(s, ok, "success", True, {})
        hung = runs.start_run(s, src.id)
        stopped = runs.start_run(s, src.id)
        runs.finish_run(s, stopped, "partial", False, {}, "crawl stopped early (shutdown)")
        pid, host = s.get(CrawlRun, hung).pid, s.get(CrawlRun, hung).host
        other = CrawlRun(source_id=src.id, outcome="running", host=host, pid=pid + 1)
        s.add(other)
    with db_sessions.begin() as s:
        listed = schedule_store.runs_of_process(s, host, pid, since)
        assert [(r["id"], r["outcome"]) for r in listed] == [
            (ok, "success"), (hung, "running"), (stopped, "partial")]
        assert schedule_store.close_runs_of_process(s, host, pid, since, "time limit") == 2
    with db_sessions.begin() as s:
        got = {r.id: (r.outcome, r.error, r.finished_at is not None)
               for r in s.scalars(select(CrawlRun))}
    assert got[ok] == ("success", None, True)
    assert got[hung] == ("failed", "time limit", True)
    assert got[stopped] == ("partial", "crawl stopped early (shutdown); time limit", True)
    assert got[other.id][0] == "running"       # another process's run is not touched


def test_open_runs_and_failing_them(db_sessions: sessionmaker[Session]) -> None:
    since = datetime.now(UTC) - timedelta(seconds=5)
    with db_sessions.begin() as s:
        src = Source(name="board", kind="feed", config={})
        s.add(src)
        s.flush()
        a, b = runs.start_run(s, src.id), runs.start_run(s, src.id)
        done = runs.start_run(s, src.id)
        runs.finish_run(s, done, "partial", False, {}, "HTTP 503 on 1 request(s)")
        s.add(CrawlRun(source_id=src.id, outcome="running", host="worker-2", pid=77))
        host, pid = s.get(CrawlRun, a).host, s.get(CrawlRun, a).pid
    with db_sessions.begin() as s:
        assert sorted(schedule_store.open_runs_on_host(s, host)) == [(a, pid), (b, pid)]
        assert schedule_store.close_runs_of_process(s, host, pid, since, "ended",
                                                    only_open=True) == 2
        assert schedule_store.open_runs_on_host(s, host) == []
        assert schedule_store.fail_runs(s, [a, done], "again") == 0   # none still running
    with db_sessions.begin() as s:
        got = {r.id: (r.outcome, r.error) for r in s.scalars(select(CrawlRun))}
    assert got[a] == got[b] == ("failed", "ended")
    assert got[done] == ("partial", "HTTP 503 on 1 request(s)")     # only_open: untouched
