"""Turns the demo descriptions into agencies, pages, documents and logins.

Every step looks for what a previous run left and keeps it, so loading twice creates
nothing twice. Everything runs in one transaction: a failed run leaves no half demo.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm
from wagtail.documents import get_document_model
from wagtail.models import Page, PageLogEntry, Site

from gongkai.catalog.blocks import body_from_html
from gongkai.catalog.models import (
    ColumnPage,
    DisclosureAttachment,
    DisclosureItemPage,
    GuidePage,
    IndexNumber,
    InterpretationLink,
    InterpretationPage,
    ThemeCategory,
)
from gongkai.core.models import Agency
from gongkai.core.selectors import load_calendar
from gongkai.core.services import agency_collection
from gongkai.demo import accounts, content, files
from gongkai.demo.agencies import AGENCIES, CITY_SLUG, agency_fields, agency_spec
from gongkai.demo.annual_reports import ensure_annual_reports
from gongkai.demo.consultations import ensure_consultations
from gongkai.demo.enforcement import ensure_enforcement
from gongkai.demo.engagement import ensure_engagement
from gongkai.demo.official_stats import ensure_official_stats, ensure_statistics_columns
from gongkai.demo.requests import ensure_requests
from gongkai.demo.specs import AttachmentSpec, ItemSpec
from gongkai.site.models import PlatformHomePage
from gongkai.site.services import create_agency

SITE_HOSTNAME = "127.0.0.1"
SITE_PORT = 8000
# Loggers that report every page save; the progress bar says the same more quietly.
NOISY_LOGGERS = ("wagtail", "gongkai")


@dataclass
class Summary:
    platform_created: bool = False
    agencies_created: int = 0
    agencies_kept: int = 0
    items_created: int = 0
    drafts_created: int = 0
    items_kept: int = 0
    documents_created: int = 0
    users_created: int = 0
    users_kept: int = 0
    admin_credential: accounts.Credential | None = None
    new_credentials: list[accounts.Credential] = field(default_factory=list)


@contextmanager
def quiet_logs() -> Iterator[None]:
    previous = {name: logging.getLogger(name).level for name in NOISY_LOGGERS}
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        yield
    finally:
        for name, level in previous.items():
            logging.getLogger(name).setLevel(level)


# --- Platform and site -------------------------------------------------------------------

def remove_wagtail_welcome() -> None:
    """Delete the “Welcome to your new Wagtail site!” page and its site, if still there."""
    plain_page = ContentType.objects.get_for_model(Page)
    for page in Page.objects.filter(depth=2, content_type=plain_page, slug="home", numchild=0):
        Site.objects.filter(root_page=page).delete()
        page.delete()


def ensure_platform(summary: Summary) -> PlatformHomePage:
    platform = PlatformHomePage.objects.first()
    if platform is None:
        platform = PlatformHomePage(title=content.PLATFORM_TITLE, slug=content.PLATFORM_SLUG,
                                    intro=content.PLATFORM_INTRO)
        Page.get_first_root_node().add_child(instance=platform)
        platform.save_revision().publish()
        summary.platform_created = True
    if not Site.objects.filter(root_page=platform).exists():
        Site.objects.filter(is_default_site=True).update(is_default_site=False)
        Site.objects.update_or_create(
            hostname=SITE_HOSTNAME, port=SITE_PORT,
            defaults={"root_page": platform, "is_default_site": True,
                      "site_name": content.PLATFORM_TITLE},
        )
    return platform


def ensure_primary_agency(platform: PlatformHomePage, city: Agency,
                          admin: AbstractBaseUser) -> None:
    if platform.primary_agency_id is None:
        platform.primary_agency = city
        platform.save_revision(user=admin).publish(user=admin)


# --- Agencies ----------------------------------------------------------------------------

def ensure_agencies(platform: PlatformHomePage, admin: AbstractBaseUser, summary: Summary,
                    bar: tqdm) -> dict[str, Agency]:
    """The city bureau first, then its county/district bureaus as its children."""
    agencies: dict[str, Agency] = {}
    for order, spec in enumerate(AGENCIES):
        bar.set_postfix_str(spec.name)
        existing = Agency.objects.filter(slug=spec.slug).first()
        if existing is not None:
            agencies[spec.slug] = existing
            summary.agencies_kept += 1
        else:
            parent = None if spec.slug == CITY_SLUG else agencies[CITY_SLUG]
            agencies[spec.slug] = create_agency(parent_page=platform, by=admin, parent=parent,
                                                **agency_fields(spec, order))
            summary.agencies_created += 1
        bar.update()
    return agencies


def fill_guides(agencies: dict[str, Agency], admin: AbstractBaseUser) -> None:
    """Give each 政府信息公开指南 its short supplementary text, once."""
    for agency in agencies.values():
        guide = GuidePage.objects.descendant_of(agency.home_page).first()
        if guide is not None and not guide.body:
            guide.body = content.GUIDE_BODY
            guide.save_revision(user=admin).publish(user=admin)


# --- Documents ---------------------------------------------------------------------------

def make_document(spec: AttachmentSpec, agency: Agency, admin: AbstractBaseUser) -> Any:
    data = files.demo_pdf() if spec.kind == "pdf" else files.census_xlsx()
    document = get_document_model()(title=spec.title, collection=agency_collection(agency),
                                    uploaded_by_user=admin)
    document.file.save(spec.filename, ContentFile(data), save=False)
    document.file_size = len(data)
    # Wagtail keys duplicate detection on the SHA-1 of the content.
    document.file_hash = hashlib.sha1(data, usedforsecurity=False).hexdigest()
    document.save()
    return document


# --- Items -------------------------------------------------------------------------------

class ItemBuilder:
    """Creates the items of the demo, looking up columns and themes once."""

    def __init__(self, agencies: dict[str, Agency], admin: AbstractBaseUser,
                 summary: Summary) -> None:
        self.agencies = agencies
        self.admin = admin
        self.summary = summary
        self.themes = {theme.code: theme for theme in ThemeCategory.objects.all()}
        self.columns: dict[tuple[str, str], ColumnPage] = {}

    def column(self, agency_slug: str, slug: str) -> ColumnPage:
        key = (agency_slug, slug)
        if key not in self.columns:
            home = self.agencies[agency_slug].home_page
            self.columns[key] = ColumnPage.objects.descendant_of(home).get(slug=slug)
        return self.columns[key]

    def ensure(self, spec: ItemSpec) -> None:
        column = self.column(spec.agency, spec.column)
        existing = Page.objects.child_of(column).filter(slug=spec.slug).first()
        if existing is not None:
            self.summary.items_kept += 1
            if spec.legacy_key:
                self.upgrade_legacy(existing.specific, spec)
            return
        page = self.build(spec)
        column.add_child(instance=page)
        revision = page.save_revision(user=self.admin)
        if spec.published_at is None:
            self.summary.drafts_created += 1
            return
        revision.publish(user=self.admin)
        backdate(page, published=spec.published_at,
                 last=spec.republished_at or spec.published_at)
        self.summary.items_created += 1

    def upgrade_legacy(self, page: DisclosureItemPage, spec: ItemSpec) -> None:
        """A demo loaded before the restorer existed published the damaged text; replace it
        once with the restored text (a re-run finds the key and leaves the page alone)."""
        if page.legacy_key == spec.legacy_key:
            return
        page.body = body_from_html(spec.body)
        page.summary = spec.summary
        page.original_text = spec.original_text
        page.restoration_report = spec.restoration_report
        page.legacy_key = spec.legacy_key
        page.save_revision(user=self.admin).publish(user=self.admin)

    def build(self, spec: ItemSpec) -> DisclosureItemPage:
        page_class = InterpretationPage if spec.is_interpretation else DisclosureItemPage
        page = page_class(
            title=spec.title, slug=spec.slug, summary=spec.summary,
            body=body_from_html(spec.body),
            formed_on=spec.formed_on, changed_on=spec.changed_on, doc_number=spec.doc_number,
            publisher=spec.publisher, source=spec.source, theme=self.themes[spec.theme],
            genre=spec.genre, keywords=spec.keywords, validity=spec.validity,
            validity_changed_on=spec.validity_changed_on, article20_item=spec.article20_item,
            is_demo=spec.is_demo, demo_note=spec.demo_note if spec.is_demo else "",
            original_text=spec.original_text, restoration_report=spec.restoration_report,
            legacy_key=spec.legacy_key,
            # A new page is not live until its revision is published.
            live=False,
            # Set before the first publication: the index number takes its year from it.
            first_published_at=spec.published_at,
        )
        page.attachments = [
            DisclosureAttachment(document=make_document(a, self.agencies[spec.agency], self.admin),
                                 title=a.title)
            for a in spec.attachments
        ]
        self.summary.documents_created += len(spec.attachments)
        if isinstance(page, InterpretationPage):
            page.interpreted_documents = [
                InterpretationLink(document=self.column(spec.agency, column_slug)
                                   .get_children().get(slug=slug).specific)
                for column_slug, slug in spec.interprets
            ]
        return page


def backdate(page: DisclosureItemPage, *, published: dt.datetime, last: dt.datetime) -> None:
    """Make the history say what the demo says: published (and changed) in the past."""
    Page.objects.filter(pk=page.pk).update(last_published_at=last,
                                           latest_revision_created_at=last)
    page.revisions.update(created_at=last)
    PageLogEntry.objects.filter(page=page).update(timestamp=published)
    IndexNumber.objects.filter(page=page).update(issued_at=published)


# --- The whole load ----------------------------------------------------------------------

def draft_formed_on() -> dt.date:
    return content.working_days_before(load_calendar(), timezone.localdate(),
                                       content.DRAFT_AGE_WORKING_DAYS)


def load(*, progress: bool) -> Summary:
    """Load the demo (or complete an earlier load). Credentials are saved by the caller
    once the transaction has committed."""
    summary = Summary()
    specs = content.all_items(draft_formed_on())
    with quiet_logs(), transaction.atomic(), tqdm(
        total=len(AGENCIES) + len(specs), desc="载入演示内容", unit="项", disable=not progress,
    ) as bar:
        admin, summary.admin_credential = accounts.ensure_admin()
        remove_wagtail_welcome()
        platform = ensure_platform(summary)
        agencies = ensure_agencies(platform, admin, summary, bar)
        ensure_primary_agency(platform, agencies[CITY_SLUG], admin)
        summary.new_credentials, summary.users_kept = accounts.ensure_staff(agencies=agencies,
                                                                            by=admin)
        summary.users_created = len(summary.new_credentials)
        if summary.admin_credential is None:
            summary.users_kept += 1
        else:
            summary.users_created += 1
        fill_guides(agencies, admin)
        ensure_statistics_columns(agencies, admin)  # 统计公报/统计年鉴 before items go in
        builder = ItemBuilder(agencies, admin, summary)
        for spec in specs:
            bar.set_postfix_str(agency_spec(spec.agency).name)
            builder.ensure(spec)
            bar.update()
        ensure_requests(agencies, admin)  # 依申请公开 cases (gongkai/demo/requests.py)
        ensure_enforcement(agencies, admin)  # 统计执法公开 (gongkai/demo/enforcement.py)
        ensure_consultations(agencies, admin)  # 互动交流 (gongkai/demo/consultations.py)
        ensure_official_stats(agencies, admin)  # 统计数据发布 (gongkai/demo/official_stats.py)
        ensure_annual_reports(agencies, admin)  # 年度报告 (gongkai/demo/annual_reports.py)
        ensure_engagement(agencies, admin)  # 专题与公众参与 (gongkai/demo/engagement.py)
    return summary
