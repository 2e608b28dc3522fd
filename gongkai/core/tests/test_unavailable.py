"""A fault of the moment (the database restarting, a full disk) while a visitor submits a
form: they get a Chinese “暂时无法提交” page with what they typed, resubmitting it later files
the submission exactly once, and no half-written upload is left behind (issue 9 §2)."""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError

from gongkai.consultations import services as consultation_services
from gongkai.consultations.models import Message
from gongkai.consultations.tests.helpers import form_post
from gongkai.core.storage import AtomicFileSystemStorage
from gongkai.info_requests.models import Application, ApplicationAttachment
from gongkai.info_requests.tests.helpers import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setup(settings: Any, tmp_path: Path) -> Any:
    settings.GONGKAI_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with time_machine.travel(dt.datetime(2024, 10, 10, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def browser(client: Any) -> Any:
    client.raise_request_exception = False  # what a visitor sees: handler500 runs
    return client


def key_of(response: Any) -> str:
    match = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', response.content.decode())
    assert match
    return match.group(1)


def write_url(agency: Any) -> str:
    return f"/hdjl/{agency.slug}/write/"


def outage(*args: Any, **kwargs: Any) -> Any:
    raise OperationalError("terminating connection due to administrator command")


def test_a_submission_stopped_by_a_database_outage_keeps_what_was_typed(browser, anshan,
                                                                      monkeypatch):
    key = key_of(browser.get(write_url(anshan)))
    monkeypatch.setattr(consultation_services, "submit_message", outage)
    response = browser.post(write_url(anshan), form_post(idempotency_key=key))
    body = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert "暂时无法提交，请稍后重试" in body and 'role="alert"' in body
    assert "统计调查员上门时间不合适" in body  # the title, editable again
    assert "调查员多次在晚上九点后上门" in body
    assert f'type="hidden" name="idempotency_key" value="{key}"' in body
    assert '<label for="retry-' in body and ">标题</label>" in body
    assert f'action="{write_url(anshan)}"' in body
    assert Message.objects.count() == 0


def test_resubmitting_the_kept_form_files_the_message_once(browser, anshan, monkeypatch):
    key = key_of(browser.get(write_url(anshan)))
    real = consultation_services.submit_message

    def commits_then_fails(*args: Any, **kwargs: Any) -> Any:
        real(*args, **kwargs)  # stored, but the connection drops before the answer
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(consultation_services, "submit_message", commits_then_fails)
    assert browser.post(write_url(anshan), form_post(idempotency_key=key)).status_code == 503
    monkeypatch.setattr(consultation_services, "submit_message", real)
    response = browser.post(write_url(anshan), form_post(idempotency_key=key))
    assert response.status_code == 200
    message = Message.objects.get()
    assert message.number in response.content.decode()


def test_a_failing_page_view_gets_the_plain_server_error_page(browser, anshan, monkeypatch):
    monkeypatch.setattr("gongkai.consultations.views._fresh_form", outage)
    response = browser.get(write_url(anshan))
    assert response.status_code == 500
    assert "服务暂时不可用" in response.content.decode()


def test_a_bug_is_not_disguised_as_a_fault_of_the_moment(browser, anshan, monkeypatch):
    def bug(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("a programming error")

    key = key_of(browser.get(write_url(anshan)))
    monkeypatch.setattr(consultation_services, "submit_message", bug)
    response = browser.post(write_url(anshan), form_post(idempotency_key=key))
    assert response.status_code == 500
    assert "暂时无法提交" not in response.content.decode()


def disk_full(fd: int) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_during_an_upload_leaves_no_file_no_record_and_keeps_the_form(
        browser, anshan, monkeypatch, tmp_path):
    key = key_of(browser.get(f"/ysqgk/{anshan.slug}/apply/"))
    monkeypatch.setattr("gongkai.core.storage.os.fsync", disk_full)
    upload = SimpleUploadedFile("说明.txt", "补充说明".encode() * 1000, content_type="text/plain")
    response = browser.post(f"/ysqgk/{anshan.slug}/apply/",
                            {**form_data(), "idempotency_key": key, "attachments": [upload]})
    body = response.content.decode()
    assert response.status_code == 503
    assert "存储空间暂时不足" in body and "重新选择附件" in body
    assert "统计公报的编制说明" in body
    assert Application.objects.count() == 0 and ApplicationAttachment.objects.count() == 0
    assert [p for p in (tmp_path / "private").rglob("*") if p.is_file()] == []


def test_an_upload_is_stored_whole_once_the_disk_has_room_again(browser, anshan, monkeypatch,
                                                                tmp_path):
    key = key_of(browser.get(f"/ysqgk/{anshan.slug}/apply/"))
    content = "补充说明".encode() * 1000
    monkeypatch.setattr("gongkai.core.storage.os.fsync", disk_full)
    post = {**form_data(), "idempotency_key": key}
    browser.post(f"/ysqgk/{anshan.slug}/apply/",
                 {**post, "attachments": [SimpleUploadedFile("说明.txt", content)]})
    monkeypatch.undo()
    response = browser.post(f"/ysqgk/{anshan.slug}/apply/",
                            {**post, "attachments": [SimpleUploadedFile("说明.txt", content)]})
    assert response.status_code == 200
    attachment = ApplicationAttachment.objects.get()
    assert Path(attachment.file.path).read_bytes() == content
    assert [p.name for p in (tmp_path / "private").rglob("*.part")] == []


def test_the_storage_removes_the_partial_file_when_a_write_fails(tmp_path, monkeypatch):
    media = AtomicFileSystemStorage(location=str(tmp_path))
    monkeypatch.setattr("gongkai.core.storage.os.fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        media.save("docs/report.pdf", ContentFile(b"%PDF-1.7 " * 10_000))
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_the_storage_saves_whole_files_under_free_names(tmp_path):
    media = AtomicFileSystemStorage(location=str(tmp_path))
    first = media.save("docs/report.txt", ContentFile(b"one"))
    second = media.save("docs/report.txt", ContentFile(b"two"))
    assert first != second
    assert media.open(first).read() == b"one" and media.open(second).read() == b"two"
    assert sorted(os.listdir(tmp_path / "docs")) == sorted(
        [Path(first).name, Path(second).name])
    assert oct(os.stat(media.path(first)).st_mode & 0o777) == oct(0o644)
