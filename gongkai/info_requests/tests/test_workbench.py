"""The 依申请公开 workbench in the Wagtail admin: scoping, the queue, the case page, every
action through the services, letters (refused while blank) and their downloads."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from gongkai.core.enums import StaffRole
from gongkai.info_requests import services
from gongkai.info_requests.admin_views import ACTIONS, outcome_choices
from gongkai.info_requests.enums import Channel, EventKind, LetterKind, Outcome, Status
from gongkai.info_requests.models import Application, FeeRecord, Letter
from gongkai.info_requests.tests.helpers import ADDRESS, VALID_ID, person
from gongkai.testing import make_user, refused

pytestmark = pytest.mark.django_db

D = dt.date
NOW = dt.datetime(2024, 10, 10, 10, 0, tzinfo=dt.UTC)  # Thursday after National Day 2024


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def staff(anshan):
    return make_user("wb-editor", agency=anshan, role=StaffRole.EDITOR)


@pytest.fixture
def outsider(haicheng):
    return make_user("wb-haicheng", agency=haicheng, role=StaffRole.EDITOR)


SEPT_27 = D(2024, 9, 27)


def in_person(agency, by, on=SEPT_27, **fields) -> Application:
    return services.register_offline_application(
        person(**fields), agency=agency, channel=Channel.IN_PERSON, submitted_on=on, by=by
    ).application


def url(name: str, *args) -> str:
    return reverse(f"info_requests_admin:{name}", args=args)


def post(client, app, action, **data):
    payload = {f"{action}-{k}": v for k, v in data.items()}
    return client.post(url("action", app.pk, action), payload, follow=True)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- Scoping ---------------------------------------------------------------------------------


def test_every_workbench_url_refuses_the_staff_of_another_agency(client, anshan, staff, outsider):
    app = in_person(anshan, staff)
    letter = services.create_letter(app, LetterKind.RECEIPT, "回执", by=staff)
    gets = [url("queue"), url("case", app.pk), url("letter", letter.pk),
            url("letter_file", letter.pk, "docx"), url("letter_file", letter.pk, "pdf")]
    posts = [url("action", app.pk, name) for name in ACTIONS] + [
        url("new_letter", app.pk), url("letter", letter.pk), url("send_letter", letter.pk)]
    client.force_login(outsider)
    for target in gets[1:]:
        assert refused(client.get(target)), target
    for target in posts:
        assert refused(client.post(target, {"note-text": "x", "confirm-on": "2024-10-10"})), target
    # The queue itself is open to any staff member, but shows none of 鞍山's cases.
    response = client.get(url("queue"))
    assert response.status_code == 200 and app.number not in response.content.decode()
    # Nothing happened.
    assert not app.notes.exists() and Letter.objects.get(pk=letter.pk).sent_at is None
    # Control: the handling agency's staff reach every page.
    client.force_login(staff)
    for target in gets:
        assert client.get(target).status_code == 200, target


def test_someone_without_any_agency_cannot_open_the_queue(client, anshan):
    nobody = make_user("wb-nobody")
    nobody.is_staff = True
    nobody.save()
    client.force_login(nobody)
    assert refused(client.get(url("queue")))


# --- Queue ------------------------------------------------------------------------------------


def test_the_queue_is_ordered_by_due_date_and_says_overdue_and_at_risk_in_words(
        client, anshan, staff):
    overdue = in_person(anshan, staff, on=D(2024, 8, 1))     # due 2024-08-29
    at_risk = in_person(anshan, staff, on=D(2024, 9, 10))    # due within 3 working days
    fresh = in_person(anshan, staff, on=D(2024, 10, 9))
    client.force_login(staff)
    page = client.get(url("queue")).content.decode()
    positions = [page.index(a.number) for a in (overdue, at_risk, fresh)]
    assert positions == sorted(positions)
    assert re.search(r"已超期\d+个工作日", page)
    assert "即将到期（剩余" in page
    assert VALID_ID not in page and ADDRESS not in page


def test_the_queue_filters_by_status_and_handler(client, anshan, staff):
    mine = in_person(anshan, staff)
    other = in_person(anshan, staff)
    services.assign(mine, staff, by=staff)
    services.withdraw(other, D(2024, 10, 8), by=staff)
    client.force_login(staff)
    page = client.get(url("queue") + "?handler=me").content.decode()
    assert mine.number in page and other.number not in page
    assert other.number not in client.get(url("queue")).content.decode()  # closed: hidden
    page = client.get(url("queue") + f"?status={Status.WITHDRAWN}").content.decode()
    assert other.number in page and mine.number not in page


# --- Case page and actions --------------------------------------------------------------------


def test_the_case_page_shows_data_history_with_basis_and_the_clock(client, anshan, staff):
    app = in_person(anshan, staff)
    services.add_note(app, "电话联系申请人，确认所需信息范围", by=staff)
    client.force_login(staff)
    page = client.get(url("case", app.pk)).content.decode()
    assert VALID_ID in page and ADDRESS in page  # staff of the handling agency
    assert "《条例》第二十九条、第三十一条" in page and "wb-editor" in page
    assert "2024-10-30" in page  # 20 working days after 2024-09-27, across National Day
    assert "电话联系申请人" in page


def test_online_receipt_is_confirmed_then_correction_restarts_the_clock(client, anshan, staff):
    app = services.submit_application(person(), agency=anshan, idempotency_key="wb1",
                                      now=NOW - dt.timedelta(days=10)).application
    client.force_login(staff)
    response = post(client, app, "confirm", on="2024-09-30")
    assert "已确认收到申请" in " ".join(messages_of(response))
    post(client, app, "correction", on="2024-10-08", items="请说明所需信息的年份\n请说明文号")
    app.refresh_from_db()
    assert app.status == Status.AWAITING_CORRECTION
    event = app.events.get(kind=EventKind.CORRECTION_REQUESTED)
    assert event.data["items"] == ["请说明所需信息的年份", "请说明文号"]
    post(client, app, "correction-received", on="2024-10-10")
    app.refresh_from_db()
    # 2024-10-12 (a Saturday) was a 调休 working day.
    assert app.status == Status.IN_PROGRESS and app.due_on == D(2024, 11, 6)


def test_a_refused_step_is_a_chinese_message_and_changes_nothing(client, anshan, staff):
    app = services.submit_application(person(), agency=anshan, idempotency_key="wb2",
                                      now=NOW - dt.timedelta(days=3)).application
    client.force_login(staff)
    response = post(client, app, "reply", on="2024-10-10", outcome=Outcome.GRANTED)
    assert "尚未确认收到申请" in " ".join(messages_of(response))
    assert not app.events.filter(kind=EventKind.REPLIED).exists()
    response = post(client, app, "confirm", on="")
    assert "未能办理" in " ".join(messages_of(response))


def test_consultation_extension_fee_and_reply(client, anshan, staff):
    head = make_user("wb-head", agency=anshan, role=StaffRole.APPROVER)
    app = in_person(anshan, staff, on=D(2024, 9, 2))
    client.force_login(staff)
    post(client, app, "consult-start", on="2024-09-03", party_kind="third_party", party="某公司")
    app.refresh_from_db()
    assert app.status == Status.CONSULTING
    post(client, app, "consult-end", on="2024-09-10", party_kind="third_party", party="某公司")
    response = post(client, app, "extension", on="2024-09-11", days=20)
    # An editor may not approve (the service refuses); the message says who may.
    assert "负责人同意" in " ".join(messages_of(response))
    assert not app.events.filter(kind=EventKind.EXTENSION_APPROVED).exists()
    client.force_login(head)
    post(client, app, "extension", on="2024-09-11", days=20)
    post(client, app, "extension-notified", on="2024-09-12")
    app.refresh_from_db()
    assert app.status == Status.EXTENDED
    post(client, app, "fee", on="2024-09-13", method="per_volume", units=40)
    fee = FeeRecord.objects.get(application=app)
    assert fee.amount == 100  # pages 31–40 at 10元
    post(client, app, "fee-paid", on="2024-09-20")
    response = post(client, app, "reply", on="2024-10-09",
                    outcome=Outcome.WITHHELD_THIRD_PARTY_RIGHTS)
    assert "已作出答复" in " ".join(messages_of(response))
    app.refresh_from_db()
    assert app.status == Status.REPLIED and app.outcome == Outcome.WITHHELD_THIRD_PARTY_RIGHTS


def test_assignment_notes_and_withdrawal(client, anshan, staff):
    colleague = make_user("wb-colleague", agency=anshan, role=StaffRole.EDITOR)
    app = in_person(anshan, staff)
    client.force_login(staff)
    post(client, app, "assign", handler=colleague.pk)
    post(client, app, "note", text="待核实")
    post(client, app, "withdraw", on="2024-10-09")
    app.refresh_from_db()
    assert app.handler == colleague and app.notes.get().text == "待核实"
    assert app.status == Status.WITHDRAWN


def test_every_outcome_is_offered_grouped_as_in_the_annual_report():
    offered = [value for _group, items in outcome_choices() for value, _label in items]
    assert sorted(offered) == sorted(o.value for o in Outcome)
    assert [g for g, _items in outcome_choices()][:3] == ["予以公开", "部分公开", "不予公开"]


# --- Letters ---------------------------------------------------------------------------------


def test_a_letter_is_prefilled_refused_while_blank_then_sent_and_downloadable(
        client, anshan, staff):
    app = in_person(anshan, staff)
    client.force_login(staff)
    response = client.post(url("new_letter", app.pk), {"kind": Outcome.NOT_HELD}, follow=True)
    letter = Letter.objects.get(application=app)
    assert letter.number in letter.body and app.number in letter.body
    assert "【请填写：" in letter.body  # e.g. the search record
    response = client.post(url("send_letter", letter.pk), follow=True)
    assert "未填写的内容" in " ".join(messages_of(response))
    assert Letter.objects.get(pk=letter.pk).sent_at is None
    filled = re.sub(r"【请填写：[^】]*】", "已检索本机关档案", letter.body)
    client.post(url("letter", letter.pk), {"body": filled})
    response = client.post(url("send_letter", letter.pk), follow=True)
    assert Letter.objects.get(pk=letter.pk).sent_at is not None
    docx = client.get(url("letter_file", letter.pk, "docx"))
    assert docx["Content-Type"].endswith("wordprocessingml.document")
    assert docx.content[:2] == b"PK"
    pdf = client.get(url("letter_file", letter.pk, "pdf"))
    assert pdf.content[:4] == b"%PDF"


def test_a_reply_with_an_unfinished_reply_letter_is_refused(client, anshan, staff):
    app = in_person(anshan, staff)
    client.force_login(staff)
    client.post(url("new_letter", app.pk), {"kind": Outcome.NOT_HELD})
    response = post(client, app, "reply", on="2024-10-10", outcome=Outcome.NOT_HELD)
    assert "未填写的内容" in " ".join(messages_of(response))
    app.refresh_from_db()
    assert app.status == Status.IN_PROGRESS


def test_the_admin_menu_has_the_workbench(client, staff):
    client.force_login(staff)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "gongkai-info-requests" in page


def test_date_fields_are_prefilled_in_the_iso_form_a_date_input_accepts(client, anshan, staff):
    # zh-hans would render 2024/10/10, which a browser's <input type=date> shows as empty:
    # the required date then blocks every action in a real browser.
    app = in_person(anshan, staff)
    client.force_login(staff)
    html = client.get(url("case", app.pk)).content.decode()
    dates = re.findall(r'<input type="date" name="[\w-]+" value="([^"]*)"', html)
    assert dates and set(dates) == {"2024-10-10"}


def test_the_tracking_page_shows_the_sent_reply_letter_and_not_drafts(client, anshan, staff):
    submission = services.register_offline_application(
        person(), agency=anshan, channel=Channel.IN_PERSON, submitted_on=SEPT_27, by=staff)
    app = submission.application
    client.force_login(staff)
    client.post(url("new_letter", app.pk), {"kind": Outcome.NOT_HELD})
    letter = Letter.objects.get(application=app)
    filled = re.sub(r"【请填写：[^】]*】", "经检索本机关档案未找到", letter.body)
    client.post(url("letter", letter.pk), {"body": filled})

    def tracked() -> str:
        from django.test import Client

        return Client().post(reverse("ysqgk:track"), {
            "number": app.number, "code": submission.code}).content.decode()

    assert "经检索本机关档案未找到" not in tracked()  # a draft is staff's
    post(client, app, "reply", on="2024-10-10", outcome=Outcome.NOT_HELD)
    page = tracked()
    assert "经检索本机关档案未找到" in page and letter.number in page
    assert VALID_ID not in page and ADDRESS not in page
