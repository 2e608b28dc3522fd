"""Models of the reading room (依申请公开结果), 第四十四条 conversions and reminders.

Kept apart from ``models.py`` (the application's own records); ``models.py`` imports this
module at its end so that Django finds the models in the app's models module.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import Agency

__all__ = ["ProactiveDisclosureLink", "PublishedReply", "ReminderSent"]


class PublishedReply(models.Model):
    """A reply the agency chose to publish in its reading room. The texts are stored
    already masked (``publication.publish_reply``): the applicant's name removed and
    personal data masked, so nothing personal can leak from a later change of the case."""

    application = models.OneToOneField("info_requests.Application", on_delete=models.PROTECT,
                                       related_name="published_reply")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("受理机关"))
    number = models.CharField(_("申请编号"), max_length=40)
    replied_on = models.DateField(_("答复日期"))
    outcome = models.CharField(_("办理结果"), max_length=40)
    request_text = models.TextField(_("申请公开的政府信息"))
    reply_text = models.TextField(_("答复内容"))
    published_at = models.DateTimeField(_("发布时间"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    is_demo = models.BooleanField(_("示例内容"), default=False)

    class Meta:
        verbose_name = _("依申请公开结果")
        verbose_name_plural = _("依申请公开结果")
        ordering = ["-replied_on", "-id"]
        indexes = [models.Index(fields=["agency", "replied_on"], name="ysq_pub_agency")]

    def __str__(self) -> str:
        return self.number


class ProactiveDisclosureLink(models.Model):
    """第四十四条: a request whose information was turned into a proactive disclosure
    (the catalog page, created as a draft). One page may answer several requests."""

    application = models.ForeignKey("info_requests.Application", on_delete=models.PROTECT,
                                    related_name="proactive_links")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("转为主动公开")
        verbose_name_plural = _("转为主动公开")
        constraints = [models.UniqueConstraint(fields=["application", "page"],
                                               name="unique_proactive_link")]

    def __str__(self) -> str:
        return f"{self.application_id} → {self.page_id}"


class ReminderSent(models.Model):
    """One reminder e-mail per case per day (what makes ``request_reminders`` idempotent)."""

    application = models.ForeignKey("info_requests.Application", on_delete=models.CASCADE,
                                    related_name="+")
    on = models.DateField()
    kind = models.CharField(max_length=20)  # reminders.ReminderKind
    recipients = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "on"],
                                               name="unique_reminder_per_day")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.on} {self.kind}"
