"""The body of a release text (统计公报, 数据解读, 新闻稿): prose whose numbers come from data.

Numbers are never typed: a ``data_text`` paragraph carries placeholders
``{指标代码|地区代码|时期}`` that are replaced by the published value, and a ``data_table``
block names indicators × regions × one period and renders the observations. Both read the
data *as published at the text's release time* (selectors.observations_as_of), so a later
revision never changes what an old bulletin said, and the text cannot disagree with the
release's tables. ``services.check_text_references`` rejects a text whose placeholders do
not resolve.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link", "superscript", "subscript"]

# {GDP|210300|2025} — indicator code, region code, period code (any accepted period form).
PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.\-]+)\|([A-Za-z0-9_\-]+)\|([^{}|]+)\}")


class DataTableBlock(blocks.StructBlock):
    caption = blocks.CharBlock(label=_("表格标题"))
    indicators = blocks.CharBlock(label=_("指标代码"),
                                  help_text=_("多个用逗号分隔，作为表格的行。"))
    regions = blocks.CharBlock(label=_("地区代码"),
                               help_text=_("多个用逗号分隔，作为表格的列。"))
    period = blocks.CharBlock(label=_("时期"), help_text=_("例如 2026M03、2026M01-M03、2025。"))

    class Meta:
        label = _("数据表（引用数据）")
        icon = "table"


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(label=_("小标题"))
    text = blocks.RichTextBlock(features=TEXT_FEATURES, label=_("正文"))
    data_text = blocks.TextBlock(
        label=_("含数据的段落"),
        help_text=_("用 {指标代码|地区代码|时期} 引用本次发布的数据，例如"
                    "“全市地区生产总值{GDP|210300|2025}。”"),
    )
    data_table = DataTableBlock()

    class Meta:
        label = _("正文")
