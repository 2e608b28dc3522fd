"""行政复议 and 行政诉讼 cases brought against an agency's OGI decisions.

Recorded by staff (admin: ``admin_remedies``) and counted in table 四 of the annual report
(``gongkai.annual_reports.compute``). Kept apart from ``models.py``; that module imports
this one at its end so Django finds the models.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import Agency
from gongkai.info_requests.enums import LitigationRoute, RemedyOutcome

__all__ = ["OgiLitigationCase", "OgiReviewCase"]


class RemedyCase(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("被申请（被告）机关"))
    application = models.ForeignKey("info_requests.Application", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("所涉政府信息公开申请"))
    case_number = models.CharField(_("案号"), max_length=80)
    filed_on = models.DateField(_("收到（立案）日期"))
    concluded_on = models.DateField(_("审结日期"), null=True, blank=True)
    outcome = models.CharField(_("结果"), max_length=20, choices=RemedyOutcome.choices,
                               blank=True)
    note = models.TextField(_("备注"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["filed_on", "id"]

    def __str__(self) -> str:
        return self.case_number

    def clean(self) -> None:
        # A result needs a date and a date needs a result: both say the case is concluded.
        if bool(self.outcome) != bool(self.concluded_on):
            raise ValidationError(_("审结日期和结果须同时填写（尚未审结的两项都留空）。"))
        if self.concluded_on and self.concluded_on < self.filed_on:
            raise ValidationError({"concluded_on": _("审结日期不能早于收到（立案）日期。")})


class OgiReviewCase(RemedyCase):
    """A 行政复议 against an OGI decision of ``agency``."""

    review_body = models.CharField(_("复议机关"), max_length=100, blank=True)

    class Meta(RemedyCase.Meta):
        verbose_name = _("政府信息公开行政复议案件")
        verbose_name_plural = _("政府信息公开行政复议案件")
        indexes = [models.Index(fields=["agency", "filed_on"], name="ogi_review_year")]


class OgiLitigationCase(RemedyCase):
    """A 行政诉讼 against an OGI decision of ``agency`` (directly, or after a 复议)."""

    route = models.CharField(_("起诉方式"), max_length=20, choices=LitigationRoute.choices,
                             default=LitigationRoute.DIRECT)
    review_case = models.ForeignKey(OgiReviewCase, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("此前的行政复议"))
    court = models.CharField(_("法院"), max_length=100, blank=True)

    class Meta(RemedyCase.Meta):
        verbose_name = _("政府信息公开行政诉讼案件")
        verbose_name_plural = _("政府信息公开行政诉讼案件")
        indexes = [models.Index(fields=["agency", "filed_on"], name="ogi_litigation_year")]
