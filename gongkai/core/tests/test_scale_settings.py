"""The environment variables of the scale path (docs/scaling.md) produce the settings they
promise: read in a fresh interpreter, as a server would at start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

READ = """
import json
from gongkai import settings as s
print(json.dumps({"session": s.SESSION_ENGINE, "cache": s.CACHES["default"]["BACKEND"],
                  "storages": s.STORAGES, "replica": s.DATABASES.get("replica"),
                  "serve": s.WAGTAILDOCS_SERVE_METHOD}, default=str))
"""
SCALE_VARS = ("REDIS_URL", "SESSION_ENGINE", "DATABASE_REPLICA_URL", "AWS_STORAGE_BUCKET_NAME",
              "AWS_PRIVATE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL", "MEDIA_STORAGE_BACKEND")


def settings_with(**environ: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k not in SCALE_VARS}
    env.update({"SECRET_KEY": "test-only", "DATABASE_URL": "sqlite:////tmp/unused.sqlite3",
                **environ})
    done = subprocess.run([sys.executable, "-c", READ], env=env, capture_output=True,  # noqa: S603
                          text=True, check=True)
    return dict(json.loads(done.stdout))


def test_without_redis_sessions_live_in_the_database_and_files_on_local_disks() -> None:
    read = settings_with()
    assert read["session"] == "django.contrib.sessions.backends.db"
    assert read["storages"]["default"]["BACKEND"] == "gongkai.core.storage.AtomicFileSystemStorage"
    assert read["storages"]["private"]["BACKEND"] == (
        "gongkai.info_requests.models.LocalPrivateStorage")
    assert read["serve"] == "serve_view"


def test_with_redis_sessions_are_cached_in_redis_and_written_through_to_the_database() -> None:
    read = settings_with(REDIS_URL="redis://10.0.0.5:6379/1")
    assert read["cache"] == "django_redis.cache.RedisCache"
    assert read["session"] == "django.contrib.sessions.backends.cached_db"
    assert settings_with(REDIS_URL="redis://10.0.0.5:6379/1", SESSION_ENGINE=(
        "django.contrib.sessions.backends.cache"))["session"] == (
        "django.contrib.sessions.backends.cache")


def test_a_bucket_moves_media_and_private_files_to_s3() -> None:
    read = settings_with(AWS_STORAGE_BUCKET_NAME="media", AWS_PRIVATE_BUCKET_NAME="private",
                         AWS_S3_ENDPOINT_URL="https://s3.example.gov.cn")
    media, private = read["storages"]["default"], read["storages"]["private"]
    assert media["BACKEND"] == private["BACKEND"] == "storages.backends.s3.S3Storage"
    assert media["OPTIONS"]["bucket_name"] == "media"
    assert private["OPTIONS"]["bucket_name"] == "private"
    assert private["OPTIONS"]["default_acl"] == "private"
    assert media["OPTIONS"]["endpoint_url"] == "https://s3.example.gov.cn"


def test_a_postgresql_replica_gets_a_short_connect_timeout() -> None:
    read = settings_with(DATABASE_REPLICA_URL="postgres://u@10.0.0.21:5432/gongkai")
    assert read["replica"]["OPTIONS"]["connect_timeout"] == 2
    assert read["replica"]["TEST"] == {"MIRROR": "default"}
