"""Public statistics data API, modelled on PxWebApi 2.0 (mounted at /api/ by gongkai/api.py).

    GET /api/config                              limits and formats (no rate limit)
    GET /api/v1/stats/tables                     tables with public data
    GET /api/v1/stats/tables/{id}/metadata       dimensions and codes of one table
    GET /api/v1/stats/tables/{id}/data           the data: valueCodes[dim]=…, outputFormat=…
    GET /api/v1/stats/bulk                       every public observation, streamed CSV

Each request takes one ``now`` and reads only through the visibility selectors (via
``tables``), so embargoed data exist nowhere in these answers. Responses say how long they
may be cached, never past the next scheduled release (``selectors.cache_max_age``); the
server-side cache keys carry the release epoch, so a release makes a new key at its second.
See docs/data-api.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from typing import Any, TypeVar

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from gongkai.official_stats import tables
from gongkai.official_stats.formats import (
    CONTENT_TYPES,
    DEFAULT_FORMAT,
    FILE_EXTENSIONS,
    STREAMED_FORMATS,
    FlatRow,
    OutputFormat,
    csv_stream,
    cube_rows,
    sdmx_csv_stream,
    sdmx_structure_id,
    to_json_stat,
    xlsx_file,
)
from gongkai.official_stats.ratelimit import Limits, check_rate_limit
from gongkai.official_stats.selection import (
    SelectionError,
    cell_count,
    resolve,
    value_codes_from_query,
)

R = TypeVar("R", bound=HttpResponseBase)

router = Router(tags=["统计数据发布"])

API_VERSION = "2.0.0"
DEFAULT_MAX_AGE = 300  # seconds a public answer may be kept, when no release comes sooner
DATA_CACHE_SECONDS = 300
CITATION = "数据来源：[发布机关]，[表名]，[发布时间]"
LICENSE = "本站统计数据可免费使用，引用时请注明来源（鞍山市统计局等发布机关）"


# --- Config -------------------------------------------------------------------------------

class SourceReference(Schema):
    language: str
    text: str


class ConfigOut(Schema):
    apiVersion: str = Field(description="API 版本")
    appVersion: str
    languages: list[str]
    defaultLanguage: str
    maxDataCells: int = Field(description="一次调用最多返回的数据单元格数（JSON-stat、XLSX）")
    maxCallsPerTimeWindow: int = Field(description="每个地址在一个时间窗口内最多调用次数")
    timeWindow: int = Field(description="时间窗口（秒）")
    license: str
    sourceReferences: list[SourceReference]
    defaultDataFormat: str
    dataFormats: list[str]
    streamedDataFormats: list[str] = Field(
        description="逐行输出、不受单元格数限制的格式")
    features: list[str]


@router.get("config", response=ConfigOut, summary="接口配置与调用限制")
def config(request: HttpRequest) -> dict[str, Any]:
    limits = Limits.from_settings()
    return {
        "apiVersion": API_VERSION, "appVersion": "gongkai", "languages": ["zh"],
        "defaultLanguage": "zh", "maxDataCells": limits.max_data_cells,
        "maxCallsPerTimeWindow": limits.max_calls, "timeWindow": limits.window_seconds,
        "license": LICENSE,
        "sourceReferences": [{"language": "zh", "text": CITATION}],
        "defaultDataFormat": DEFAULT_FORMAT.value,
        "dataFormats": [f.value for f in OutputFormat],
        "streamedDataFormats": sorted(f.value for f in STREAMED_FORMATS),
        "features": ["selection-expressions", "asOf", "embargo", "release-calendar"],
    }


# --- Tables and metadata ---------------------------------------------------------------------

class TableOut(Schema):
    id: str = Field(description="表编号（指标代码）")
    label: str
    isGroup: bool = Field(description="是否为指标分类（多个指标）")
    indicators: list[str] = Field(description="包含的指标代码")
    unit: str
    firstPeriod: str | None
    lastPeriod: str | None
    links: dict[str, str]


def _now() -> dt.datetime:
    return timezone.now()


def _cached(response: R, now: dt.datetime) -> R:
    response["Cache-Control"] = f"public, max-age={tables.cache_max_age(now, DEFAULT_MAX_AGE)}"
    return response


def _json(data: Any, now: dt.datetime, status: int = 200) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return _cached(HttpResponse(body, status=status, content_type=CONTENT_TYPES[DEFAULT_FORMAT]),
                   now)


def _table_or_404(table_id: str, now: dt.datetime) -> tables.Table:
    try:
        return tables.get_table(table_id, now)
    except tables.TableNotFound:
        raise HttpError(404, f"没有编号为“{table_id}”的已发布数据表。") from None


def _table_out(request: HttpRequest, shape: tables.TableShape) -> dict[str, Any]:
    base = f"/api/v1/stats/tables/{shape.table.id}"
    units = sorted({i.unit for i in shape.table.indicators if i.unit})
    return {
        "id": shape.table.id, "label": shape.table.label, "isGroup": shape.table.is_group,
        "indicators": [i.code for i in shape.table.indicators], "unit": "、".join(units),
        "firstPeriod": shape.periods[0] if shape.periods else None,
        "lastPeriod": shape.periods[-1] if shape.periods else None,
        "links": {"metadata": f"{base}/metadata", "data": f"{base}/data",
                  "browser": f"/sjfb/data/{shape.table.id}/"},
    }


@router.get("v1/stats/tables", response={200: list[TableOut], 429: dict[str, Any]},
            summary="数据表列表")
def list_tables(request: HttpRequest, query: str | None = None) -> Any:
    if (refused := check_rate_limit(request)) is not None:
        return refused
    now = _now()
    found = tables.list_tables(now)
    if query:
        found = [t for t in found if query in t.label or query.lower() in t.id.lower()]
    return _json([_table_out(request, tables.table_shape(t, now)) for t in found], now)


class ValueOut(Schema):
    code: str
    label: str


class VariableOut(Schema):
    id: str
    label: str
    type: str = Field(description="ContentsVariable / GeographicalVariable / TimeVariable")
    defaultSelection: str
    values: list[ValueOut]


class IndicatorMetaOut(Schema):
    code: str
    name: str
    unit: str
    decimals: int
    frequency: str
    definition: str = Field(description="指标解释")
    caliber: str = Field(description="统计口径")
    source: str
    notes: str


class MetadataOut(Schema):
    id: str
    label: str
    indicators: list[IndicatorMetaOut]
    variables: list[VariableOut]
    updated: dt.datetime | None = Field(description="最近一次发布时间")
    nextUpdate: dt.datetime | None = Field(description="下一次已列入日程的发布时间")
    statusLabels: dict[str, str] = Field(description="数据状态代码")


_VARIABLE_TYPES = {tables.DIM_INDICATOR: "ContentsVariable",
                   tables.DIM_REGION: "GeographicalVariable", tables.DIM_PERIOD: "TimeVariable"}


def _value_label(shape: tables.TableShape, dim: str, code: str) -> str:
    if dim == tables.DIM_PERIOD:
        return tables.period_label(code)
    items = shape.table.indicators if dim == tables.DIM_INDICATOR else shape.regions
    return next(i.name for i in items if i.code == code)


@router.get("v1/stats/tables/{table_id}/metadata",
            response={200: MetadataOut, 404: dict[str, Any], 429: dict[str, Any]},
            summary="数据表元数据（维度与代码）")
def table_metadata(request: HttpRequest, table_id: str) -> Any:
    if (refused := check_rate_limit(request)) is not None:
        return refused
    now = _now()
    shape = tables.table_shape(_table_or_404(table_id, now), now)
    updated = tables.last_update(shape.table, now)
    next_update = tables.next_update(shape.table, now)
    data = {
        "id": shape.table.id, "label": shape.table.label,
        "indicators": [{
            "code": i.code, "name": i.name, "unit": i.unit, "decimals": i.decimals,
            "frequency": i.get_frequency_display(), "definition": i.definition,
            "caliber": i.caliber, "source": i.source, "notes": i.notes,
        } for i in shape.table.indicators],
        "variables": [{
            "id": v.id, "label": v.label, "type": _VARIABLE_TYPES[v.id],
            "defaultSelection": v.default,
            "values": [{"code": c, "label": _value_label(shape, v.id, c)} for c in v.codes],
        } for v in shape.variables()],
        "updated": updated.isoformat() if updated else None,
        "nextUpdate": next_update.isoformat() if next_update else None,
        "statusLabels": tables.STATUS_LABELS,
    }
    return _json(data, now)


# --- Data -----------------------------------------------------------------------------------

def _query_parameter(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": {"type": "string"},
            "description": description}


_DATA_PARAMETERS = [
    _query_parameter(f"valueCodes[{tables.DIM_INDICATOR}]",
                     "指标代码，逗号分隔；可用 * 通配、TOP(n)、FROM(x)、TO(x)、RANGE(x,y)。"
                     "默认：全部。"),
    _query_parameter(f"valueCodes[{tables.DIM_REGION}]",
                     "地区代码（行政区划代码）；表达式同上。默认：全部。"),
    _query_parameter(f"valueCodes[{tables.DIM_PERIOD}]",
                     "时期代码（2026M03、2026Q1、2026、2026M01-M03）；TOP(n) 为最近 n 期。"
                     "默认：TOP(12)。"),
    _query_parameter("outputFormat", "json-stat2（默认）、csv、xlsx、sdmx-csv"),
    _query_parameter("asOf", "按该时刻已发布的数据（ISO 8601，例如 2026-03-15T10:00+08:00）"),
]
_BULK_PARAMETERS = [_query_parameter("outputFormat", "csv（默认）或 sdmx-csv")]


def _as_of(raw: str | None) -> dt.datetime | None:
    if not raw:
        return None
    invalid = HttpError(400, f"asOf 不是有效的时间：“{raw}”（例如 2026-03-15T10:00+08:00）。")
    try:
        # Well-formed but impossible values (2026-02-30, hour 25, offset +99:00) raise.
        moment = parse_datetime(raw)
        if moment is None:
            day = parse_date(raw)
            if day is None:
                raise invalid
            moment = dt.datetime.combine(day, dt.time.max)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)  # read in Asia/Shanghai, the site's zone
        moment.astimezone(dt.UTC)  # year 1 / 9999 overflow here, not in the query
    except (ValueError, OverflowError):
        raise invalid from None
    return moment


def _output_format(raw: str | None) -> OutputFormat:
    try:
        return OutputFormat((raw or DEFAULT_FORMAT.value).lower())
    except ValueError:
        known = "、".join(f.value for f in OutputFormat)
        raise HttpError(400, f"不支持的输出格式“{raw}”；可用：{known}。") from None


def _selection(request: HttpRequest, shape: tables.TableShape) -> dict[str, list[str]]:
    query = {key: ",".join(request.GET.getlist(key)) for key in request.GET}
    try:
        return resolve(shape.variables(), value_codes_from_query(query))
    except SelectionError as error:
        raise HttpError(400, str(error)) from None


def _attachment(response: HttpResponse | StreamingHttpResponse, name: str,
                fmt: OutputFormat) -> None:
    response["Content-Disposition"] = f'attachment; filename="{name}.{FILE_EXTENSIONS[fmt]}"'


def data_response(shape: tables.TableShape, selection: dict[str, list[str]], fmt: OutputFormat,
                  now: dt.datetime, as_of: dt.datetime | None = None) -> HttpResponseBase:
    """The answer for one selection in one format (shared with the browser's downloads)."""
    cells = cell_count(selection)
    limits = Limits.from_settings()
    if cells > limits.max_data_cells and fmt not in STREAMED_FORMATS:
        raise HttpError(403, f"所选数据共{cells}个单元格，超过每次{limits.max_data_cells}个的上限；"
                             "请缩小选择，或改用 csv、sdmx-csv 格式。")
    table = shape.table
    if fmt in STREAMED_FORMATS and cells > limits.max_data_cells:
        return _streamed(shape, selection, fmt, now if as_of is None else min(as_of, now))
    if fmt is OutputFormat.JSON_STAT2:
        return _json_stat_cached(shape, selection, now, as_of)
    cube = tables.build_cube(shape, selection, now, as_of)
    if fmt is OutputFormat.XLSX:
        xlsx = FileResponse(xlsx_file(cube_rows(cube), table.label, cube.notes),
                            content_type=CONTENT_TYPES[fmt])
        _attachment(xlsx, table.id, fmt)
        return _cached(xlsx, now)
    structure = sdmx_structure_id(tables.SDMX_AGENCY, table.id)
    chunks = (csv_stream(cube_rows(cube)) if fmt is OutputFormat.CSV
              else sdmx_csv_stream(cube_rows(cube), structure))
    response = HttpResponse(b"".join(chunks), content_type=CONTENT_TYPES[fmt])
    _attachment(response, table.id, fmt)
    return _cached(response, now)


def _json_stat_cached(shape: tables.TableShape, selection: dict[str, list[str]],
                      now: dt.datetime, as_of: dt.datetime | None) -> HttpResponse:
    # The release epoch in the key: the first request after a release builds a new entry.
    from django.core.cache import cache

    digest = hashlib.sha256(json.dumps([shape.table.id, selection, as_of.isoformat()
                                        if as_of else None]).encode()).hexdigest()[:32]
    key = f"stats:jsonstat:{tables.release_epoch(now)}:{digest}"
    body: bytes | None = cache.get(key)
    if body is None:
        data = to_json_stat(tables.build_cube(shape, selection, now, as_of))
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        # Cleared at the next release anyway (new epoch); expiring then keeps memory tidy.
        cache.set(key, body, tables.cache_max_age(now, DATA_CACHE_SECONDS) or 1)
    return _cached(HttpResponse(body, content_type=CONTENT_TYPES[OutputFormat.JSON_STAT2]), now)


def _streamed(shape: tables.TableShape, selection: dict[str, list[str]], fmt: OutputFormat,
              moment: dt.datetime) -> StreamingHttpResponse:
    """A large selection streamed from the database (latest vintage at ``moment``)."""
    full = {v.id: list(v.codes) for v in shape.variables()}

    def narrowed(dim: str) -> list[str] | None:
        return None if selection[dim] == full[dim] else selection[dim]

    ind_codes, reg_codes = narrowed(tables.DIM_INDICATOR), narrowed(tables.DIM_REGION)
    rows = tables.stream_rows(
        moment,
        indicator_ids=([i.pk for i in shape.table.indicators if i.code in ind_codes]
                       if ind_codes is not None else [i.pk for i in shape.table.indicators]),
        region_ids=([r.pk for r in shape.regions if r.code in reg_codes]
                    if reg_codes is not None else None),
        periods=narrowed(tables.DIM_PERIOD))
    return streamed_download(rows, fmt, shape.table.id, timezone.now())


def streamed_download(rows: Iterable[FlatRow], fmt: OutputFormat, name: str,
                      now: dt.datetime) -> StreamingHttpResponse:
    chunks = (csv_stream(rows) if fmt is OutputFormat.CSV
              else sdmx_csv_stream(rows, sdmx_structure_id(tables.SDMX_AGENCY, name)))
    response = StreamingHttpResponse(chunks, content_type=CONTENT_TYPES[fmt])
    _attachment(response, name, fmt)
    return _cached(response, now)


@router.get("v1/stats/tables/{table_id}/data",
            response={200: dict[str, Any], 400: dict[str, Any], 403: dict[str, Any],
                      404: dict[str, Any], 429: dict[str, Any]},
            summary="查询数据（默认 JSON-stat 2.0）",
            description=(
                "按维度选择数据：`valueCodes[indicator]`、`valueCodes[region]`、`valueCodes[period]`，"
                "每项为逗号分隔的代码或选择表达式（`*`、`2103*`、`TOP(12)`、`BOTTOM(n)`、`FROM(x)`、"
                "`TO(x)`、`RANGE(x,y)`）。`outputFormat`：json-stat2（默认）、csv、xlsx、sdmx-csv。"
                "`asOf`：按某一时刻已发布的数据（修订前的值）。未到发布时间的数据不会返回。"),
            openapi_extra={"parameters": _DATA_PARAMETERS})
def table_data(request: HttpRequest, table_id: str) -> Any:
    if (refused := check_rate_limit(request)) is not None:
        return refused
    now = _now()
    fmt = _output_format(request.GET.get("outputFormat"))
    moment = _as_of(request.GET.get("asOf"))
    shape = tables.table_shape(_table_or_404(table_id, now), now)
    return data_response(shape, _selection(request, shape), fmt, now, moment)


@router.get("v1/stats/bulk", response={200: dict[str, Any], 400: dict[str, Any],
                                       429: dict[str, Any]},
            summary="全部已发布数据（逐行输出的 CSV / SDMX-CSV）",
            openapi_extra={"parameters": _BULK_PARAMETERS})
def bulk(request: HttpRequest) -> Any:
    if (refused := check_rate_limit(request)) is not None:
        return refused
    now = _now()
    fmt = _output_format(request.GET.get("outputFormat", OutputFormat.CSV.value))
    if fmt not in STREAMED_FORMATS:
        raise HttpError(400, "全部数据只提供 csv 和 sdmx-csv 格式。")
    return streamed_download(tables.stream_rows(now), fmt, "ALL", now)
