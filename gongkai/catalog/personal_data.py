"""Personal data in a disclosure item: where it is, whether it is resolved, the gate.

An item cannot go live while its text or attachments contain personal data that no
reviewer has masked or overridden with a written reason (docs/personal-data.md). The
gate sits in Wagtail's ``PublishPageRevisionAction.execute``, which every publishing
route goes through (the editor's publish button, workflow approval, bulk publish, the
admin API, ``publish_scheduled``, ``revision.publish()`` in code); the admin views
catch the refusal and show it (``wagtail_hooks``).

Nothing here stores or prints an unmasked value: findings carry the masked value and a
keyed hash (``fingerprint``) that lets an override recognise the same data again.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from wagtail.actions.publish_page_revision import PublishPageRevisionAction
from wagtail.blocks import StreamValue
from wagtail.models import Page, Revision

from gongkai.catalog.models import DisclosureItemPage, PersonalDataOverride
from gongkai.catalog.services import PublishRefused
from gongkai.core.agencies import agency_for_page
from gongkai.core.text.extract import extract_text
from gongkai.core.text.pii import (
    Finding,
    Kind,
    allowed_for_agency,
    find_personal_data,
    mask,
    mask_personal_data,
    normalise_allowed,
)

logger = logging.getLogger(__name__)

# Shown in a refusal: enough to act on, short enough to read.
MAX_LISTED = 10


@dataclass(frozen=True)
class Located:
    """One piece of personal data in an item, safe to show and to log."""

    where: str
    kind: Kind
    masked: str
    fingerprint: str
    # Text can be masked in a new revision; an attachment's content cannot.
    maskable: bool

    @property
    def label(self) -> str:
        return self.kind.label

    def as_dict(self) -> dict[str, str]:
        return {"where": self.where, "kind": self.kind.value, "label": self.label,
                "masked": self.masked}


@dataclass(frozen=True)
class Unreadable:
    """An attachment whose text could not be checked (the reviewer must look at it)."""

    where: str
    reason: str


class PersonalDataRefused(PublishRefused):
    """Publication refused because of unresolved personal data."""

    def __init__(self, message: str, *, page_id: int | None, findings: list[Located]) -> None:
        super().__init__(message)
        self.page_id = page_id
        self.findings = findings


def fingerprint(kind: Kind, value: str) -> str:
    """A keyed hash of a found value: recognisable again, not reversible by brute force
    (ID and phone numbers are few enough that a plain hash would be)."""
    key = settings.SECRET_KEY.encode()
    message = f"{kind.value}:{normalise_allowed(value)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def _locate(where: str, findings: Iterable[Finding], *, maskable: bool) -> list[Located]:
    return [Located(where, f.kind, f.masked, fingerprint(f.kind, f.value), maskable)
            for f in findings]


# --- The text of an item -------------------------------------------------------------------


def html_strings(html: str) -> tuple[Any, list[Any]]:
    """The parsed fragment and its text nodes (mailto:/tel: links count as text)."""
    from bs4 import BeautifulSoup
    from bs4.element import Comment, NavigableString

    soup = BeautifulSoup(html or "", "html.parser")
    nodes = [node for node in soup.descendants
             if isinstance(node, NavigableString) and not isinstance(node, Comment)]
    return soup, nodes


def _link_targets(soup: Any) -> list[Any]:
    return [a for a in soup.find_all("a", href=True)
            if str(a["href"]).lower().startswith(("mailto:", "tel:"))]


def html_text(html: str) -> str:
    soup, nodes = html_strings(html)
    parts = [str(node) for node in nodes]
    parts += [str(a["href"]).split(":", 1)[1] for a in _link_targets(soup)]
    return "\n".join(parts)


def text_fields(page: DisclosureItemPage) -> Iterator[tuple[str, str]]:
    """(where, text) for every public text of the item except its attachments."""
    yield _("标题"), page.title
    yield _("内容概述"), page.summary
    yield _("关键词"), page.keywords
    yield _("搜索描述"), page.search_description or ""
    for index, block in enumerate(page.body, start=1):
        if block.block_type == "text":
            yield _("正文第%(n)d段") % {"n": index}, html_text(block.value.source)
        elif block.block_type == "table":
            value = block.value or {}
            cells = [value.get("table_caption") or ""]
            cells += [str(cell or "") for row in value.get("data") or [] for cell in row]
            yield _("正文表格（第%(n)d段）") % {"n": index}, "\n".join(cells)


def _attachment_name(attachment: Any) -> str:
    return mask_personal_data(attachment.display_title)


def attachment_findings(page: DisclosureItemPage, allowed: set[str]
                        ) -> tuple[list[Located], list[Unreadable]]:
    found: list[Located] = []
    unreadable: list[Unreadable] = []
    for attachment in page.attachments.all():
        name = _attachment_name(attachment)
        title_findings = find_personal_data(attachment.display_title, allowed=allowed)
        found += _locate(_("附件名称《%(name)s》") % {"name": name}, title_findings,
                         maskable=True)
        document = attachment.document
        where = _("附件《%(name)s》") % {"name": name}
        content, reason = _document_findings(document, allowed)
        if reason:
            unreadable.append(Unreadable(where, reason))
        found += [Located(where, kind, masked, print_, False)
                  for kind, masked, print_ in content]
    return found, unreadable


def _document_findings(document: Any, allowed: set[str]
                       ) -> tuple[list[tuple[Kind, str, str]], str]:
    """Findings in a document's file, cached by its content hash (masked values only)."""
    digest = hashlib.sha256(repr(sorted(allowed)).encode()).hexdigest()[:16]
    key = f"gongkai:pii:doc:{document.pk}:{document.file_hash or ''}:{digest}"
    cached = cache.get(key)
    if cached is not None:
        return [(Kind(k), m, f) for k, m, f in cached[0]], cached[1]
    try:
        with document.file.open("rb") as handle:
            extracted = extract_text(handle, document.file.name)
    except OSError:
        return [], _("无法读取附件文件")
    if not extracted.ok:
        result: tuple[list[tuple[Kind, str, str]], str] = ([], extracted.reason)
    else:
        result = ([(f.kind, f.masked, fingerprint(f.kind, f.value))
                   for f in find_personal_data(extracted.text, allowed=allowed)], "")
    if document.file_hash:
        cache.set(key, ([(k.value, m, f) for k, m, f in result[0]], result[1]), 24 * 3600)
    return result


