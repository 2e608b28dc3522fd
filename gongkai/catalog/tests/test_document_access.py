"""Attachments of unpublished items are not downloadable by the public; section roots are
not deletable by agency staff."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.models import Page

from gongkai.catalog.models import DisclosureAttachment
from gongkai.core.enums import StaffRole
from gongkai.core.services import agency_collection
from gongkai.testing import column, make_item, make_user

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def attach(agency, item):
    document = get_document_model().objects.create(
        title="附件", file=ContentFile(PDF, name="fujian.pdf"),
        collection=agency_collection(agency))
    DisclosureAttachment.objects.create(page=item, document=document)
    return document


def download(client, document):
    return client.get(reverse("wagtaildocs_serve", args=[document.pk, document.filename]))


def test_the_public_gets_attachments_of_published_items(client, anshan):
    document = attach(anshan, make_item(column(anshan)))
    assert download(client, document).status_code == 200


def test_the_public_cannot_get_attachments_of_drafts(client, anshan):
    document = attach(anshan, make_item(column(anshan), publish=False))
    assert download(client, document).status_code == 404


def test_staff_of_the_agency_can_open_draft_attachments(client, anshan):
    document = attach(anshan, make_item(column(anshan), publish=False))
    client.force_login(make_user("doc_reviewer", agency=anshan, role=StaffRole.REVIEWER))
    assert download(client, document).status_code == 200


def test_staff_of_another_agency_cannot_open_draft_attachments(client, anshan, haicheng):
    document = attach(anshan, make_item(column(anshan), publish=False))
    client.force_login(make_user("doc_other", agency=haicheng, role=StaffRole.EDITOR))
    assert download(client, document).status_code == 404


def test_an_agency_admin_cannot_delete_the_section_root(client, anshan):
    client.force_login(make_user("sec_admin", agency=anshan, role=StaffRole.ADMIN))
    response = client.post(reverse("wagtailadmin_pages:delete", args=[anshan.home_page_id]))
    assert response.status_code in (200, 403)
    assert Page.objects.filter(pk=anshan.home_page_id).exists()


def test_an_agency_admin_can_delete_an_item(client, anshan):
    item = make_item(column(anshan))
    client.force_login(make_user("item_admin", agency=anshan, role=StaffRole.ADMIN))
    client.post(reverse("wagtailadmin_pages:delete", args=[item.pk]))
    assert not Page.objects.filter(pk=item.pk).exists()
