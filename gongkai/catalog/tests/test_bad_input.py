"""Bad input through the Wagtail admin comes back as a Chinese message, with what the user
typed still in the form.

The disclosure item form is posted exactly as the browser would (the create view of
DisclosureItemPage under 鞍山's 政策文件 column); attachments go through Wagtail's
document upload view, which uses gongkai's content check (WAGTAILDOCS_DOCUMENT_FORM_BASE).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from gongkai.catalog.models import DisclosureItemPage
from gongkai.core.enums import StaffRole
from gongkai.core.services import agency_collection
from gongkai.testing import column, make_item, make_user, theme

pytestmark = pytest.mark.django_db

TITLE = "关于开展2024年统计执法检查的通知"
SUMMARY = "部署全市统计执法检查工作"
MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
               b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
               b"trailer<</Root 1 0 R>>\n%%EOF\n")


def item_form_data(**fields: Any) -> dict[str, Any]:
    """The create/edit form of a DisclosureItemPage as the admin posts it."""
    data: dict[str, Any] = {
        "title": TITLE,
        "slug": "tongzhi",
        "summary": SUMMARY,
        "body": streamfield([("text", rich_text("<p>正文</p>"))]),
        "attachments": inline_formset([]),
        "comments": inline_formset([]),
        "formed_on": "2024-03-01",
        "changed_on": "",
        "doc_number": "鞍统发〔2024〕3号",
        "publisher": "",
        "source": "",
        "theme": theme().pk,
        "genre": "tongzhi",
        "keywords": "统计 执法",
        "article20_item": "none",
        "disclosure_method": "proactive",
        "validity": "valid",
        "validity_changed_on": "",
        "demo_note": "",
        "seo_title": "",
        "search_description": "",
        "go_live_at": "",
        "expire_at": "",
    }
    data.update(fields)
    form: dict[str, Any] = nested_form_data(data)
    return form


def create_url(parent: Page) -> str:
    return reverse("wagtailadmin_pages:add", args=["catalog", "disclosureitempage", parent.pk])


@pytest.fixture
def editor(anshan: Any, client: Any) -> Any:
    user = make_user("as_bad_input_editor", agency=anshan, role=StaffRole.EDITOR)
    client.force_login(user)
    return user


def text(response: Any) -> str:
    return str(response.content.decode("utf-8"))


def assert_refused_with(response: Any, message: str) -> None:
    """The form is shown again with the message and with what was typed."""
    assert response.status_code == 200, response.get("Location")
    content = text(response)
    assert message in content
    assert TITLE in content
    assert SUMMARY in content
    assert not DisclosureItemPage.objects.filter(title=TITLE).exists()


def tomorrow() -> str:
    return (timezone.localdate() + dt.timedelta(days=1)).isoformat()


@pytest.mark.parametrize(("fields", "message"), [
    ({"doc_number": "鞍统发[2022]3号"}, "文号的年份应使用六角括号“〔〕”"),
    ({"doc_number": "鞍统发2022第3号"}, "文号格式不正确"),
    ({"validity": "expired", "validity_changed_on": "2024-02-01"},
     "失效或废止日期不能早于生成日期（成文日期）。"),
    ({"validity": "repealed", "validity_changed_on": ""},
     "有效性为“失效”或“废止”时，请填写失效或废止日期。"),
    ({"formed_on": "TOMORROW"}, "生成日期不能晚于今天。"),
    ({"changed_on": "2024-02-01"}, "变更日期不能早于生成日期（成文日期）。"),
], ids=["square brackets", "no brackets", "repealed before formed", "repealed without date",
        "formed in the future", "changed before formed"])
def test_the_item_form_refuses_bad_metadata_in_chinese(anshan, client, editor, fields, message):
    fields = {k: tomorrow() if v == "TOMORROW" else v for k, v in fields.items()}
    response = client.post(create_url(column(anshan)), item_form_data(**fields))
    assert_refused_with(response, message)


def test_the_item_form_refuses_a_doc_number_the_agency_already_used(anshan, client, editor):
    make_item(column(anshan, "tzgg"), title="已有文件", doc_number="鞍统发〔2024〕3号")
    response = client.post(create_url(column(anshan)),
                           item_form_data(doc_number=" 鞍统发〔2024〕3号 "))
    assert_refused_with(response, "本单位已有使用该文号的信息：“已有文件”。请核对文号。")


def test_another_agency_may_use_the_same_doc_number(anshan, haicheng, client):
    make_item(column(anshan), title="鞍山的文件", doc_number="鞍统发〔2024〕3号")
    client.force_login(make_user("hc_bad_input_editor", agency=haicheng, role=StaffRole.EDITOR))
    response = client.post(create_url(column(haicheng)), item_form_data())
    assert response.status_code == 302, text(response)[:2000]
    created = DisclosureItemPage.objects.get(title=TITLE)
    assert created.doc_number == "鞍统发〔2024〕3号"
    assert not created.live


def test_a_good_item_is_saved_as_a_draft(anshan, client, editor):
    response = client.post(create_url(column(anshan)), item_form_data())
    assert response.status_code == 302
    created = DisclosureItemPage.objects.get(title=TITLE)
    assert created.get_parent().pk == column(anshan).pk
    assert not created.live


def test_editing_an_item_keeps_its_own_doc_number(anshan, client, editor):
    item = make_item(column(anshan), title=TITLE, doc_number="鞍统发〔2024〕3号",
                     summary=SUMMARY)
    response = client.post(reverse("wagtailadmin_pages:edit", args=[item.pk]),
                           item_form_data(slug=item.slug, summary="修改后的概述"))
    assert response.status_code == 302, text(response)[:2000]


# --- Attachments ---------------------------------------------------------------------------


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)


def upload(client: Any, anshan: Any, name: str, content: bytes) -> Any:
    return client.post(reverse("wagtaildocs:add"), {
        "title": "统计执法检查方案",
        "collection": agency_collection(anshan).pk,
        "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
    })


def test_an_html_page_named_pdf_is_refused(anshan, client, editor, media):
    response = upload(client, anshan, "x.pdf", b"<!DOCTYPE html><html><body>hi</body></html>")
    assert response.status_code == 200
    assert "文件内容与扩展名“.pdf”不符" in text(response)
    assert "统计执法检查方案" in text(response)
    assert not get_document_model().objects.exists()


def test_an_oversized_file_is_refused(anshan, client, editor, media, settings):
    settings.GONGKAI_MAX_UPLOAD_MB = 1
    padding = b"0" * (2 * 1024 * 1024)
    response = upload(client, anshan, "big.pdf", MINIMAL_PDF + padding)
    assert response.status_code == 200
    assert "文件过大（2.0 MB），单个附件不能超过 1 MB。" in text(response)
    assert not get_document_model().objects.exists()


def test_a_real_pdf_is_accepted(anshan, client, editor, media):
    response = upload(client, anshan, "fangan.pdf", MINIMAL_PDF)
    assert response.status_code == 302, text(response)[:2000]
    document = get_document_model().objects.get()
    assert document.collection == agency_collection(anshan)
    assert document.file.name.endswith(".pdf")
