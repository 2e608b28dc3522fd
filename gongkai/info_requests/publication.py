"""Openness of the results: the reading room (依申请公开结果), 第四十四条 and letters.

Services in the project's pattern (one transaction, a permission check through
``gongkai.core.agencies.has_role``, an audit entry), built on ``services``:

* ``publish_reply`` / ``unpublish_reply`` — a reply in the agency's reading room, with the
  applicant's name removed and personal data masked by ``core.text.pii``;
* ``convert_to_proactive`` — 《条例》第四十四条: information requested (repeatedly) becomes a
  DRAFT catalog item in the agency's section, linked to the requests; the catalog's review
  workflow and publication gate apply to it as to any other draft;
* ``draft_letter`` / ``send_letter`` — a 告知书 pre-filled from the case (``letters``), and
  the refusal to send one that still has blanks (``letters.find_placeholders``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from gongkai.catalog.models import ColumnPage, DisclosureItemPage, ThemeCategory
from gongkai.core import audit
from gongkai.core.agencies import has_role
from gongkai.core.search.indexing import enqueue
from gongkai.core.text.pii import allowed_for_agency, mask_personal_data
from gongkai.info_requests import letters, selectors, services
from gongkai.info_requests.enums import LetterKind, Outcome, Status
from gongkai.info_requests.fees import FeeQuote
from gongkai.info_requests.models import Application, Letter, RequestSettings
from gongkai.info_requests.models_publication import ProactiveDisclosureLink, PublishedReply
from gongkai.info_requests.search import SOURCE as REPLY_SOURCE

User = AbstractBaseUser | AnonymousUser
ServiceError = services.ServiceError

APPLICANT_PLACEHOLDER = "申请人"
DEFAULT_PROACTIVE_COLUMN = "tzgg"  # 通知公告 (gongkai/site/services.STATUTORY_COLUMNS)
DEFAULT_THEME_CODE = "0201"


def _require_staff(by: User, application: Application) -> None:
    if not has_role(by, application.agency):
        raise PermissionDenied("仅受理机关的工作人员可以办理本申请。")


def _audit(action: str, application: Application, by: User, **data: object) -> None:
    audit.record(action=f"info_requests.{action}", actor=by, agency=application.agency,
                 target=application, data={"number": application.number, **data})


# --- The reading room -------------------------------------------------------------------------


def public_text(text: str, application: Application) -> str:
    """``text`` fit for the reading room: the applicant's name (and contact person)
    replaced by “申请人”, then every personal datum masked, the agency's own published
    contacts excepted."""
    for name in (application.name, application.contact_person, application.legal_representative):
        if name.strip():
            text = text.replace(name.strip(), APPLICANT_PLACEHOLDER)
    return mask_personal_data(text, allowed=allowed_for_agency(application.agency))


def reply_letter(application: Application) -> Letter | None:
    """The latest letter answering the case with its outcome (if one was kept)."""
    if not application.outcome:
        return None
    return (application.letters.filter(kind=application.outcome)
            .order_by("-created_at", "-id").first())


@transaction.atomic
def publish_reply(application: Application, *, by: User, reply_text: str = "",
                  now: dt.datetime | None = None, is_demo: bool = False) -> PublishedReply:
    """Publish a replied case in the reading room. ``reply_text`` defaults to the reply
    letter's body; either way it is masked before it is stored."""
    _require_staff(by, application)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != Status.REPLIED or not application.outcome:
        raise ServiceError("只有已作出答复的申请才能公开答复结果。")
    if PublishedReply.objects.filter(application=application).exists():
        raise ServiceError("该申请的答复已公开。")
    if not reply_text.strip():
        letter = reply_letter(application)
        reply_text = letter.body if letter is not None else ""
    if not reply_text.strip():
        raise ServiceError("没有可公开的答复内容：请先制作答复告知书，或填写答复内容。")
    published = PublishedReply.objects.create(
        application=application, agency=application.agency, number=application.number,
        replied_on=application.closed_on or timezone.localdate(), outcome=application.outcome,
        request_text=public_text(application.description, application),
        reply_text=public_text(reply_text, application),
        published_at=now or timezone.now(),
        published_by=by if isinstance(by, AbstractBaseUser) else None,  # type: ignore[misc]
        is_demo=is_demo,
    )
    enqueue(REPLY_SOURCE, [published.pk])
    _audit("reply_published", application, by)
    return published


@transaction.atomic
def unpublish_reply(application: Application, *, by: User) -> None:
    _require_staff(by, application)
    ids = list(PublishedReply.objects.filter(application=application).values_list("id", flat=True))
    deleted, _rows = PublishedReply.objects.filter(application=application).delete()
    enqueue(REPLY_SOURCE, ids)
    if not deleted:
        raise ServiceError("该申请的答复尚未公开。")
    _audit("reply_unpublished", application, by)


# --- 第四十四条 -------------------------------------------------------------------------


