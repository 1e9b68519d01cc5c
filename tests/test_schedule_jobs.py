"""Jobs from majobs.toml and the sources file; stable import paths; bringing the stored
jobs in line at start-up without losing a missed run's next run time."""

from __future__ import annotations

import copy
import pickle
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.util import ref_to_obj
from sqlalchemy import Engine, select

from majobs.config import DEFAULTS
from majobs.db.engine import init_db
from majobs.db.models import SchedulerJob
from majobs.errors import InputError
from majobs.scheduling.jobs import JOB_REFS, job_specs, schedule_settings, sync_jobs
from majobs.scheduling.service import stop_scheduler
from majobs.sources import parse_source

SOURCES = [
    {"name": "valley-health", "kind": "greenhouse", "board": "valleyhealth"},
    {"name": "metro-feed", "kind": "feed", "url": "http://127.0.0.1:1/feed.xml",
     "schedule": "0 */6 * * *"},
    {"name": "old-board", "kind": "lever", "board": "old", "enabled": False,
     "schedule": "0 * * * *"},
    {"name": "lakeside", "kind": "jsonld", "start_urls": ["http://127.0.0.1:1/careers/"],
     "schedule": "*/30 * * * * *"},
]


def config(**schedule: object) -> dict:
    cfg = copy.deepcopy(DEFAULTS)
    cfg["schedule"].update({"timezone": "UTC", **schedule})
    return cfg


def sources() -> list:
    return [parse_source(s, i) for i, s in enumerate(SOURCES)]


def test_every_job_reference_resolves() -> None:
    # The job store keeps only these texts: a rename would make it delete the jobs.
    for ref in JOB_REFS:
        assert callable(ref_to_obj(ref)), ref
    for spec in job_specs(config(), sources(), Path("sources.yaml")):
        assert spec.func in JOB_REFS
        assert callable(ref_to_obj(spec.func))


def test_specs_from_config_and_sources(tmp_path: Path) -> None:
    file = tmp_path / "sources.yaml"
    specs = {s.id: s for s in job_specs(config(jitter_seconds=0), sources(), file)}
    assert set(specs) == {"nightly", "source:metro-feed", "source:lakeside"}
    assert specs["nightly"].cron == "0 2 * * *"
    assert specs["nightly"].kwargs == {"sources": str(file.resolve())}
    assert specs["nightly"].trigger.jitter is None
    assert job_specs(config(), sources(), file)[0].trigger.jitter == 600
    assert specs["source:metro-feed"].kwargs == {"sources": str(file.resolve()),
                                                 "source": "metro-feed"}
    fire = specs["source:metro-feed"].trigger.get_next_fire_time(
        None, datetime(2025, 1, 1, 7, tzinfo=UTC))
    assert fire is not None and fire.hour == 12 and fire.minute == 0


def test_nightly_can_be_turned_off() -> None:
    ids = [s.id for s in job_specs(config(nightly=""), sources(), Path("s.yaml"))]
    assert ids == ["source:metro-feed", "source:lakeside"]


@pytest.mark.parametrize(("schedule", "field"), [
    ({"nightly": "0 2 * *"}, "schedule.nightly"),
    ({"nightly": "0 26 * * *"}, "schedule.nightly"),
    ({"timezone": "Atlantis/Capital"}, "schedule.timezone"),
    ({"jitter_seconds": -5}, "schedule.jitter_seconds"),
    ({"misfire_grace_seconds": "6h"}, "schedule.misfire_grace_seconds"),
    ({"jitter_seconds": True}, "schedule.jitter_seconds"),
])
def test_bad_settings_name_the_field(schedule: dict, field: str) -> None:
    with pytest.raises(InputError) as err:
        job_specs(config(**schedule), sources(), Path("s.yaml"), "site.toml")
    assert err.value.file == "site.toml" and err.value.field == field


def test_bad_source_cron_names_the_source() -> None:
    bad = [parse_source({"name": "busy", "kind": "feed", "url": "http://127.0.0.1:1/f",
                         "schedule": "every day"}, 0)]
    with pytest.raises(InputError) as err:
        job_specs(config(), bad, Path("my-sources.yaml"))
    assert err.value.file == "my-sources.yaml" and err.value.field == "busy.schedule"


def test_grace_is_at_least_one_second() -> None:
    assert schedule_settings(config(misfire_grace_seconds=0))[2] == 1
    assert schedule_settings(config(jitter_seconds=0))[1] is None


@pytest.fixture
def store_engine(tmp_path: Path) -> Engine:
    engine = init_db(f"sqlite:///{tmp_path / 'jobs.db'}")
    yield engine
    engine.dispose()


def started(engine: Engine) -> BackgroundScheduler:
    sched = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(engine=engine)},
                                timezone=UTC)
    sched.start(paused=True)
    return sched


def stored(engine: Engine) -> dict[str, float | None]:
    with engine.connect() as conn:
        return dict(conn.execute(select(SchedulerJob.id, SchedulerJob.next_run_time)).all())


def test_sync_keeps_unchanged_jobs_next_run_time(store_engine: Engine) -> None:
    specs = job_specs(config(jitter_seconds=0), sources(), Path("s.yaml"))
    sched = started(store_engine)
    assert sync_jobs(sched, specs, 60) == {s.id: "added" for s in specs}
    # as if the scheduler had been down across a slot: the stored next run is past
    past = datetime.now(UTC) - timedelta(minutes=5)
    sched.modify_job("nightly", next_run_time=past)
    stop_scheduler(sched)

    sched = started(store_engine)
    actions = sync_jobs(sched, specs, 60)
    assert actions == {s.id: "kept" for s in specs}
    assert sched.get_job("nightly").next_run_time == past   # still due: runs at start-up
    job = sched.get_job("source:lakeside")
    assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 60)
    assert job.func_ref == "majobs.schedules:source_pipeline"
    stop_scheduler(sched)


def test_sync_changes_and_removes(store_engine: Engine) -> None:
    sched = started(store_engine)
    sync_jobs(sched, job_specs(config(jitter_seconds=0), sources(), Path("s.yaml")), 60)
    past = datetime.now(UTC) - timedelta(minutes=5)
    sched.modify_job("nightly", next_run_time=past)
    stop_scheduler(sched)

    # nightly moves to 03:00; lakeside loses its own schedule
    changed = [parse_source({k: v for k, v in s.items() if k != "schedule"}
                            if s["name"] == "lakeside" else s, i)
               for i, s in enumerate(SOURCES)]
    specs = job_specs(config(jitter_seconds=0, nightly="0 3 * * *"), changed, Path("s.yaml"))
    sched = started(store_engine)
    actions = sync_jobs(sched, specs, 60)
    assert actions == {"nightly": "changed", "source:metro-feed": "kept",
                       "source:lakeside": "removed"}
    nxt = sched.get_job("nightly").next_run_time
    assert nxt > datetime.now(UTC) and nxt.hour == 3
    stop_scheduler(sched)
    assert set(stored(store_engine)) == {"nightly", "source:metro-feed"}


def test_stored_jobs_hold_the_text_of_the_function(store_engine: Engine) -> None:
    sched = started(store_engine)
    sync_jobs(sched, job_specs(config(), sources(), Path("s.yaml")), 60)
    stop_scheduler(sched)
    with store_engine.connect() as conn:
        states = [pickle.loads(s) for s in conn.execute(select(SchedulerJob.job_state)).scalars()]
    assert {s["func"] for s in states} == set(JOB_REFS)
