"""The mail outbox (gongkai.core.mail) and the requeue of abandoned tasks
(gongkai.core.task_recovery): what a worker killed mid-send may cost, with time injected."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.test import override_settings
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from gongkai.core import mail
from gongkai.core.enums import MailState
from gongkai.core.models import AuditLogEntry, OutgoingMail
from gongkai.core.task_recovery import requeue_abandoned_tasks
from gongkai.info_requests import services as ysq
from gongkai.info_requests.tasks import send_submission_email
from gongkai.info_requests.tests.helpers import person

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
CLAIM = dt.timedelta(seconds=600)


class Killed(BaseException):
    """SIGKILL between the mail server's answer and the commit of 'sent'."""


def message(params: Mapping[str, Any]) -> EmailMessage:
    return EmailMessage("申请已提交", f"第{params.get('n', 1)}号", None, ["a@example.com"])


def kill_after_sending(monkeypatch: pytest.MonkeyPatch) -> None:
    def die(*args: Any, **kwargs: Any) -> None:
        raise Killed

    monkeypatch.setattr(mail, "finish", die)


@override_settings(GONGKAI_MAIL_CLAIM_SECONDS=600)
def test_it_resends_once_with_the_same_message_id_when_killed_after_sending(
    mailoutbox, monkeypatch
):
    with monkeypatch.context() as patch:
        kill_after_sending(patch)
        with pytest.raises(Killed):
            mail.send_once("ysqgk-submission:1", message, now=T0)
    assert len(mailoutbox) == 1  # the mail server had it
    assert OutgoingMail.objects.get().state == MailState.SENDING

    # Within the claim bound the key belongs to the (dead) sender: nothing is sent.
    early = mail.send_once("ysqgk-submission:1", message, now=T0 + CLAIM / 2)
    assert early.outcome == mail.MailOutcome.IN_PROGRESS and len(mailoutbox) == 1

    retry = mail.send_once("ysqgk-submission:1", message, now=T0 + CLAIM + dt.timedelta(1))
    assert retry.outcome == mail.MailOutcome.SENT
    assert len(mailoutbox) == 2
    first, second = (m.message()["Message-ID"] for m in mailoutbox)
    assert first == second == mail.message_id_for("ysqgk-submission:1")
    row = OutgoingMail.objects.get()
    assert row.state == MailState.SENT and row.attempts == 2


def test_it_never_sends_a_sent_key_again(mailoutbox):
    assert mail.send_once("k", message, now=T0).outcome == mail.MailOutcome.SENT
    for later in (T0 + dt.timedelta(seconds=1), T0 + CLAIM * 10, T0 + dt.timedelta(days=400)):
        assert mail.send_once("k", message, now=later).outcome == mail.MailOutcome.ALREADY_SENT
    assert len(mailoutbox) == 1


def test_it_retries_at_once_after_a_refused_send_and_gives_up_after_max_attempts(
    mailoutbox, monkeypatch
):
    def refused(self: EmailMessage, fail_silently: bool = False) -> int:
        raise ConnectionRefusedError

    with monkeypatch.context() as patch:
        patch.setattr(EmailMessage, "send", refused)
        for _ in range(mail.MAX_ATTEMPTS):
            with pytest.raises(ConnectionRefusedError):
                mail.send_once("k", message, now=T0)  # same instant: the claim was released
        assert mail.send_once("k", message, now=T0).outcome == mail.MailOutcome.GAVE_UP
    assert OutgoingMail.objects.get().state == MailState.FAILED
    assert mailoutbox == []


def test_it_keeps_the_first_attempts_params_for_every_retry(mailoutbox, monkeypatch):
    with monkeypatch.context() as patch:
        kill_after_sending(patch)
        with pytest.raises(Killed):
            mail.send_once("digest", message, params={"n": 1}, now=T0)
    result = mail.send_once("digest", message, params={"n": 2}, now=T0 + CLAIM * 2)
    assert result.params == {"n": 1}
    assert [m.body for m in mailoutbox] == ["第1号", "第1号"]


def test_it_sends_nothing_when_the_builder_finds_nothing_to_send(mailoutbox):
    result = mail.send_once("gone", lambda params: None, now=T0)
    assert result.outcome == mail.MailOutcome.DROPPED
    assert mail.send_once("gone", message, now=T0 + CLAIM * 2).outcome == mail.MailOutcome.DROPPED
    assert mailoutbox == []


def test_the_submission_email_goes_once_however_often_the_task_runs(anshan, mailoutbox):
    application = ysq.submit_application(
        person(), agency=anshan, idempotency_key="once"
    ).application
    assert send_submission_email.call(application.pk) is True
    assert send_submission_email.call(application.pk) is True  # e.g. requeued after a kill
    assert len(mailoutbox) == 1
    assert application.number in mailoutbox[0].subject
    assert mailoutbox[0].message()["Message-ID"] == mail.message_id_for(
        f"ysqgk-submission:{application.pk}"
    )


# --- Abandoned tasks ---------------------------------------------------------------------------


def running_task(started_at: dt.datetime) -> DBTaskResult[Any, Any]:
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        started_at=started_at,
        worker_ids=["dead"],
        args_kwargs={"args": [1], "kwargs": {}},
        backend_name="default",
        task_path="gongkai.info_requests.tasks.send_submission_email",
        run_after=get_date_max(),
    )


def test_a_stale_running_task_is_requeued_and_a_fresh_one_is_not():
    stale = running_task(T0 - dt.timedelta(minutes=16))
    fresh = running_task(T0 - dt.timedelta(minutes=14))
    requeued = requeue_abandoned_tasks(now=T0, bound=dt.timedelta(minutes=15))
    assert requeued == ["gongkai.info_requests.tasks.send_submission_email"]
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == TaskResultStatus.READY and stale.started_at is None
    assert stale in DBTaskResult.objects.ready()  # a worker will claim it again
    assert fresh.status == TaskResultStatus.RUNNING
    entry = AuditLogEntry.objects.get(action="tasks.requeued")
    assert entry.data["count"] == 1


def test_finished_tasks_are_never_requeued():
    done = running_task(T0 - dt.timedelta(days=1))
    done.status = TaskResultStatus.SUCCESSFUL
    done.save()
    assert requeue_abandoned_tasks(now=T0, bound=dt.timedelta(minutes=15)) == []
    done.refresh_from_db()
    assert done.status == TaskResultStatus.SUCCESSFUL


@override_settings(GONGKAI_TASK_STALE_SECONDS=900)
def test_the_periodic_command_requeues_with_the_configured_bound(time_machine):
    time_machine.move_to(T0, tick=False)
    stale = running_task(T0 - dt.timedelta(seconds=901))
    fresh = running_task(T0 - dt.timedelta(seconds=899))
    call_command("recover_tasks", verbosity=0)
    assert DBTaskResult.objects.get(pk=stale.pk).status == TaskResultStatus.READY
    assert DBTaskResult.objects.get(pk=fresh.pk).status == TaskResultStatus.RUNNING


def test_no_module_sends_mail_around_the_outbox():
    """Every e-mail goes through gongkai.core.mail.send_once (one place, one protocol)."""
    root = Path(__file__).resolve().parents[2]
    offenders = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and any(
            call in path.read_text("utf-8") for call in ("send_mail(", ".send()", "send_mass_mail")
        )
    )
    assert offenders == ["core/mail.py"]
