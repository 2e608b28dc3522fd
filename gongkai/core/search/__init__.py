"""Site search: one analyzer, interchangeable backends, an outbox (docs/search.md).

- ``analyzer``/``query``: normalisation and CJK bigrams, shared by every backend.
- ``backends``: SQLite FTS5 (embedded default) and PostgreSQL tsvector.
- ``registry``/``pages``: what can be searched; Wagtail pages are one source.
- ``indexing``: outbox processing, rebuild and check.
- ``service``: the search the public site and the API call.
"""
