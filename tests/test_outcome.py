"""Run outcomes: only a complete crawl may expire postings."""

from __future__ import annotations

import pytest

from majobs.crawl.outcome import assess_run


def test_clean_run_is_complete_success():
    a = assess_run({"response_received_count": 3, "downloader/response_status_count/200": 3},
                   "finished", items=10)
    assert (a.outcome, a.complete, a.error) == ("success", True, None)


def test_not_found_detail_page_does_not_block_completeness():
    stats = {"httperror/response_ignored_status_count/404": 2}
    assert assess_run(stats, "finished", items=5).complete


@pytest.mark.parametrize(
    ("stats", "reason", "items", "outcome", "says"),
    [
        ({"httperror/response_ignored_status_count/500": 1}, "finished", 0, "failed", "HTTP 500"),
        ({"httperror/response_ignored_status_count/503": 2}, "finished", 7, "partial", "HTTP 503"),
        ({"httperror/response_ignored_status_count/429": 1}, "finished", 0, "failed", "HTTP 429"),
        ({"httperror/response_ignored_status_count/403": 1}, "finished", 0, "failed", "HTTP 403"),
        ({"robotstxt/forbidden": 4}, "finished", 0, "failed", "robots.txt disallowed 4"),
        ({}, "shutdown", 3, "partial", "stopped early (shutdown)"),
        ({"majobs/errors/jsonld_unparseable": 1}, "finished", 3, "partial", "jsonld_unparseable"),
    ],
)
def test_incomplete_runs(stats, reason, items, outcome, says):
    a = assess_run(stats, reason, items)
    assert not a.complete
    assert a.outcome == outcome
    assert says in a.error


def test_process_wide_error_count_alone_does_not_taint_a_source():
    # Scrapy adds every ERROR line of the process to every crawler's log_count/ERROR.
    assert assess_run({"log_count/ERROR": 2}, "finished", 3).complete


def test_error_lines_are_reported_and_capped():
    lines = [f"Error downloading <GET http://x/{i}>: ConnectionRefusedError" for i in range(5)]
    a = assess_run({"log_count/ERROR": 5}, "finished", 0, lines)
    assert "ConnectionRefusedError" in a.error
    assert "(+2 more)" in a.error
