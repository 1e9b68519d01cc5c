"""Digests on both backends: one per candidate, only matches of the latest run at or above
the candidate's threshold on active MA postings, never a posting twice; failures keep
the matches for the next run; opting in and out; the digest's text."""

from __future__ import annotations

import email
import email.policy
import itertools
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, sessionmaker
from test_alerts_smtp import free_port, smtp_server
from typer.testing import CliRunner

from majobs.db import alerts_store, match_store
from majobs.db.models import Candidate, Match, Posting, Source
from majobs.scheduling.alerts import pay_text, send_digests
from majobs.scheduling.cli import app

NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)
_n = itertools.count(1)


def add_posting(s: Session, title: str, **kw: Any) -> int:
    n = next(_n)
    p = Posting(title=title, employer=kw.pop("employer", f"Clinic {n}"), city="Austin",
                state="TX", is_ma=kw.pop("is_ma", True), status=kw.pop("status", "active"),
                pay_min=18.0, pay_max=22.5, pay_period="hour", pay_currency="USD",
                canonical_url=f"https://jobs.example.org/p/{n}", first_seen=NOW,
                last_seen=NOW, updated_at=NOW, **kw)
    s.add(p)
    s.flush()
    return p.id


def add_candidate(s: Session, name: str, alerts: dict | None) -> int:
    profile: dict[str, Any] = {"name": name, "location": "78701"}
    if alerts is not None:
        profile["alerts"] = alerts
    cand, _ = match_store.save_candidate(s, name, profile,
                                         alerts.get("email") if alerts else None)
    return cand.id


def add_match(s: Session, cand: int, posting: int, score: float, rank: int | None) -> None:
    s.add(Match(candidate_id=cand, posting_id=posting, score=score, rank=rank,
                explanation={"matched": ["CCMA", "phlebotomy"], "missing": ["BLS"],
                             "distance_miles": 3.2}))
    s.flush()


@pytest.fixture
def cohort(db_sessions: sessionmaker[Session]) -> dict[str, int]:
    with db_sessions.begin() as s:
        ids = {k: add_posting(s, t, **kw) for k, t, kw in [
            ("p1", "Medical Assistant - Pediatrics", {}),
            ("p2", "Clinical Medical Assistant", {}),
            ("p3", "Certified Medical Assistant (CMA)", {}),
            ("p4", "Medical Assistant - Dermatology", {}),
            ("p5", "Medical Receptionist", {"is_ma": False}),
            ("p6", "Medical Assistant - Urgent Care", {"status": "expired"}),
            ("p7", "Medical Assistant - Family Practice", {"is_ma": False,
                                                           "review_is_ma": True}),
        ]}
        ids["ana"] = add_candidate(s, "Ana Zoë Núñez", {"email": "ana@example.org",
                                                        "min_score": 0.5})
        ids["ben"] = add_candidate(s, "Ben Okafor", {"email": "ben@example.org"})
        ids["cal"] = add_candidate(s, "Cal Reyes", None)
        a, b, c = ids["ana"], ids["ben"], ids["cal"]
        for cand, pid, score, rank in [
            (a, "p1", 0.9, 1), (a, "p2", 0.7, 3), (a, "p3", 0.4, 5), (a, "p5", 0.95, None),
            (a, "p6", 0.8, 2), (a, "p4", 0.85, None), (a, "p7", 0.72, 4),
            (b, "p2", 0.65, 1), (b, "p3", 0.55, 2), (c, "p1", 0.9, 1),
        ]:
            add_match(s, cand, ids[pid], score, rank)
    return ids


def cfg(tmp_path: Path, **kw: Any) -> dict[str, Any]:
    return {"min_score": 0.6, "outbox": str(tmp_path / "outbox"), "smtp_port": 587,
            "from": "jobs@center.example", **kw}


def sent(report: Any) -> dict[str, list[int]]:
    return {s["candidate"]: s["postings"] for s in report.sent}


