"""The public theme's pages: the platform home and each agency's section root."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from gongkai.core.models import Agency
from gongkai.core.visibility import PublicPageMixin, visible_pages
from gongkai.site.routing import UrlPathRoutingMixin


class PlatformHomePage(UrlPathRoutingMixin, PublicPageMixin, Page):  # type: ignore[misc]
    """The platform's front page (集约化): the host agency's news and every agency's section."""

    primary_agency = models.ForeignKey(
        Agency, verbose_name=_("主办机构"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text=_("首页导航与页脚使用该机构的栏目和网站设置。"),
    )
    intro = RichTextField(_("平台简介"), blank=True)

    template = "site/platform_home_page.html"
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["site.AgencyHomePage"]
    content_panels = [*Page.content_panels, FieldPanel("primary_agency"), FieldPanel("intro")]

    class Meta:
        verbose_name = _("平台首页")

    @property
    def agency(self) -> Agency | None:
        return self.primary_agency

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from gongkai.catalog.selectors import public_items
        from gongkai.site import sections

        context = super().get_context(request, *args, **kwargs)
        agencies = Agency.objects.filter(home_page__live=True).select_related("home_page")
        context["agencies"] = agencies
        if self.primary_agency is not None:
            context["latest"] = public_items(agency=self.primary_agency)[:8]
        context["latest_all"] = public_items()[:8]
        context["service_links"] = sections.platform_links()
        return context


class AgencyHomePage(UrlPathRoutingMixin, PublicPageMixin, Page):  # type: ignore[misc]
    """The root of one agency's public section. Staff permissions are granted here."""

    intro = RichTextField(_("机构简介"), blank=True)

    template = "site/agency_home_page.html"
    parent_page_types = ["site.PlatformHomePage", "wagtailcore.Page"]
    subpage_types = ["catalog.OpenGovIndexPage", "catalog.ColumnPage"]
    content_panels = [*Page.content_panels, FieldPanel("intro")]

    class Meta:
        verbose_name = _("机构首页")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from gongkai.catalog.selectors import public_items
        from gongkai.site import sections

        context = super().get_context(request, *args, **kwargs)
        agency = self.agency
        context["latest"] = public_items(agency=agency)[:10] if agency else []
        context["columns"] = visible_pages(self.get_children()).specific()
        context["service_links"] = sections.home_links(agency) if agency else []
        return context
