"""Reading modes chosen by the visitor and kept in a cookie (works without JavaScript)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

ELDER_COOKIE = "gk_elder"


class ReadingModeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.elder_mode = request.COOKIES.get(ELDER_COOKIE) == "1"  # type: ignore[attr-defined]
        response = self.get_response(request)
        # Pages differ by reading mode: caches must key on the cookie.
        if not request.path.startswith(("/admin/", "/api/", "/static/", "/media/")):
            from django.utils.cache import patch_vary_headers

            patch_vary_headers(response, ("Cookie",))
        return response
