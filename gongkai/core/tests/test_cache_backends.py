"""Redis is the optional cache: it works when present, and its outage never breaks a page."""

from __future__ import annotations

import os
import socket

import pytest
from django.core.cache import caches
from django.test import override_settings

from gongkai.testing import require_service

pytestmark = pytest.mark.redis

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def redis_caches(location: str) -> dict[str, dict[str, object]]:
    return {"default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5,
                    "SOCKET_TIMEOUT": 0.5},
    }}


def test_it_caches_in_redis():
    require_service("Redis", redis_reachable(), "127.0.0.1:6379")
    with override_settings(CACHES=redis_caches(REDIS_URL)):
        cache = caches.create_connection("default")
        cache.set("gongkai:test", {"值": 1}, 30)
        assert cache.get("gongkai:test") == {"值": 1}
        cache.delete("gongkai:test")


@pytest.mark.django_db
def test_pages_still_render_when_redis_is_down(client, anshan):
    # Port 1 on loopback refuses connections: the cache is "down".
    with override_settings(CACHES=redis_caches("redis://127.0.0.1:1/0")):
        # override_settings rebuilds the cache handlers (Django's setting_changed signal).
        assert type(caches["default"]).__name__ == "RedisCache"
        response = client.get(f"/{anshan.slug}/")
        assert response.status_code == 200
        # The working-day calendar is read through the cache too.
        assert client.get("/api/v1/workdays/add", {"start": "2024-09-27", "days": 20}).json()[
            "result"] == "2024-10-30"
