"""One spider per source kind; each fetches and maps fields, nothing more.

``SPIDERS`` maps a source kind (``sources.KINDS``) to its spider class; spiders take
the :class:`~majobs.sources.SourceConfig` as ``source``:
``process.crawl(spider_for(source), source=source)``.
"""

from __future__ import annotations

from majobs.errors import MajobsError
from majobs.sources import SourceConfig
from majobs.spiders.ashby import AshbySpider
from majobs.spiders.base import SourceSpider
from majobs.spiders.careeronestop import CareerOneStopSpider
from majobs.spiders.feed import FeedSpider
from majobs.spiders.greenhouse import GreenhouseSpider
from majobs.spiders.jsonld import JsonLdSpider
from majobs.spiders.lever import LeverSpider
from majobs.spiders.smartrecruiters import SmartRecruitersSpider
from majobs.spiders.usajobs import UsajobsSpider
from majobs.spiders.workday import WorkdaySpider

SPIDERS: dict[str, type[SourceSpider]] = {
    cls.name: cls for cls in (GreenhouseSpider, LeverSpider, JsonLdSpider, FeedSpider,
                              AshbySpider, SmartRecruitersSpider, WorkdaySpider, UsajobsSpider,
                              CareerOneStopSpider)
}


def spider_for(source: SourceConfig) -> type[SourceSpider]:
    """The spider class for a source's kind; MajobsError when no spider reads that kind."""
    try:
        return SPIDERS[source.kind]
    except KeyError:
        raise MajobsError(
            f"source {source.name}: no spider for kind {source.kind!r} yet "
            f"(available: {', '.join(sorted(SPIDERS))})") from None


__all__ = ["SPIDERS", "AshbySpider", "CareerOneStopSpider", "FeedSpider", "GreenhouseSpider",
           "JsonLdSpider", "LeverSpider", "SmartRecruitersSpider", "SourceSpider", "UsajobsSpider",
           "WorkdaySpider", "spider_for"]
