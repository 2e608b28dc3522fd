"""Structured logs: one JSON object per line, with a stable ``event`` key when given."""

from __future__ import annotations

import datetime as dt
import json
import logging

from gongkai.core.redaction import redact_url

_RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RESERVED and not key.startswith("_"):
                # Django's request records carry the request, whose repr has the query.
                payload[key] = redact_url(str(value)) if key == "request" else value
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False, default=str)
