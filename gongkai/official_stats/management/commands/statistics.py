"""`gongkai statistics …`: the release calendar and data loading from the console.

    gongkai statistics release create --title T --at "YYYY-MM-DD HH:MM" [--file DATA.csv]
    gongkai statistics release list [--year 2026] [--json]
    gongkai statistics release postpone ID --at "YYYY-MM-DD HH:MM" --reason R
    gongkai statistics release cancel ID --reason R
    gongkai statistics load DATA.csv --release ID
    gongkai statistics template               (the upload template, CSV, to stdout)
    gongkai statistics token create --agency SLUG --name N | token revoke PREFIX

Times are Beijing time (Asia/Shanghai). A bad file is rejected whole: every bad row is
listed on stderr with its row number and the exit status is 2; with ``--file`` the release
is not created either. The console acts as "system" in the audit log.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from gongkai.core.models import Agency
from gongkai.official_stats import services
from gongkai.official_stats.enums import LoadChannel, ReleaseStatus
from gongkai.official_stats.loading import TEMPLATE_HEADER, UploadError
from gongkai.official_stats.models import Indicator, LoadingToken, Observation, Release
from gongkai.official_stats.services import ServiceError

MAX_LISTED_ERRORS = 200


def _parse_at(text: str) -> dt.datetime:
    try:
        return dt.datetime.strptime(text.strip(), "%Y-%m-%d %H:%M").replace(
            tzinfo=ZoneInfo(settings.TIME_ZONE))
    except ValueError as exc:
        raise CommandError(f"时间格式应为 \"YYYY-MM-DD HH:MM\"：{text}", returncode=2) from exc


def _release(pk: int) -> Release:
    release = Release.objects.filter(pk=pk).select_related("agency").first()
    if release is None:
        raise CommandError(f"没有编号为 {pk} 的发布。", returncode=2)
    return release


def _agency(slug: str | None) -> Agency:
    if slug:
        agency = Agency.objects.filter(slug=slug).first()
        if agency is None:
            raise CommandError(f"没有网址标识为 {slug} 的机构。", returncode=2)
        return agency
    roots = list(Agency.objects.filter(parent__isnull=True)[:2])
    if len(roots) != 1:
        raise CommandError("有多个机构，请用 --agency 指定发布机关。", returncode=2)
    return roots[0]


class Command(BaseCommand):
    help = "统计数据发布：发布日程（创建、列表、推迟、取消）、载入数据、数据接口令牌。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="area", required=True)
        release = sub.add_parser("release", help="发布日程").add_subparsers(
            dest="action", required=True)
        create = release.add_parser("create", help="创建发布并列入日程，输出其编号")
        create.add_argument("--title", required=True)
        create.add_argument("--at", required=True, help="发布时间 \"YYYY-MM-DD HH:MM\"（北京时间）")
        create.add_argument("--file", help="同时载入的数据文件（CSV 或 XLSX）")
        create.add_argument("--agency", help="发布机关的网址标识（只有一个机构时可省略）")
        create.add_argument("--indicators", default="", help="涉及的指标代码，逗号分隔")
        create.add_argument("--description", default="")
        create.add_argument("--draft", action="store_true", help="只建草稿，不列入日程")
        listing = release.add_parser("list", help="列出发布日程")
        listing.add_argument("--year", type=int)
        listing.add_argument("--json", action="store_true")
        postpone = release.add_parser("postpone", help="调整发布时间（须说明原因）")
        postpone.add_argument("id", type=int)
        postpone.add_argument("--at", required=True)
        postpone.add_argument("--reason", required=True)
        cancel = release.add_parser("cancel", help="取消发布（须说明原因）")
        cancel.add_argument("id", type=int)
        cancel.add_argument("--reason", required=True)
        load = sub.add_parser("load", help="向尚未发布的发布载入数据（全部成功或全部不载入）")
        load.add_argument("file")
        load.add_argument("--release", type=int, required=True)
        sub.add_parser("template", help="输出数据上传模板（CSV）")
        sub.add_parser("columns", help="为已有机构补建“统计公报”“统计年鉴”栏目（可重复运行）")
        token = sub.add_parser("token", help="数据接口令牌").add_subparsers(
            dest="action", required=True)
        token_create = token.add_parser("create")
        token_create.add_argument("--agency", required=True)
        token_create.add_argument("--name", default="数据接口")
        token_revoke = token.add_parser("revoke")
        token_revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        area = options["area"]
        try:
            if area == "release":
                getattr(self, f"_release_{options['action']}")(options)
            elif area == "load":
                self._load(options)
            elif area == "template":
                self.stdout.write(",".join(TEMPLATE_HEADER))
            elif area == "columns":
                self._columns()
            else:
                getattr(self, f"_token_{options['action']}")(options)
        except ServiceError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        except UploadError as exc:
            self._report(exc)

    def _columns(self) -> None:
        from gongkai.official_stats.columns import ensure_statistics_columns

        created = 0
        agencies = list(Agency.objects.order_by("pk"))
        for agency in agencies:
            created += len(ensure_statistics_columns(agency))
        self.stdout.write(f"检查了 {len(agencies)} 个机构，新建栏目 {created} 个。")

    def _report(self, exc: UploadError) -> None:
        for error in exc.errors[:MAX_LISTED_ERRORS]:
            self.stderr.write(str(error))
        more = len(exc.errors) - MAX_LISTED_ERRORS
        if more > 0:
            self.stderr.write(f"……另有 {more} 处错误未列出。")
        raise CommandError(f"文件未载入：共 {len(exc.errors)} 处错误，没有载入任何数据。",
                           returncode=2)

    def _read(self, path: str) -> bytes:
        try:
            return Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {path}：{exc.strerror}", returncode=2) from exc

    def _release_create(self, options: dict[str, Any]) -> None:
        agency = _agency(options["agency"])
        codes = [c.strip() for c in options["indicators"].split(",") if c.strip()]
        indicators = list(Indicator.objects.filter(code__in=codes))
        missing = set(codes) - {i.code for i in indicators}
        if missing:
            raise CommandError("未知的指标代码：" + "、".join(sorted(missing)), returncode=2)
        data = self._read(options["file"]) if options["file"] else None
        with transaction.atomic():
            release = services.create_release(
                None, agency, title=options["title"], scheduled_at=_parse_at(options["at"]),
                indicators=indicators, description=options["description"],
                schedule=not options["draft"])
            rows = 0
            if data is not None:
                rows = services.load_file(None, release, Path(options["file"]).name, data,
                                          channel=LoadChannel.CONSOLE)
        self.stderr.write(f"已创建发布“{release.title}”，发布时间 "
                          f"{timezone.localtime(release.scheduled_at):%Y-%m-%d %H:%M}，"
                          f"载入 {rows} 行数据。")
        self.stdout.write(str(release.pk))

    def _release_list(self, options: dict[str, Any]) -> None:
        releases = Release.objects.select_related("agency").order_by("scheduled_at", "id")
        if options["year"]:
            releases = releases.filter(scheduled_at__year=options["year"])
        now = timezone.now()
        rows = []
        for r in releases:
            state = str(ReleaseStatus(r.status).label)
            if r.status == ReleaseStatus.SCHEDULED:
                state = "已发布" if r.scheduled_at <= now else "待发布"
            rows.append({"id": r.pk, "title": r.title, "agency": r.agency.slug, "state": state,
                         "at": timezone.localtime(r.scheduled_at).strftime("%Y-%m-%d %H:%M"),
                         "rows": Observation.objects.filter(release=r).count()})
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            self.stdout.write(f"{row['id']:>5}  {row['at']}  {row['state']:<6} "
                              f"{row['rows']:>7}行  {row['title']}")
        self.stderr.write(f"共 {len(rows)} 项。")

    def _release_postpone(self, options: dict[str, Any]) -> None:
        release = services.postpone_release(None, _release(options["id"]),
                                            _parse_at(options["at"]), options["reason"])
        self.stdout.write(f"已将“{release.title}”的发布时间调整为 "
                          f"{timezone.localtime(release.scheduled_at):%Y-%m-%d %H:%M}。")

    def _release_cancel(self, options: dict[str, Any]) -> None:
        release = services.cancel_release(None, _release(options["id"]), options["reason"])
        self.stdout.write(f"已取消“{release.title}”。")

    def _load(self, options: dict[str, Any]) -> None:
        release = _release(options["release"])
        data = self._read(options["file"])
        rows = services.load_file(None, release, Path(options["file"]).name, data,
                                  channel=LoadChannel.CONSOLE)
        self.stdout.write(f"已向“{release.title}”载入 {rows} 行数据。")

    def _token_create(self, options: dict[str, Any]) -> None:
        token, raw = services.create_token(None, _agency(options["agency"]), options["name"])
        self.stderr.write(f"令牌“{token.name}”已创建，只显示这一次，请妥善保存：")
        self.stdout.write(raw)

    def _token_revoke(self, options: dict[str, Any]) -> None:
        token = LoadingToken.objects.filter(prefix=options["prefix"],
                                            revoked_at__isnull=True).first()
        if token is None:
            raise CommandError("没有这个有效令牌。", returncode=2)
        services.revoke_token(None, token)
        self.stdout.write(f"令牌 {token.prefix}… 已吊销。")