def test_one_digest_each_with_only_new_matches(db_engine: Engine, cohort: dict[str, int],
                                               db_sessions: sessionmaker[Session],
                                               tmp_path: Path) -> None:
    c = cohort
    first = send_digests(db_engine, cfg(tmp_path), environ={})
    # ana: her threshold 0.5; p5 is not MA, p6 expired, p4 not in the latest run, p3 below;
    # p7 is MA by an admin's review. ben: the configured 0.6. cal: alerts off.
    assert sent(first) == {"Ana Zoë Núñez": [c["p1"], c["p7"], c["p2"]],
                           "Ben Okafor": [c["p2"]]}
    assert first.failed == [] and first.delivery == "outbox"
    files = sorted((tmp_path / "outbox").iterdir())
    assert len(files) == 2
    msgs = {m["To"].addresses[0].addr_spec: m for m in
            (email.message_from_bytes(f.read_bytes(), policy=email.policy.default)
             for f in files)}
    ana = msgs["ana@example.org"]
    assert ana["Subject"] == "3 new MA job matches for Ana Zoë Núñez"
    assert ana["From"] == "jobs@center.example"
    body = ana.get_content()
    order = [body.index(t) for t in ("Medical Assistant - Pediatrics",
                                     "Medical Assistant - Family Practice",
                                     "Clinical Medical Assistant")]
    assert order == sorted(order)
    assert "Receptionist" not in body and "Urgent Care" not in body
    assert "https://jobs.example.org/p/" in body and "$18.00-$22.50 an hour" in body
    assert "You have: CCMA, phlebotomy" in body and "Asks for: BLS" in body
    assert msgs["ben@example.org"]["Subject"] == "1 new MA job match for Ben Okafor"

    again = send_digests(db_engine, cfg(tmp_path), environ={})
    assert again.sent == [] and again.failed == []
    assert len(list((tmp_path / "outbox").iterdir())) == 2

    # The next run ranks p3 higher for ana and adds p4 back: only those are new to her.
    with db_sessions.begin() as s:
        s.execute(update(Match).where(Match.candidate_id == c["ana"],
                                      Match.posting_id.in_([c["p3"], c["p4"]]))
                  .values(score=0.75, rank=2))
    third = send_digests(db_engine, cfg(tmp_path), environ={})
    assert sent(third) == {"Ana Zoë Núñez": sorted([c["p3"], c["p4"]])}


def test_failed_delivery_is_retried_next_run(db_engine: Engine, cohort: dict[str, int],
                                             db_sessions: sessionmaker[Session],
                                             tmp_path: Path) -> None:
    down = cfg(tmp_path, smtp_host="127.0.0.1", smtp_port=free_port(), smtp_starttls=False)
    report = send_digests(db_engine, down, environ={})
    assert report.delivery == "smtp" and report.sent == []
    assert sorted(f["candidate"] for f in report.failed) == ["Ana Zoë Núñez", "Ben Okafor"]
    with db_sessions.begin() as s:
        assert s.scalars(select(Match).where(Match.alerted_at.is_not(None))).all() == []
    with smtp_server() as (inbox, port):
        inbox.refuse.add("ben@example.org")
        up = cfg(tmp_path, smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False)
        report = send_digests(db_engine, up, environ={})
        assert sent(report) == {"Ana Zoë Núñez": [cohort["p1"], cohort["p7"], cohort["p2"]]}
        assert [f["candidate"] for f in report.failed] == ["Ben Okafor"]
        assert [rcpt for _, rcpt, _ in inbox.messages] == [["ana@example.org"]]
        inbox.refuse.clear()
        report = send_digests(db_engine, up, environ={})
        assert sent(report) == {"Ben Okafor": [cohort["p2"]]}
        assert len(inbox.messages) == 2


def test_unusable_address_fails_alone(db_engine: Engine, cohort: dict[str, int],
                                      db_sessions: sessionmaker[Session],
                                      tmp_path: Path) -> None:
    with db_sessions.begin() as s:
        s.execute(update(Candidate).where(Candidate.id == cohort["ben"])
                  .values(alert_email="ben at example dot org"))
    report = send_digests(db_engine, cfg(tmp_path), environ={})
    assert list(sent(report)) == ["Ana Zoë Núñez"]
    assert report.failed[0]["candidate"] == "Ben Okafor"
    assert "unusable e-mail address" in report.failed[0]["error"]