@dataclass(frozen=True)
class Report:
    """Everything the reviewer needs to see about one revision."""

    findings: list[Located]
    unresolved: list[Located]
    unreadable: list[Unreadable]

    @property
    def blocked(self) -> bool:
        return bool(self.unresolved)

    @property
    def maskable(self) -> list[Located]:
        return [f for f in self.unresolved if f.maskable]


def allowed_for(page: Page) -> set[str]:
    agency = agency_for_page(page)
    return allowed_for_agency(agency) if agency is not None else set()


def findings_in(page: DisclosureItemPage) -> tuple[list[Located], list[Unreadable]]:
    allowed = allowed_for(page)
    found: list[Located] = []
    for where, text in text_fields(page):
        found += _locate(where, find_personal_data(text, allowed=allowed), maskable=True)
    in_attachments, unreadable = attachment_findings(page, allowed)
    return found + in_attachments, unreadable


def overridden_fingerprints(page: Page) -> set[str]:
    """The data reviewers have decided may be published with this item."""
    covered: set[str] = set()
    for prints in PersonalDataOverride.objects.filter(page_id=page.pk).values_list(
            "fingerprints", flat=True):
        covered.update(prints or [])
    return covered


def report_for(page: DisclosureItemPage) -> Report:
    """The personal data in ``page`` (a page or a revision's page object)."""
    findings, unreadable = findings_in(page)
    covered = overridden_fingerprints(page) if findings else set()
    unresolved = [f for f in findings if f.fingerprint not in covered]
    return Report(findings, unresolved, unreadable)


def latest_object(page: Page) -> Any:
    specific = page.specific
    revision = specific.get_latest_revision()
    return revision.as_object() if revision is not None else specific


def refusal_message(page: Page, findings: list[Located]) -> str:
    listed = "；".join(f"{f.where}：{f.label} {f.masked}" for f in findings[:MAX_LISTED])
    more = (_("等%(n)d处") % {"n": len(findings)}) if len(findings) > MAX_LISTED else ""
    return _("《%(title)s》含有未处理的个人信息，不能发布：%(list)s%(more)s。"
             "请审查人员遮蔽个人信息，或填写理由说明确需公开后再发布。") % {
        "title": mask_personal_data(page.title), "list": listed, "more": more}


def check_revision(revision: Revision) -> None:
    """Raise PersonalDataRefused if ``revision`` of an item has unresolved personal data."""
    obj = revision.as_object()
    if not isinstance(obj, DisclosureItemPage):
        return
    report = report_for(obj)
    if report.blocked:
        raise PersonalDataRefused(refusal_message(obj, report.unresolved),
                                  page_id=obj.pk, findings=report.unresolved)


def check_page(page: Page) -> None:
    """The same check for a page's latest revision (what an approval would publish)."""
    revision = page.get_latest_revision()
    if revision is not None:
        check_revision(revision)


