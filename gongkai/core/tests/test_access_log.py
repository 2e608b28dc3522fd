"""The access logs never carry a survey's one-time code or link token."""

from __future__ import annotations

import datetime as dt
import logging
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from gongkai.core.access_log import RedactingLogger
from gongkai.core.redaction import redact_query, redact_url


@pytest.mark.parametrize(
    ("query", "logged"),
    [
        ("code=AB12-CD34", "code=[redacted]"),
        ("t=eyJzIjo1fQ:1vXyZ:abc", "t=[redacted]"),
        ("x=1&code=AB12&y=2", "x=1&code=[redacted]&y=2"),
        ("code=A&code=B", "code=[redacted]&code=[redacted]"),
        ("q=统计&page=2", "q=统计&page=2"),  # nothing secret: unchanged
        ("barcode=1&format=t", "barcode=1&format=t"),  # names that only end in one
        ("", ""),
    ],
)
def test_it_redacts_every_secret_parameter_and_nothing_else(query: str, logged: str) -> None:
    assert redact_query(query) == logged


def test_it_redacts_request_lines_and_referers() -> None:
    assert (redact_url("GET /anshan/ztzl/survey/?code=AB12 HTTP/1.1")
            == "GET /anshan/ztzl/survey/?code=[redacted] HTTP/1.1")
    assert (redact_url("https://gongkai.example.gov.cn/s/?t=tok&x=1")
            == "https://gongkai.example.gov.cn/s/?t=[redacted]&x=1")
    assert redact_url("/anshan/") == "/anshan/"


def test_gunicorns_access_log_line_has_no_code(caplog: pytest.LogCaptureFixture) -> None:
    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", '"%(r)s" %(q)s "%(f)s" %(U)s')
    logger = RedactingLogger(config)
    environ = {
        "REQUEST_METHOD": "GET", "RAW_URI": "/s/?code=SECRET1", "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": "/s/", "QUERY_STRING": "code=SECRET1",
        "HTTP_REFERER": "http://127.0.0.1/s/?code=SECRET2",
    }
    response = SimpleNamespace(status="200 OK", headers=[], sent=10)
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    logger.access_log.propagate = True
    with caplog.at_level(logging.INFO, logger="gunicorn.access"):
        logger.access(response, request, environ, dt.timedelta(milliseconds=5))
    line = caplog.records[-1].getMessage()
    assert "SECRET" not in line
    assert line == '"GET /s/?code=[redacted] HTTP/1.1" code=[redacted] ' \
                   '"http://127.0.0.1/s/?code=[redacted]" /s/'


def test_djangos_request_records_name_the_request_without_its_code() -> None:
    from django.test import RequestFactory

    from gongkai.core.logging import JsonFormatter

    request = RequestFactory().get("/anshan/ztzl/survey/", {"code": "SECRET3", "x": "1"})
    record = logging.makeLogRecord(
        {"msg": "Internal Server Error: %s", "args": (request.path,), "request": request}
    )
    line = JsonFormatter().format(record)
    assert "SECRET3" not in line
    assert "code=[redacted]&x=1'" in line


def test_gunicorns_error_log_names_the_request_without_its_code(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger = RedactingLogger(Config())
    logger.error_log.propagate = True
    with caplog.at_level(logging.ERROR, logger="gunicorn.error"):
        logger.error("Error handling request %s", "/s/?x=1&code=SECRET4")
    assert caplog.records[-1].getMessage() == "Error handling request /s/?x=1&code=[redacted]"
