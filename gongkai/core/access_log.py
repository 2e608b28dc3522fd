"""Access logs without the one-time secrets that travel in URLs.

An invitation survey's link carries its 邀请码 (``?code=``) and an e-mail-verified survey's
link its token (``?t=``): whoever reads the web server's access log could answer in an
invitee's place with a code not yet used (docs/engagement.md). The request line and the
``Referer`` (a page loaded from such a link sends it with its next requests) therefore
reach gunicorn's log with those values replaced; nginx's log format does the same
(``deploy/nginx/gongkai.conf``, ``log_format gongkai``), and Django's own log records name
the request the same way (core/logging.py).
"""

from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger

# Query parameters whose value is a credential (engagement/views.py reads them).
SECRET_PARAMETERS = ("code", "t")
REDACTED = "[redacted]"
_NAMES = "|".join(SECRET_PARAMETERS)
# A value ends at the next parameter, a fragment, a quote or a space (a request's repr in a
# log record: <WSGIRequest: GET '/s/?code=…'>).
_SECRET = re.compile(rf"(?P<name>(?:^|(?<=[&;]))(?:{_NAMES})=)[^&;#'\"\s]*")


def redact_query(query: str) -> str:
    """*query* (without the ``?``) with every secret parameter's value replaced."""
    return _SECRET.sub(lambda m: m.group("name") + REDACTED, query)


def redact_url(url: str) -> str:
    """A URL, a path with a query, or a request line, with the query redacted."""
    head, mark, rest = url.partition("?")
    if not mark:
        return url
    query, space, tail = rest.partition(" ")  # a request line ends with " HTTP/1.1"
    return f"{head}?{redact_query(query)}{space}{tail}"


class RedactingLogger(Logger):  # type: ignore[misc]  # gunicorn has no type hints: Any
    """gunicorn's logger with the request line, query and referer redacted
    (``logger_class`` in deploy/gunicorn.conf.py)."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        for key in ("r", "f", "{referer}i", "{raw_uri}e", "{http_referer}e"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact_url(atoms[key])
        for key in ("q", "{query_string}e"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact_query(atoms[key])
        return atoms
