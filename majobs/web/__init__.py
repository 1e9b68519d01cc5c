"""The web UI: admin review, sources and runs, candidates, seekers' links, market charts.

    from majobs.web import create_app, serve
    app = create_app("sqlite:///majobs.db")      # an ASGI app
    serve("sqlite:///majobs.db", "127.0.0.1", 8000)
"""

from majobs.web.app import create_app, serve

__all__ = ["create_app", "serve"]
