"""Market statistics and the server-side SVG charts."""

from __future__ import annotations

import itertools
import math
import statistics
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient
from web_support import STAFF, add_users, login, seed, use_fast_hasher

from majobs.db.engine import session_factory
from majobs.db.models import Posting
from majobs.db.web_queries.market import (
    PayBox,
    hourly_point,
    market_stats,
    pay_boxes,
    weekly_counts,
)
from majobs.web import charts, create_app

SVG = "{http://www.w3.org/2000/svg}"
EVIL = '<script>alert("x")</script> & "Co" <b>'


@pytest.mark.parametrize(("low", "high"), [(0, 1), (0, 7), (12.5, 31.2), (0, 1234),
                                           (5, 5), (17.25, 17.3), (0, 0.04)])
def test_nice_ticks_cover_the_range_with_round_steps(low: float, high: float) -> None:
    ticks = charts.nice_ticks(low, high)
    assert ticks[0] <= low and ticks[-1] >= high
    steps = {round(b - a, 9) for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1
    step = steps.pop()
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 6) in (1, 2, 5, 10)
    assert 2 <= len(ticks) <= 12


def test_weekly_counts_fill_gaps_and_keep_recent_weeks() -> None:
    today = date(2025, 3, 12)  # a Wednesday
    per_day = [(date(2025, 2, 17), 2), (date(2025, 2, 19), 1), (date(2025, 3, 10), 4),
               (None, 5), (date(2025, 4, 1), 1)]  # a future date counts as this week
    weeks, undated = weekly_counts(per_day, today)
    assert undated == 5
    assert weeks == [(date(2025, 2, 17), 3), (date(2025, 2, 24), 0), (date(2025, 3, 3), 0),
                     (date(2025, 3, 10), 5)]
    old = [(today - timedelta(weeks=200), 1), (today, 1)]
    weeks, _ = weekly_counts(old, today)
    assert len(weeks) == 52 and weeks[-1] == (date(2025, 3, 10), 1)
    assert weekly_counts([], today) == ([], 0)


@pytest.mark.parametrize(("lo", "hi", "point"), [
    (18.0, 22.0, 20.0), (None, 24.0, 24.0), (19.5, None, 19.5), (None, None, None),
    (40000.0, 46000.0, None), (2.0, 21.0, 21.0), (True, 20.0, 20.0), ("18", 20.0, 20.0),
])
def test_one_hourly_figure_per_posting(lo: object, hi: object, point: float | None) -> None:
    assert hourly_point(lo, hi) == point


def test_pay_boxes_are_five_number_summaries_of_the_biggest_groups() -> None:
    groups = {"TX": [16.0, 18.0, 19.5, 21.0, 24.0], "WA": [22.0, 25.0, 27.0], "OR": [20.0]}
    boxes = pay_boxes(groups)
    assert [b.label for b in boxes] == ["TX", "WA"]  # OR has too few postings
    tx = boxes[0]
    q1, median, q3 = statistics.quantiles(groups["TX"], n=4, method="inclusive")
    assert (tx.n, tx.low, tx.q1, tx.median, tx.q3, tx.high) == (5, 16.0, q1, median, q3, 24.0)
    assert tx.low <= tx.q1 <= tx.median <= tx.q3 <= tx.high


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def test_charts_are_valid_svg_and_escape_every_label() -> None:
    drawn = [
        charts.line_chart([("2025-01-06", 3), (EVIL, 5), ("2025-01-20", 0)], EVIL),
        charts.bar_chart([(EVIL, 0.5), ("CMA", 0.25)], EVIL, value_format=lambda v: f"{v:.0%}",
                         max_value=1.0),
        charts.box_plot([PayBox(EVIL, 4, 15.0, 17.0, 18.5, 20.0, 23.0)], EVIL),
        charts.bar_chart([], "empty"), charts.line_chart([], "empty"),
        charts.box_plot([], "empty"),
    ]
    for svg in drawn:
        root = _parse(str(svg))  # escaped text parses; a raw <script> would be an element
        assert not root.findall(f".//{SVG}script") and "<script" not in str(svg)
        assert not [e for e in root.iter() if any(a.startswith("on") for a in e.attrib)]
    texts = " ".join(t.text or "" for t in _parse(str(drawn[1])).iter(f"{SVG}text"))
    assert "<script>" in texts  # shown to people as text, literally


def test_bar_lengths_follow_the_values() -> None:
    root = _parse(str(charts.bar_chart([("a", 40), ("b", 20), ("c", 0)], "t")))
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert widths[0] == pytest.approx(2 * widths[1]) and widths[2] == 0


def test_line_points_rise_with_the_values() -> None:
    root = _parse(str(charts.line_chart([("w1", 1), ("w2", 4), ("w3", 2)], "t")))
    ys = [float(c.get("cy")) for c in root.iter(f"{SVG}circle")]
    assert ys[1] < ys[2] < ys[0]  # SVG y grows downwards


@pytest.fixture(autouse=True)
def _fast_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fast_hasher(monkeypatch)


def test_market_stats_count_what_the_postings_say(db_engine: Engine) -> None:
    seed(db_engine)
    factory = session_factory(db_engine)
    with factory.begin() as session:
        stats = market_stats(session, date(2025, 3, 12))
        postings = session.query(Posting).all()
    ma = [p for p in postings if p.is_ma and p.status != "rejected"]
    active = [p for p in ma if p.status == "active"]
    assert stats.ma_postings == len(ma) and stats.active_ma_postings == len(active)
    assert sum(n for _, n in stats.weekly) + stats.undated == len(ma)
    required = dict(stats.cert_required)
    assert required["BLS"] == pytest.approx(
        sum("BLS" in p.required_certifications for p in active) / len(active))
    employers = dict(stats.top_employers)
    assert employers["Lakeside Clinic"] == 2
    by_state = {b.label: b for b in stats.pay_by_state}
    assert by_state["TX"].n == sum(1 for p in active if p.pay_hourly_min)


def test_market_page_draws_svg_charts(db_engine: Engine) -> None:
    add_users(db_engine)
    seed(db_engine)
    with TestClient(create_app(str(db_engine.url), "k", engine=db_engine)) as client:
        login(client, *STAFF)
        html = client.get("/market").text
    for block in ("chart-weekly", "chart-certs", "chart-pay-state", "chart-pay-setting",
                  "chart-employers", "chart-skills"):
        section = html.split(f'id="{block}"')[1].split("</section>")[0]
        assert "<svg" in section, block
    assert "Evil &lt;b&gt;Corp&lt;/b&gt;" in html  # an employer label, escaped
