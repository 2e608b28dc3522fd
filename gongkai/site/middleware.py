"""Reading modes chosen by the visitor and kept in cookies (works without JavaScript).

- 长者模式 (``gk_elder``): larger type and spacing, applied by a class in the template.
- Script mode (``gk_script``): 简体 (default), 繁體 or 拼音. The page is rendered in
  simplified Chinese as always and its finished HTML is rewritten here
  (``gongkai.site.script_modes``). The two are independent and can be combined.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers, set_response_etag

from gongkai.site.script_modes import (
    SCRIPT_COOKIE,
    ScriptMode,
    script_mode_from_cookie,
    transform_html,
)

ELDER_COOKIE = "gk_elder"

# Never rewritten: the Wagtail admin (and its previews), machine-readable responses, files.
# JSON, feeds and sitemaps are also excluded by their content type; the prefixes make the
# admin exclusion independent of it.
UNCONVERTED_PREFIXES = ("/admin/", "/django-admin/", "/api/", "/static/", "/media/",
                        "/documents/", "/feeds/", "/mode/")
# A 404 is a public page like any other; redirects, 304s and server errors pass untouched.
CONVERTED_STATUSES = frozenset({200, 404})


class ReadingModeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.elder_mode = request.COOKIES.get(ELDER_COOKIE) == "1"  # type: ignore[attr-defined]
        mode = script_mode_from_cookie(request.COOKIES.get(SCRIPT_COOKIE))
        request.script_mode = mode  # type: ignore[attr-defined]
        response = self.get_response(request)
        # Pages differ by reading mode: caches must key on the cookie.
        if not request.path.startswith(("/admin/", "/api/", "/static/", "/media/")):
            patch_vary_headers(response, ("Cookie",))
        if mode is not ScriptMode.SIMPLIFIED and is_convertible(request.path, response):
            apply_script_mode(response, mode)
        return response


def is_convertible(path: str, response: HttpResponse) -> bool:
    """Whether a response is a finished public HTML page that a script mode may rewrite."""
    return (not path.startswith(UNCONVERTED_PREFIXES)
            and not response.streaming
            and response.status_code in CONVERTED_STATUSES
            and response.get("Content-Type", "").split(";")[0].strip() == "text/html"
            and not response.has_header("Content-Encoding"))


def apply_script_mode(response: HttpResponse, mode: ScriptMode) -> None:
    """Rewrite the body in place; length and validator follow the new body."""
    charset = response.charset
    try:
        html = response.content.decode(charset)
    except (UnicodeDecodeError, LookupError):
        return  # not text we can read: better simplified than broken
    response.content = transform_html(html, mode).encode(charset)
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
    if response.has_header("ETag"):
        # The simplified page's validator must not validate a converted body.
        set_response_etag(response)


class CachedSiteMiddleware:
    """Wagtail's site of the request, and its root page as the specific page type, from the
    cache (core/page_cache.py) instead of two queries per request.

    Wagtail looks the site up by host name and port on every request
    (``Site.find_for_request``) and then loads the root page's specific object before
    routing. Both change only when a site is saved or deleted or the root page is
    published, moved or renamed, and each of those starts a new cache generation. Wagtail
    reads the site from ``request._wagtail_site`` when it is set; nothing else changes.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(("/admin/", "/static/", "/media/")):
            request._wagtail_site = cached_site_for_request(request)  # type: ignore[attr-defined]
        return self.get_response(request)


def cached_site_for_request(request: HttpRequest) -> Any:
    from django.http.request import split_domain_port
    from wagtail.models import Site

    from gongkai.core import page_cache

    hostname = split_domain_port(request._get_raw_host())[0]  # type: ignore[attr-defined]  # as Wagtail
    port = request.get_port()

    def load() -> tuple[tuple[Any], int]:
        site = Site._find_for_request(request)
        if site is not None:
            _ = site.root_page.localized.specific  # kept on the cached object
        return (site,), page_cache.TIMEOUT  # a tuple: "no site" is an answer worth keeping

    return page_cache.cached(page_cache.key("site", hostname, port), load)[0]