@pytest.mark.parametrize(("profile", "want"), [
    ({"alerts": {"email": "a@b.org", "min_score": 0.7}}, 0.7),
    ({"alerts": {"email": "a@b.org", "min_score": 0}}, 0.0),
    ({"alerts": {"email": "a@b.org", "min_score": 1.5}}, None),
    ({"alerts": {"email": "a@b.org", "min_score": "0.7"}}, None),
    ({"alerts": {"email": "a@b.org", "min_score": True}}, None),
    ({"alerts": "a@b.org"}, None),
    ({}, None),
])
def test_profile_threshold(db_sessions: sessionmaker[Session], db_engine: Engine,
                           profile: dict, want: float | None) -> None:
    with db_sessions.begin() as s:
        s.add(Candidate(name="Tess", profile=profile, alerts_enabled=True,
                        alert_email=" tess@example.org "))
    with db_sessions.begin() as s:
        [sub] = alerts_store.subscribers(s)
    assert sub.min_score == want and sub.email == "tess@example.org"


def test_subscribe_and_unsubscribe_from_the_cli(db_engine: Engine, db_url: str,
                                                cohort: dict[str, int],
                                                db_sessions: sessionmaker[Session],
                                                tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["--db", db_url]
    out = runner.invoke(app, ["alerts", "subscribe", "Cal Reyes", "--email",
                              "cal@example.org", "--min-score", "0.8", *base])
    assert out.exit_code == 0, out.output
    with db_sessions.begin() as s:
        cal = s.get(Candidate, cohort["cal"])
        assert (cal.alerts_enabled, cal.alert_email) == (True, "cal@example.org")
        assert cal.profile["alerts"] == {"email": "cal@example.org", "min_score": 0.8}
    out = runner.invoke(app, ["alerts", "send", "--dry-run", *base])
    assert out.exit_code == 0
    assert f"Cal Reyes <cal@example.org>: {cohort['p1']}" in out.output
    out = runner.invoke(app, ["alerts", "unsubscribe", "Ana Zoë Núñez", *base])
    assert out.exit_code == 0
    with db_sessions.begin() as s:
        ana = s.get(Candidate, cohort["ana"])
        assert (ana.alerts_enabled, ana.alert_email) == (False, None)
        assert "alerts" not in ana.profile
    for args in (["alerts", "subscribe", "Nobody", "--email", "n@example.org"],
                 ["alerts", "subscribe", "Cal Reyes", "--email", "not-an-address"],
                 ["alerts", "subscribe", "Cal Reyes", "--email", "c@x.org", "--min-score", "2"]):
        out = runner.invoke(app, [*args, *base])
        assert out.exit_code != 0


@pytest.mark.parametrize(("pay", "want"), [
    ({"min": 18.0, "max": 22.5, "period": "hour", "currency": "USD"}, "$18.00-$22.50 an hour"),
    ({"min": 19.0, "max": None, "period": "hour", "currency": "USD"}, "$19.00 an hour"),
    ({"min": None, "max": 21.0, "period": "hour", "currency": None}, "$21.00 an hour"),
    ({"min": 38000.0, "max": 42000.0, "period": "year", "currency": "USD"},
     "$38,000-$42,000 a year"),
    ({"min": 20.0, "max": 20.0, "period": "hour", "currency": "CAD"}, "CAD 20.00 an hour"),
    ({"min": None, "max": None, "period": "hour"}, None),
    (None, None),
])
def test_pay_text(pay: dict | None, want: str | None) -> None:
    assert pay_text(pay) == want


def test_nobody_subscribed_sends_nothing(db_engine: Engine, tmp_path: Path,
                                         db_sessions: sessionmaker[Session]) -> None:
    with db_sessions.begin() as s:
        s.add(Source(name="board", kind="feed", config={}))
    report = send_digests(db_engine, cfg(tmp_path), environ={})
    assert report.sent == [] and report.failed == []
    assert not (tmp_path / "outbox").exists()