def _column(application: Application, column: ColumnPage | None) -> ColumnPage:
    home = application.agency.home_page
    if home is None:
        raise ServiceError("受理机关尚未建立政务公开栏目。")
    columns = ColumnPage.objects.descendant_of(home)
    if column is not None:
        if not columns.filter(pk=column.pk).exists():
            raise ServiceError("只能选择受理机关本单位的栏目。")
        return column
    found: ColumnPage | None = columns.filter(slug=DEFAULT_PROACTIVE_COLUMN).first()
    if found is None:
        raise ServiceError("找不到“通知公告”栏目，请选择栏目。")
    return found


@transaction.atomic
def convert_to_proactive(applications: Sequence[Application], *, by: User, title: str,
                         column: ColumnPage | None = None, summary: str = "",
                         theme: ThemeCategory | None = None) -> DisclosureItemPage:
    """《条例》第四十四条: 多个申请人就相同政府信息向同一行政机关提出公开申请，且该政府信息属于
    可以公开的，行政机关可以纳入主动公开的范围. Creates a DRAFT item (never published here:
    it goes through 保密审查 → 审核发布 like any other draft) linked to the requests."""
    if not applications:
        raise ServiceError("请至少选择一件申请。")
    agency = applications[0].agency
    if any(a.agency_id != agency.pk for a in applications):
        raise ServiceError("只能将同一受理机关的申请转为主动公开。")
    for application in applications:
        _require_staff(by, application)
    if not title.strip():
        raise ServiceError("请填写拟主动公开信息的名称。")
    parent = _column(applications[0], column)
    chosen_theme = theme or ThemeCategory.objects.filter(code=DEFAULT_THEME_CODE).first() \
        or ThemeCategory.objects.order_by("code").first()
    if chosen_theme is None:
        raise ServiceError("尚未设置主题分类。")
    numbers = "、".join(a.number for a in applications)
    page = DisclosureItemPage(
        title=title.strip()[:255], slug=slugify(f"ysq-{applications[0].number}") or "ysq",
        live=False, formed_on=timezone.localdate(), theme=chosen_theme,
        summary=(summary.strip() or f"根据依申请公开办理情况（申请编号：{numbers}）"
                 "纳入主动公开（《条例》第四十四条）。")[:500],
    )
    page.slug = _free_slug(parent, page.slug)
    parent.add_child(instance=page)
    page.save_revision(user=by if isinstance(by, AbstractBaseUser) else None)
    for application in applications:
        ProactiveDisclosureLink.objects.create(
            application=application, page=page,
            created_by=by if isinstance(by, AbstractBaseUser) else None)  # type: ignore[misc]
        _audit("converted_to_proactive", application, by, page=page.pk)
    return page


def _free_slug(parent: ColumnPage, slug: str) -> str:
    taken = set(parent.get_children().values_list("slug", flat=True))
    candidate, n = slug, 1
    while candidate in taken:
        n += 1
        candidate = f"{slug}-{n}"
    return candidate


# --- Letters ---------------------------------------------------------------------------------


def letter_context(application: Application, kind: str, *, number: str, today: dt.date,
                   fee: FeeQuote | None = None) -> letters.LetterContext:
    """What the case already says for a letter (everything else stays a 【请填写】 blank).
    No ID number and no address: letters never print them."""
    config = RequestSettings.for_agency(application.agency)
    agency = application.agency
    current = selectors.deadlines(application, today, explain=False)
    correction = next((e for e in reversed(list(application.events.all()))
                       if e.kind == "correction_requested"), None)
    items = tuple(str(i) for i in (correction.data.get("items") or ())) if correction else ()
    outcome = Outcome(kind) if kind in Outcome.values else None
    return letters.LetterContext(
        agency=agency.name, number=number, date=today, applicant=application.name,
        application_number=application.number, received_on=application.received_on,
        request=application.description,
        applicant_is_organization=application.is_organization,
        office=agency.office_name, contact_phone=agency.office_phone,
        review_body=config.review_body, court=config.litigation_court or "人民法院",
        outcome=outcome, correction_items=items,
        correction_sent_on=correction.on if correction else None,
        correction_deadline=current.correction_deadline, due_on=current.due,
        fee=fee, fee_pay_by=current.fee_pay_by,
    )


@transaction.atomic
def draft_letter(application: Application, kind: str, *, by: User,
                 today: dt.date | None = None, fee: FeeQuote | None = None) -> Letter:
    """A new numbered letter pre-filled from the case: ``services.create_letter`` issues the
    number, then the text is rendered with it."""
    _require_staff(by, application)
    day = today or timezone.localdate()
    if kind not in LetterKind.values and kind not in Outcome.values:
        raise ServiceError("未知的告知书类型。")
    letter = services.create_letter(application, kind, "", by=by)
    body = letters.render_text(kind, letter_context(application, kind, number=letter.number,
                                                    today=day, fee=fee))
    return services.update_letter(letter, body, by=by)


def blanks(letter: Letter) -> list[str]:
    return letters.find_placeholders(letter.body)


@transaction.atomic
def send_letter(letter: Letter, *, by: User, at: dt.datetime | None = None) -> Letter:
    """Mark a letter sent — refused while it still has 【请填写】 blanks."""
    missing = blanks(letter)
    if missing:
        raise ServiceError("告知书还有未填写的内容：" + "、".join(dict.fromkeys(missing))
                           + "。请填写后再送达。")
    return services.mark_letter_sent(letter, by=by, at=at)
