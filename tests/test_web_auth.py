"""Web security over plain HTTP: login, sessions, CSRF, headers, roles, escaping."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient
from web_support import (
    ADMIN,
    STAFF,
    XSS_TITLE,
    Seeded,
    add_users,
    csrf_of,
    login,
    seed,
    use_fast_hasher,
)

from majobs.web import create_app
from majobs.web.security import CONTENT_SECURITY_POLICY, safe_next

# HTTP behaviour does not depend on the backend: SQLite only (the web's SQL runs on both
# backends in test_web_review.py and test_web_candidates.py).
pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True, scope="module")


@pytest.fixture(autouse=True)
def _fast_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fast_hasher(monkeypatch)


@pytest.fixture
def seeded(db_engine: Engine) -> Seeded:
    add_users(db_engine)
    return seed(db_engine)


@pytest.fixture
def client(db_engine: Engine, seeded: Seeded) -> Iterator[TestClient]:
    app = create_app(str(db_engine.url), secret_key="test-secret", engine=db_engine)
    with TestClient(app) as c:
        yield c


PRIVATE_PAGES = ["/", "/review", "/review/1", "/sources", "/runs", "/candidates",
                 "/candidates/new", "/market", "/users", "/no-such-page", "/loginx",
                 "/static", "/s"]


def test_logged_out_visitor_gets_only_the_login_page(client: TestClient) -> None:
    for path in PRIVATE_PAGES:
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login"), path
        followed = client.get(path)
        assert followed.url.path == "/login", path
        assert 'action="/login"' in followed.text


def test_logged_out_posts_and_htmx_requests_go_to_login(client: TestClient,
                                                        seeded: Seeded) -> None:
    pid = seeded.ids["p1"]
    response = client.post(f"/review/{pid}/action", data={"action": "expire"},
                           follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    hx = client.get("/review", headers={"HX-Request": "true"}, follow_redirects=False)
    assert hx.headers.get("hx-redirect", "").startswith("/login")


def test_public_paths_stay_public(client: TestClient) -> None:
    assert client.get("/static/app.css").status_code == 200
    assert client.get("/static/htmx-2.0.11.min.js").status_code == 200
    assert client.get("/login").status_code == 200
    assert client.get("/s/not-a-real-token", follow_redirects=False).status_code == 404


@pytest.mark.parametrize(("name", "password"), [
    (ADMIN[0], "wrong-password"), ("nobody", ADMIN[1]), (ADMIN[0], ""), ("", ""),
    (ADMIN[0].upper(), ADMIN[1]),
])
def test_wrong_credentials_are_refused(client: TestClient, name: str, password: str) -> None:
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"name": name, "password": password,
                                           "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 401
    assert "Wrong name or password" in response.text
    assert client.get("/review", follow_redirects=False).status_code == 303


def test_login_sets_a_safe_session_cookie_and_logout_ends_it(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"name": ADMIN[0], "password": ADMIN[1],
                                           "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie  # plain http (tests); see the https case below
    page = client.get("/review")
    assert page.status_code == 200
    after = csrf_of(page.text)
    assert after != token  # a new session: the token from before login is gone
    assert client.post("/logout", data={"csrf_token": after},
                       follow_redirects=False).status_code == 303
    assert client.get("/review", follow_redirects=False).status_code == 303


def test_cookie_is_secure_over_https(db_engine: Engine, seeded: Seeded) -> None:
    app = create_app(str(db_engine.url), secret_key="s", engine=db_engine)
    with TestClient(app, base_url="https://testserver") as c:
        token = csrf_of(c.get("/login").text)
        response = c.post("/login", data={"name": ADMIN[0], "password": ADMIN[1],
                                          "csrf_token": token}, follow_redirects=False)
    assert "secure" in [p.strip() for p in response.headers["set-cookie"].lower().split(";")]
    assert "strict-transport-security" in response.headers


@pytest.mark.parametrize(("target", "expected"), [
    ("/review?status=active", "/review?status=active"), ("//evil.example/x", "/"),
    ("https://evil.example/", "/"), ("/\\evil.example", "/"), ("", "/"), ("review", "/"),
])
def test_login_redirects_only_within_the_site(client: TestClient, target: str,
                                              expected: str) -> None:
    assert safe_next(target) == expected
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"name": ADMIN[0], "password": ADMIN[1],
                                           "csrf_token": token, "next": target},
                           follow_redirects=False)
    assert response.headers["location"] == expected


def test_a_cookie_signed_with_another_key_is_not_a_session(db_engine: Engine,
                                                           seeded: Seeded) -> None:
    one = TestClient(create_app(str(db_engine.url), secret_key="one", engine=db_engine))
    login(one, *ADMIN)
    cookie = one.cookies.get("majobs_session")
    two = TestClient(create_app(str(db_engine.url), secret_key="two", engine=db_engine))
    two.cookies.set("majobs_session", cookie)
    assert two.get("/review", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("how", ["missing", "wrong", "other-session", "empty-header"])
def test_posts_without_this_sessions_csrf_token_are_refused(
        client: TestClient, db_engine: Engine, seeded: Seeded, how: str) -> None:
    login(client, *ADMIN)
    pid = seeded.ids["p3"]
    data = {"action": "expire"}
    headers = {}
    if how == "wrong":
        data["csrf_token"] = "x" * 43
    elif how == "other-session":
        other = TestClient(create_app(str(db_engine.url), secret_key="test-secret",
                                      engine=db_engine))
        data["csrf_token"] = login(other, *STAFF)
    elif how == "empty-header":
        headers["X-CSRF-Token"] = ""
    response = client.post(f"/review/{pid}/action", data=data, headers=headers,
                           follow_redirects=False)
    assert response.status_code == 403
    assert "Reload the page" in response.text
    assert "expired" not in client.get(f"/review/{pid}").text.split('id="status">')[1][:20]


def test_csrf_token_in_form_field_or_htmx_header_is_accepted(client: TestClient,
                                                             seeded: Seeded) -> None:
    token = login(client, *ADMIN)
    one, two = seeded.ids["p3"], seeded.ids["p4"]
    by_form = client.post(f"/review/{one}/action", data={"action": "expire",
                                                         "csrf_token": token},
                          follow_redirects=False)
    assert by_form.status_code == 303
    by_header = client.post(f"/review/{two}/action", data={"action": "expire"},
                            headers={"X-CSRF-Token": token, "HX-Request": "true"})
    assert by_header.status_code == 200 and f'id="row-{two}"' in by_header.text
    assert ">expired<" in by_header.text


def test_login_form_itself_needs_the_token(client: TestClient) -> None:
    client.get("/login")
    response = client.post("/login", data={"name": ADMIN[0], "password": ADMIN[1]},
                           follow_redirects=False)
    assert response.status_code == 403


def test_security_headers_on_every_response(client: TestClient) -> None:
    for path in ["/login", "/static/app.css", "/s/nope", "/review"]:
        if path == "/review":
            login(client, *ADMIN)
        _check_headers(client.get(path).headers)


def _check_headers(headers: Any) -> None:
    csp = headers["content-security-policy"]
    assert csp == CONTENT_SECURITY_POLICY
    directives = {d.split()[0]: d.split()[1:] for d in csp.split("; ")}
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


def test_pages_carry_no_inline_script(client: TestClient, seeded: Seeded) -> None:
    login(client, *ADMIN)
    for path in ["/review", f"/review/{seeded.ids['xss']}", "/sources", "/market",
                 "/candidates", "/users"]:
        html = client.get(path).text
        for tag in html.split("<script")[1:]:
            assert tag.lstrip().startswith("src=\"/static/"), (path, tag[:80])
        assert " onclick=" not in html and " onload=" not in html


def test_roles(client: TestClient, seeded: Seeded) -> None:
    pages = {"/users": 403, "/review": 403, f"/review/{seeded.ids['p1']}": 403,
             "/sources": 403, "/runs": 403, "/candidates": 200, "/market": 200}
    token = login(client, *STAFF)
    for path, status in pages.items():
        assert client.get(path).status_code == status, path
    for path in (f"/review/{seeded.ids['p1']}/action", "/sources/valley-gh/enabled"):
        assert client.post(path, data={"csrf_token": token, "action": "expire",
                                       "enabled": "0"}).status_code == 403, path
    client.post("/logout", data={"csrf_token": token})
    login(client, *ADMIN)
    for path in pages:
        assert client.get(path).status_code == 200, path


def test_staff_cannot_manage_users(client: TestClient) -> None:
    token = login(client, *STAFF)
    add = client.post("/users", data={"name": "mallory", "role": "admin",
                                      "password": "long-enough-1", "csrf_token": token})
    assert add.status_code == 403
    remove = client.post(f"/users/{ADMIN[0]}/remove", data={"csrf_token": token})
    assert remove.status_code == 403
    client.post("/logout", data={"csrf_token": token})
    admin_token = login(client, *ADMIN)
    names = client.get("/users").text
    assert "mallory" not in names and ADMIN[0] in names
    assert client.post("/users", data={"csrf_token": admin_token}).status_code == 400


def test_admin_adds_and_removes_users_and_removal_ends_their_session(
        client: TestClient, db_engine: Engine) -> None:
    token = login(client, *ADMIN)
    weak = client.post("/users", data={"name": "rita", "role": "staff", "password": "short",
                                       "csrf_token": token})
    assert weak.status_code == 400 and "at least 8" in weak.text
    made = client.post("/users", data={"name": "rita", "role": "staff",
                                       "password": "rita-password-1", "csrf_token": token},
                       follow_redirects=False)
    assert made.status_code == 303
    twice = client.post("/users", data={"name": "rita", "role": "staff",
                                        "password": "rita-password-1", "csrf_token": token})
    assert twice.status_code == 400 and "already exists" in twice.text
    rita = TestClient(create_app(str(db_engine.url), secret_key="test-secret",
                                 engine=db_engine))
    login(rita, "rita", "rita-password-1")
    assert rita.get("/candidates").status_code == 200
    assert client.post("/users/rita/remove", data={"csrf_token": token},
                       follow_redirects=False).status_code == 303
    assert rita.get("/candidates", follow_redirects=False).status_code == 303


def test_scraped_text_is_escaped_everywhere(client: TestClient, seeded: Seeded) -> None:
    login(client, *ADMIN)
    for path in ["/review", f"/review/{seeded.ids['xss']}"]:
        html = client.get(path).text
        assert XSS_TITLE not in html
        assert "&lt;img src=x onerror=" in html
        assert "Evil &lt;b&gt;Corp&lt;/b&gt;" in html
    detail = client.get(f"/review/{seeded.ids['xss']}").text
    description = detail.split('id="description">')[1].split("</div>")[0]
    assert "Great MA job." in description
    for bad in ("<script", "onerror", "javascript:", "onload", "<iframe", "onclick", "<style",
                "<svg", "<img"):
        assert bad not in description.lower(), bad