# --- The gate ------------------------------------------------------------------------------


def install_publication_gate() -> None:
    """Wrap PublishPageRevisionAction.execute, the one step every publication takes."""
    original = PublishPageRevisionAction.execute
    if getattr(original, "gongkai_personal_data_gate", False):
        return

    @functools.wraps(original)
    def execute(self: Any, skip_permission_checks: bool = False) -> Any:
        if isinstance(self.object, DisclosureItemPage):
            try:
                check_revision(self.revision)
            except PersonalDataRefused as refused:
                if self.log_action == "wagtail.publish.scheduled":
                    # publish_scheduled publishes every due revision in one loop; one
                    # refusal must not stop the others, nor be retried every minute.
                    from gongkai.catalog.services import withhold_scheduled_publication

                    withhold_scheduled_publication(revision=self.revision,
                                                   findings=refused.findings)
                    return None
                _never_published_is_not_live(self.object.pk)
                raise
        return original(self, skip_permission_checks=skip_permission_checks)

    execute.gongkai_personal_data_gate = True  # type: ignore[attr-defined]
    PublishPageRevisionAction.execute = execute  # type: ignore[method-assign]


def _never_published_is_not_live(page_id: int) -> None:
    """``add_child`` saves a new page with Wagtail's default ``live=True`` before it is
    published (the admin's create-and-publish does, so may importers): when publication
    is refused, such a page must not stay live with the refused content."""
    Page.objects.filter(pk=page_id, live=True, live_revision__isnull=True,
                        first_published_at__isnull=True).update(
        live=False, has_unpublished_changes=True)


# --- Masking a page's text -----------------------------------------------------------------


def mask_html(html: str, allowed: set[str]) -> tuple[str, int]:
    """Mask personal data in rich text, node by node; returns (html, number masked)."""
    soup, nodes = html_strings(html)
    joined, spans, pos = [], [], 0
    for node in nodes:
        text = str(node)
        spans.append((pos, pos + len(text)))
        joined.append(text)
        pos += len(text) + 1
    findings = find_personal_data("\n".join(joined), allowed=allowed)
    count = 0
    for node, (start, end) in zip(nodes, spans, strict=True):
        inside = [f for f in findings if f.start < end and start < f.end]
        if not inside:
            continue
        text = str(node)
        whole = [Finding(f.kind, f.start - start, f.end - start, f.value, f.masked)
                 for f in inside if start <= f.start and f.end <= end]
        new = mask(text, whole)
        # A value split across nodes (a bold part of a number): hide its part here.
        for f in inside:
            if not (start <= f.start and f.end <= end):
                lo, hi = max(f.start, start) - start, min(f.end, end) - start
                new = new[:lo] + "".join("*" if c.isalnum() else c for c in new[lo:hi]) + new[hi:]
        node.replace_with(new)
        count += len(inside)
    for link in _link_targets(soup):
        scheme, _sep, target = str(link["href"]).partition(":")
        masked = mask_personal_data(target, allowed=allowed)
        if masked != target:
            link["href"] = f"{scheme}:{masked}"
            count += 1
    return (str(soup), count) if count else (html, 0)


def _mask_plain(text: str, allowed: set[str]) -> tuple[str, int]:
    findings = find_personal_data(text, allowed=allowed)
    return mask(text, findings), len(findings)


def mask_page_text(obj: DisclosureItemPage) -> int:
    """Mask the personal data in the text of ``obj`` in place; returns how many."""
    allowed = allowed_for(obj)
    total = 0
    for field in ("title", "draft_title", "summary", "keywords", "search_description",
                  "seo_title"):
        masked, count = _mask_plain(getattr(obj, field) or "", allowed)
        if count:
            setattr(obj, field, masked)
            total += count if field != "draft_title" else 0
    raw = obj.body.get_prep_value() if obj.body else []
    body_count = 0
    for item in raw:
        if item.get("type") == "text":
            item["value"], count = mask_html(item.get("value") or "", allowed)
            body_count += count
        elif item.get("type") == "table" and isinstance(item.get("value"), dict):
            value = item["value"]
            value["table_caption"], count = _mask_plain(value.get("table_caption") or "",
                                                        allowed)
            body_count += count
            for row in value.get("data") or []:
                for i, cell in enumerate(row):
                    row[i], count = _mask_plain(str(cell or ""), allowed) if cell else (cell, 0)
                    body_count += count
    if body_count:
        obj.body = StreamValue(obj.body.stream_block, raw, is_lazy=True)
        total += body_count
    for attachment in obj.attachments.all():
        masked, count = _mask_plain(attachment.display_title, allowed)
        if count:
            attachment.title = masked[:200]
            total += count
    return total
