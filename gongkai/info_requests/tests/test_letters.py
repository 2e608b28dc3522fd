"""Letters (告知书): every outcome and notice renders, cites the right article, carries the
remedy notice where it decides something, never prints personal data, and survives the
trip to DOCX and PDF. Pure: no database."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from decimal import Decimal

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from pypdf import PdfReader

from gongkai.core.text.pii import find_personal_data
from gongkai.info_requests import fees
from gongkai.info_requests.enums import (
    OUTCOME_RULES,
    DeliveryMethod,
    FeeMethod,
    LetterKind,
    Outcome,
    OutcomeGroup,
    ProvisionForm,
)
from gongkai.info_requests.letters import (
    REGULATION,
    ExtraLetterKind,
    LetterContext,
    chinese_date,
    citation,
    fee_lines,
    find_placeholders,
    format_letter_number,
    has_remedy_notice,
    layout,
    letter_articles,
    render_text,
    resolve_kind,
    title_of,
    to_docx,
    to_pdf,
)

AGENCY_PHONE = "0412-2220000"
REVIEW_BODY = "鞍山市人民政府"

CTX = LetterContext(
    agency="鞍山市统计局",
    number="鞍统公开〔2024〕12号",
    date=dt.date(2024, 10, 8),
    applicant="张伟",
    application_number="YSQ2024-0012",
    received_on=dt.date(2024, 9, 27),
    request="2023年鞍山市规模以上工业企业名录",
    office="鞍山市统计局办公室",
    contact_phone=AGENCY_PHONE,
    review_body=REVIEW_BODY,
    reason="经核查，相关信息不在本机关职责范围内",
    basis="《中华人民共和国统计法》第三十九条",
    where_to_obtain="鞍山市统计局网站“统计数据”栏目",
    provision_form=ProvisionForm.PAPER,
    delivery=DeliveryMethod.POST,
    withheld_parts="名录中企业的联系电话涉及第三方合法权益，不予公开",
    channel="鞍山市信访局",
    previous_reply="2024年8月1日，鞍统公开〔2024〕9号",
    correction_items=("请明确所需名录的年份", "请说明所需的行业范围"),
    correction_sent_on=dt.date(2024, 9, 30),
    correction_deadline=dt.date(2024, 10, 21),
    due_on=dt.date(2024, 11, 22),
    reasons_due=dt.date(2024, 10, 22),
    delayed_until=dt.date(2024, 12, 31),
    third_party="鞍山某钢铁有限公司",
    consulted_agency="鞍山市发展和改革委员会",
    opinion_due=dt.date(2024, 10, 29),
    fee=fees.per_volume(250),
    fee_notice_sent_on=dt.date(2024, 10, 8),
    fee_pay_by=dt.date(2024, 11, 5),
    payment_instructions="持缴款通知书到代收银行缴纳",
    published_at="鞍山市统计局网站“政府信息公开目录”",
)


def ctx(**changes: object) -> LetterContext:
    return dataclasses.replace(CTX, **changes)  # type: ignore[arg-type]


def rendered(kind: object, **changes: object) -> str:
    return render_text(kind, ctx(**changes))  # type: ignore[arg-type]


# --- Every outcome has a letter citing the right article -----------------------------------------

R = REGULATION
EXPECTED_CITATION = {
    Outcome.GRANTED: f"{R}第三十六条第（二）项",
    Outcome.PARTIALLY_GRANTED: f"{R}第三十七条",
    Outcome.WITHHELD_STATE_SECRET: f"{R}第十四条、第三十六条第（三）项",
    Outcome.WITHHELD_PROHIBITED_BY_LAW: f"{R}第十四条、第三十六条第（三）项",
    Outcome.WITHHELD_THREE_SECURITIES_ONE_STABILITY: f"{R}第十四条、第三十六条第（三）项",
    Outcome.WITHHELD_THIRD_PARTY_RIGHTS: f"{R}第十五条、第三十六条第（三）项",
    Outcome.WITHHELD_INTERNAL_AFFAIRS: f"{R}第十六条第一款、第三十六条第（三）项",
    Outcome.WITHHELD_PROCESS_INFORMATION: f"{R}第十六条第二款、第三十六条第（三）项",
    Outcome.WITHHELD_ENFORCEMENT_FILE: f"{R}第十六条第二款、第三十六条第（三）项",
    Outcome.WITHHELD_ADMINISTRATIVE_QUERY: f"{R}第三十六条第（七）项",
    Outcome.NOT_HELD: f"{R}第三十六条第（四）项",
    Outcome.NEEDS_CREATION: f"{R}第三十八条",
    Outcome.STILL_UNCLEAR_AFTER_CORRECTION: f"{R}第三十条",
    Outcome.PETITION_OR_COMPLAINT: f"{R}第三十九条第一款",
    Outcome.REPEATED_APPLICATION: f"{R}第三十六条第（六）项",
    Outcome.PUBLICATION_REQUESTED: f"{R}第三十九条第二款",
    Outcome.EXCESSIVE_WITHOUT_REASON: f"{R}第三十五条",
    Outcome.CONFIRMATION_REQUESTED: f"{R}第二条",
    Outcome.CORRECTION_NOT_MADE: f"{R}第三十条",
    Outcome.FEE_NOT_PAID: f"{R}第四十二条和《政府信息公开信息处理费管理办法》",
    Outcome.OTHER: "",
}

EXPECTED_TITLE = {
    OutcomeGroup.GRANTED: "政府信息予以公开告知书",
    OutcomeGroup.PARTIALLY_GRANTED: "政府信息部分公开告知书",
    OutcomeGroup.WITHHELD: "政府信息不予公开告知书",
    OutcomeGroup.CANNOT_PROVIDE: "政府信息无法提供告知书",
    OutcomeGroup.NOT_PROCESSED: "政府信息公开申请不予处理告知书",
    OutcomeGroup.OTHER: "政府信息公开申请处理告知书",
}


def test_the_citation_table_covers_every_outcome():
    assert set(EXPECTED_CITATION) == set(Outcome)


@pytest.mark.parametrize("outcome", list(Outcome))
def test_every_outcome_has_a_reply_letter_citing_its_article(outcome):
    text = rendered(outcome)
    assert text.startswith(EXPECTED_TITLE[OUTCOME_RULES[outcome].group] + "\n")
    if EXPECTED_CITATION[outcome]:
        assert f"根据{EXPECTED_CITATION[outcome]}的规定" in text or \
            f"不属于{EXPECTED_CITATION[outcome]}所称" in text
    assert "现答复如下：" in text
    assert find_placeholders(text) == []


@pytest.mark.parametrize("outcome", [o for o in Outcome if OUTCOME_RULES[o].articles])
def test_the_letter_cites_only_articles_the_outcome_rests_on(outcome):
    for variant in (ctx(), ctx(already_public=True, holding_agency="鞍山市工业和信息化局",
                             holding_agency_contact="0412-5550000")):
        articles = letter_articles(outcome, variant)
        assert articles
        assert set(articles) <= set(OUTCOME_RULES[outcome].articles)


def test_an_outcome_without_an_article_cites_what_applies_or_prints_the_staff_basis():
    assert letter_articles(Outcome.CONFIRMATION_REQUESTED, CTX) == ("第二条",)
    text = rendered(Outcome.OTHER, reason="申请人已撤回申请", basis="")
    assert "本机关对您的申请作如下处理：申请人已撤回申请。" in text
    assert "依据《中华人民共和国统计法》第三十九条" in rendered(Outcome.OTHER)
    assert "请填写：处理情况及理由" in rendered(Outcome.OTHER, reason="")


def test_already_public_information_cites_item_one_and_says_where_it_is():
    text = rendered(Outcome.GRANTED, already_public=True)
    assert f"根据{R}第三十六条第（一）项的规定" in text
    assert "获取该政府信息的方式、途径：鞍山市统计局网站“统计数据”栏目。" in text
    assert "第三十六条第（二）项" not in text


def test_granted_information_is_provided_in_the_form_and_way_asked():
    text = rendered(Outcome.GRANTED, where_to_obtain="")
    assert "本机关以纸质形式，通过邮寄方式向您提供。" in text
    missing = rendered(Outcome.GRANTED, where_to_obtain="", provision_form=None, delivery=None)
    assert find_placeholders(missing) == ["获取方式、途径和时间"]


def test_information_held_by_another_agency_names_it_and_its_contact():
    text = rendered(Outcome.NOT_HELD, holding_agency="鞍山市工业和信息化局",
                    holding_agency_contact="0412-5550000")
    assert f"根据{R}第三十六条第（五）项的规定" in text
    assert "负责公开该政府信息的行政机关为鞍山市工业和信息化局，联系方式：0412-5550000。" in text
    assert "不存在" not in text


def test_a_holding_agency_without_contact_leaves_a_placeholder_not_a_gap():
    text = rendered(Outcome.NOT_HELD, holding_agency="鞍山市工业和信息化局")
    assert find_placeholders(text) == ["负责公开机关的联系方式"]


def test_information_that_does_not_exist_cites_item_four():
    text = rendered(Outcome.NOT_HELD, reason="经检索本机关2023年以来的文件和数据库，未发现")
    assert f"根据{R}第三十六条第（四）项的规定，现告知您该政府信息不存在。" in text
    assert "检索情况：经检索本机关2023年以来的文件和数据库，未发现。" in text


def test_partial_disclosure_states_what_is_withheld_and_why():
    text = rendered(Outcome.PARTIALLY_GRANTED)
    assert "不予公开的内容说明理由如下：名录中企业的联系电话涉及第三方合法权益，不予公开。" in text


def test_an_organisation_is_addressed_as_gui_danwei():
    text = rendered(Outcome.GRANTED, applicant="鞍山某咨询有限公司", applicant_is_organization=True)
    assert "鞍山某咨询有限公司：\n" in text
    assert "贵单位" in text
    assert "您" not in text


# --- Remedy notice -------------------------------------------------------------------------------

STANDARD_REMEDY = ("如对本答复不服，可以在收到本告知书之日起60日内向鞍山市人民政府申请行政复议，"
                   "或者在6个月内向人民法院提起行政诉讼。")
REVIEW_FIRST_REMEDY = ("如对本答复不服，可以在收到本告知书之日起60日内向鞍山市人民政府申请"
                       "行政复议；对行政复议决定不服的，可以在收到行政复议决定书之日起15日内向人民法院提起"
                       "行政诉讼。")


@pytest.mark.parametrize("outcome", list(Outcome))
def test_every_reply_ends_with_the_remedy_notice_naming_the_review_body(outcome):
    text = rendered(outcome)
    refusal = OUTCOME_RULES[outcome].group in {OutcomeGroup.WITHHELD,
                                               OutcomeGroup.PARTIALLY_GRANTED}
    assert (REVIEW_FIRST_REMEDY if refusal else STANDARD_REMEDY) in text
    body = text.split("\n\n")[1]
    assert body.rstrip().endswith("行政诉讼。")


def test_the_court_wording_and_review_body_come_from_the_context():
    text = rendered(Outcome.GRANTED, review_body="国家统计局", court="有管辖权的人民法院")
    assert "60日内向国家统计局申请行政复议，或者在6个月内向有管辖权的人民法院提起行政诉讼。" in text


def test_a_missing_review_body_is_a_visible_placeholder():
    assert find_placeholders(rendered(Outcome.GRANTED, review_body="")) == ["行政复议机关"]


NO_REMEDY = [LetterKind.RECEIPT, LetterKind.CORRECTION_NOTICE, LetterKind.EXTENSION_NOTICE,
             LetterKind.THIRD_PARTY_CONSULTATION, LetterKind.AGENCY_CONSULTATION,
             LetterKind.REASONS_REQUEST, LetterKind.DELAYED_REPLY_NOTICE,
             ExtraLetterKind.PROACTIVE_DISCLOSURE]
WITH_REMEDY = [LetterKind.FEE_NOTICE, LetterKind.NOT_PROCESSED_NOTICE,
               ExtraLetterKind.THIRD_PARTY_DISCLOSURE]


def test_every_procedural_kind_is_classified():
    assert set(NO_REMEDY) | set(WITH_REMEDY) == set(LetterKind) | set(ExtraLetterKind)


@pytest.mark.parametrize("kind", NO_REMEDY)
def test_procedural_notices_carry_no_remedy_notice(kind):
    assert not has_remedy_notice(kind)
    assert "申请行政复议" not in rendered(kind)


@pytest.mark.parametrize("kind", WITH_REMEDY)
def test_notices_that_decide_something_carry_the_remedy_notice(kind):
    text = rendered(kind, outcome=Outcome.REPEATED_APPLICATION)
    assert "60日内向鞍山市人民政府申请行政复议，或者在6个月内向人民法院提起行政诉讼。" in text


# --- Procedural notices --------------------------------------------------------------------------

PROCEDURAL_CITATION = {
    LetterKind.RECEIPT: f"依照{R}第三十三条第二款的规定",
    LetterKind.CORRECTION_NOTICE: f"根据{R}第三十条的规定",
    LetterKind.EXTENSION_NOTICE: f"根据{R}第三十三条第二款的规定",
    LetterKind.THIRD_PARTY_CONSULTATION: f"根据{R}第三十二条的规定",
    LetterKind.AGENCY_CONSULTATION: f"根据{R}第三十四条的规定",
    LetterKind.REASONS_REQUEST: f"根据{R}第三十五条的规定",
    LetterKind.DELAYED_REPLY_NOTICE: f"根据{R}第三十五条的规定",
    LetterKind.FEE_NOTICE: f"根据{R}第四十二条和《政府信息公开信息处理费管理办法》的规定",
    LetterKind.NOT_PROCESSED_NOTICE: f"根据{R}第三十六条第（六）项的规定",
    ExtraLetterKind.THIRD_PARTY_DISCLOSURE: f"根据{R}第十五条、第三十二条的规定",
    ExtraLetterKind.PROACTIVE_DISCLOSURE: f"根据{R}第四十四条的规定",
}


@pytest.mark.parametrize("kind", list(PROCEDURAL_CITATION))
def test_every_notice_cites_its_article_and_has_nothing_left_to_fill(kind):
    text = rendered(kind, outcome=Outcome.REPEATED_APPLICATION)
    assert PROCEDURAL_CITATION[kind] in text
    assert text.startswith(title_of(kind) + "\n鞍统公开〔2024〕12号\n\n")
    assert find_placeholders(text) == []


def test_the_correction_notice_lists_every_item_once_with_its_deadline():
    text = rendered(LetterKind.CORRECTION_NOTICE)
    assert "\n1. 请明确所需名录的年份\n2. 请说明所需的行业范围\n" in text
    assert "请于2024年10月21日前向本机关提交补正后的申请。" in text
    assert "视为放弃申请" in text


def test_the_extension_notice_gives_the_new_due_date_and_the_approval():
    text = rendered(LetterKind.EXTENSION_NOTICE, reason="所需信息数量较大，需要调取档案")
    assert "经本机关政府信息公开工作机构负责人同意" in text
    assert "答复期限延长20个工作日，本机关将于2024年11月22日前作出答复。" in text


def test_consultation_letters_go_to_the_consulted_party_and_do_not_name_the_applicant():
    third = rendered(LetterKind.THIRD_PARTY_CONSULTATION)
    agency = rendered(LetterKind.AGENCY_CONSULTATION)
    assert "\n鞍山某钢铁有限公司：\n" in third
    assert "15个工作日内（即2024年10月29日前）" in third
    assert "\n鞍山市发展和改革委员会：\n" in agency
    assert "逾期未提出意见的，视为同意公开。" in agency
    for text in (third, agency, rendered(ExtraLetterKind.THIRD_PARTY_DISCLOSURE)):
        assert "张伟" not in text


def test_the_not_processed_notice_needs_a_not_processed_outcome():
    with pytest.raises(ValueError, match="不予处理"):
        rendered(LetterKind.NOT_PROCESSED_NOTICE, outcome=Outcome.GRANTED)
    assert "不予重复处理" in rendered(LetterKind.NOT_PROCESSED_NOTICE,
                                     outcome=Outcome.REPEATED_APPLICATION)


# --- Fees ----------------------------------------------------------------------------------------


def test_the_fee_notice_shows_the_amount_and_bands_computed_by_fees():
    text = rendered(LetterKind.FEE_NOTICE, fee=fees.per_volume(250))
    assert fees.per_volume(250).amount == Decimal("4700")
    assert "按照“按量计收”标准、超额累进方式计算如下：" in text
    for line in ("第1—30页：30页，不收费", "第31—100页：70页×10元/页＝700元",
                 "第101—200页：100页×20元/页＝2,000元", "第201—250页：50页×40元/页＝2,000元",
                 "合计：人民币4,700元。", "请于2024年11月5日前缴纳"):
        assert line in text


def test_the_fee_notice_per_application_shows_the_ordinals_of_the_month():
    quote = fees.quote(FeeMethod.PER_APPLICATION, ordinal=30, count=2)
    assert fee_lines(quote) == ["本月第30件：1件×100元/件＝100元",
                                "本月第31件：1件×200元/件＝200元"]
    assert "合计：人民币300元。" in rendered(LetterKind.FEE_NOTICE, fee=quote)


def test_the_non_payment_letter_repeats_the_amount_and_dates():
    text = rendered(Outcome.FEE_NOT_PAID)
    assert ("本机关已于2024年10月8日向您发出收费通知书，要求您于2024年11月5日前缴纳信息处理费"
            "4,700元。") in text


# --- Personal data -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [*LetterKind, *ExtraLetterKind, *Outcome])
def test_no_letter_prints_personal_data_beyond_the_agency_phone(kind):
    text = rendered(kind, outcome=Outcome.REPEATED_APPLICATION)
    assert find_personal_data(text, allowed=[AGENCY_PHONE]) == []
    # The detector is live: the agency phone is found when not allowed.
    assert [f.value for f in find_personal_data(text)] == [AGENCY_PHONE]


def test_the_context_has_no_field_for_an_id_number_or_address():
    names = {f.name for f in dataclasses.fields(LetterContext)}
    assert not {n for n in names if "id_" in n or "address" in n or "identity" in n}


# --- Numbers and dates ---------------------------------------------------------------------------


def test_letter_numbers_use_the_official_brackets():
    assert format_letter_number("鞍统公开", 2024, 12) == "鞍统公开〔2024〕12号"
    assert format_letter_number(" 鞍统公复 ", 2026, 1) == "鞍统公复〔2026〕1号"


@pytest.mark.parametrize(("prefix", "year", "serial"),
                         [("", 2024, 1), ("鞍统公开", 24, 1), ("鞍统公开", 2024, 0),
                          ("鞍统公开", 2024, True)])
def test_bad_letter_numbers_are_refused(prefix, year, serial):
    with pytest.raises(ValueError):
        format_letter_number(prefix, year, serial)


def test_dates_are_written_in_chinese_without_leading_zeros():
    assert chinese_date(dt.date(2024, 1, 5)) == "2024年1月5日"
    assert chinese_date(None, "补正期限") == "【请填写：补正期限】"
    text = rendered(Outcome.GRANTED)
    assert "\n鞍山市统计局\n2024年10月8日\n" in text
    assert "本机关于2024年9月27日收到您提出的政府信息公开申请" in text


def test_citation_joins_articles_of_one_law_and_names_other_instruments():
    assert citation(("第十四条", "第三十六条第（三）项")) == f"{R}第十四条、第三十六条第（三）项"
    assert citation(("《政府信息公开信息处理费管理办法》",)) == "《政府信息公开信息处理费管理办法》"


def test_stored_kind_values_resolve_to_their_kind():
    assert resolve_kind("receipt") is LetterKind.RECEIPT
    assert resolve_kind("not_held") is Outcome.NOT_HELD
    assert resolve_kind("proactive_disclosure") is ExtraLetterKind.PROACTIVE_DISCLOSURE
    assert render_text("granted", CTX) == render_text(Outcome.GRANTED, CTX)
    with pytest.raises(ValueError):
        resolve_kind("no_such_letter")


def test_extra_kind_values_never_collide_with_stored_ones():
    stored = {k.value for k in LetterKind} | {o.value for o in Outcome}
    assert not stored & {k.value for k in ExtraLetterKind}


# --- Layout, DOCX and PDF ------------------------------------------------------------------------


def test_layout_finds_salutation_body_signature_and_contact_in_edited_text():
    text = rendered(Outcome.GRANTED)
    edited = text.split("\n", 2)[2].replace("经审查", "经认真审查")  # title and number removed
    blocks = layout(edited, title="政府信息予以公开告知书", number="鞍统公开〔2024〕12号")
    roles = [(b.role, b.text[:6]) for b in blocks if b.role != "blank"]
    assert roles[:3] == [("title", "政府信息予以"), ("number", "鞍统公开〔2"),
                         ("salutation", "张伟：")]
    assert ("signature", "鞍山市统计局") in roles
    assert ("signature", "2024年1") in roles
    assert roles[-1] == ("plain", "联系单位：鞍")
    assert sum(1 for b in blocks if b.role == "title") == 1


def _docx(kind=Outcome.WITHHELD_THIRD_PARTY_RIGHTS):
    text = rendered(kind)
    return text, Document(io.BytesIO(to_docx(text, title=title_of(kind), number=CTX.number)))


def test_the_docx_holds_the_text_in_official_layout():
    text, document = _docx()
    paragraphs = [p for p in document.paragraphs if p.text]
    assert [p.text for p in paragraphs] == [line for line in text.split("\n") if line]
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    title, number, salutation, body = paragraphs[:4]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0].font.size == Pt(22)
    assert title.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert salutation.paragraph_format.first_line_indent is None
    assert body.paragraph_format.first_line_indent == Pt(32)
    normal = document.styles["Normal"]
    assert normal.font.size == Pt(16)
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"
    signature = [p for p in paragraphs if p.text in ("鞍山市统计局", "2024年10月8日")]
    assert [p.alignment for p in signature] == [WD_ALIGN_PARAGRAPH.RIGHT] * 2
    assert "PAGE" in section.footer.paragraphs[0]._p.xml


def test_the_docx_title_font_can_be_the_official_one():
    text = rendered(Outcome.GRANTED)
    document = Document(io.BytesIO(to_docx(text, title="T", number="N",
                                           title_font="方正小标宋简体")))
    run = document.paragraphs[0].runs[0]
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert not run.font.bold


def test_the_pdf_holds_extractable_chinese_text():
    text = rendered(Outcome.WITHHELD_THIRD_PARTY_RIGHTS)
    reader = PdfReader(io.BytesIO(to_pdf(text, title=title_of(Outcome.WITHHELD_THIRD_PARTY_RIGHTS),
                                         number=CTX.number)))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    extracted = page.extract_text().replace("\n", "")
    for phrase in ("政府信息不予公开告知书", "鞍统公开〔2024〕12号", "张伟：", "第十五条",
                   "鞍山市人民政府申请行政复议", "2024年10月8日", "— 1 —"):
        assert phrase in extracted
    fonts = {str(f["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}  # type: ignore[index]
    assert any("STSong-Light" in f for f in fonts)


def test_a_long_letter_runs_onto_numbered_pages():
    items = tuple(f"补正事项{i}：请说明所需信息的具体范围和年份" for i in range(40))
    text = rendered(LetterKind.CORRECTION_NOTICE, correction_items=items)
    reader = PdfReader(io.BytesIO(to_pdf(text, title="T", number="N")))
    assert len(reader.pages) >= 2
    assert "— 2 —" in reader.pages[1].extract_text()
    assert "补正事项39" in "".join(p.extract_text() for p in reader.pages).replace("\n", "")


def test_markup_characters_in_typed_text_are_printed_not_interpreted():
    text = rendered(Outcome.OTHER, reason="申请内容含<b>标签</b>与&符号")
    extracted = PdfReader(io.BytesIO(to_pdf(text, title="T", number="N"))).pages[0].extract_text()
    assert "<b>标签</b>与&符号" in extracted.replace("\n", "")
