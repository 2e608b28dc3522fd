"""依申请公开 letters (告知书): pure rendering to plain text, DOCX and PDF.

``render_text(kind, ctx)`` writes a whole letter in Simplified Chinese — title, number,
salutation, body citing 《中华人民共和国政府信息公开条例》 (2019) article by article, the
remedy notice where the letter decides something, signature, date and the contact of the
政府信息公开工作机构. The text is what staff edit before sending; ``to_docx`` and ``to_pdf``
lay out any such text (edited or not) in the usual 公文 form (GB/T 9704 in spirit).

Nothing here touches the database: the models call these functions with a ``LetterContext``
built from a case. Missing facts are not guessed: the letter gets a visible
``【请填写：…】`` placeholder, and ``find_placeholders`` lets a send action refuse a letter
that still has one. The context never carries an ID number or address of the applicant.

Sources: /work/shared/reference/ogi-regulation.md (article texts, copied into the
sentences below), requests-and-participation.md §4.3 (letter catalogue, 救济 wording);
nothing reads those files at run time. Decisions are in docs/info-requests.md, “Letters”.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from xml.sax.saxutils import escape

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import gettext_noop

from gongkai.info_requests.enums import (
    OUTCOME_RULES,
    DeliveryMethod,
    FeeMethod,
    LetterKind,
    Outcome,
    OutcomeGroup,
    ProvisionForm,
)
from gongkai.info_requests.fees import FeeQuote

REGULATION = "《中华人民共和国政府信息公开条例》"
FEE_RULES = "《政府信息公开信息处理费管理办法》"
CONSULTATION_DAYS = 15  # 第三十二条、第三十四条

# --- Kinds, titles, outcomes ----------------------------------------------------------------

# A letter's kind is what ``Letter.kind`` stores: a procedural ``enums.LetterKind``, one of
# the two ``ExtraLetterKind`` below, or — for a reply — the ``Outcome`` itself (its group
# gives the title). So every outcome has exactly one reply letter.


class ExtraLetterKind(models.TextChoices):
    """Letters the 《条例》 calls for that ``enums.LetterKind`` does not list (yet)."""

    # 第三十二条: disclosure over a third party's objection is told to it in writing.
    THIRD_PARTY_DISCLOSURE = "third_party_disclosure", _l("决定公开告知书（第三方）")
    # 第四十四条: the information asked for has been made a proactive disclosure.
    PROACTIVE_DISCLOSURE = "proactive_disclosure", _l("纳入主动公开告知书")


Kind = LetterKind | ExtraLetterKind | Outcome

PROCEDURAL_TITLES: dict[LetterKind | ExtraLetterKind, str] = {
    LetterKind.RECEIPT: gettext_noop("政府信息公开申请接收回执"),
    LetterKind.CORRECTION_NOTICE: gettext_noop("政府信息公开申请补正告知书"),
    LetterKind.EXTENSION_NOTICE: gettext_noop("政府信息公开申请延期答复告知书"),
    LetterKind.THIRD_PARTY_CONSULTATION: gettext_noop("政府信息公开征求第三方意见书"),
    LetterKind.AGENCY_CONSULTATION: gettext_noop("政府信息公开征求意见函"),
    LetterKind.FEE_NOTICE: gettext_noop("政府信息公开信息处理费收费通知书"),
    LetterKind.REASONS_REQUEST: gettext_noop("政府信息公开申请说明理由告知书"),
    LetterKind.DELAYED_REPLY_NOTICE: gettext_noop("政府信息公开申请延迟答复告知书"),
    LetterKind.NOT_PROCESSED_NOTICE: gettext_noop("政府信息公开申请不予处理告知书"),
    ExtraLetterKind.THIRD_PARTY_DISCLOSURE: gettext_noop("政府信息公开决定告知书"),
    ExtraLetterKind.PROACTIVE_DISCLOSURE: gettext_noop("政府信息纳入主动公开告知书"),
}

# Reply letters: one title per outcome group (予以公开告知书, 部分公开告知书, …).
REPLY_TITLES: dict[OutcomeGroup, str] = {
    OutcomeGroup.GRANTED: gettext_noop("政府信息予以公开告知书"),
    OutcomeGroup.PARTIALLY_GRANTED: gettext_noop("政府信息部分公开告知书"),
    OutcomeGroup.WITHHELD: gettext_noop("政府信息不予公开告知书"),
    OutcomeGroup.CANNOT_PROVIDE: gettext_noop("政府信息无法提供告知书"),
    OutcomeGroup.NOT_PROCESSED: gettext_noop("政府信息公开申请不予处理告知书"),
    OutcomeGroup.OTHER: gettext_noop("政府信息公开申请处理告知书"),
}

# Letters that decide something end with the remedy notice: every reply, the 不予处理
# notice, the fee notice (it imposes a payment — a disposition of its own) and the notice
# telling a third party that information is disclosed over its objection (第三十二条).
# Procedural steps (receipt, 补正, extension, consultation, 说明理由, 延迟答复, 纳入主动公开)
# do not: they decide nothing final, and what follows from them gets its own letter.
REMEDY_PROCEDURAL_KINDS = frozenset({LetterKind.FEE_NOTICE, LetterKind.NOT_PROCESSED_NOTICE,
                                     ExtraLetterKind.THIRD_PARTY_DISCLOSURE})

# 《中华人民共和国行政复议法》(2023修订) 第二十三条第一款第（四）项: a refusal to disclose
# (申请政府信息公开，行政机关不予公开) must go to 行政复议 before a court; so these replies
# name 行政复议 first and the court only after it. [MEMORY + secondary sources; see docs]
REVIEW_FIRST_GROUPS = frozenset({OutcomeGroup.WITHHELD, OutcomeGroup.PARTIALLY_GRANTED})


def resolve_kind(value: str) -> Kind:
    """The kind a stored ``Letter.kind`` value names (procedural kinds, then outcomes)."""
    for enum in (LetterKind, ExtraLetterKind, Outcome):
        try:
            return enum(value)
        except ValueError:
            continue
    raise ValueError(f"unknown letter kind: {value!r}")


def group_of(outcome: Outcome) -> OutcomeGroup:
    return OutcomeGroup(OUTCOME_RULES[Outcome(outcome)].group)


def title_of(kind: Kind) -> str:
    if isinstance(kind, Outcome):
        return _(REPLY_TITLES[group_of(kind)])
    return _(PROCEDURAL_TITLES[kind])


def has_remedy_notice(kind: Kind) -> bool:
    return isinstance(kind, Outcome) or kind in REMEDY_PROCEDURAL_KINDS


# --- Context ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LetterContext:
    """Everything a letter may print. Only the first block is always needed; the rest is
    read by the kinds that use it. No ID number, no address: a letter never prints them."""

    agency: str                       # 行政机关 signing the letter
    number: str                       # see ``format_letter_number``
    date: dt.date
    applicant: str                    # name (自然人) or 名称 (法人或其他组织)
    application_number: str
    received_on: dt.date | None
    request: str                      # the description of the information requested
    applicant_is_organization: bool = False
    # The agency's 政府信息公开工作机构 and its public contact.
    office: str = ""
    contact_person: str = ""
    contact_phone: str = ""
    # Remedies: the 行政复议机关 configured for the agency (for a municipal bureau the
    # 市人民政府) and the court wording.
    review_body: str = ""
    court: str = "人民法院"
    # Reply details.
    outcome: Outcome | None = None
    reason: str = ""                  # the specific reasons / search record / guidance
    basis: str = ""                   # another law cited (法律行政法规禁止; 36(七); 其他处理)
    already_public: bool = False      # 36(一) rather than 36(二)
    where_to_obtain: str = ""         # web address, place and time, publication
    provision_form: ProvisionForm | None = None
    delivery: DeliveryMethod | None = None
    withheld_parts: str = ""          # 部分公开: what is withheld and why
    holding_agency: str = ""          # 36(五)
    holding_agency_contact: str = ""
    not_responsible: bool = False     # 36(五) even when the holder cannot be determined
    channel: str = ""                 # 39: where a 信访/投诉/举报 should go
    previous_reply: str = ""          # 36(六): date and number of the earlier reply
    # Procedural details.
    correction_items: tuple[str, ...] = ()
    correction_sent_on: dt.date | None = None
    correction_deadline: dt.date | None = None
    due_on: dt.date | None = None     # the answer date (receipt; new date after extension)
    extension_days: int = 20
    reasons_due: dt.date | None = None
    delayed_until: dt.date | None = None
    third_party: str = ""
    consulted_agency: str = ""
    opinion_due: dt.date | None = None
    fee: FeeQuote | None = None
    fee_notice_sent_on: dt.date | None = None
    fee_pay_by: dt.date | None = None
    payment_instructions: str = ""
    published_at: str = ""            # 44: where the proactive disclosure is


# --- Small pure helpers -------------------------------------------------------------------

_PLACEHOLDER_RE = re.compile(r"【请填写：([^】]*)】")


def placeholder(what: str) -> str:
    return f"【请填写：{what}】"


def find_placeholders(text: str) -> list[str]:
    """What is still to be filled in a (possibly edited) letter."""
    return _PLACEHOLDER_RE.findall(text)


def _or(value: str, what: str) -> str:
    return value.strip() or placeholder(what)


def chinese_date(day: dt.date | None, what: str = "日期") -> str:
    """2024年9月27日 (no leading zeros, as letters print dates)."""
    if day is None:
        return placeholder(what)
    return f"{day.year}年{day.month}月{day.day}日"


def format_letter_number(prefix: str, year: int, serial: int) -> str:
    """The letter's number: ``("鞍统公开", 2024, 12)`` → “鞍统公开〔2024〕12号”.

    GB/T 9704 writes a document number as 机关代字〔年份〕序号 with no 第 and no leading
    zeros; the services number every stored letter with this function."""
    if not prefix.strip():
        raise ValueError("the number prefix is empty")
    if not 1000 <= year <= 9999:
        raise ValueError(f"not a four-digit year: {year}")
    if isinstance(serial, bool) or serial < 1:
        raise ValueError(f"the serial must be a positive integer, not {serial!r}")
    return f"{prefix.strip()}〔{year}〕{serial}号"


def citation(articles: Sequence[str]) -> str:
    """“《中华人民共和国政府信息公开条例》第十四条、第三十六条第（三）项”; another
    instrument (an item starting with 《) is joined with 和."""
    own = [a for a in articles if not a.startswith("《")]
    parts = [REGULATION + "、".join(own)] if own else []
    parts += [a for a in articles if a.startswith("《")]
    return "和".join(parts)


def _yuan(amount: Decimal) -> str:
    return f"{amount:,.0f}元" if amount == amount.to_integral_value() else f"{amount:,.2f}元"


# --- Articles of each outcome -------------------------------------------------------------

# Outcomes whose rule lists no article: the provision the letter rests on instead.
# 第二条 defines 政府信息 (制作或者获取的，以一定形式记录、保存的信息): confirming a fact or
# re-issuing what the applicant already holds is not a request for it. [MEMORY: 第二条 text]
_ARTICLES_WHEN_NONE: dict[Outcome, tuple[str, ...]] = {
    Outcome.CONFIRMATION_REQUESTED: ("第二条",),
    Outcome.OTHER: (),  # the staff's ``basis`` is printed instead
}


def letter_articles(outcome: Outcome, ctx: LetterContext) -> tuple[str, ...]:
    """The articles the reply letter cites: the outcome's (``enums.OUTCOME_RULES``), with
    the one item of 第三十六条 that applies where an outcome covers two."""
    if outcome == Outcome.GRANTED:
        return ("第三十六条第（一）项",) if ctx.already_public else ("第三十六条第（二）项",)
    if outcome == Outcome.NOT_HELD:
        return ("第三十六条第（五）项",) if _not_ours(ctx) else ("第三十六条第（四）项",)
    return OUTCOME_RULES[outcome].articles or _ARTICLES_WHEN_NONE[outcome]


def _not_ours(ctx: LetterContext) -> bool:
    return ctx.not_responsible or bool(ctx.holding_agency.strip())


def _according_to(articles: Sequence[str]) -> str:
    return _("根据%(citation)s的规定，") % {"citation": citation(articles)}


# --- Paragraph builders -------------------------------------------------------------------


def _you(ctx: LetterContext) -> str:
    return _("贵单位") if ctx.applicant_is_organization else _("您")


def _no(ctx: LetterContext) -> str:
    return _or(ctx.application_number, _("申请编号"))


def _req(ctx: LetterContext) -> str:
    return _or(ctx.request, _("所需信息"))


def _opening(ctx: LetterContext) -> str:
    return _("本机关于%(received)s收到%(you)s提出的政府信息公开申请（申请编号：%(no)s），"
             "申请获取“%(request)s”的政府信息。") % {
        "received": chinese_date(ctx.received_on, _("收到申请日期")), "you": _you(ctx),
        "no": _no(ctx), "request": _req(ctx)}


def _provision(ctx: LetterContext) -> str:
    """How the information is provided (第三十六条第（二）项、第四十条)."""
    if ctx.where_to_obtain.strip():
        return _("获取方式、途径和时间：%(where)s。") % {"where": ctx.where_to_obtain.strip()}
    if ctx.provision_form is None and ctx.delivery is None:
        missing = placeholder(_("获取方式、途径和时间"))
        return _("获取方式、途径和时间：%(where)s。") % {"where": missing}
    form = (ProvisionForm(ctx.provision_form).label if ctx.provision_form
            else placeholder(_("提供形式")))
    way = DeliveryMethod(ctx.delivery).label if ctx.delivery else placeholder(_("获取方式"))
    return _("本机关以%(form)s形式，通过%(way)s方式向%(you)s提供。") % {
        "form": form, "way": way, "you": _you(ctx)}


def _sentence(text: str) -> str:
    """Free text typed by staff, ending with a full stop."""
    text = text.strip()
    return text if not text or text.endswith(("。", "！", "？", "；", "：")) else text + "。"


def _specific_reason(ctx: LetterContext) -> list[str]:
    reason = _sentence(ctx.reason)
    return [_("具体理由：%(reason)s") % {"reason": reason}] if reason else []


def _review_first(kind: Kind, ctx: LetterContext) -> bool:
    outcome = kind if isinstance(kind, Outcome) else ctx.outcome
    return (kind != LetterKind.FEE_NOTICE and outcome is not None
            and group_of(Outcome(outcome)) in REVIEW_FIRST_GROUPS)


def remedy_notice(kind: Kind, ctx: LetterContext) -> str:
    """行政复议 within 60 days (行政复议法第二十条) to the configured body, or 行政诉讼 within
    6 months (行政诉讼法第四十六条). Refusals (``REVIEW_FIRST_GROUPS``) must go to 行政复议
    first, then to court within 15 days of its decision (行政诉讼法第四十五条)."""
    what = {LetterKind.FEE_NOTICE: _("本通知"), ExtraLetterKind.THIRD_PARTY_DISCLOSURE: _("本决定")}
    doc = _("本通知书") if kind == LetterKind.FEE_NOTICE else _("本告知书")
    params = {"what": what.get(kind, _("本答复")), "doc": doc,
              "body": _or(ctx.review_body, _("行政复议机关")),
              "court": ctx.court.strip() or _("人民法院")}
    if _review_first(kind, ctx):
        return _("如对%(what)s不服，可以在收到%(doc)s之日起60日内向%(body)s申请行政复议；"
                 "对行政复议决定不服的，可以在收到行政复议决定书之日起15日内向%(court)s提起"
                 "行政诉讼。") % params
    return _("如对%(what)s不服，可以在收到%(doc)s之日起60日内向%(body)s申请行政复议，"
             "或者在6个月内向%(court)s提起行政诉讼。") % params


def _contact(ctx: LetterContext) -> str:
    parts = []
    if ctx.office.strip():
        parts.append(_("联系单位：%(office)s") % {"office": ctx.office.strip()})
    if ctx.contact_person.strip():
        parts.append(_("联系人：%(person)s") % {"person": ctx.contact_person.strip()})
    parts.append(_("联系电话：%(phone)s") % {"phone": _or(ctx.contact_phone, _("联系电话"))})
    return "；".join(parts)


# --- Bodies: procedural notices -------------------------------------------------------------


def _acknowledgement(ctx: LetterContext) -> list[str]:
    return [
        _("%(you)s提交的政府信息公开申请（申请编号：%(no)s，申请获取“%(request)s”的政府信息）"
          "本机关已于%(received)s收到（收到申请之日依照%(citation)s确定）。") % {
            "you": _you(ctx), "no": _no(ctx), "request": _req(ctx),
            "received": chinese_date(ctx.received_on, _("收到申请日期")),
            "citation": citation(("第三十一条",))},
        _("本机关将依照%(citation)s的规定，自收到申请之日起20个工作日内予以答复，"
          "预计答复日期为%(due)s；需要延长答复期限的，将另行告知。征求第三方和其他机关意见"
          "所需时间不计算在答复期限内。") % {
            "citation": citation(("第三十三条第二款",)),
            "due": chinese_date(ctx.due_on, _("答复期限"))},
    ]


def _correction(ctx: LetterContext) -> list[str]:
    items = [f"{i}. {item.strip()}" for i, item in enumerate(ctx.correction_items, 1)
             if item.strip()] or [placeholder(_("需要补正的事项"))]
    guidance = [_sentence(ctx.reason)] if ctx.reason.strip() else []
    return [
        _opening(ctx),
        _("经审查，%(you)s的申请内容不明确。%(according)s现一次性告知%(you)s作出补正，"
          "需要补正的事项如下：") % {"you": _you(ctx), "according": _according_to(("第三十条",))},
        *items, *guidance,
        _("请于%(deadline)s前向本机关提交补正后的申请。答复期限自本机关收到补正的申请之日起"
          "计算。无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。") % {
            "deadline": chinese_date(ctx.correction_deadline, _("补正期限"))},
    ]


def _extension(ctx: LetterContext) -> list[str]:
    return [
        _opening(ctx),
        _("因%(reason)s，本机关不能在规定期限内作出答复。经本机关政府信息公开工作机构负责人"
          "同意，%(according)s答复期限延长%(days)d个工作日，本机关将于%(due)s前作出答复。") % {
            "reason": _or(ctx.reason, _("延期理由")),
            "according": _according_to(("第三十三条第二款",)),
            "days": ctx.extension_days, "due": chinese_date(ctx.due_on, _("延长后的答复期限"))},
    ]


def _third_party_consultation(ctx: LetterContext) -> list[str]:
    # The applicant is not named to the third party: only the request is described.
    return [
        _("本机关收到一份政府信息公开申请（申请编号：%(no)s），申请获取“%(request)s”的政府"
          "信息。该信息公开可能损害贵方的合法权益。%(according)s现书面征求贵方意见。") % {
            "no": _no(ctx), "request": _req(ctx),
            "according": _according_to(("第三十二条",))},
        _("请自收到本征求意见书之日起%(days)d个工作日内（即%(due)s前）书面提出是否同意公开的"
          "意见；不同意公开的，请说明理由。逾期未提出意见的，由本机关依照《条例》的规定决定"
          "是否公开。不同意公开且有合理理由的，本机关不予公开；本机关认为不公开可能对公共利益"
          "造成重大影响的，可以决定予以公开，并将决定公开的政府信息内容和理由书面告知贵方。") % {
            "days": CONSULTATION_DAYS, "due": chinese_date(ctx.opinion_due, _("提出意见的期限"))},
    ]


def _agency_consultation(ctx: LetterContext) -> list[str]:
    return [
        _("本机关收到一份政府信息公开申请（申请编号：%(no)s），申请获取“%(request)s”的政府"
          "信息。该信息由本机关与贵机关共同制作，%(according)s现征求贵机关意见。") % {
            "no": _no(ctx), "request": _req(ctx),
            "according": _according_to(("第三十四条",))},
        _("请自收到本征求意见函之日起%(days)d个工作日内（即%(due)s前）提出意见；逾期未提出"
          "意见的，视为同意公开。") % {
            "days": CONSULTATION_DAYS, "due": chinese_date(ctx.opinion_due, _("提出意见的期限"))},
    ]


def _reasons_request(ctx: LetterContext) -> list[str]:
    return [
        _opening(ctx),
        _("%(you)s申请公开政府信息的数量、频次明显超过合理范围。%(according)s请%(you)s于"
          "%(due)s前向本机关说明理由。本机关认为申请理由不合理的，将告知%(you)s不予处理；认为"
          "申请理由合理，但是无法在《条例》第三十三条规定的期限内答复的，可以确定延迟答复的"
          "合理期限并告知%(you)s。") % {
            "you": _you(ctx), "according": _according_to(("第三十五条",)),
            "due": chinese_date(ctx.reasons_due, _("说明理由的期限"))},
    ]


def _delayed_reply(ctx: LetterContext) -> list[str]:
    return [
        _opening(ctx),
        _("本机关认为%(you)s的申请理由合理，但是无法在《条例》第三十三条规定的期限内答复。"
          "%(according)s本机关确定延迟答复的期限，将于%(until)s前作出答复。") % {
            "you": _you(ctx), "according": _according_to(("第三十五条",)),
            "until": chinese_date(ctx.delayed_until, _("延迟答复的期限"))},
    ]


def fee_lines(fee: FeeQuote) -> list[str]:
    """The breakdown of ``fees.quote``, one band a line: “第31—100页：70页×10元/页＝700元”."""
    unit = "页" if fee.method == FeeMethod.PER_VOLUME else "件"
    prefix = "第" if fee.method == FeeMethod.PER_VOLUME else "本月第"
    lines = []
    for band in fee.bands:
        span = f"{band.first}" if band.first == band.last else f"{band.first}—{band.last}"
        if band.rate == 0:
            lines.append(_("%(span)s：%(units)d%(unit)s，不收费") % {
                "span": f"{prefix}{span}{unit}", "units": band.units, "unit": unit})
        else:
            lines.append(f"{prefix}{span}{unit}：{band.units}{unit}×{_yuan(band.rate)}/{unit}"
                         f"＝{_yuan(band.amount)}")
    return lines


def _fee_notice(ctx: LetterContext) -> list[str]:
    if ctx.fee is None:
        return [_opening(ctx), placeholder(_("信息处理费计算结果"))]
    fee = ctx.fee
    return [
        _opening(ctx),
        _("%(according)s本机关决定对%(you)s的申请收取信息处理费，按照“%(method)s”标准、超额"
          "累进方式计算如下：") % {
            "according": _according_to(("第四十二条", FEE_RULES)), "you": _you(ctx),
            "method": FeeMethod(fee.method).label},
        *fee_lines(fee),
        _("合计：人民币%(amount)s。") % {"amount": _yuan(fee.amount)},
        _("请于%(pay_by)s前缴纳，缴纳方式：%(how)s。自本通知书发出之日至%(you)s缴纳费用之日的"
          "期间，不计算在答复期限内。逾期未缴纳的，本机关将不再处理该政府信息公开申请。") % {
            "pay_by": chinese_date(ctx.fee_pay_by, _("缴费期限")),
            "how": _or(ctx.payment_instructions, _("缴纳方式")), "you": _you(ctx)},
    ]


def _third_party_disclosure(ctx: LetterContext) -> list[str]:
    return [
        _("本机关收到一份政府信息公开申请（申请编号：%(no)s），申请获取“%(request)s”的政府"
          "信息，并已就此征求贵方意见。本机关认为不公开可能对公共利益造成重大影响，"
          "%(according)s决定予以公开。") % {
            "no": _no(ctx), "request": _req(ctx),
            "according": _according_to(("第十五条", "第三十二条"))},
        _("决定公开的政府信息内容：%(what)s。") % {
            "what": _or(ctx.where_to_obtain, _("决定公开的内容"))},
        _("理由：%(reason)s。") % {"reason": _or(ctx.reason, _("决定公开的理由"))},
    ]


def _proactive_disclosure(ctx: LetterContext) -> list[str]:
    return [
        _opening(ctx),
        _("%(according)s本机关已将该政府信息纳入主动公开范围，%(you)s可通过以下途径查阅："
          "%(where)s。") % {
            "according": _according_to(("第四十四条",)), "you": _you(ctx),
            "where": _or(ctx.published_at, _("公开途径"))},
    ]


# --- Bodies: replies, one decision per outcome ----------------------------------------------

_WITHHELD_FACTS: dict[Outcome, str] = {
    Outcome.WITHHELD_STATE_SECRET: gettext_noop("属于依法确定为国家秘密的政府信息"),
    Outcome.WITHHELD_PROHIBITED_BY_LAW: gettext_noop("属于法律、行政法规禁止公开的政府信息"),
    Outcome.WITHHELD_THREE_SECURITIES_ONE_STABILITY: gettext_noop(
        "公开后可能危及国家安全、公共安全、经济安全、社会稳定"),
    Outcome.WITHHELD_THIRD_PARTY_RIGHTS: gettext_noop(
        "涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害"),
    Outcome.WITHHELD_INTERNAL_AFFAIRS: gettext_noop(
        "属于行政机关的内部事务信息（人事管理、后勤管理、内部工作流程等方面的信息）"),
    Outcome.WITHHELD_PROCESS_INFORMATION: gettext_noop(
        "属于行政机关在履行行政管理职能过程中形成的讨论记录、过程稿、磋商信函、请示报告等"
        "过程性信息"),
    Outcome.WITHHELD_ENFORCEMENT_FILE: gettext_noop("属于行政执法案卷信息"),
}


def _decide_granted(ctx: LetterContext, arts: tuple[str, ...]) -> list[str]:
    if ctx.already_public:
        return [_("经审查，%(you)s申请获取的政府信息已经主动公开。%(according)s现告知%(you)s"
                  "获取该政府信息的方式、途径：%(where)s。") % {
            "you": _you(ctx), "according": _according_to(arts),
            "where": _or(ctx.where_to_obtain, _("获取方式、途径"))}]
    return [_("经审查，%(you)s申请获取的政府信息属于可以公开的政府信息。%(according)s本机关"
              "决定予以公开。") % {"you": _you(ctx), "according": _according_to(arts)},
            _provision(ctx)]


def _decide_partially(ctx: LetterContext, arts: tuple[str, ...]) -> list[str]:
    return [_("经审查，%(you)s申请获取的信息中含有不应当公开或者不属于政府信息的内容，但是能够"
              "作区分处理。%(according)s本机关向%(you)s提供可以公开的政府信息内容，并对不予"
              "公开的内容说明理由如下：%(withheld)s。") % {
        "you": _you(ctx), "according": _according_to(arts),
        "withheld": _or(ctx.withheld_parts, _("不予公开的内容及理由"))},
            _provision(ctx)]


def _decide_withheld(ctx: LetterContext, arts: tuple[str, ...]) -> list[str]:
    assert ctx.outcome is not None  # noqa: S101 — _reply only calls this with an outcome
    if ctx.outcome == Outcome.WITHHELD_ADMINISTRATIVE_QUERY:
        return [_("经审查，%(you)s申请获取的信息属于工商、不动产登记资料等信息，有关法律、行政"
                  "法规对信息的获取有特别规定。%(according)s请%(you)s依照%(law)s的规定办理。") % {
            "you": _you(ctx), "according": _according_to(arts),
            "law": _or(ctx.basis, _("有关法律、行政法规"))}, *_specific_reason(ctx)]
    fact = _(_WITHHELD_FACTS[ctx.outcome])
    if ctx.outcome == Outcome.WITHHELD_PROHIBITED_BY_LAW:
        fact += _("（%(law)s）") % {"law": _or(ctx.basis, _("禁止公开的法律、行政法规"))}
    return [_("经审查，%(you)s申请获取的政府信息%(fact)s。%(according)s本机关决定不予公开。") % {
        "you": _you(ctx), "fact": fact, "according": _according_to(arts)},
            *_specific_reason(ctx)]


def _search_record(ctx: LetterContext) -> list[str]:
    record = _sentence(ctx.reason)
    return [_("检索情况：%(record)s") % {"record": record}] if record else []


def _decide_not_held(ctx: LetterContext, arts: tuple[str, ...]) -> list[str]:
    if not _not_ours(ctx):
        return [_("经检索，本机关没有%(you)s所申请公开的信息。%(according)s现告知%(you)s该政府"
                  "信息不存在。") % {"you": _you(ctx), "according": _according_to(arts)},
                *_search_record(ctx)]
    first = _("经审查，%(you)s所申请公开的信息不属于本机关负责公开，理由：%(reason)s。"
              "%(according)s特此告知。") % {
        "you": _you(ctx), "reason": _or(ctx.reason, _("不属于本机关负责公开的理由")),
        "according": _according_to(arts)}
    if ctx.holding_agency.strip():
        second = _("负责公开该政府信息的行政机关为%(agency)s，联系方式：%(contact)s。") % {
            "agency": ctx.holding_agency.strip(),
            "contact": _or(ctx.holding_agency_contact, _("负责公开机关的联系方式"))}
    else:
        second = _("本机关无法确定负责公开该政府信息的行政机关。")
    return [first, second]


def _decide_needs_creation(ctx: LetterContext, arts: tuple[str, ...]) -> list[str]:
    return [_("经审查，本机关没有%(you)s所申请的现成信息，提供该信息需要本机关对现有政府信息"
              "进行加工、分析。%(according)s本机关不予提供。") % {
        "you": _you(ctx), "according": _according_to(arts)}, *_specific_reason(ctx)]


def _decide_still_unclear(ctx: LetterContext, arts: tuple[str, ...]) -> list[str]:
    return [_("本机关已于%(sent)s告知%(you)s作出补正，但补正后的申请内容仍不明确，本机关无法"
              "确定%(you)s所申请公开的政府信息。%(according)s本机关无法向%(you)s提供。") % {
        "sent": chinese_date(ctx.correction_sent_on, _("补正告知日期")), "you": _you(ctx),
        "according": _according_to(arts)}, *_specific_reason(ctx)]


def _decide_petition(ctx: LetterContext, arts: tuple[str, ...]) -> list[str]:
    return [_("经审查，%(you)s是以政府信息公开申请的形式进行信访、投诉、举报等活动。"
              "%(according)s本机关不作为政府信息公开申请处理，%(you)s可以通过%(channel)s"
              "提出。") % {"you": _you(ctx), "according": _according_to(arts),
                         "channel": ctx.channel.strip() or _("信访、投诉、举报等相应渠道")}]


def _decide_repeated(ctx: LetterContext, arts: tuple[str, ...]) -> list[str]:
    return [_("本机关已就%(you)s提出的政府信息公开申请作出答复（%(previous)s），%(you)s此次"
              "申请公开的是相同政府信息。%(according)s本机关不予重复处理。") % {
        "you": _you(ctx), "previous": _or(ctx.previous_reply, _("此前答复的日期和文号")),
        "according": _according_to(arts)}]


def _decide_publication(ctx: LetterContext, arts: tuple[str, ...]) -> list[str]:
    return [_("经审查，%(you)s申请获取的是政府公报、报刊、书籍等公开出版物。%(according)s"
              "现告知%(you)s获取的途径：%(where)s。") % {
        "you": _you(ctx), "according": _according_to(arts),
        "where": _or(ctx.where_to_obtain, _("获取途径"))}]


def _decide_excessive(ctx: LetterContext, arts: tuple[str, ...]) -> list[str]:
    return [_("%(you)s申请公开政府信息的数量、频次明显超过合理范围，本机关已要求%(you)s说明"
              "理由。经审查，本机关认为申请理由不合理。%(according)s本机关不予处理。") % {
        "you": _you(ctx), "according": _according_to(arts)}, *_specific_reason(ctx)]


def _decide_confirmation(ctx: LetterContext, arts: tuple[str, ...]) -> list[str]:
    return [_("经审查，%(you)s的申请系要求本机关对有关事项予以确认，或者重新出具%(you)s已经"
              "获取的信息，所涉内容不属于%(citation)s所称政府信息的公开申请，本机关不作为"
              "政府信息公开申请处理。") % {"you": _you(ctx), "citation": citation(arts)},
            *_specific_reason(ctx)]


def _decide_correction_not_made(ctx: LetterContext, arts: tuple[str, ...]) -> list[str]:
    return [_("本机关已于%(sent)s告知%(you)s作出补正，补正期限至%(deadline)s。%(you)s无正当"
              "理由逾期未补正，%(according)s视为放弃申请，本机关不再处理该政府信息公开"
              "申请。") % {
        "sent": chinese_date(ctx.correction_sent_on, _("补正告知日期")), "you": _you(ctx),
        "deadline": chinese_date(ctx.correction_deadline, _("补正期限")),
        "according": _according_to(arts)}]


def _decide_fee_not_paid(ctx: LetterContext, arts: tuple[str, ...]) -> list[str]:
    amount = _yuan(ctx.fee.amount) if ctx.fee is not None else placeholder(_("信息处理费金额"))
    return [_("本机关已于%(sent)s向%(you)s发出收费通知书，要求%(you)s于%(pay_by)s前缴纳信息"
              "处理费%(amount)s。%(you)s逾期未缴纳，%(according)s本机关不再处理该政府信息"
              "公开申请。") % {
        "sent": chinese_date(ctx.fee_notice_sent_on, _("收费通知日期")), "you": _you(ctx),
        "pay_by": chinese_date(ctx.fee_pay_by, _("缴费期限")), "amount": amount,
        "according": _according_to(arts)}]


def _decide_other(ctx: LetterContext, arts: tuple[str, ...]) -> list[str]:
    basis = _("依据%(basis)s，") % {"basis": ctx.basis.strip()} if ctx.basis.strip() else ""
    return [_("经审查，%(basis)s本机关对%(you)s的申请作如下处理：%(reason)s。") % {
        "basis": basis, "you": _you(ctx), "reason": _or(ctx.reason, _("处理情况及理由"))}]


_Decide = Callable[[LetterContext, tuple[str, ...]], list[str]]
_DECISIONS: dict[Outcome, _Decide] = {
    Outcome.GRANTED: _decide_granted,
    Outcome.PARTIALLY_GRANTED: _decide_partially,
    **dict.fromkeys(_WITHHELD_FACTS, _decide_withheld),
    Outcome.WITHHELD_ADMINISTRATIVE_QUERY: _decide_withheld,
    Outcome.NOT_HELD: _decide_not_held,
    Outcome.NEEDS_CREATION: _decide_needs_creation,
    Outcome.STILL_UNCLEAR_AFTER_CORRECTION: _decide_still_unclear,
    Outcome.PETITION_OR_COMPLAINT: _decide_petition,
    Outcome.REPEATED_APPLICATION: _decide_repeated,
    Outcome.PUBLICATION_REQUESTED: _decide_publication,
    Outcome.EXCESSIVE_WITHOUT_REASON: _decide_excessive,
    Outcome.CONFIRMATION_REQUESTED: _decide_confirmation,
    Outcome.CORRECTION_NOT_MADE: _decide_correction_not_made,
    Outcome.FEE_NOT_PAID: _decide_fee_not_paid,
    Outcome.OTHER: _decide_other,
}


def decision(outcome: Outcome, ctx: LetterContext) -> list[str]:
    """The paragraph(s) stating the decision on ``outcome``, citing its articles."""
    return _DECISIONS[outcome](ctx, letter_articles(outcome, ctx))


def _reply(outcome: Outcome, ctx: LetterContext) -> list[str]:
    ctx = replace(ctx, outcome=outcome)
    return [_opening(ctx) + _("现答复如下："), *decision(outcome, ctx)]


def _not_processed_notice(ctx: LetterContext) -> list[str]:
    """``LetterKind.NOT_PROCESSED_NOTICE``: the reply of the 不予处理 outcome in ``ctx``."""
    if ctx.outcome is None or group_of(Outcome(ctx.outcome)) != OutcomeGroup.NOT_PROCESSED:
        raise ValueError("a 不予处理告知书 needs a 不予处理 outcome in the context")
    return _reply(Outcome(ctx.outcome), ctx)


_PROCEDURAL: dict[LetterKind | ExtraLetterKind, Callable[[LetterContext], list[str]]] = {
    LetterKind.RECEIPT: _acknowledgement,
    LetterKind.CORRECTION_NOTICE: _correction,
    LetterKind.EXTENSION_NOTICE: _extension,
    LetterKind.THIRD_PARTY_CONSULTATION: _third_party_consultation,
    LetterKind.AGENCY_CONSULTATION: _agency_consultation,
    LetterKind.REASONS_REQUEST: _reasons_request,
    LetterKind.DELAYED_REPLY_NOTICE: _delayed_reply,
    LetterKind.FEE_NOTICE: _fee_notice,
    LetterKind.NOT_PROCESSED_NOTICE: _not_processed_notice,
    ExtraLetterKind.THIRD_PARTY_DISCLOSURE: _third_party_disclosure,
    ExtraLetterKind.PROACTIVE_DISCLOSURE: _proactive_disclosure,
}


def _addressee(kind: Kind, ctx: LetterContext) -> str:
    if kind in (LetterKind.THIRD_PARTY_CONSULTATION, ExtraLetterKind.THIRD_PARTY_DISCLOSURE):
        return _or(ctx.third_party, _("第三方名称"))
    if kind == LetterKind.AGENCY_CONSULTATION:
        return _or(ctx.consulted_agency, _("被征求意见机关"))
    return _or(ctx.applicant, _("申请人"))


def render_text(kind: Kind | str, ctx: LetterContext) -> str:
    """The whole letter as plain text, one paragraph a line: title, number, blank,
    ``<addressee>：``, body, remedy notice (``has_remedy_notice``), blank, agency, date
    (2024年9月27日), blank, contact line. ``kind`` is a ``LetterKind``, an
    ``ExtraLetterKind``, an ``Outcome`` (its reply letter) or the stored value of one."""
    kind = resolve_kind(kind)
    body = _reply(kind, ctx) if isinstance(kind, Outcome) else _PROCEDURAL[kind](ctx)
    if has_remedy_notice(kind):
        body.append(remedy_notice(kind, ctx))
    lines = [title_of(kind), _or(ctx.number, _("文号")), "", f"{_addressee(kind, ctx)}：",
             *body, "", _or(ctx.agency, _("行政机关名称")), chinese_date(ctx.date), "",
             _contact(ctx)]
    return "\n".join(lines) + "\n"


# --- Layout shared by DOCX and PDF ------------------------------------------------------------

_DATE_LINE_RE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")


@dataclass(frozen=True)
class Block:
    """One laid-out paragraph. ``role``: title, number, salutation, body, signature, plain
    (no indent: contact lines after the date) or blank."""

    role: str
    text: str


def layout(text: str, *, title: str, number: str) -> list[Block]:
    """Assign each line of a (possibly edited) letter a role. The title and number are
    printed from the arguments; the text's own copies at its top are dropped. The last
    date line and the line above it are the signature; lines after it are plain."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and lines[0] in {"", title.strip(), number.strip()}:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    dates = [i for i, line in enumerate(lines) if _DATE_LINE_RE.match(line)]
    sign_at = dates[-1] if dates else len(lines)
    signature = {sign_at}
    if sign_at < len(lines) and sign_at > 0 and lines[sign_at - 1]:
        signature.add(sign_at - 1)
    blocks = [Block("title", title.strip())] + ([Block("number", number.strip())] if number.strip()
                                                else [])
    seen_text = False
    for i, line in enumerate(lines):
        if not line:
            role = "blank"
        elif i in signature:
            role = "signature"
        elif i > sign_at:
            role = "plain"
        elif not seen_text and line.endswith(("：", ":")) and len(line) <= 40:
            role = "salutation"
        else:
            role = "body"
        seen_text = seen_text or bool(line)
        blocks.append(Block(role, line))
    return blocks


