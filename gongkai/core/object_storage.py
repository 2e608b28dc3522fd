"""S3-compatible object storage for media and applicants' attachments (docs/scaling.md).

Read by ``gongkai/settings.py`` before Django is set up, so this module imports nothing
from Django. With ``AWS_STORAGE_BUCKET_NAME`` set, two storages replace the local disks:

* ``default`` — images, their renditions and Wagtail documents, under ``media/`` in the
  media bucket. Image URLs are plain (no signature), so cached pages keep working; the
  bucket policy makes only the image prefixes public (docs/scaling.md). Documents stay
  private objects: Django streams them at ``/documents/<id>/<name>``
  (``WAGTAILDOCS_SERVE_METHOD = "serve_view"``), so collection privacy and the download
  counter still apply.
* ``private`` — applicants' attachments (gongkai.info_requests.models.PrivateStorage),
  in their own bucket (``AWS_PRIVATE_BUCKET_NAME``; by default the media bucket under
  ``private/``), written with the ``private`` canned ACL. They have no URL at all: staff
  read them through Django, never through a link handed to a browser.

An S3 PUT is atomic by nature (an object is visible whole or not at all), so the
temporary-file-and-rename of ``gongkai.core.storage`` is only needed on local disks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

S3_BACKEND = "storages.backends.s3.S3Storage"
MEDIA_PREFIX = "media"
PRIVATE_PREFIX = "private"


def _common(environ: Mapping[str, str]) -> dict[str, Any]:
    options: dict[str, Any] = {
        "access_key": environ.get("AWS_ACCESS_KEY_ID", ""),
        "secret_key": environ.get("AWS_SECRET_ACCESS_KEY", ""),
        "region_name": environ.get("AWS_S3_REGION_NAME", "") or None,
        "endpoint_url": environ.get("AWS_S3_ENDPOINT_URL", "") or None,
        # Never overwrite: a second upload with the same name gets a suffix, as on disk.
        "file_overwrite": False,
        # Most S3-compatible services (MinIO, Ceph, OSS, COS) want path-style addressing.
        "addressing_style": environ.get("AWS_S3_ADDRESSING_STYLE", "path"),
        "signature_version": "s3v4",
    }
    return {key: value for key, value in options.items() if value is not None}


def object_storages(environ: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """The ``STORAGES`` entries for S3, or ``{}`` when no bucket is configured."""
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "")
    if not bucket:
        return {}
    common = _common(environ)
    private_bucket = environ.get("AWS_PRIVATE_BUCKET_NAME", "") or bucket
    media: dict[str, Any] = {
        **common, "bucket_name": bucket, "location": MEDIA_PREFIX,
        # Public image URLs without a signature (a signed URL expires inside cached HTML).
        "querystring_auth": False,
        # No ACL on the object: the bucket policy decides what is public (images only).
        "default_acl": None,
    }
    if environ.get("AWS_S3_CUSTOM_DOMAIN"):
        media["custom_domain"] = environ["AWS_S3_CUSTOM_DOMAIN"]
    private: dict[str, Any] = {
        **common, "bucket_name": private_bucket, "location": PRIVATE_PREFIX,
        "default_acl": "private",
        # Signed and short-lived, should anything ever ask for a URL (PrivateStorage
        # refuses before it gets here).
        "querystring_auth": True, "querystring_expire": 60,
    }
    return {"default": {"BACKEND": S3_BACKEND, "OPTIONS": media},
            "private": {"BACKEND": S3_BACKEND, "OPTIONS": private}}


# Wagtail's image files: originals and renditions. Documents (``documents/``) are missing on
# purpose: a document is public only once a visible page carries it, which Django decides.
PUBLIC_IMAGE_PREFIXES = ("original_images/", "images/")


def media_bucket_policy(bucket: str, prefix: str = MEDIA_PREFIX) -> dict[str, Any]:
    """The bucket policy that lets anyone read images, and nothing else, from the media
    bucket (apply it once: ``aws s3api put-bucket-policy``, see docs/scaling.md)."""
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "PublicImagesOnly",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": [f"arn:aws:s3:::{bucket}/{prefix}/{images}*"
                         for images in PUBLIC_IMAGE_PREFIXES],
        }],
    }
