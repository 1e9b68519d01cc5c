"""The web UI in a real browser (chromium), over a database crawled from the demo board."""

from __future__ import annotations

import re
from typing import Any

import pytest
from browser_support import (
    ADMIN,
    STAFF,
    LiveSite,
    Watched,
    copy_for_docs,
    log_in,
    new_page,
    screenshot,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _matched_ids(page: Any) -> list[int]:
    return [int(x) for x in page.locator("li.match").evaluate_all(
        "items => items.map(i => i.dataset.posting)")]


def _add_candidate(page: Any, name: str, location: str, **fields: str) -> None:
    page.goto("/candidates/new")
    page.fill("input[name=name]", name)
    page.fill("input[name=location]", location)
    for field_name, value in fields.items():
        page.fill(f"input[name={field_name}]", value)
    page.click("form.stacked button[type=submit]")


def test_logged_out_visitor_gets_only_the_login_page(page: Any, watched: Watched) -> None:
    for path in ("/", "/review", "/candidates", "/market", "/users", "/sources", "/nowhere"):
        page.goto(path)
        assert re.search(r"/login(\?|$)", page.url), path
        expect(page.locator("form[action='/login']")).to_be_visible()
        expect(page.locator("header nav")).to_have_count(0)
    assert page.goto("/static/app.css").status == 200
    assert page.goto("/s/" + "A" * 43).status == 404
    assert not watched.dialogs and not watched.errors


def test_login_and_filter_the_review_queue(page: Any, watched: Watched) -> None:
    log_in(page, ADMIN)
    page.goto("/review")
    total = int(page.locator("#total").inner_text())
    assert total > 20
    confidences = [float(c) for c in page.locator("table.queue td.num").all_inner_texts()
                   if c.strip() not in ("–", "")]
    distances = [abs(c - 0.5) for c in confidences]
    assert distances == sorted(distances)  # uncertain first (2-decimal display)
    page.fill("#q", "Dermatology")  # htmx swaps the table in place (input event)
    expect(page.locator("#total")).not_to_have_text(str(total))
    employers = page.locator("table.queue tbody tr td:nth-child(3)").all_inner_texts()
    titles = page.locator("table.queue tbody tr td:nth-child(2)").all_inner_texts()
    assert employers and all("dermatology" in (e + t).lower()
                             for e, t in zip(employers, titles, strict=True))
    assert "q=Dermatology" in page.url  # the filter is in the address (hx-push-url)
    page.select_option("select[name=is_ma]", "no")
    expect(page.locator("table.queue tbody tr td:nth-child(6)").first).to_have_text("not MA")
    assert set(page.locator("table.queue tbody tr td:nth-child(6)").all_inner_texts()) <= \
        {"not MA", "not MA reviewed"}
    row = page.locator("table.queue tbody tr").first
    row_id = row.get_attribute("id")
    # right after typing in the search box: leaving it must not refresh the table
    # under the click (a blur "change" used to race the quick review)
    row.locator("button[value=confirm_ma]").click()  # htmx POST with the CSRF header
    expect(page.locator(f"#{row_id} td:nth-child(6)")).to_have_text("MA reviewed")
    page.fill("#q", "")
    page.select_option("select[name=is_ma]", "")
    expect(page.locator("#total")).to_have_text(str(total - 1))  # one fewer to review
    copy_for_docs(screenshot(page, "review-queue", full_page=False))
    assert not watched.dialogs and not watched.errors


def test_reject_a_posting_and_see_it_leave_a_candidates_matches(
        browser: Any, live_site: LiveSite, watched: Watched) -> None:
    staff = new_page(browser, live_site, watched)
    admin = new_page(browser, live_site, watched)
    log_in(staff, STAFF)
    _add_candidate(staff, "Jordan Rivera", "Houston, TX", radius_miles="30",
                   certifications="CCMA, BLS", skills="phlebotomy, vital signs, EKG")
    staff.wait_for_url(re.compile(r"/candidates/\d+$"))
    before = _matched_ids(staff)
    assert before, "the candidate should match some Houston postings"
    target = before[0]
    log_in(admin, ADMIN)
    admin.goto(f"/review/{target}")
    admin.click("button[value=reject_spam]")
    expect(admin.locator("#status")).to_have_text("rejected")
    expect(admin.locator(".events")).to_contain_text("reject_spam by ada")
    staff.reload()
    after = _matched_ids(staff)
    assert target not in after and after
    copy_for_docs(screenshot(staff, "candidate"))
    staff.context.close()
    admin.context.close()
    assert not watched.dialogs and not watched.errors


def test_merge_two_postings(page: Any, watched: Watched) -> None:
    log_in(page, ADMIN)
    page.goto("/review?f=1&status=active&q=Medical+Assistant")
    ids = [int(x) for x in page.locator("table.queue tbody tr td:first-child").all_inner_texts()]
    keep, absorbed = ids[0], ids[1]
    page.goto(f"/review/{keep}")
    sightings_before = page.locator("table.sightings tbody tr").count()
    page.goto(f"/review/{absorbed}")
    absorbed_sightings = page.locator("table.sightings tbody tr").count()
    page.fill("form.merge input[name=into]", str(keep))
    page.click("form.merge button")
    page.wait_for_url(re.compile(rf"/review/{keep}\?done=merged"))
    expect(page.locator(".notice")).to_have_text("Merged.")
    expect(page.locator("table.sightings tbody tr")).to_have_count(
        sightings_before + absorbed_sightings)
    expect(page.locator(".events")).to_contain_text(f"absorbed #{absorbed}")
    assert page.goto(f"/review/{absorbed}").status == 404
    assert not watched.dialogs and not watched.errors


def test_invalid_zip_shows_the_error_next_to_the_field(page: Any, watched: Watched) -> None:
    log_in(page, STAFF)
    _add_candidate(page, "Casey Nguyen", "00000", certifications="CMA")
    error = page.locator("#error-location")
    expect(error).to_be_visible()
    expect(error).to_contain_text("unknown ZIP code '00000'")
    # next to the field: inside the same label as the location input
    assert page.locator("label:has(input[name=location]) #error-location").count() == 1
    expect(page.locator("input[name=certifications]")).to_have_value("CMA")
    page.goto("/candidates")
    expect(page.locator("table.candidates")).not_to_contain_text("Casey Nguyen")
    assert not watched.dialogs and not watched.errors


def test_seeker_link_shows_only_that_candidates_matches(
        browser: Any, live_site: LiveSite, watched: Watched) -> None:
    staff = new_page(browser, live_site, watched)
    log_in(staff, STAFF)
    _add_candidate(staff, "Avery Stone", "Phoenix, AZ", radius_miles="40",
                   certifications="CMA", skills="injections, scheduling")
    staff.wait_for_url(re.compile(r"/candidates/\d+$"))
    avery_page = staff.url
    _add_candidate(staff, "Blake Ortiz", "Columbus, OH", radius_miles="40",
                   certifications="RMA")
    staff.wait_for_url(re.compile(r"/candidates/\d+$"))
    blake = _matched_ids(staff)
    staff.goto(avery_page)
    avery = _matched_ids(staff)
    assert avery and blake and not set(avery) & set(blake)
    staff.click("form[action$='/link'] button")
    link = staff.locator("#private-link").inner_text().strip()
    assert re.search(r"/s/[A-Za-z0-9_-]{43}$", link)

    seeker = new_page(browser, live_site, watched)  # a separate, logged-out browser
    seeker.goto(link)
    expect(seeker.locator("h1")).to_have_text("Jobs for Avery Stone")
    assert _matched_ids(seeker) == avery
    expect(seeker.locator("body")).not_to_contain_text("Blake")
    expect(seeker.locator("header nav")).to_have_count(0)
    staff.click("form[action$='/link/revoke'] button")
    assert seeker.goto(link).status == 404
    token = link.rsplit("/", 1)[1]
    served = live_site.log.read_text()
    assert "GET /s/<redacted> HTTP/1.1" in served and token not in served  # access log
    staff.context.close()
    seeker.context.close()
    assert not watched.dialogs and not watched.errors


def test_script_payloads_in_a_description_run_nowhere(page: Any, live_site: LiveSite,
                                                      watched: Watched) -> None:
    log_in(page, ADMIN)
    pid = live_site.xss_posting
    page.goto(f"/review/{pid}")
    page.wait_for_load_state("networkidle")
    expect(page.locator("h1")).to_contain_text("<img src=x onerror=")  # shown as text
    expect(page.locator("#description")).to_contain_text("Friendly clinic")
    assert page.locator("#description script, #description iframe, #description svg, "
                        "#description form, #description [onerror], "
                        "#description [onmouseover]").count() == 0
    page.hover("text=Hover me")
    page.click("#description a")  # its javascript: href was removed
    assert page.locator("table.sightings a[href^='javascript']").count() == 0
    page.goto(f"/review?f=1&status=active&q=%23{pid}")
    page.wait_for_load_state("networkidle")
    expect(page.locator(f"#row-{pid} td:nth-child(2)")).to_contain_text("<img src=x")
    expect(page.locator(f"#row-{pid} td:nth-child(3)")).to_contain_text("<script>")
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert watched.dialogs == []
    assert watched.errors == []
    # not even a blocked attempt: CSP violations would be console errors
    assert [c for c in watched.console if c.startswith("error")] == []


def test_market_page_draws_its_charts(page: Any, watched: Watched) -> None:
    log_in(page, STAFF)
    page.goto("/market")
    for block in ("weekly", "certs", "pay-state", "pay-setting", "employers", "skills"):
        svg = page.locator(f"#chart-{block} svg.chart").first
        expect(svg).to_be_visible()
        box = svg.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 40, block
    assert page.locator("#chart-certs rect.bar").count() >= 3
    assert page.locator("#chart-pay-state rect.box").count() >= 2
    copy_for_docs(screenshot(page, "market"))
    assert not watched.dialogs and not watched.errors