# --- DOCX ------------------------------------------------------------------------------------

BODY_FONT = "仿宋"          # 三号仿宋 (GB/T 9704: 仿宋_GB2312; 仿宋 is its Windows successor)
TITLE_FONT = "宋体"         # fallback for 方正小标宋简体, which most machines lack; printed bold
BODY_PT = 16                 # 三号
TITLE_PT = 22                # 二号
LINE_PT = 28                 # fixed line spacing: 22 lines a page on A4 (GB/T 9704 §5.2.2)
MARGINS_MM = (37, 35, 28, 26)  # top, bottom, left, right (GB/T 9704 版心 156×225 mm)


def to_docx(text: str, *, title: str, number: str, title_font: str = TITLE_FONT) -> bytes:
    """The letter as a Word document: A4, 公文 margins, title 二号 centred, body 三号仿宋
    with a two-character first-line indent, signature right-aligned, page numbers in the
    footer. Fonts are set for East Asian text (``w:eastAsia``) so Word uses them for Han."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    top, bottom, left, right = MARGINS_MM
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    document.core_properties.title = title
    _set_font(document.styles["Normal"], BODY_FONT, BODY_PT)
    _page_number_footer(section.footer.paragraphs[0])

    align = {"title": WD_ALIGN_PARAGRAPH.CENTER, "number": WD_ALIGN_PARAGRAPH.CENTER,
             "signature": WD_ALIGN_PARAGRAPH.RIGHT, "body": WD_ALIGN_PARAGRAPH.JUSTIFY}
    for block in layout(text, title=title, number=number):
        paragraph = document.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(LINE_PT if block.role != "title" else TITLE_PT + 14)
        fmt.space_before = fmt.space_after = Pt(0)
        if block.role in align:
            paragraph.alignment = align[block.role]
        if block.role == "body":
            fmt.first_line_indent = Pt(2 * BODY_PT)
            _first_line_chars(paragraph, 200)
        if block.role == "signature":
            fmt.right_indent = Pt(2 * BODY_PT)
        if block.role == "title":
            fmt.space_after = Pt(LINE_PT)
        run = paragraph.add_run(block.text)
        if block.role == "title":
            _set_run_font(run, title_font, TITLE_PT, bold=title_font == TITLE_FONT)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _east_asian(r_pr: object, font: str) -> None:
    from docx.oxml.ns import qn

    r_fonts = r_pr.get_or_add_rFonts()  # type: ignore[attr-defined]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        r_fonts.set(qn(attr), font)


def _set_font(style: object, font: str, size: int) -> None:
    from docx.shared import Pt

    style.font.name = font  # type: ignore[attr-defined]
    style.font.size = Pt(size)  # type: ignore[attr-defined]
    _east_asian(style.element.get_or_add_rPr(), font)  # type: ignore[attr-defined]


def _set_run_font(run: object, font: str, size: int, *, bold: bool) -> None:
    from docx.shared import Pt

    run.font.size = Pt(size)  # type: ignore[attr-defined]
    run.font.bold = bold  # type: ignore[attr-defined]
    _east_asian(run._element.get_or_add_rPr(), font)  # type: ignore[attr-defined]


def _first_line_chars(paragraph: object, hundredths: int) -> None:
    """``w:firstLineChars``: an indent in characters, which Word keeps right at any size."""
    from docx.oxml.ns import qn

    ind = paragraph._p.get_or_add_pPr().get_or_add_ind()  # type: ignore[attr-defined]
    ind.set(qn("w:firstLineChars"), str(hundredths))


def _page_number_footer(paragraph: object) -> None:
    """“— 1 —”, centred (GB/T 9704 puts 4号 page numbers under the text)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER  # type: ignore[attr-defined]
    paragraph.add_run("— ")  # type: ignore[attr-defined]
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)  # type: ignore[attr-defined]
    paragraph.add_run(" —")  # type: ignore[attr-defined]


