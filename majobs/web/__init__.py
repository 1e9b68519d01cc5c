"""The web UI: admin review, sources and runs, candidates, seekers' links, market charts.

    from majobs.web import create_app, serve
    app = create_app("sqlite:///majobs.db")      # an ASGI app
    serve("sqlite:///majobs.db", "127.0.0.1", 8000)
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app", "serve"]


def __getattr__(name: str) -> Any:
    # Lazy: every ``majobs`` command imports majobs.web.cli, and the app pulls in
    # FastAPI and scikit-learn (seconds) that only ``majobs serve`` needs.
    if name in __all__:
        from majobs.web import app

        return getattr(app, name)
    raise AttributeError(f"module 'majobs.web' has no attribute {name!r}")
