"""The annual report's statuses, defined once."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    """Where an agency's report for a year stands. ``NOT_STARTED`` (no report yet) and
    ``LATE`` (not published after the due date) are computed on the status board
    (``selectors.board_status``); a stored report is a draft, checked or published."""

    NOT_STARTED = "not_started", _("未开始")
    DRAFT = "draft", _("草稿")
    CHECKED = "checked", _("已校验")
    PUBLISHED = "published", _("已发布")
    LATE = "late", _("逾期未发布")


STORED_STATUSES = (ReportStatus.DRAFT, ReportStatus.CHECKED, ReportStatus.PUBLISHED)
