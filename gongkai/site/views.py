from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET
from wagtail.models import Page

from gongkai.core.models import Agency
from gongkai.core.visibility import visible_pages
from gongkai.site.middleware import ELDER_COOKIE
from gongkai.site.script_modes import SCRIPT_COOKIE, ScriptMode


@require_GET
@cache_control(max_age=3600, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap_url = request.build_absolute_uri(reverse("django.contrib.sitemaps.views.sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /tools/", "Allow: /",
             f"Sitemap: {sitemap_url}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_GET
def site_map(request: HttpRequest) -> HttpResponse:
    """网站地图: the column tree of every agency section (items are left out)."""
    from gongkai.catalog.models import DisclosureItemPage

    sections = []
    for agency in Agency.objects.filter(home_page__live=True).select_related("home_page"):
        home = agency.home_page
        if home is None:  # filtered out above; keeps the type checker informed
            continue
        pages = (visible_pages(Page.objects.descendant_of(home, inclusive=True))
                 .not_type(DisclosureItemPage)
                 .filter(depth__lte=home.depth + 3).order_by("path"))
        sections.append({"agency": agency, "pages": [
            {"page": p, "level": p.depth - home.depth} for p in pages]})
    return render(request, "site/site_map.html", {"sections": sections})


def _safe_next(request: HttpRequest) -> str:
    """The same-site page to return to after a mode switch (never another site)."""
    target = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        return "/"
    return target


def _set_mode_cookie(request: HttpRequest, response: HttpResponse, name: str, value: str) -> None:
    response.set_cookie(name, value, max_age=365 * 24 * 3600, samesite="Lax",
                        httponly=True, secure=request.is_secure())


@require_GET
@never_cache
def set_reading_mode(request: HttpRequest, mode: str) -> HttpResponse:
    """Turn 长者模式 on or off: a plain link, so it works without JavaScript."""
    response = HttpResponseRedirect(_safe_next(request))
    if mode == "elder":
        _set_mode_cookie(request, response, ELDER_COOKIE, "1")
    else:
        response.delete_cookie(ELDER_COOKIE)
    return response


@require_GET
@never_cache
def set_script_mode(request: HttpRequest, script: str) -> HttpResponse:
    """Switch between 简体, 繁體 and 拼音 with a plain link (no JavaScript); 长者模式 is kept."""
    try:
        mode = ScriptMode(script)
    except ValueError:
        raise Http404 from None
    response = HttpResponseRedirect(_safe_next(request))
    if mode is ScriptMode.SIMPLIFIED:
        response.delete_cookie(SCRIPT_COOKIE)
    else:
        _set_mode_cookie(request, response, SCRIPT_COOKIE, mode.value)
    return response
