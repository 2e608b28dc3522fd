"""`gongkai statistics …` and the machine-loading API: same validation, same all-or-nothing
rule as the web upload."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client

from gongkai.core.models import Agency, AuditLogEntry
from gongkai.official_stats import services
from gongkai.official_stats.enums import ReleaseChangeKind, ReleaseStatus
from gongkai.official_stats.models import Observation, Release
from gongkai.official_stats.tests.core_data import AT, NOW, Codes, csv_bytes, make_codes
from gongkai.testing import CommandRunner

cmd = CommandRunner("statistics")
GOOD = "T01.RETAIL,210300,2026M03,77.7,初步,"


@pytest.fixture
def codes(db: Any) -> Codes:
    return make_codes()


def write(tmp_path: Path, *lines: str) -> str:
    path = tmp_path / "data.csv"
    path.write_bytes(csv_bytes(*lines))
    return str(path)


def test_release_create_with_a_file_prints_the_id(anshan: Agency, codes: Codes,
                                                  tmp_path: Path) -> None:
    with time_machine.travel(NOW, tick=False):
        out, err = cmd.run("release", "create", "--title", "2026年3月主要统计数据",
                           "--at", "2026-04-15 09:30", "--agency", anshan.slug,
                           "--file", write(tmp_path, GOOD, "T01.RETAIL,210381,2026M03,12,,"))
    release = Release.objects.get(pk=int(out.strip()))
    assert release.scheduled_at == AT
    assert release.status == ReleaseStatus.SCHEDULED
    assert Observation.objects.filter(release=release, release_at=AT).count() == 2
    assert "载入 2 行数据" in err
    assert AuditLogEntry.objects.filter(action="official_stats.data_loaded",
                                        actor_label="system").exists()


def test_a_bad_file_creates_no_release_and_lists_its_rows(anshan: Agency, codes: Codes,
                                                          tmp_path: Path,
                                                          capsys: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        message = cmd.fails("release", "create", "--title", "t", "--at", "2026-04-15 09:30",
                            "--agency", anshan.slug,
                            "--file", write(tmp_path, GOOD, "T01.RETAIL,210300,2026M03,x,,"))
    assert "共 2 处错误" in message
    assert not Release.objects.exists()


def test_the_row_errors_go_to_stderr(anshan: Agency, codes: Codes, tmp_path: Path) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    with time_machine.travel(NOW, tick=False):
        release = services.create_release(None, anshan, title="t", scheduled_at=AT)
        err = StringIO()
        with pytest.raises(CommandError):
            call_command("statistics", "load", write(tmp_path, GOOD, "X,210300,2026M03,1,,"),
                         "--release", str(release.pk), stderr=err, stdout=StringIO())
    assert err.getvalue().splitlines() == ["第3行：未知的指标代码“X”"]
    assert not Observation.objects.exists()


def test_load_adds_data_to_a_scheduled_release(anshan: Agency, codes: Codes,
                                               tmp_path: Path) -> None:
    with time_machine.travel(NOW, tick=False):
        release = services.create_release(None, anshan, title="t", scheduled_at=AT)
        out, _err = cmd.run("load", write(tmp_path, GOOD), "--release", str(release.pk))
    assert "载入 1 行数据" in out
    with time_machine.travel(AT, tick=False):
        assert "已经发布" in cmd.fails("load", write(tmp_path, "T01.RETAIL,210381,2026M03,1,,"),
                                       "--release", str(release.pk))


def test_bad_times_and_unknown_releases_are_refused(anshan: Agency, codes: Codes,
                                                   tmp_path: Path) -> None:
    with time_machine.travel(NOW, tick=False):
        assert "YYYY-MM-DD HH:MM" in cmd.fails("release", "create", "--title", "t",
                                               "--at", "15/04/2026", "--agency", anshan.slug)
        assert "晚于当前时间" in cmd.fails("release", "create", "--title", "t",
                                           "--at", "2026-01-01 09:30", "--agency", anshan.slug)
        assert "没有编号为 999" in cmd.fails("load", write(tmp_path, GOOD), "--release", "999")


def test_postpone_cancel_and_list(anshan: Agency, codes: Codes) -> None:
    with time_machine.travel(NOW, tick=False):
        first = services.create_release(None, anshan, title="一号", scheduled_at=AT)
        second = services.create_release(None, anshan, title="二号", scheduled_at=AT)
        cmd.run("release", "postpone", str(first.pk), "--at", "2026-04-16 10:00",
                "--reason", "核实数据")
        cmd.run("release", "cancel", str(second.pk), "--reason", "并入下期")
        listing = json.loads(cmd.run("release", "list", "--year", "2026", "--json")[0])
    assert [(r["title"], r["at"], r["state"]) for r in listing] == [
        ("二号", "2026-04-15 09:30", "已取消"), ("一号", "2026-04-16 10:00", "待发布")]
    assert first.changes.filter(kind=ReleaseChangeKind.POSTPONED, reason="核实数据").exists()


def test_template_prints_the_header() -> None:
    assert cmd.run("template")[0].strip() == "指标代码,地区代码,时期,数值,状态,注释"


# --- the machine-loading API --------------------------------------------------------------

def url(release: Release) -> str:
    return f"/api/v1/stats/releases/{release.pk}/observations"


@pytest.fixture
def release(anshan: Agency, codes: Codes) -> Release:
    with time_machine.travel(NOW, tick=False):
        return services.create_release(None, anshan, title="t", scheduled_at=AT)


@pytest.fixture
def token(anshan: Agency) -> str:
    return services.create_token(None, anshan, "数据处理系统")[1]


def post(client: Client, release: Release, token: str, payload: Any,
         content_type: str = "application/json") -> Any:
    body = payload if isinstance(payload, bytes) else json.dumps(payload)
    with time_machine.travel(NOW, tick=False):
        return client.post(url(release), body, content_type=content_type,
                           HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_api_loads_json_rows_with_the_agency_token(client: Client, release: Release,
                                                       token: str) -> None:
    response = post(client, release, token, {"observations": [
        {"indicator": "T01.RETAIL", "region": "210300", "period": "2026M03", "value": 77.7,
         "status": "初步"},
        {"indicator": "T01.RETAIL", "region": "210381", "period": "2026-03", "value": "12"}]})
    assert response.status_code == 201, response.content
    assert response.json() == {"release": release.pk, "loaded": 2}
    assert Observation.objects.filter(release=release, release_at=AT).count() == 2


def test_the_api_rejects_a_bad_record_and_loads_nothing(client: Client, release: Release,
                                                        token: str) -> None:
    response = post(client, release, token, {"observations": [
        {"indicator": "T01.RETAIL", "region": "210300", "period": "2026M03", "value": 1},
        {"indicator": "T01.RETAIL", "region": "210300", "period": "2026M99", "value": 1}]})
    assert response.status_code == 422
    assert response.json()["errors"][0]["row"] == 2
    assert not Observation.objects.exists()


def test_the_api_takes_the_csv_template(client: Client, release: Release, token: str) -> None:
    response = post(client, release, token, csv_bytes(GOOD), content_type="text/csv")
    assert response.status_code == 201


def test_another_agency_token_or_none_is_refused(client: Client, release: Release,
                                                 haicheng: Agency) -> None:
    other = services.create_token(None, haicheng, "x")[1]
    payload: dict[str, list[object]] = {"observations": []}
    assert post(client, release, other, payload).status_code == 403
    assert post(client, release, "gks_wrong", payload).status_code == 401
    with time_machine.travel(NOW, tick=False):
        assert client.post(url(release), "{}", content_type="application/json").status_code \
            == 401


def test_a_revoked_token_stops_working(client: Client, release: Release, anshan: Agency) -> None:
    token, raw = services.create_token(None, anshan, "x")
    services.revoke_token(None, token)
    assert post(client, release, raw, {"observations": []}).status_code == 401


def test_the_api_cannot_load_into_a_published_release(client: Client, release: Release,
                                                      token: str) -> None:
    with time_machine.travel(AT + dt.timedelta(seconds=1), tick=False):
        response = client.post(url(release), csv_bytes(GOOD), content_type="text/csv",
                               HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 409


def test_the_calendar_api_lists_announcements_only(client: Client, release: Release) -> None:
    with time_machine.travel(NOW, tick=False):
        rows = client.get("/api/v1/stats/releases", {"year": 2026}).json()
    assert [(r["id"], r["state"]) for r in rows] == [(release.pk, "upcoming")]
