"""The database schema: SQLAlchemy 2 typed models. Alembic migrations follow these.

Timestamps are set in Python (``majobs.db.types.utcnow``), never by ``func.now()``:
SQLite would store a second text format that compares wrongly with ours.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    Unicode,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from majobs.db.types import JSONType, UTCDateTime, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

POSTING_STATUSES = ("active", "expired", "rejected")
RUN_OUTCOMES = ("running", "success", "partial", "failed")
APPLICATION_STATES = ("saved", "applied", "interviewing", "offer", "rejected", "not_interested")
BLOCK_KINDS = ("employer", "title_word")
USER_ROLES = ("admin", "staff")
SCHEDULE_STATUSES = ("running", "success", "partial", "failed", "skipped", "interrupted")


def _one_of(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    quoted = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({quoted})", name=name)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSONType,
                           list[Any]: JSONType}


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String, unique=True)
    kind: Mapped[str] = mapped_column(String)
    config: Mapped[dict[str, Any]] = mapped_column(default=dict)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Posting(Base):
    __tablename__ = "postings"
    __table_args__ = (
        _one_of("status", POSTING_STATUSES, "status"),
        # the admin review queue: "active, MA or not, by confidence" and "newest first"
        Index("ix_postings_status_is_ma_confidence", "status", "is_ma", "ma_confidence"),
        Index("ix_postings_status_last_seen", "status", "last_seen"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    employer: Mapped[str | None] = mapped_column(Text)
    # first location; all of them in `locations`
    city: Mapped[str | None] = mapped_column(String)
    state: Mapped[str | None] = mapped_column(String)
    postal_code: Mapped[str | None] = mapped_column(String)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    locations: Mapped[list[Any]] = mapped_column(default=list)
    remote: Mapped[bool] = mapped_column(Boolean, default=False)
    employment_type: Mapped[str | None] = mapped_column(String)
    pay_min: Mapped[float | None] = mapped_column(Float)
    pay_max: Mapped[float | None] = mapped_column(Float)
    pay_period: Mapped[str | None] = mapped_column(String)
    pay_currency: Mapped[str | None] = mapped_column(String)
    pay_hourly_min: Mapped[float | None] = mapped_column(Float)
    pay_hourly_max: Mapped[float | None] = mapped_column(Float)
    pay_text: Mapped[str | None] = mapped_column(Text)
    date_posted: Mapped[date | None] = mapped_column(Date)
    valid_through: Mapped[datetime | None] = mapped_column(index=True)
    description_html: Mapped[str] = mapped_column(Text, default="")  # sanitized (nh3)
    description_text: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str | None] = mapped_column(String)
    is_ma: Mapped[bool] = mapped_column(Boolean, default=False)  # effective: review wins
    ma_confidence: Mapped[float | None] = mapped_column(Float)
    ma_rule: Mapped[str | None] = mapped_column(String)
    tags: Mapped[dict[str, Any]] = mapped_column(default=dict)  # group -> [ids]
    required_certifications: Mapped[list[Any]] = mapped_column(default=list)
    preferred_certifications: Mapped[list[Any]] = mapped_column(default=list)
    canonical_url: Mapped[str | None] = mapped_column(Text)
    dedup_key: Mapped[str | None] = mapped_column(Text, index=True)
    status: Mapped[str] = mapped_column(String, default="active")
    review_is_ma: Mapped[bool | None] = mapped_column(Boolean)  # an admin's override
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    expired_at: Mapped[datetime | None]


class Sighting(Base):
    """One (source, external key) a posting was seen at."""

    __tablename__ = "sightings"
    __table_args__ = (UniqueConstraint("source_id", "external_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    posting_id: Mapped[int] = mapped_column(
        ForeignKey("postings.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    external_key: Mapped[str] = mapped_column(Text)  # external id, else canonical URL
    url: Mapped[str | None] = mapped_column(Text)
    canonical_url: Mapped[str | None] = mapped_column(Text, index=True)
    apply_url: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str | None] = mapped_column(String)  # what THIS source last sent
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("crawl_runs.id", ondelete="SET NULL"), index=True)
    gone_at: Mapped[datetime | None]  # null while live


class CrawlRun(Base):
    __tablename__ = "crawl_runs"
    __table_args__ = (
        _one_of("outcome", RUN_OUTCOMES, "outcome"),
        Index("ix_crawl_runs_source_id_started_at", "source_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    outcome: Mapped[str] = mapped_column(String, default="running")
    complete: Mapped[bool] = mapped_column(Boolean, default=False)  # saw the whole source
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    host: Mapped[str | None] = mapped_column(String)
    pid: Mapped[int | None] = mapped_column(Integer)


class Candidate(Base):
    __tablename__ = "candidates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String)
    profile: Mapped[dict[str, Any]] = mapped_column(default=dict)
    token: Mapped[str | None] = mapped_column(String, unique=True)  # null = link revoked
    alerts_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    alert_email: Mapped[str | None] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_matched_at: Mapped[datetime | None]


class Match(Base):
    __tablename__ = "matches"
    __table_args__ = (UniqueConstraint("candidate_id", "posting_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    posting_id: Mapped[int] = mapped_column(
        ForeignKey("postings.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    rank: Mapped[int | None] = mapped_column(Integer)
    explanation: Mapped[dict[str, Any]] = mapped_column(default=dict)
    first_matched_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_matched_at: Mapped[datetime] = mapped_column(default=utcnow)
    is_new: Mapped[bool] = mapped_column(Boolean, default=True)
    alerted_at: Mapped[datetime | None]


class ApplicationState(Base):
    __tablename__ = "application_states"
    __table_args__ = (
        UniqueConstraint("candidate_id", "posting_id"),
        _one_of("state", APPLICATION_STATES, "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    posting_id: Mapped[int] = mapped_column(
        ForeignKey("postings.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class BlockRule(Base):
    __tablename__ = "block_rules"
    __table_args__ = (_one_of("kind", BLOCK_KINDS, "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int | None] = mapped_column(  # null = applies to everyone
        ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String)
    value: Mapped[str] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (_one_of("role", USER_ROLES, "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String, unique=True)
    role: Mapped[str] = mapped_column(String, default="staff")
    password_hash: Mapped[str] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReviewEvent(Base):
    __tablename__ = "review_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    posting_id: Mapped[int] = mapped_column(
        ForeignKey("postings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String)
    before: Mapped[dict[str, Any]] = mapped_column(default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(default=dict)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ScheduleEvent(Base):
    """One slot of a scheduled job (majobs.scheduling): its run, or why it did not run.

    Unique per (job, slot): claiming the row is what lets a job run, so a scheduler
    killed and restarted never runs one slot twice.
    """

    __tablename__ = "schedule_events"
    __table_args__ = (
        UniqueConstraint("job_id", "slot"),
        _one_of("status", SCHEDULE_STATUSES, "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(String)
    slot: Mapped[datetime]                     # the scheduled time (or the request time)
    trigger: Mapped[str] = mapped_column(String, default="cron")    # cron | manual
    status: Mapped[str] = mapped_column(String, default="running")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    steps: Mapped[dict[str, Any]] = mapped_column(default=dict)     # step -> its figures
    error: Mapped[str | None] = mapped_column(Text)
    host: Mapped[str | None] = mapped_column(String)
    pid: Mapped[int | None] = mapped_column(Integer)


class SchedulerJob(Base):
    """APScheduler's job store table, as ``SQLAlchemyJobStore`` defines it. Declared here
    so that migrations create it and ``alembic check`` knows it; only APScheduler writes it."""

    __tablename__ = "apscheduler_jobs"

    id: Mapped[str] = mapped_column(Unicode(191), primary_key=True)
    next_run_time: Mapped[float | None] = mapped_column(Float(25), index=True)
    job_state: Mapped[bytes] = mapped_column(LargeBinary)
