"""The public, read-only JSON API (django-ninja). OpenAPI 3 document at /api/schema/."""

from typing import Any

from django.db import DataError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer
from psycopg.errors import NumericValueOutOfRange

from gongkai.annual_reports.api import router as annual_reports_router
from gongkai.catalog.api import router as catalog_router
from gongkai.consultations.api import router as consultations_router
from gongkai.core.api import router as core_router
from gongkai.core.search.api import router as search_router
from gongkai.enforcement.api import router as enforcement_router
from gongkai.engagement.api import router as engagement_router
from gongkai.official_stats.api import router as official_stats_router
from gongkai.official_stats.api_loading import router as official_stats_loading_router


class ChineseJSONRenderer(JSONRenderer):
    """UTF-8 JSON: Chinese text as characters, not \\u escapes."""

    json_dumps_params: dict[str, Any] = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=ChineseJSONRenderer(),
    title="gongkai 政务公开平台 API",
    version="1.0.0",
    description="只读接口：站内搜索、政府信息公开目录、机构、工作日计算。只返回已向社会公开的信息。",
    openapi_url="/schema/",
    docs_url=None,  # Swagger UI would load scripts from a CDN; the schema is enough
    urls_namespace="api",
)


@api.exception_handler(OverflowError)
def _out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    """An id or number beyond what the database can hold (SQLite raises OverflowError,
    PostgreSQL NumericValueOutOfRange): no such object can exist, and it is the caller's
    mistake, not a server error."""
    return api.create_response(request, {"detail": "参数超出范围。"}, status=400)


@api.exception_handler(DataError)
def _data_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    if isinstance(getattr(exc, "__cause__", None), NumericValueOutOfRange):
        return _out_of_range(request, exc)
    raise exc


api.add_router("/", search_router)
api.add_router("/v1/", core_router)
api.add_router("/v1/catalog/", catalog_router)
# Statistics: /api/config and /api/v1/stats/… (paths are spelled out in its router).
api.add_router("/", official_stats_router)
api.add_router("/", official_stats_loading_router)
api.add_router("/v1/consultations/", consultations_router)
api.add_router("/v1/enforcement/", enforcement_router)
api.add_router("/v1/annual-reports/", annual_reports_router)
api.add_router("/v1/engagement/", engagement_router)
