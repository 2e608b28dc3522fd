"""Import a folder of pages from an agency's old site into the catalog (docs/legacy-import.md).

Each .html/.htm/.txt file becomes a DisclosureItemPage draft (or a published page) under a
column of its agency. Bytes are decoded with ``decode_bytes`` (a file that cannot be read
reliably is skipped, never imported as mojibake), the text is restored with ``restore``
(spam-mirror damage: traditional characters, pinyin in brackets, folded punctuation), and
the original text and the restorer's report are kept on the page for staff. A stable key
per agency and file makes a re-run update or skip what it imported before.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import json
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import OutputWrapper
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from tqdm import tqdm
from wagtail.models import Revision

from gongkai.catalog.blocks import body_from_html
from gongkai.catalog.enums import Genre
from gongkai.catalog.models import ColumnPage, DisclosureItemPage, ThemeCategory
from gongkai.core import audit
from gongkai.core.importers import register_importer
from gongkai.core.models import Agency
from gongkai.core.text.decode import UndecodableError, decode_bytes
from gongkai.core.text.restore import RestorationReport, restore

Actor = AbstractBaseUser | AnonymousUser | None
Progress = Callable[[str], None]

SUFFIXES = (".html", ".htm", ".txt")
MANIFESTS = ("manifest.csv", "manifest.json")
DEFAULT_COLUMN = "tzgg"   # 通知公告 (gongkai/site/services.STATUTORY_COLUMNS)
DEFAULT_THEME = "21"      # 其他
MAX_TITLE = 60            # a first line longer than this is body text, not a title
# Elements that are never body text on an old government page.
BOILERPLATE_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form",
                    "iframe", "button", "select", "input", "object", "embed", "svg")
BOILERPLATE_HINT = re.compile(
    r"(^|[-_\s])(nav|menu|footer|header|breadcrumb|crumb|sidebar|share|topbar|banner|"
    r"position|location|copyright|print|close|dqwz)([-_\s]|$)", re.IGNORECASE)
CONTENT_HINT = re.compile(r"(content|article|zoom|main|text|detail|zw|TRS_Editor)",
                          re.IGNORECASE)
BLOCK_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "table", "blockquote", "pre")
TITLE_SUFFIX = re.compile(r"\s*(?:[_|｜]| - | — |－).*$")
CJK_SPACE = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef])")
DATE_IN_TEXT = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
GENRE_BY_ENDING = (
    ("统计公报", Genre.STATISTICAL_BULLETIN), ("通知", Genre.NOTICE), ("通报", Genre.CIRCULAR),
    ("报告", Genre.REPORT), ("公告", Genre.ANNOUNCEMENT), ("通告", Genre.PUBLIC_NOTICE),
    ("意见", Genre.OPINION), ("决定", Genre.DECISION), ("批复", Genre.REPLY),
    ("公报", Genre.COMMUNIQUE), ("函", Genre.LETTER), ("纪要", Genre.MINUTES),
)
MANIFEST_FIELDS = {
    "file": ("file", "文件", "文件名"),
    "title": ("title", "标题", "名称"),
    "doc_number": ("doc_number", "文号"),
    "formed_on": ("formed_on", "成文日期", "生成日期"),
    "published_on": ("published_on", "published", "发布日期"),
    "agency": ("agency", "机构"),
    "column": ("column", "栏目"),
    "summary": ("summary", "内容概述"),
    "keywords": ("keywords", "关键词"),
    "theme": ("theme", "主题分类"),
}


# --- Results -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Skipped:
    file: str
    reason: str


@dataclass(frozen=True)
class Restored:
    file: str
    family: str | None
    annotations_stripped: int
    characters_converted: int
    punctuation_restored: int
    possible_mojibake: int
    damage_score: float


@dataclass
class ImportSummary:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)
    refused: list[Skipped] = field(default_factory=list)   # publication refused: still drafts
    skipped: list[Skipped] = field(default_factory=list)
    restored: list[Restored] = field(default_factory=list)
    dry_run: bool = False


# --- Reading files -----------------------------------------------------------------------

@dataclass
class Part:
    """One paragraph, heading or table of the extracted body."""

    kind: str                              # "p", "h" or "table"
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)
    header: bool = False


@dataclass
class Extracted:
    title: str
    parts: list[Part]


def _clean(text: str) -> str:
    return CJK_SPACE.sub("", " ".join(text.split()))


def _is_boilerplate(tag: Any) -> bool:
    hints = " ".join([tag.get("id") or "", *(tag.get("class") or [])])
    return bool(hints and BOILERPLATE_HINT.search(hints))


def _content_root(soup: Any) -> Any:
    """The element holding the article: <article>, <main>, a content-looking div, or <body>."""
    for name in ("article", "main"):
        found = soup.find(name)
        if found is not None and found.get_text(strip=True):
            return found
    candidates = [tag for tag in soup.find_all(["div", "td", "section"])
                  if CONTENT_HINT.search(" ".join([tag.get("id") or "",
                                                   *(tag.get("class") or [])]))]
    candidates = [tag for tag in candidates if len(tag.get_text(strip=True)) >= 20]
    if candidates:
        return max(candidates, key=lambda tag: len(tag.get_text(strip=True)))
    return soup.body or soup


def _parts_of(root: Any) -> list[Part]:
    parts: list[Part] = []
    for tag in root.find_all(BLOCK_TAGS):
        if tag.find_parent(BLOCK_TAGS) is not None:
            continue  # its text is taken with the enclosing block
        if tag.name == "table":
            rows = [[_clean(cell.get_text(" ")) for cell in row.find_all(["th", "td"])]
                    for row in tag.find_all("tr")]
            rows = [row for row in rows if any(row)]
            if rows:
                first = tag.find("tr")
                parts.append(Part("table", rows=rows, header=bool(first and first.find("th"))))
            continue
        text = _clean(tag.get_text(" "))
        if text:
            parts.append(Part("h" if tag.name[0] == "h" and tag.name != "hr" else "p", text))
    if not parts:
        # Old pages often put text straight into a <div> with <br> line breaks.
        parts = [Part("p", _clean(line)) for line in root.get_text("\n").splitlines()
                 if _clean(line)]
    return parts


def extract_html(html: str) -> Extracted:
    """Title and body parts of an old page, without scripts, menus and footers."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    title_tag = soup.find("title")
    page_title = _clean(title_tag.get_text()) if title_tag else ""
    for tag in soup.find_all(BOILERPLATE_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if not tag.decomposed and tag.name not in ("html", "body") and _is_boilerplate(tag):
            tag.decompose()
    root = _content_root(soup)
    parts = _parts_of(root)
    heading = next((p for p in parts if p.kind == "h"), None)
    title = TITLE_SUFFIX.sub("", page_title) or page_title
    if not title and heading is not None:
        title = heading.text
    if heading is not None and heading.text == title:
        parts.remove(heading)  # shown as the page title already
    if not title and parts:
        title = _title_from_first_line(parts)
    return Extracted(title=title, parts=parts)


def extract_text(text: str) -> Extracted:
    parts = [Part("p", line.strip()) for line in text.splitlines() if line.strip()]
    return Extracted(title=_title_from_first_line(parts) if parts else "", parts=parts)


def _title_from_first_line(parts: list[Part]) -> str:
    first = parts[0].text
    if len(first) <= MAX_TITLE:
        parts.pop(0)
        return first
    return first[:MAX_TITLE] + "…"


# --- Restoring ---------------------------------------------------------------------------

@dataclass(frozen=True)
class LegacyDocument:
    """What an importer stores for one old page: clean title and body, original, report."""

    title: str
    body_html: str
    original_text: str
    report: RestorationReport


def restore_document(extracted: Extracted) -> LegacyDocument:
    """Restore title and body together: the damage is decided per document, not per line."""
    lines = [extracted.title]
    for part in extracted.parts:
        if part.kind == "table":
            lines.extend(cell for row in part.rows for cell in row)
        else:
            lines.append(part.text)
    original = "\n".join(lines)
    result = restore(original)
    restored = iter(result.text.split("\n"))
    title = next(restored)
    html: list[str] = []
    for part in extracted.parts:
        if part.kind == "table":
            html.append(_table_html(part, restored))
        elif part.kind == "h":
            html.append(f"<h3>{escape(next(restored), quote=False)}</h3>")
        else:
            html.append(f"<p>{escape(next(restored), quote=False)}</p>")
    return LegacyDocument(title=title, body_html="".join(html), original_text=original,
                          report=result.report)


def _table_html(part: Part, restored: Iterator[str]) -> str:
    rows = [[next(restored) for _cell in row] for row in part.rows]
    width = max(len(row) for row in rows)
    out = ["<table>"]
    for index, row in enumerate(rows):
        tag = "th" if index == 0 and part.header else "td"
        cells = [*row, *[""] * (width - len(row))]
        out.append("<tr>" + "".join(f"<{tag}>{escape(c, quote=False)}</{tag}>" for c in cells)
                   + "</tr>")
    out.append("</table>")
    return "".join(out)


def document_from_bytes(data: bytes, suffix: str) -> LegacyDocument:
    """Decode, extract and restore one file; UndecodableError when it cannot be read."""
    text = decode_bytes(data).text
    extracted = extract_html(text) if suffix in (".html", ".htm") else extract_text(text)
    if not extracted.title and not extracted.parts:
        raise UndecodableError(_("文件中没有可导入的正文。"))
    return restore_document(extracted)


# --- Manifest ----------------------------------------------------------------------------

def read_manifest(folder: Path) -> dict[str, dict[str, str]]:
    """Rows of manifest.csv / manifest.json by file (relative path), with canonical keys."""
    for name in MANIFESTS:
        path = folder / name
        if path.exists():
            text = decode_bytes(path.read_bytes()).text
            try:
                # newline="": a bare CR ends a row (old Mac files) instead of failing in csv.
                rows = (json.loads(text) if name.endswith(".json")
                        else list(csv.DictReader(io.StringIO(text, newline=""))))
            except csv.Error as exc:  # a field over csv's size limit, a stray quote
                raise ValueError(str(exc)) from exc
            if isinstance(rows, dict):
                rows = rows.get("files") or rows.get("items") or []
            if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
                raise ValueError(_("清单应为对象的列表，每个对象描述一个文件。"))
            return {row["file"]: row for row in map(_canonical_row, rows) if row.get("file")}
    return {}


def _canonical_row(row: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, aliases in MANIFEST_FIELDS.items():
        for alias in aliases:
            value = row.get(alias)
            if value not in (None, ""):
                out[key] = str(value).strip()
                break
    return out


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    match = DATE_IN_TEXT.search(value)
    if match:
        return dt.date(*map(int, match.groups()))
    return dt.date.fromisoformat(value.replace("/", "-")[:10])


def _date_in_text(text: str) -> dt.date | None:
    """The last date written out in the final lines: the signature date of a document."""
    for line in reversed(text.splitlines()[-5:]):
        found = DATE_IN_TEXT.findall(line)
        if found:
            try:
                return dt.date(*map(int, found[-1]))
            except ValueError:
                return None
    return None


def genre_from_title(title: str) -> Genre:
    for ending, genre in GENRE_BY_ENDING:
        if title.endswith(ending):
            return genre
    return Genre.OTHER


# --- Import ------------------------------------------------------------------------------

def legacy_key(agency_slug: str, relative_path: str) -> str:
    return hashlib.sha256(f"{agency_slug}/{relative_path}".encode()).hexdigest()[:64]


def legacy_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and p.suffix.lower() in SUFFIXES)


@dataclass
class _Context:
    folder: Path
    manifest: dict[str, dict[str, str]]
    agency_slug: str | None
    column_slug: str | None
    publish: bool
    by: Actor
    summary: ImportSummary
    agencies: dict[str, Agency] = field(default_factory=dict)
    columns: dict[tuple[str, str], ColumnPage] = field(default_factory=dict)


class _Skip(Exception):
    """The file is reported and skipped; the message says why, in Chinese."""


def import_legacy(path: str | Path, *, agency_slug: str | None = None,
                  column_slug: str | None = None, publish: bool = False, by: Actor = None,
                  dry_run: bool = False, progress: Progress | None = None) -> ImportSummary:
    """Import every .html/.htm/.txt file under ``path``; see the module docstring."""
    folder = Path(path)
    if not folder.is_dir():
        raise FileNotFoundError(_("找不到导入目录：%(path)s") % {"path": folder})
    summary = ImportSummary(dry_run=dry_run)
    try:
        manifest = read_manifest(folder)
    except (UndecodableError, ValueError, KeyError) as exc:
        raise ValueError(_("清单文件无法读取：%(error)s") % {"error": exc}) from exc
    context = _Context(folder, manifest, agency_slug, column_slug, publish, by, summary)
    with transaction.atomic():
        for file in legacy_files(folder):
            relative = file.relative_to(folder).as_posix()
            try:
                with transaction.atomic():
                    _import_file(context, file, relative)
            except _Skip as exc:
                summary.skipped.append(Skipped(relative, str(exc)))
            except ValidationError as exc:
                summary.skipped.append(Skipped(relative, _validation_message(exc)))
            if progress is not None:
                progress(relative)
        if dry_run:
            transaction.set_rollback(True)
    return summary


def _validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "；".join(f"{name}：{'，'.join(msgs)}" for name, msgs in exc.message_dict.items())
    return "；".join(exc.messages)


def _import_file(context: _Context, file: Path, relative: str) -> None:
    row = context.manifest.get(relative, {})
    agency = _agency(context, row.get("agency") or context.agency_slug)
    column = _column(context, agency, row.get("column") or context.column_slug or DEFAULT_COLUMN)
    _check_permission(context.by, column, context.publish)
    try:
        document = document_from_bytes(file.read_bytes(), file.suffix.lower())
    except UndecodableError as exc:
        raise _Skip(str(exc)) from exc
    except OSError as exc:
        raise _Skip(_("无法读取文件：%(error)s") % {"error": exc.strerror}) from exc
    fields = _page_fields(row, document, file)
    key = legacy_key(agency.slug, relative)
    existing = DisclosureItemPage.objects.filter(legacy_key=key).first()
    if existing is not None and _same(existing, fields):
        context.summary.unchanged.append(relative)
        if context.publish and not existing.live:
            _publish(context, existing, relative, row)
        return
    page = _update(existing, fields, context.by) if existing is not None else _create(
        column, fields, key, relative, context.by)
    (context.summary.updated if existing is not None else context.summary.created).append(relative)
    if document.report.changed:
        r = document.report
        context.summary.restored.append(Restored(
            relative, r.family, r.annotations_stripped, r.characters_converted,
            r.punctuation_restored, len(r.possible_mojibake), r.damage_score))
    audit.record(action="catalog.legacy_imported" if existing is None else "catalog.legacy_updated",
                 actor=context.by, agency=agency, target=page,
                 data={"file": relative, "legacy_key": key, "title": page.title,
                       "family": document.report.family,
                       "damage_score": document.report.damage_score})
    if context.publish:
        _publish(context, page, relative, row)


def _agency(context: _Context, slug: str | None) -> Agency:
    if not slug:
        raise _Skip(_("未指定机构：请在清单中填写 agency，或使用 --agency。"))
    if slug not in context.agencies:
        agency = Agency.objects.filter(slug=slug).select_related("home_page").first()
        if agency is None or agency.home_page is None:
            raise _Skip(_("找不到机构：%(slug)s") % {"slug": slug})
        context.agencies[slug] = agency
    return context.agencies[slug]


def _column(context: _Context, agency: Agency, slug: str) -> ColumnPage:
    key = (agency.slug, slug)
    if key not in context.columns:
        column = ColumnPage.objects.descendant_of(agency.home_page).filter(slug=slug).first()
        if column is None:
            raise _Skip(_("机构 %(agency)s 没有栏目 %(column)s。")
                        % {"agency": agency.slug, "column": slug})
        context.columns[key] = column
    return context.columns[key]


def _check_permission(by: Actor, column: ColumnPage, publish: bool) -> None:
    """The command line runs as the system (by=None); a user needs the page permissions."""
    if by is None:
        return
    permissions = column.permissions_for_user(by)
    if not permissions.can_add_subpage() or (publish and not permissions.can_publish_subpage()):
        raise PermissionDenied(_("没有在该栏目下导入或发布信息的权限。"))


def _page_fields(row: dict[str, str], document: LegacyDocument, file: Path) -> dict[str, Any]:
    title = row.get("title") or document.title or file.stem
    formed_on = (_date(row.get("formed_on")) or _date(row.get("published_on"))
                 or _date_in_text(document.original_text)
                 or dt.datetime.fromtimestamp(file.stat().st_mtime, tz=dt.UTC).date())
    theme = ThemeCategory.objects.filter(code=row.get("theme") or DEFAULT_THEME).first()
    if theme is None:
        raise _Skip(_("找不到主题分类：%(code)s") % {"code": row.get("theme")})
    return {
        "title": title[:255],
        "formed_on": min(formed_on, timezone.localdate()),
        "doc_number": row.get("doc_number", ""),
        "summary": row.get("summary", "")[:500],
        "keywords": row.get("keywords", "")[:200],
        "theme": theme,
        "genre": genre_from_title(title),
        "body": body_from_html(document.body_html),
        "original_text": document.original_text,
        "restoration_report": document.report.as_dict(),
    }


def _same(page: DisclosureItemPage, fields: dict[str, Any]) -> bool:
    """Whether a re-run would change nothing: same original text and same metadata."""
    latest = page.get_latest_revision_as_object()
    simple = ("title", "formed_on", "doc_number", "summary", "keywords", "original_text")
    return (all(getattr(latest, name) == fields[name] for name in simple)
            and latest.theme_id == fields["theme"].pk)


def _create(column: ColumnPage, fields: dict[str, Any], key: str, relative: str,
            by: Actor) -> DisclosureItemPage:
    stem = slugify(Path(relative).stem) or "legacy"
    page = DisclosureItemPage(slug=f"{stem[:40]}-{key[:8]}", legacy_key=key, live=False,
                              **fields)
    column.add_child(instance=page)
    page.save_revision(user=_user(by))
    return page


def _update(page: DisclosureItemPage, fields: dict[str, Any],
            by: Actor) -> DisclosureItemPage:
    page = page.get_latest_revision_as_object()
    for name, value in fields.items():
        setattr(page, name, value)
    page.full_clean()
    page.save_revision(user=_user(by))
    # original_text and the report are not part of the edit form; keep the row current too.
    DisclosureItemPage.objects.filter(pk=page.pk).update(
        original_text=fields["original_text"], restoration_report=fields["restoration_report"])
    return page


def _publish(context: _Context, page: DisclosureItemPage, relative: str,
             row: dict[str, str]) -> None:
    from gongkai.catalog.services import PublishRefused

    published_on = _date(row.get("published_on"))
    try:
        with transaction.atomic():
            if published_on is not None and page.first_published_at is None:
                # The old site's publication date; Wagtail keeps a first_published_at it
                # finds on the page (the index number takes its year from it).
                DisclosureItemPage.objects.filter(pk=page.pk).update(
                    first_published_at=timezone.make_aware(
                        dt.datetime.combine(published_on, dt.time(9, 0))))
            # Fetched afresh: the cached revision would carry the page as it was saved.
            revision = Revision.objects.get(pk=page.latest_revision_id)
            revision.publish(user=_user(context.by))
    except PublishRefused as exc:
        context.summary.refused.append(Skipped(relative, str(exc)))
        return
    context.summary.published.append(relative)


def _user(by: Actor) -> AbstractBaseUser | None:
    return by if isinstance(by, AbstractBaseUser) else None


# --- Command line: gongkai import legacy PATH ---------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="PATH", help="旧网站页面所在目录（.html/.htm/.txt）")
    parser.add_argument("--agency", metavar="SLUG", help="清单未指定机构时使用的机构标识")
    parser.add_argument("--column", metavar="SLUG",
                        help=f"清单未指定栏目时使用的栏目标识（默认 {DEFAULT_COLUMN}，通知公告）")
    parser.add_argument("--publish", action="store_true", help="导入后直接发布（默认存为草稿）")
    parser.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入数据库")


def handle(options: dict[str, Any], stdout: OutputWrapper, stderr: OutputWrapper) -> int:
    folder = Path(options["path"])
    if not folder.is_dir():
        stderr.write(_("找不到导入目录：%(path)s") % {"path": folder})
        return 2
    with tqdm(total=len(legacy_files(folder)), desc=_("导入历史页面"), unit=_("个"),
              file=sys.stderr, disable=None) as bar:
        def step(name: str) -> None:
            bar.set_postfix_str(name[-30:])
            bar.update()

        try:
            summary = import_legacy(folder, agency_slug=options.get("agency"),
                                    column_slug=options.get("column"),
                                    publish=bool(options.get("publish")),
                                    dry_run=bool(options.get("dry_run")), progress=step)
        except ValueError as exc:
            stderr.write(str(exc))
            return 2
    for line in summary_lines(summary):
        stdout.write(line)
    return 1 if summary.skipped else 0


def summary_lines(summary: ImportSummary) -> list[str]:
    """The final report of an import, in Chinese, one line per fact or file."""
    lines = [_("（试运行，未写入数据库）")] if summary.dry_run else []
    lines.append(_("新建 %(created)d，更新 %(updated)d，未变 %(unchanged)d，跳过 %(skipped)d，"
                   "发布 %(published)d，拒绝发布 %(refused)d。") % {
        "created": len(summary.created), "updated": len(summary.updated),
        "unchanged": len(summary.unchanged), "skipped": len(summary.skipped),
        "published": len(summary.published), "refused": len(summary.refused)})
    for item in summary.skipped:
        lines.append(_("跳过 %(file)s：%(reason)s") % {"file": item.file, "reason": item.reason})
    for item in summary.refused:
        lines.append(_("未发布（保留为草稿）%(file)s：%(reason)s")
                     % {"file": item.file, "reason": item.reason})
    for r in summary.restored:
        lines.append(_("已修复 %(file)s：类型 %(family)s，删除拼音 %(stripped)d 处，转换字符 "
                       "%(converted)d 个，恢复标点 %(punct)d 处，疑似乱码 %(mojibake)d 处，"
                       "受损程度 %(score).3f") % {
            "file": r.file, "family": r.family or "—", "stripped": r.annotations_stripped,
            "converted": r.characters_converted, "punct": r.punctuation_restored,
            "mojibake": r.possible_mojibake, "score": r.damage_score})
    return lines


def register() -> None:
    """Called from CatalogConfig.ready: makes `gongkai import legacy` available."""
    register_importer("legacy", help=_("导入旧网站页面（修复受损文本，默认存为草稿）"),
                      add_arguments=add_arguments, handle=handle)
