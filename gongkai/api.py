"""The public, read-only JSON API (django-ninja). OpenAPI 3 document at /api/schema/."""

from ninja import NinjaAPI

from gongkai.catalog.api import router as catalog_router
from gongkai.core.api import router as core_router

api = NinjaAPI(
    title="gongkai 政务公开平台 API",
    version="1.0.0",
    description="只读接口：政府信息公开目录、机构、工作日计算。只返回已向社会公开的信息。",
    openapi_url="/schema/",
    docs_url="/docs/",
    urls_namespace="api",
)
api.add_router("/v1/", core_router)
api.add_router("/v1/catalog/", catalog_router)
