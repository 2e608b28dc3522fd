"""gunicorn's logger without the one-time secrets that travel in URLs (core/redaction.py):
the access log's request line, query and referer, and the error log's messages (gunicorn
names the request's URI when a request fails), reach the log redacted. ``logger_class`` in
deploy/gunicorn.conf.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gunicorn.glogging import Logger

from gongkai.core.redaction import redact_query, redact_url


def _redacted(args: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(redact_url(a) if isinstance(a, str) else a for a in args)


class RedactingLogger(Logger):  # type: ignore[misc]  # gunicorn has no type hints: Any
    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        for key in ("r", "f", "{referer}i", "{raw_uri}e", "{http_referer}e"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact_url(atoms[key])
        for key in ("q", "{query_string}e"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact_query(atoms[key])
        return atoms


def _redacting(level: str) -> Callable[..., None]:
    """gunicorn's ``Logger.<level>`` with the message and its string arguments redacted
    (the error log's "Error handling request %s" and the like carry the raw URI)."""

    def log(self: RedactingLogger, msg: Any, *args: Any, **kwargs: Any) -> None:
        text = redact_url(msg) if isinstance(msg, str) else msg
        getattr(super(RedactingLogger, self), level)(text, *_redacted(args), **kwargs)

    return log


for _level in ("critical", "error", "warning", "info", "debug", "exception"):
    setattr(RedactingLogger, _level, _redacting(_level))
