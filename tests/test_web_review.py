"""Review actions through the web, on SQLite and PostgreSQL: each leaves a ReviewEvent
and survives the next crawl of the same sources."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient
from web_support import ADMIN, NOW, Seeded, add_users, login, seed, use_fast_hasher

from majobs.db import match_store
from majobs.db.models import ApplicationState, Candidate, Posting, ReviewEvent, Sighting, User
from majobs.web import create_app

LATER = NOW + timedelta(days=1)


@pytest.fixture(autouse=True)
def _fast_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fast_hasher(monkeypatch)


@pytest.fixture
def seeded(db_engine: Engine) -> Seeded:
    add_users(db_engine)
    return seed(db_engine)


@pytest.fixture
def admin(db_engine: Engine, seeded: Seeded) -> Iterator[tuple[TestClient, str]]:
    app = create_app(str(db_engine.url), secret_key="test-secret", engine=db_engine)
    with TestClient(app) as client:
        yield client, login(client, *ADMIN)


def _posting(sessions: sessionmaker[Session], pid: int) -> Posting | None:
    with sessions.begin() as session:
        return session.get(Posting, pid)


def _events(sessions: sessionmaker[Session], pid: int) -> list[tuple[str, str | None, dict,
                                                                      dict]]:
    with sessions.begin() as session:
        rows = session.execute(select(ReviewEvent.action, User.name, ReviewEvent.before,
                                      ReviewEvent.after)
                               .outerjoin(User, User.id == ReviewEvent.user_id)
                               .where(ReviewEvent.posting_id == pid)
                               .order_by(ReviewEvent.id)).all()
    return [tuple(r) for r in rows]


def _sightings(sessions: sessionmaker[Session], pid: int) -> list[int]:
    with sessions.begin() as session:
        return sorted(session.scalars(select(Sighting.id).where(Sighting.posting_id == pid)))


@pytest.mark.parametrize(("label", "action", "status", "is_ma", "review_is_ma"), [
    ("p3", "reject_not_ma", "rejected", False, False),
    ("p4", "reject_spam", "rejected", False, False),
    ("p5", "confirm_ma", "active", True, True),
    ("p2", "expire", "expired", True, None),
])
def test_review_action_is_recorded_and_survives_the_next_crawl(
        admin: tuple[TestClient, str], db_sessions: sessionmaker[Session], db_engine: Engine,
        seeded: Seeded, label: str, action: str, status: str, is_ma: bool,
        review_is_ma: bool | None) -> None:
    client, token = admin
    pid = seeded.ids[label]
    before = _posting(db_sessions, pid)
    response = client.post(f"/review/{pid}/action", data={"action": action,
                                                          "csrf_token": token})
    assert response.status_code == 200 and response.url.path == f"/review/{pid}"
    assert f'id="status">{status}<' in response.text
    p = _posting(db_sessions, pid)
    assert (p.status, p.is_ma, p.review_is_ma) == (status, is_ma, review_is_ma)
    [(name, user, ev_before, ev_after)] = _events(db_sessions, pid)
    assert (name, user) == (action, ADMIN[0])
    assert ev_before == {"status": before.status, "is_ma": before.is_ma,
                         "review_is_ma": before.review_is_ma}
    assert ev_after == {"status": status, "is_ma": is_ma, "review_is_ma": review_is_ma}
    assert action in client.get(f"/review/{pid}").text.split("Review history")[1]

    again = seed(db_engine, LATER)  # the next crawl sees the same posting again
    assert again.ids[label] == pid
    p = _posting(db_sessions, pid)
    if action != "expire":  # a still-listed posting an admin expired comes back (store)
        assert (p.status, p.is_ma, p.review_is_ma) == (status, is_ma, review_is_ma)
    assert p.last_seen == LATER


def test_quick_review_from_the_queue_answers_with_the_row(admin: tuple[TestClient, str],
                                                         seeded: Seeded) -> None:
    client, token = admin
    pid = seeded.ids["p4"]
    assert f'id="row-{pid}"' in client.get("/review").text
    row = client.post(f"/review/{pid}/action", data={"action": "reject_not_ma"},
                      headers={"HX-Request": "true", "X-CSRF-Token": token})
    assert row.status_code == 200
    assert row.text.lstrip().startswith(f'<tr id="row-{pid}"') and "rejected" in row.text
    # the default queue: active postings nobody reviewed yet
    assert f'id="row-{pid}"' not in client.get("/review").text
    everything = client.get("/review", params={"f": "1", "status": ["active", "rejected"]})
    assert f'id="row-{pid}"' in everything.text


def test_merge_moves_sightings_history_and_states_and_survives_the_next_crawl(
        admin: tuple[TestClient, str], db_sessions: sessionmaker[Session], db_engine: Engine,
        seeded: Seeded) -> None:
    client, token = admin
    keep, dup = seeded.ids["dup_a"], seeded.ids["dup_b"]
    detail = client.get(f"/review/{keep}").text
    assert f'href="/review/{dup}"' in detail.split("Duplicate cluster")[1]
    client.post(f"/review/{dup}/action", data={"action": "confirm_ma", "csrf_token": token})
    with db_sessions.begin() as session:
        cand, _ = match_store.save_candidate(session, "Jordan", {"name": "Jordan"})
        match_store.track(session, cand.id, dup, "applied")
    moved = _sightings(db_sessions, dup)

    response = client.post(f"/review/{dup}/merge", data={"into": str(keep),
                                                         "csrf_token": token})
    assert response.url.path == f"/review/{keep}" and "Merged." in response.text
    assert _posting(db_sessions, dup) is None
    assert client.get(f"/review/{dup}").status_code == 404
    assert set(moved) < set(_sightings(db_sessions, keep))
    actions = [e[0] for e in _events(db_sessions, keep)]
    assert actions == ["confirm_ma", "merge"]  # the absorbed posting's history came along
    merge = _events(db_sessions, keep)[-1]
    assert merge[2]["absorbed_id"] == dup and merge[2]["sightings"] == moved
    with db_sessions.begin() as session:
        states = session.execute(select(ApplicationState.posting_id, ApplicationState.state)
                                 ).all()
        assert [tuple(s) for s in states] == [(keep, "applied")]
        assert session.scalar(select(Candidate.name)) == "Jordan"

    again = seed(db_engine, LATER)
    assert again.ids["dup_b"] == keep and again.ids["dup_a"] == keep
    assert set(moved) < set(_sightings(db_sessions, keep))


def test_split_undoes_a_merge_with_the_absorbed_postings_own_fields(
        admin: tuple[TestClient, str], db_sessions: sessionmaker[Session], db_engine: Engine,
        seeded: Seeded) -> None:
    client, token = admin
    keep, dup = seeded.ids["dup_a"], seeded.ids["dup_b"]
    original = _posting(db_sessions, dup)
    [sighting] = _sightings(db_sessions, dup)
    client.post(f"/review/{dup}/merge", data={"into": str(keep), "csrf_token": token})
    assert sighting in _sightings(db_sessions, keep)
    response = client.post(f"/review/{keep}/split", data={"sighting": str(sighting),
                                                          "csrf_token": token})
    assert response.status_code == 200 and "Split off" in response.text
    new_id = int(response.url.path.rsplit("/", 1)[1])
    assert new_id != keep  # (SQLite may hand the merged-away posting's id out again)
    fresh = _posting(db_sessions, new_id)
    assert fresh.description_text == original.description_text
    assert (fresh.title, fresh.employer, fresh.status) == (original.title, original.employer,
                                                           "active")
    assert _sightings(db_sessions, new_id) == [sighting]
    assert [e[0] for e in _events(db_sessions, keep)] == ["merge", "split"]
    assert [e[0] for e in _events(db_sessions, new_id)] == ["split_from"]

    again = seed(db_engine, LATER)
    assert again.ids["dup_b"] == new_id and again.ids["dup_a"] == keep
    assert _posting(db_sessions, new_id).description_text == original.description_text


@pytest.mark.parametrize(("path", "data", "message"), [
    ("merge", {"into": "self"}, "cannot be merged into itself"),
    ("merge", {"into": "999999"}, "no posting #999999"),
    ("merge", {"into": "abc"}, "Give the number"),
    ("split", {"sighting": "1"}, "only sighting cannot be split"),
    ("split", {"sighting": "999999"}, "is not on posting"),
])
def test_impossible_merges_and_splits_explain_themselves(
        admin: tuple[TestClient, str], db_sessions: sessionmaker[Session], seeded: Seeded,
        path: str, data: dict[str, str], message: str) -> None:
    client, token = admin
    pid = seeded.ids["p1"]
    if data.get("into") == "self":
        data = {"into": str(pid)}
    if path == "split" and data["sighting"] == "1":
        data = {"sighting": str(_sightings(db_sessions, pid)[0])}
    response = client.post(f"/review/{pid}/{path}", data={**data, "csrf_token": token})
    assert response.url.path == f"/review/{pid}"
    assert message in response.text
    assert _events(db_sessions, pid) == []
    assert _posting(db_sessions, pid) is not None


def test_unknown_actions_and_postings(admin: tuple[TestClient, str], seeded: Seeded) -> None:
    client, token = admin
    pid = seeded.ids["p1"]
    assert client.post(f"/review/{pid}/action", data={"action": "delete",
                                                      "csrf_token": token}).status_code == 400
    assert client.post("/review/987654/action", data={"action": "expire",
                                                      "csrf_token": token}).status_code == 404
    assert client.get("/review/987654").status_code == 404


def test_detail_shows_sightings_cluster_and_raw_fields(admin: tuple[TestClient, str],
                                                       seeded: Seeded) -> None:
    client, _ = admin
    html = client.get(f"/review/{seeded.ids['dup_a']}").text
    assert "valley-gh" in html and "https://jobs.example.org/valley-gh/postings/8" in html
    assert f'href="/review/{seeded.ids["dup_b"]}"' in html
    assert "$18.00 - $22.00 per hour" in html or "per hour" in html.split("Pay text")[1]
    assert "Austin, TX, 78701" in html


def test_queue_filters_through_http(admin: tuple[TestClient, str], seeded: Seeded) -> None:
    client, _ = admin
    page = client.get("/review", params={"f": "1", "status": "active", "q": "pediatrics"})
    assert f'id="row-{seeded.ids["p2"]}"' in page.text
    assert f'id="row-{seeded.ids["p1"]}"' not in page.text
    source = client.get("/review", params={"f": "1", "status": "active",
                                           "source": seeded.sources["metro-feed"]})
    assert 'id="total">1<' in source.text
    junk = client.get("/review", params={"f": "1", "cmin": "abc", "from": "yesterday",
                                         "source": "x", "sort": "sideways", "cursor": "%%"})
    assert junk.status_code == 200
