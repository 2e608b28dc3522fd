"""依申请公开's vocabularies, defined once: who applies, how, what state an application is
in, what happened to it, how it ends, how the information is provided and how fees are
counted.

Labels keep the exact statutory wording. The outcome rows are those of table 三 of the
annual report (《中华人民共和国政府信息公开工作年度报告格式》, 国办公开办函〔2021〕30号);
``OUTCOME_RULES`` maps each outcome one-to-one to its row (``REPORT_ROWS``) and names the
article of the 2019 《中华人民共和国政府信息公开条例》 (国务院令第711号) it rests on.
Sources: /work/shared/reference/annual-report-format.md §3.2 and ogi-regulation.md §3
(copied here; nothing reads those files at run time).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

# --- Applicants ---------------------------------------------------------------------------


class ApplicantCategory(models.TextChoices):
    """《条例》第二十七条: 公民、法人或者其他组织 (the report's two column groups)."""

    NATURAL_PERSON = "natural_person", _("自然人")
    ORGANIZATION = "organization", _("法人或其他组织")


class ApplicantType(models.TextChoices):
    """The annual report's applicant columns, in the table's order (总计 is a sum, not a type)."""

    NATURAL_PERSON = "natural_person", _("自然人")
    COMMERCIAL_ENTERPRISE = "commercial_enterprise", _("商业企业")
    RESEARCH_INSTITUTION = "research_institution", _("科研机构")
    PUBLIC_INTEREST_ORGANIZATION = "public_interest_organization", _("社会公益组织")
    LEGAL_SERVICE_PROVIDER = "legal_service_provider", _("法律服务机构")
    OTHER_ORGANIZATION = "other_organization", _("其他")

    @property
    def category(self) -> ApplicantCategory:
        if self is ApplicantType.NATURAL_PERSON:
            return ApplicantCategory.NATURAL_PERSON
        return ApplicantCategory.ORGANIZATION


# --- Intake ----------------------------------------------------------------------------------


class Channel(models.TextChoices):
    """How the application reached the agency; decides the receipt date (《条例》第三十一条)."""

    ONLINE = "online", _("网上申请")
    IN_PERSON = "in_person", _("当面提交")
    REGISTERED_POST = "registered_post", _("挂号信/邮政快递（需签收）")
    ORDINARY_LETTER = "ordinary_letter", _("平信")
    FAX = "fax", _("传真")
    EMAIL = "email", _("电子邮件")
    PHONE = "phone", _("电话（代为填写）")
    ORAL_IN_PERSON = "oral_in_person", _("当面口头提出（代为填写）")


class ReceiptRule(models.TextChoices):
    """Which paragraph of 《条例》第三十一条 fixes the receipt date for a channel."""

    SUBMITTED = "submitted", _("以提交之日为收到申请之日")
    SIGNED_FOR = "signed_for", _("以行政机关签收之日为收到申请之日")
    CONFIRMED = "confirmed", _("以双方确认之日为收到申请之日")


class DayCounting(models.TextChoices):
    """How “自收到申请之日起N个工作日” is counted (an agency setting; not fixed by the 《条例》)."""

    AFTER_RECEIPT = "after_receipt", _("收到之日不计入，自下一个工作日起算")
    FROM_RECEIPT = "from_receipt", _("收到之日为工作日的，当日计入")


# --- Where an application stands -----------------------------------------------------------------


class Status(models.TextChoices):
    """The states an application moves through. Overdue/at risk are computed flags, not
    states (see ``clock.Deadlines``)."""

    AWAITING_CONFIRMATION = "awaiting_confirmation", _("待确认收到")
    IN_PROGRESS = "in_progress", _("办理中")
    AWAITING_CORRECTION = "awaiting_correction", _("待补正")
    CONSULTING = "consulting", _("征求意见中")
    EXTENDED = "extended", _("已延期")
    DELAYED = "delayed", _("延迟答复")
    AWAITING_PAYMENT = "awaiting_payment", _("待缴费")
    REPLIED = "replied", _("已答复")
    ABANDONED = "abandoned", _("视为放弃")
    TERMINATED = "terminated", _("终止")
    WITHDRAWN = "withdrawn", _("已撤回")

    @property
    def is_closed(self) -> bool:
        return self in CLOSED_STATUSES


CLOSED_STATUSES = frozenset(
    {Status.REPLIED, Status.ABANDONED, Status.TERMINATED, Status.WITHDRAWN}
)


class EventKind(models.TextChoices):
    """What can happen to an application. The event log is append-only; the clock
    (``clock.compute_deadlines``) reads it. ``data`` keys each kind understands are listed
    in docs/info-requests.md."""

    RECEIVED = "received", _("收到申请")
    RECEIPT_CONFIRMED = "receipt_confirmed", _("与申请人确认收到申请")
    CORRECTION_REQUESTED = "correction_requested", _("告知补正")
    CORRECTION_RECEIVED = "correction_received", _("收到补正材料")
    CORRECTION_LAPSED = "correction_lapsed", _("逾期未补正")
    THIRD_PARTY_CONSULTATION_STARTED = "third_party_consultation_started", _("征求第三方意见")
    THIRD_PARTY_CONSULTATION_ENDED = "third_party_consultation_ended", _("第三方意见征求结束")
    AGENCY_CONSULTATION_STARTED = "agency_consultation_started", _("征求其他机关意见")
    AGENCY_CONSULTATION_ENDED = "agency_consultation_ended", _("其他机关意见征求结束")
    EXTENSION_APPROVED = "extension_approved", _("延期答复经负责人同意")
    EXTENSION_NOTIFIED = "extension_notified", _("告知申请人延期答复")
    REASONS_REQUESTED = "reasons_requested", _("要求申请人说明理由")
    DELAYED_REPLY = "delayed_reply", _("告知延迟答复")
    FEE_NOTICE_SENT = "fee_notice_sent", _("发出收费通知")
    FEE_PAID = "fee_paid", _("缴纳信息处理费")
    FEE_DEADLINE_LAPSED = "fee_deadline_lapsed", _("逾期未缴纳信息处理费")
    REPLIED = "replied", _("作出答复")
    REPLIED_ON_THE_SPOT = "replied_on_the_spot", _("当场答复")
    WITHDRAWN = "withdrawn", _("申请人撤回申请")


# --- How information is provided (《条例》第二十九条第二款第（三）项, 第四十条) --------------------


class ProvisionForm(models.TextChoices):
    """政府信息的提供形式 (the carrier), as on the usual application form."""

    PAPER = "paper", _("纸质")
    EMAIL = "email", _("电子邮件")
    OPTICAL_DISC = "optical_disc", _("光盘")
    REMOVABLE_MEDIA = "removable_media", _("移动存储（U盘等）")
    OTHER = "other", _("其他")


class DeliveryMethod(models.TextChoices):
    """获取信息的方式、途径."""

    POST = "post", _("邮寄")
    EMAIL = "email", _("电子邮件")
    PICK_UP = "pick_up", _("自行领取")
    INSPECTION = "inspection", _("自行查阅（当场阅读、抄录）")
    ONLINE = "online", _("网上答复")


class FeeMethod(models.TextChoices):
    """《政府信息公开信息处理费管理办法》第三条: one standard per application, never both."""

    PER_APPLICATION = "per_application", _("按件计收")
    PER_VOLUME = "per_volume", _("按量计收")


# --- Outcomes and the annual report's table 三 ----------------------------------------------------

# The rows of table 三 under “三、本年度办理结果”, key → label exactly as printed. The group
# labels （三）…（六） carry no numbers of their own and are not rows; （七）总计 is a sum.
REPORT_ROWS: dict[str, str] = {
    "1": "（一）予以公开",
    "2": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "3.1": "1.属于国家秘密",
    "3.2": "2.其他法律行政法规禁止公开",
    "3.3": "3.危及“三安全一稳定”",
    "3.4": "4.保护第三方合法权益",
    "3.5": "5.属于三类内部事务信息",
    "3.6": "6.属于四类过程性信息",
    "3.7": "7.属于行政执法案卷",
    "3.8": "8.属于行政查询事项",
    "4.1": "1.本机关不掌握相关政府信息",
    "4.2": "2.没有现成信息需要另行制作",
    "4.3": "3.补正后申请内容仍不明确",
    "5.1": "1.信访举报投诉类申请",
    "5.2": "2.重复申请",
    "5.3": "3.要求提供公开出版物",
    "5.4": "4.无正当理由大量反复申请",
    "5.5": "5.要求行政机关确认或重新出具已获取信息",
    "6.1": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "6.2": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "6.3": "3.其他",
}

REPORT_GROUPS: dict[str, str] = {
    "3": "（三）不予公开",
    "4": "（四）无法提供",
    "5": "（五）不予处理",
    "6": "（六）其他处理",
}


class OutcomeGroup(models.TextChoices):
    GRANTED = "granted", _("予以公开")
    PARTIALLY_GRANTED = "partially_granted", _("部分公开")
    WITHHELD = "withheld", _("不予公开")
    CANNOT_PROVIDE = "cannot_provide", _("无法提供")
    NOT_PROCESSED = "not_processed", _("不予处理")
    OTHER = "other", _("其他处理")


class Outcome(models.TextChoices):
    """How an application ended — one value per row of table 三 (see ``OUTCOME_RULES``)."""

    GRANTED = "granted", _("予以公开")
    PARTIALLY_GRANTED = "partially_granted", _("部分公开（区分处理的，只计这一情形，不计其他情形）")
    WITHHELD_STATE_SECRET = "withheld_state_secret", _("属于国家秘密")
    WITHHELD_PROHIBITED_BY_LAW = "withheld_prohibited_by_law", _("其他法律行政法规禁止公开")
    WITHHELD_THREE_SECURITIES_ONE_STABILITY = "withheld_security_stability", _("危及“三安全一稳定”")
    WITHHELD_THIRD_PARTY_RIGHTS = "withheld_third_party_rights", _("保护第三方合法权益")
    WITHHELD_INTERNAL_AFFAIRS = "withheld_internal_affairs", _("属于三类内部事务信息")
    WITHHELD_PROCESS_INFORMATION = "withheld_process_information", _("属于四类过程性信息")
    WITHHELD_ENFORCEMENT_FILE = "withheld_enforcement_file", _("属于行政执法案卷")
    WITHHELD_ADMINISTRATIVE_QUERY = "withheld_administrative_query", _("属于行政查询事项")
    NOT_HELD = "not_held", _("本机关不掌握相关政府信息")
    NEEDS_CREATION = "needs_creation", _("没有现成信息需要另行制作")
    STILL_UNCLEAR_AFTER_CORRECTION = "still_unclear_after_correction", _("补正后申请内容仍不明确")
    PETITION_OR_COMPLAINT = "petition_or_complaint", _("信访举报投诉类申请")
    REPEATED_APPLICATION = "repeated_application", _("重复申请")
    PUBLICATION_REQUESTED = "publication_requested", _("要求提供公开出版物")
    EXCESSIVE_WITHOUT_REASON = "excessive_without_reason", _("无正当理由大量反复申请")
    CONFIRMATION_REQUESTED = "confirmation_requested", _("要求行政机关确认或重新出具已获取信息")
    CORRECTION_NOT_MADE = "correction_not_made", _("申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请")
    FEE_NOT_PAID = "fee_not_paid", _("申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请")
    OTHER = "other", _("其他")


@dataclass(frozen=True)
class OutcomeRule:
    group: OutcomeGroup
    # The provision(s) of the 2019 《条例》 (or the fee rules) the outcome rests on, exactly
    # as a letter cites them; empty where no article applies (practice only).
    articles: tuple[str, ...]
    report_row: str  # a key of REPORT_ROWS


# Articles: ogi-regulation.md §3 and annual-report-format.md §3.2 (the table itself cites
# none; the mapping is the usual reading of 《条例》第十四至十六条、第三十至三十九条).
OUTCOME_RULES: dict[Outcome, OutcomeRule] = {
    # 36(一) (already public: 告知获取方式、途径) is counted here too, as in practice.
    Outcome.GRANTED: OutcomeRule(OutcomeGroup.GRANTED, ("第三十六条第（一）项", "第三十六条第（二）项"), "1"),
    Outcome.PARTIALLY_GRANTED: OutcomeRule(OutcomeGroup.PARTIALLY_GRANTED, ("第三十七条",), "2"),
    Outcome.WITHHELD_STATE_SECRET: OutcomeRule(OutcomeGroup.WITHHELD, ("第十四条", "第三十六条第（三）项"), "3.1"),
    Outcome.WITHHELD_PROHIBITED_BY_LAW: OutcomeRule(OutcomeGroup.WITHHELD, ("第十四条", "第三十六条第（三）项"), "3.2"),
    Outcome.WITHHELD_THREE_SECURITIES_ONE_STABILITY: OutcomeRule(OutcomeGroup.WITHHELD, ("第十四条", "第三十六条第（三）项"), "3.3"),
    Outcome.WITHHELD_THIRD_PARTY_RIGHTS: OutcomeRule(OutcomeGroup.WITHHELD, ("第十五条", "第三十六条第（三）项"), "3.4"),
    Outcome.WITHHELD_INTERNAL_AFFAIRS: OutcomeRule(OutcomeGroup.WITHHELD, ("第十六条第一款", "第三十六条第（三）项"), "3.5"),
    Outcome.WITHHELD_PROCESS_INFORMATION: OutcomeRule(OutcomeGroup.WITHHELD, ("第十六条第二款", "第三十六条第（三）项"), "3.6"),
    Outcome.WITHHELD_ENFORCEMENT_FILE: OutcomeRule(OutcomeGroup.WITHHELD, ("第十六条第二款", "第三十六条第（三）项"), "3.7"),
    Outcome.WITHHELD_ADMINISTRATIVE_QUERY: OutcomeRule(OutcomeGroup.WITHHELD, ("第三十六条第（七）项",), "3.8"),
    # 36(五) (非本机关负责公开) is counted with 36(四) as 本机关不掌握.
    Outcome.NOT_HELD: OutcomeRule(OutcomeGroup.CANNOT_PROVIDE, ("第三十六条第（四）项", "第三十六条第（五）项"), "4.1"),
    Outcome.NEEDS_CREATION: OutcomeRule(OutcomeGroup.CANNOT_PROVIDE, ("第三十八条",), "4.2"),
    Outcome.STILL_UNCLEAR_AFTER_CORRECTION: OutcomeRule(OutcomeGroup.CANNOT_PROVIDE, ("第三十条",), "4.3"),
    Outcome.PETITION_OR_COMPLAINT: OutcomeRule(OutcomeGroup.NOT_PROCESSED, ("第三十九条第一款",), "5.1"),
    Outcome.REPEATED_APPLICATION: OutcomeRule(OutcomeGroup.NOT_PROCESSED, ("第三十六条第（六）项",), "5.2"),
    Outcome.PUBLICATION_REQUESTED: OutcomeRule(OutcomeGroup.NOT_PROCESSED, ("第三十九条第二款",), "5.3"),
    Outcome.EXCESSIVE_WITHOUT_REASON: OutcomeRule(OutcomeGroup.NOT_PROCESSED, ("第三十五条",), "5.4"),
    # No article: a request to confirm or re-issue information already obtained is not a
    # request for government information (practice; the letter explains instead of citing).
    Outcome.CONFIRMATION_REQUESTED: OutcomeRule(OutcomeGroup.NOT_PROCESSED, (), "5.5"),
    Outcome.CORRECTION_NOT_MADE: OutcomeRule(OutcomeGroup.OTHER, ("第三十条",), "6.1"),
    Outcome.FEE_NOT_PAID: OutcomeRule(OutcomeGroup.OTHER, ("第四十二条", "《政府信息公开信息处理费管理办法》"), "6.2"),
    Outcome.OTHER: OutcomeRule(OutcomeGroup.OTHER, (), "6.3"),
}


def outcome_for_report_row(key: str) -> Outcome:
    """The outcome counted in a row of table 三 (the inverse of ``OUTCOME_RULES``)."""
    for outcome, rule in OUTCOME_RULES.items():
        if rule.report_row == key:
            return outcome
    raise KeyError(key)


def cite(outcome: Outcome) -> str:
    """The legal basis of an outcome as a letter prints it, e.g. “《条例》第三十七条”."""
    parts = [a if a.startswith("《") else f"《条例》{a}" for a in OUTCOME_RULES[outcome].articles]
    return "、".join(parts)


# --- Identity documents and letters (models; added with the application models) -------------


class IdType(models.TextChoices):
    """身份证件 of a natural-person applicant. Only 居民身份证 has a checksum we can verify
    (GB 11643-1999); the others are accepted as typed."""

    RESIDENT_ID = "resident_id", _("居民身份证")
    PASSPORT = "passport", _("护照")
    HK_MACAO_PERMIT = "hk_macao_permit", _("港澳居民来往内地通行证")
    TAIWAN_PERMIT = "taiwan_permit", _("台湾居民来往大陆通行证")
    FOREIGNER_RESIDENCE = "foreigner_residence", _("外国人永久居留身份证")
    OTHER = "other", _("其他有效身份证件")


class LetterKind(models.TextChoices):
    """Procedural letters (告知书 that do not end the case). A reply letter's kind is the
    value of its ``Outcome`` instead (``LETTER_KIND_CHOICES`` has both); the two sets of
    values never overlap (a test checks)."""

    RECEIPT = "receipt", _("受理回执")
    CORRECTION_NOTICE = "correction_notice", _("补正告知书")
    EXTENSION_NOTICE = "extension_notice", _("延期答复告知书")
    THIRD_PARTY_CONSULTATION = "third_party_consultation", _("征求第三方意见书")
    AGENCY_CONSULTATION = "agency_consultation", _("征求其他机关意见函")
    FEE_NOTICE = "fee_notice", _("收费通知书")
    REASONS_REQUEST = "reasons_request", _("说明理由告知书")
    DELAYED_REPLY_NOTICE = "delayed_reply_notice", _("延迟答复告知书")
    NOT_PROCESSED_NOTICE = "not_processed_notice", _("不予处理告知书")


# Two more letters ``letters.ExtraLetterKind`` defines (第三十二条 disclosure over a third
# party's objection; 第四十四条 made a proactive disclosure): stored like the others.
EXTRA_LETTER_KINDS: list[tuple[str, Any]] = [
    ("third_party_disclosure", _("决定公开告知书（第三方）")),
    ("proactive_disclosure", _("纳入主动公开告知书")),
]

# Every value ``Letter.kind`` may hold. Labels stay lazy (this module is imported while the
# app registry loads).
LETTER_KIND_CHOICES: list[tuple[str, Any]] = [
    *((k.value, k.label) for k in LetterKind),
    *EXTRA_LETTER_KINDS,
    *((o.value, format_lazy("答复：{}", o.label)) for o in Outcome),
]



# --- 行政复议 and 行政诉讼 against OGI decisions (table 四 of the annual report) -------------


class RemedyOutcome(models.TextChoices):
    """The result of a 行政复议 or 行政诉讼 about an OGI decision, as table 四 counts it.
    A case without a result (or with its result after 31 December) is 尚未审结."""

    UPHELD = "upheld", _("结果维持")
    CORRECTED = "corrected", _("结果纠正")
    OTHER = "other", _("其他结果")


class LitigationRoute(models.TextChoices):
    """Table 四's two 行政诉讼 groups."""

    DIRECT = "direct", _("未经复议直接起诉")
    AFTER_REVIEW = "after_review", _("复议后起诉")
