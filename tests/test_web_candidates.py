"""Candidates through the web (staff), their live matches, private links and the cohort
CSV, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from starlette.testclient import TestClient
from web_support import ADMIN, STAFF, Seeded, add_users, login, seed, use_fast_hasher

from majobs.web import create_app
from majobs.web.routes.candidates import _cell

JORDAN = {"name": "Jordan Rivera", "location": "78701", "radius_miles": "25",
          "certifications": "CCMA, BLS", "skills": "phlebotomy, vital signs, EKG",
          "employment_types": ["full_time"], "summary": "Two years in family medicine."}
# Seattle: no seeded posting is within 10 miles of her.
ROBIN = {"name": "Robin Lee", "location": "Seattle, WA", "radius_miles": "10",
         "certifications": "CMA", "skills": "scheduling"}


@pytest.fixture(autouse=True)
def _setup(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    use_fast_hasher(monkeypatch)
    monkeypatch.setenv("MAJOBS_INDEX_DIR", str(tmp_path / "index"))


@pytest.fixture
def seeded(db_engine: Engine) -> Seeded:
    add_users(db_engine)
    return seed(db_engine)


@pytest.fixture
def app(db_engine: Engine, seeded: Seeded) -> FastAPI:
    return create_app(str(db_engine.url), secret_key="test-secret", engine=db_engine)


@pytest.fixture
def staff(app: FastAPI) -> Iterator[tuple[TestClient, str]]:
    with TestClient(app) as client:
        yield client, login(client, *STAFF)


def _add(client: TestClient, token: str, form: dict) -> int:
    response = client.post("/candidates/new", data={**form, "csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def _matched_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<li class="match" data-posting="(\d+)"', html)]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True, scope="module")  # no SQL
@pytest.mark.parametrize(("change", "field", "words"), [
    ({"location": "99999"}, "location", "unknown ZIP code '99999'"),
    ({"location": "Atlantis, ZZ"}, "location", "unknown city"),
    ({"certifications": "CCMA, CMX"}, "certifications", "unknown certification 'CMX'"),
    ({"min_pay_hourly": "lots"}, "min_pay_hourly", "must be a number"),
    ({"min_pay_hourly": "45000"}, "min_pay_hourly", "not a plausible hourly rate"),
    ({"radius_miles": "-5"}, "radius_miles", "must not be below 0"),
    ({"location": "", "radius_miles": "10"}, "radius_miles", "needs a location"),
    ({"specializations": "astrology"}, "specializations", "unknown specialization"),
    ({"employment_types": ["gig"]}, "employment_types", "unknown employment type 'gig'"),
    ({"alert_email": "not-an-address"}, "alert_email", "is not an e-mail address"),
    ({"name": ""}, "name", "is required"),
])
def test_invalid_profile_shows_the_error_next_to_its_field(
        staff: tuple[TestClient, str], change: dict, field: str, words: str) -> None:
    client, token = staff
    response = client.post("/candidates/new", data={**JORDAN, **change, "csrf_token": token})
    assert response.status_code == 400
    match = re.search(rf'<span class="field-error" id="error-{field}"[^>]*>(.*?)</span>',
                      response.text)
    assert match, response.text
    assert words in match.group(1).replace("&#39;", "'")
    assert response.text.count('class="field-error"') == 1
    kept = change.get("location", JORDAN["location"])
    assert f'name="location" value="{kept}"' in response.text  # what was typed stays
    assert "Jordan Rivera" not in client.get("/candidates").text


def test_add_edit_and_remove_a_candidate(staff: tuple[TestClient, str]) -> None:
    client, token = staff
    cid = _add(client, token, JORDAN)
    page = client.get(f"/candidates/{cid}").text
    assert "Jordan Rivera" in page and _matched_ids(page)
    twice = client.post("/candidates/new", data={**JORDAN, "csrf_token": token})
    assert twice.status_code == 400 and "already exists" in twice.text
    form = client.get(f"/candidates/{cid}/edit").text
    assert 'value="CCMA, BLS"' in form and 'value="full_time" checked' in form
    bad = client.post(f"/candidates/{cid}/edit", data={**JORDAN, "location": "00000",
                                                      "csrf_token": token})
    assert bad.status_code == 400 and 'id="error-location"' in bad.text
    moved = client.post(f"/candidates/{cid}/edit", data={**JORDAN, **ROBIN,
                                                        "name": "Jordan Rivera",
                                                        "csrf_token": token})
    assert moved.status_code == 200 and _matched_ids(moved.text) == []
    assert "No matching postings" in moved.text
    client.post(f"/candidates/{cid}/remove", data={"csrf_token": token})
    assert client.get(f"/candidates/{cid}").status_code == 404


def test_a_rejected_posting_leaves_the_candidates_matches(app: FastAPI,
                                                          seeded: Seeded) -> None:
    with TestClient(app) as staff_client, TestClient(app) as admin_client:
        token = login(staff_client, *STAFF)
        cid = _add(staff_client, token, JORDAN)
        before = _matched_ids(staff_client.get(f"/candidates/{cid}").text)
        assert seeded.ids["p1"] in before
        admin_token = login(admin_client, *ADMIN)
        admin_client.post(f"/review/{seeded.ids['p1']}/action",
                          data={"action": "reject_spam", "csrf_token": admin_token})
        after = _matched_ids(staff_client.get(f"/candidates/{cid}").text)
    assert seeded.ids["p1"] not in after
    assert set(after) <= set(before) | set(seeded.ids.values())


def test_private_link_shows_only_that_candidate_and_can_be_revoked(
        staff: tuple[TestClient, str], app: FastAPI) -> None:
    client, token = staff
    jordan, robin = _add(client, token, JORDAN), _add(client, token, ROBIN)
    assert "/s/" not in client.get(f"/candidates/{jordan}").text  # no link until asked
    links = {}
    for cid in (jordan, robin):
        page = client.post(f"/candidates/{cid}/link", data={"csrf_token": token}).text
        links[cid] = re.search(r'id="private-link">[^<]*/s/([A-Za-z0-9_-]+)<', page).group(1)
    assert all(len(t) >= 43 for t in links.values()) and links[jordan] != links[robin]
    with TestClient(app) as visitor:  # logged out
        mine = visitor.get(f"/s/{links[jordan]}")
        assert mine.status_code == 200 and "Jobs for Jordan Rivera" in mine.text
        assert "Robin Lee" not in mine.text and _matched_ids(mine.text)
        assert mine.headers["cache-control"] == "no-store"
        assert 'action="/logout"' not in mine.text and "/review" not in mine.text
        theirs = visitor.get(f"/s/{links[robin]}")
        assert "Jobs for Robin Lee" in theirs.text and "Jordan" not in theirs.text
        assert _matched_ids(theirs.text) == []
        client.post(f"/candidates/{jordan}/link/revoke", data={"csrf_token": token})
        assert visitor.get(f"/s/{links[jordan]}").status_code == 404
        renewed = client.post(f"/candidates/{robin}/link", data={"csrf_token": token}).text
        assert links[robin] not in renewed
        assert visitor.get(f"/s/{links[robin]}").status_code == 404
        for probe in ("", "x", links[jordan][:-1], "%00", "a" * 500):
            assert visitor.get(f"/s/{probe}", follow_redirects=False).status_code in (303,
                                                                                     404)


def test_cohort_csv_export(staff: tuple[TestClient, str]) -> None:
    client, token = staff
    jordan, robin = _add(client, token, JORDAN), _add(client, token, ROBIN)
    page = client.get(f"/candidates/{jordan}").text
    response = client.get("/candidates/export.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {r["candidate"] for r in rows} == {"Jordan Rivera"}  # Robin has no matches
    assert [int(r["posting_id"]) for r in rows] == _matched_ids(page)
    assert [int(r["rank"]) for r in rows] == list(range(1, len(rows) + 1))
    scores = [float(r["score"]) for r in rows]
    assert scores == sorted(scores, reverse=True)
    only = client.get("/candidates/export.csv", params={"id": str(robin)})
    assert list(csv.DictReader(io.StringIO(only.text))) == []


@pytest.mark.parametrize(("value", "cell"), [
    ("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"), ("+1", "'+1"),
    ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("Medical Assistant", "Medical Assistant"),
    (None, ""), (0.5, "0.5"),
])
def test_csv_cells_cannot_become_formulas(value: object, cell: str) -> None:
    assert _cell(value) == cell


def test_nul_bytes_never_reach_the_database(app: FastAPI, staff: tuple[TestClient, str]
                                            ) -> None:
    """PostgreSQL text cannot hold NUL: every way in must refuse or drop it, not fail."""
    client, token = staff
    cid = _add(client, token, {**JORDAN, "name": "Ana\x00 Diaz",
                               "skills": "phleb\x00otomy", "summary": "x\x00y"})
    page = client.get(f"/candidates/{cid}").text
    assert "Ana Diaz" in page and "\x00" not in page
    assert client.get("/s/abc%00def").status_code == 404
    with TestClient(app) as admin_client:
        admin_token = login(admin_client, *ADMIN)
        assert admin_client.get("/review", params={"f": "1", "q": "Medical\x00"}
                                ).status_code == 200
        assert admin_client.get("/sources/valley%00gh").status_code == 404
        assert admin_client.post("/sources/valley%00gh/enabled",
                                 data={"csrf_token": admin_token}).status_code == 404
        assert admin_client.post("/users/sam%00/remove",
                                 data={"csrf_token": admin_token}).status_code == 200
    with TestClient(app) as visitor:
        login_page = visitor.get("/login").text
        response = visitor.post("/login", data={
            "name": "ada\x00", "password": ADMIN[1],
            "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', login_page)[1]})
        assert response.status_code == 401
