"""The web UI and JSON API served by ``marsad serve``: one FastAPI app over one database.

    app.py         the factory (routes, static files, middleware, error handlers)
    routes.py      every route in one table
    pages/         one module per page (search, article, entity, events, stories, sources, ingest)
    api.py         the JSON API under /api/
    state.py       read-only connections per thread, the one writer, the read cache
    render.py      Jinja environment (autoescape) and page context; i18n.py the labels
    highlight.py   article text cut into mention/event pieces; svg.py server-drawn charts
    safety.py      URL checks and security headers; middleware.py size limits
    templates/ static/   (static/vendor/ is built by web-build/, see its package.json)
"""

from marsad.web.app import create_app
from marsad.web.state import ServeSettings

__all__ = ["ServeSettings", "create_app"]
