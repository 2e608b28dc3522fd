"""Reading a published annual report (text, HTML, DOCX, XLSX) into :class:`ReportTables`."""

from __future__ import annotations

from gongkai.annual_reports.parse.extract import Extraction, extract
from gongkai.annual_reports.parse.readers import UnreadableReport, read_lines

__all__ = ["Extraction", "UnreadableReport", "read_report"]


def read_report(data: bytes, filename: str = "") -> Extraction:
    """The tables of a report file. Raises :class:`UnreadableReport` for anything that is not
    one, including damaged files: a library error while reading a malformed DOCX/XLSX/HTML
    is turned into UnreadableReport too, since the checker must answer, not crash."""
    try:
        _kind, lines = read_lines(data, filename)
        return extract(lines)
    except UnreadableReport:
        raise
    except Exception as error:  # any reader failure means "cannot read"
        raise UnreadableReport(f"无法读取文件：{type(error).__name__}: {error}") from error