# --- PDF -------------------------------------------------------------------------------------

PDF_FONT = "STSong-Light"   # reportlab's built-in Adobe CID font: no font file to ship


def to_pdf(text: str, *, title: str, number: str) -> bytes:
    """The letter as PDF (A4, 公文 margins, wrapped paragraphs, “— n —” page numbers) in the
    CID font STSong-Light, which every PDF reader supplies: nothing to embed."""
    # reportlab ships no type information (no py.typed, no stubs in the venv).
    from reportlab.lib.enums import (  # type: ignore[import-untyped]
        TA_CENTER,
        TA_JUSTIFY,
        TA_LEFT,
        TA_RIGHT,
    )
    from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
    from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
    from reportlab.lib.units import mm  # type: ignore[import-untyped]
    from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # type: ignore[import-untyped]
    from reportlab.platypus import (  # type: ignore[import-untyped]
        Paragraph,
        SimpleDocTemplate,
        Spacer,
    )

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    base = ParagraphStyle("body", fontName=PDF_FONT, fontSize=BODY_PT, leading=LINE_PT,
                          wordWrap="CJK", alignment=TA_JUSTIFY)
    styles = {
        "title": ParagraphStyle("title", parent=base, fontSize=TITLE_PT, leading=TITLE_PT + 14,
                                alignment=TA_CENTER, spaceAfter=LINE_PT / 2),
        "number": ParagraphStyle("number", parent=base, alignment=TA_CENTER),
        "salutation": ParagraphStyle("salutation", parent=base, alignment=TA_LEFT),
        "body": ParagraphStyle("indented", parent=base, firstLineIndent=2 * BODY_PT),
        "signature": ParagraphStyle("signature", parent=base, alignment=TA_RIGHT,
                                    rightIndent=2 * BODY_PT),
        "plain": ParagraphStyle("plain", parent=base, alignment=TA_LEFT),
    }
    story: list[object] = []
    for block in layout(text, title=title, number=number):
        if block.role == "blank":
            story.append(Spacer(1, LINE_PT / 2))
        else:
            story.append(Paragraph(escape(block.text), styles[block.role]))

    def page_number(canvas: object, doc: object) -> None:
        canvas.saveState()  # type: ignore[attr-defined]
        canvas.setFont(PDF_FONT, 14)  # type: ignore[attr-defined]
        canvas.drawCentredString(A4[0] / 2, 20 * mm,  # type: ignore[attr-defined]
                                 f"— {doc.page} —")  # type: ignore[attr-defined]
        canvas.restoreState()  # type: ignore[attr-defined]

    out = io.BytesIO()
    top, bottom, left, right = MARGINS_MM
    doc = SimpleDocTemplate(out, pagesize=A4, topMargin=top * mm, bottomMargin=bottom * mm,
                            leftMargin=left * mm, rightMargin=right * mm, title=title,
                            invariant=True)
    doc.build(story, onFirstPage=page_number, onLaterPages=page_number)
    return out.getvalue()
