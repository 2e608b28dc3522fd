"""Rendering release texts: data references resolved against the data as published at the
release's time, so the prose and the tables show the same numbers (blocks module doc)."""

from __future__ import annotations

from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from gongkai.official_stats import blocks
from gongkai.official_stats.enums import ObservationStatus
from gongkai.official_stats.models import Indicator, Observation, Region, Release, ReleaseText
from gongkai.official_stats.periods import PeriodError, parse_period
from gongkai.official_stats.selectors import Cell, observations_as_of


def resolve_reference(release: Release, indicator_code: str, region_code: str,
                      period_text: str) -> Cell | None:
    """The value a text of ``release`` cites: the release's own row, else the latest row
    published at or before the release's time."""
    try:
        period = parse_period(period_text).code
    except PeriodError:
        return None
    indicator = Indicator.objects.filter(code=indicator_code).first()
    region = Region.objects.filter(code=region_code).first()
    if indicator is None or region is None:
        return None
    own = (Observation.objects.filter(release=release, indicator=indicator, region=region,
                                      period=period).first())
    if own is not None:
        return Cell(own.indicator_id, own.region_id, own.period, own.value, own.decimals,
                    own.status, own.footnote, release.pk, release.scheduled_at)
    cells = observations_as_of(release.scheduled_at, indicator_ids=[indicator.pk],
                               region_ids=[region.pk], periods=[period])
    return cells.get((indicator.pk, region.pk, period))


def _value_html(cell: Cell | None, unit: str) -> SafeString:
    if cell is None:
        return format_html('<span class="stat-missing">{}</span>', "（数据缺失）")
    status = "" if cell.status == ObservationStatus.FINAL else ObservationStatus(cell.status).label
    return format_html('<data class="stat-value" value="{}">{}{}</data>{}', cell.value,
                       cell.display, unit, format_html("（{}）", status) if status else "")


def _data_text(release: Release, text: str) -> SafeString:
    parts: list[SafeString] = []
    last = 0
    for match in blocks.PLACEHOLDER.finditer(text):
        parts.append(format_html("{}", text[last:match.start()]))
        indicator = Indicator.objects.filter(code=match.group(1)).first()
        # Index units ("上年同月=100") read badly after the number; units proper do not.
        unit = indicator.unit if indicator and "=" not in indicator.unit else ""
        parts.append(_value_html(resolve_reference(release, *match.groups()), unit))
        last = match.end()
    parts.append(format_html("{}", text[last:]))
    return format_html("<p>{}</p>", mark_safe("".join(parts)))


def _data_table(release: Release, value: Any) -> SafeString:
    codes = [c.strip() for c in value["indicators"].split(",") if c.strip()]
    region_codes = [c.strip() for c in value["regions"].split(",") if c.strip()]
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    regions = {r.code: r for r in Region.objects.filter(code__in=region_codes)}
    try:
        period = parse_period(value["period"])
    except PeriodError:
        return format_html("<p>{}</p>", "（数据表时期无效）")
    head = format_html_join("", '<th scope="col">{}</th>',
                            ((regions[c].name,) for c in region_codes if c in regions))
    rows = []
    for code in codes:
        indicator = indicators.get(code)
        if indicator is None:
            continue
        cells = format_html_join("", "<td>{}</td>", (
            (_value_html(resolve_reference(release, code, rc, period.code), ""),)
            for rc in region_codes if rc in regions))
        rows.append(format_html('<tr><th scope="row">{}（{}）</th>{}</tr>', indicator.name,
                                indicator.unit, cells))
    return format_html(
        '<table class="stat-table"><caption>{}（{}）</caption><thead><tr>'
        '<th scope="col">指标</th>{}</tr></thead><tbody>{}</tbody></table>',
        value["caption"], period.label, head, mark_safe("".join(rows)))


def render_text(text: ReleaseText) -> SafeString:
    release = text.release
    out: list[str] = []
    if text.summary:
        out.append(format_html("<p>{}</p>", text.summary))
    for block in text.body:
        if block.block_type == "heading":
            out.append(format_html("<h3>{}</h3>", block.value))
        elif block.block_type == "text":
            out.append(str(block.render()))
        elif block.block_type == "data_text":
            out.append(_data_text(release, str(block.value)))
        elif block.block_type == "data_table":
            out.append(_data_table(release, block.value))
    return mark_safe("".join(out))


def plain_text(text: ReleaseText) -> str:
    """The text with references resolved, for the search index."""
    from django.utils.html import strip_tags

    return strip_tags(render_text(text))
