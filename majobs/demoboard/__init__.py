"""A bundled demo job board: a seeded, realistic local MA job market served on 127.0.0.1.

Used by ``majobs demo``, end-to-end tests and benchmarks::

    market = generate_market(postings=200, seed=7)
    with DemoBoardServer(market) as server:
        Path("sources.yaml").write_text(market.sources_yaml(server.base_url))
        ...crawl...
        truth = market.truth(server.base_url)
        server.set_market(market.evolve(1)[0])

Its USAJOBS and CareerOneStop APIs want credentials, as the real ones do: the spiders read
them from the environment, so ``os.environ.update(DEMO_CREDENTIALS)`` before crawling.
"""

from majobs.demoboard.credentials import DEMO_CREDENTIALS
from majobs.demoboard.generator import DEFAULT_TODAY, generate_market
from majobs.demoboard.market import Market
from majobs.demoboard.model import Changes, TruthPosting
from majobs.demoboard.payforms import PayTruth
from majobs.demoboard.server import DemoBoardServer, Request, Response

__all__ = ["DEFAULT_TODAY", "DEMO_CREDENTIALS", "Changes", "DemoBoardServer", "Market",
           "PayTruth", "Request", "Response", "TruthPosting", "generate_market"]
