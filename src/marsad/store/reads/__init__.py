"""Read queries by subject, for the web pages, the JSON API, the CLI and the exports.

One module a subject (:mod:`documents`, :mod:`entities`, :mod:`events`, :mod:`stories`,
:mod:`sources`, :mod:`incidents`, :mod:`facets`) and :mod:`search`, the one search used by
the CLI, the API and the UI. Every query is portable SQL with ``?`` placeholders run
through the store's read connection, so SQLite and PostgreSQL share them; values are
bound parameters, and the only SQL text a caller chooses is picked from fixed tables
(column names, sort orders), never spliced from input. Filters are validated when built
(``event_filter``, ``doc_filter``, ``entity_filter``), raising QueryError with a message
that says how to write them, so the web layer can answer 400.
"""
