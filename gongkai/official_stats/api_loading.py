"""Machine loading and the public calendar in the JSON API (mounted by gongkai/api.py).

``POST /api/v1/stats/releases/{id}/observations`` loads rows into a release that is not yet
public, authenticated per agency: ``Authorization: Bearer <token>`` where the token was
issued to the release's agency (``gongkai statistics token create``). The body is either
JSON ``{"observations": [{"indicator": …, "region": …, "period": …, "value": …,
"status": …, "footnote": …}]}`` or a CSV file in the upload template (``Content-Type:
text/csv``). Same validation and all-or-nothing rule as the web upload and the console:
422 with every bad row, nothing loaded.

``GET /api/v1/stats/releases`` is the 数据发布日程表 as JSON: announcements only, never data.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.params.functions import Query
from ninja.security import HttpBearer

from gongkai.core.models import Agency
from gongkai.official_stats import selectors, services
from gongkai.official_stats.enums import LoadChannel, ReleaseStatus
from gongkai.official_stats.loading import UploadError, read_csv, rows_from_records
from gongkai.official_stats.models import Release

router = Router(tags=["统计数据发布"])

MIN_YEAR, MAX_YEAR = 1949, 2999


class AgencyToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Agency | None:
        return services.agency_for_token(token)


class ObservationIn(Schema):
    indicator: str = Field(description="指标代码")
    region: str = Field(description="地区代码")
    period: str = Field(description="时期，例如 2026M03、2026M01-M03、2026Q1、2026")
    value: str | float = Field(description="数值")
    status: str = Field("", description="预计、初步、最终或修订；默认最终（修订发布默认修订）")
    footnote: str = Field("", description="注释")


class LoadIn(Schema):
    observations: list[ObservationIn]


class LoadOut(Schema):
    release: int
    loaded: int


class RowErrorOut(Schema):
    row: int = Field(description="行号：JSON 为第几条记录（从1起），CSV 为表格行号（表头为第1行）")
    message: str


class ErrorsOut(Schema):
    detail: str
    errors: list[RowErrorOut] = []


class ReleaseOut(Schema):
    id: int
    title: str
    agency: str
    scheduled_at: str
    state: str = Field(description="upcoming 待发布 / published 已发布 / cancelled 已取消")
    indicators: list[str]
    url: str


def _records(request: HttpRequest) -> list[dict[str, object]] | None:
    import json

    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("observations"), list):
        return None
    LoadIn.model_validate(payload)
    return [dict(r) for r in payload["observations"] if isinstance(r, dict)]


@router.post("v1/stats/releases/{release_id}/observations", auth=AgencyToken(),
             response={201: LoadOut, 400: ErrorsOut, 403: ErrorsOut, 404: ErrorsOut,
                       409: ErrorsOut, 422: ErrorsOut},
             summary="向尚未发布的数据发布载入数据（按机构令牌认证）",
             openapi_extra={"requestBody": {"content": {
                 "application/json": {"schema": LoadIn.model_json_schema()},
                 "text/csv": {"schema": {"type": "string"}}}}})
def load_observations(request: HttpRequest, release_id: int) -> Status[dict[str, Any]]:
    agency: Agency = request.auth  # type: ignore[attr-defined]
    release = Release.objects.filter(pk=release_id).select_related("agency").first()
    if release is None:
        return Status(404, {"detail": "没有这个发布。"})
    if release.agency_id != agency.pk:
        return Status(403, {"detail": "令牌所属机构不能向其他机构的发布载入数据。"})
    try:
        if request.content_type == "text/csv":
            rows = read_csv(request.body)
        else:
            try:
                records = _records(request)
            except ValueError:
                records = None
            if records is None:
                return Status(400, {"detail": "请求体应为 {\"observations\": [...]} 或 CSV。"})
            rows = rows_from_records(records)
        loaded = services.load_rows(None, release, rows, channel=LoadChannel.API,
                                    filename=f"api:{agency.slug}")
    except UploadError as exc:
        return Status(422, {"detail": f"共 {len(exc.errors)} 处错误，没有载入任何数据。",
                            "errors": [{"row": e.row, "message": e.message}
                                       for e in exc.errors]})
    except services.ServiceError as exc:
        return Status(409, {"detail": str(exc)})
    return Status(201, {"release": release.pk, "loaded": loaded})


@router.get("v1/stats/releases", response=list[ReleaseOut], summary="数据发布日程表")
def list_releases(
    request: HttpRequest,
    # Bounded: a year outside the calendar's range made the date lookup fail with a 500.
    year: int | None = Query(None, ge=MIN_YEAR, le=MAX_YEAR, description="发布年份"),
) -> list[dict[str, Any]]:
    from django.urls import reverse

    now = timezone.now()
    releases = selectors.calendar_releases().select_related("agency").prefetch_related(
        "indicators").order_by("scheduled_at", "id")
    if year is not None:
        releases = releases.filter(scheduled_at__year=year)
    out = []
    for r in releases:
        state = ("cancelled" if r.status == ReleaseStatus.CANCELLED
                 else "published" if selectors.is_release_public(r, now) else "upcoming")
        out.append({"id": r.pk, "title": r.title, "agency": r.agency.slug,
                    "scheduled_at": timezone.localtime(r.scheduled_at).isoformat(),
                    "state": state, "indicators": [i.code for i in r.indicators.all()],
                    "url": reverse("official_stats:release", args=[r.pk])})
    return out
