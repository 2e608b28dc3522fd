from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site_context(request: HttpRequest) -> dict[str, Any]:
    return {
        "platform_name": settings.WAGTAIL_SITE_NAME,
        "elder_mode": getattr(request, "elder_mode", False),
    }
