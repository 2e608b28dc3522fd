"""One-time secrets that travel in URLs, replaced before a URL reaches a log.

An invitation survey's link carries its 邀请码 (``?code=``) and an e-mail-verified survey's
link its token (``?t=``): whoever reads a log must not be able to answer in an invitee's
place with a code not yet used (docs/security.md, "Secrets in URLs and the logs"). Used by
gunicorn's logger (core/access_log.py) and Django's JSON log (core/logging.py); nginx's
log format does the same (``deploy/nginx/gongkai.conf``, ``log_format gongkai``).
"""

from __future__ import annotations

import re

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
