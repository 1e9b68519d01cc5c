"""``majobs crawl`` honours the admins' switch: a source switched off in the web UI is not
crawled, even when the sources file names it."""

from __future__ import annotations

from sqlalchemy import update

from majobs.commands.crawl import crawl_command
from majobs.config import DEFAULTS
from majobs.db import store
from majobs.db.engine import init_db, session_factory
from majobs.db.models import Source
from majobs.sources import load_sources


def test_a_source_switched_off_by_an_admin_is_skipped(tmp_path, capsys):
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n  - {name: metro-feed, kind: feed, url: http://127.0.0.1:9/x}\n")
    url = f"sqlite:///{tmp_path / 'm.db'}"
    engine = init_db(url)
    with session_factory(engine).begin() as session:
        store.ensure_source(session, load_sources(sources)[0])
        session.execute(update(Source).values(enabled=False))
    assert crawl_command(sources, ["metro-feed"], url, DEFAULTS, quiet=True) == 0
    err = capsys.readouterr().err
    assert "skipped (switched off in the web UI): metro-feed" in err
    assert "no enabled sources to crawl" in err
