"""Media and applicants' attachments on S3-compatible storage (django-storages), against a
local S3 endpoint (moto's server on a free port): what lands where, what is served, and
that applicants' files never get a public URL or a public ACL."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import boto3  # type: ignore[import-untyped]
import pytest
import requests
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from moto.server import ThreadedMotoServer
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from gongkai.catalog.models import DisclosureAttachment
from gongkai.core.object_storage import (
    MEDIA_PREFIX,
    PRIVATE_PREFIX,
    media_bucket_policy,
    object_storages,
)
from gongkai.info_requests.models import private_storage
from gongkai.testing import column, make_item

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint: str, settings: Any) -> Iterator[Any]:
    """Two fresh buckets (media, private) and STORAGES pointing at them."""
    environ = {"AWS_STORAGE_BUCKET_NAME": "gongkai-media", "AWS_PRIVATE_BUCKET_NAME":
               "gongkai-private", "AWS_S3_ENDPOINT_URL": s3_endpoint,
               "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
               "AWS_S3_REGION_NAME": "us-east-1"}
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
    for bucket in ("gongkai-media", "gongkai-private"):
        client.create_bucket(Bucket=bucket)
    client.put_bucket_policy(Bucket="gongkai-media",
                             Policy=json.dumps(media_bucket_policy("gongkai-media")))
    with override_settings(STORAGES={**settings.STORAGES, **object_storages(environ)}):
        yield client
    for bucket in ("gongkai-media", "gongkai-private"):
        for key in _keys(client, bucket):
            client.delete_object(Bucket=bucket, Key=key)
        client.delete_bucket(Bucket=bucket)


def _keys(client: Any, bucket: str) -> list[str]:
    return [o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", [])]


def _public_grants(client: Any, bucket: str, key: str) -> list[str]:
    grants = client.get_object_acl(Bucket=bucket, Key=key)["Grants"]
    return [g["Permission"] for g in grants if g["Grantee"].get("URI") == ALL_USERS]


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), "red").save(buffer, "PNG")
    return SimpleUploadedFile("chart.png", buffer.getvalue(), content_type="image/png")


def test_no_bucket_configured_keeps_the_local_disks() -> None:
    assert object_storages({}) == {}


def test_private_files_share_the_media_bucket_under_their_own_prefix_by_default() -> None:
    configured = object_storages({"AWS_STORAGE_BUCKET_NAME": "media"})
    private = configured["private"]["OPTIONS"]
    assert (private["bucket_name"], private["location"]) == ("media", PRIVATE_PREFIX)
    assert configured["default"]["OPTIONS"]["location"] == MEDIA_PREFIX
    assert private["default_acl"] == "private" and private["querystring_auth"] is True


@pytest.mark.django_db
def test_an_image_and_its_rendition_land_in_the_bucket_and_are_served_from_it(s3: Any) -> None:
    assert type(storages["default"]).__name__ == "S3Storage"
    image = get_image_model().objects.create(title="人口分布图", file=png(),
                                             description="各区县常住人口柱状图")
    rendition = image.get_rendition("width-32")
    keys = _keys(s3, "gongkai-media")
    assert f"{MEDIA_PREFIX}/{image.file.name}" in keys
    assert f"{MEDIA_PREFIX}/{rendition.file.name}" in keys
    assert "Signature" not in rendition.url  # a plain URL: cached pages keep working
    response = requests.get(rendition.url, timeout=10)  # anonymous, straight from S3
    assert response.status_code == 200
    assert PILImage.open(io.BytesIO(response.content)).size == (32, 24)


@pytest.mark.django_db
def test_a_document_stays_private_in_the_bucket_and_django_serves_it_once_public(
        s3: Any, client: Any, anshan: Any) -> None:
    document = get_document_model().objects.create(
        title="2025年统计公报", file=ContentFile(b"%PDF-1.4 gongkai", name="gongbao.pdf"))
    key = f"{MEDIA_PREFIX}/{document.file.name}"
    assert key in _keys(s3, "gongkai-media")
    assert _public_grants(s3, "gongkai-media", key) == []
    direct = requests.get(f"{s3.meta.endpoint_url}/gongkai-media/{key}", timeout=10)
    assert direct.status_code == 403  # not even guessable: the policy covers images only
    assert document.url.startswith("/documents/")  # Django, never the bucket's URL
    assert client.get(document.url).status_code == 404  # no visible page carries it yet
    item = make_item(column(anshan))
    DisclosureAttachment.objects.create(page=item, document=document)
    item.save_revision().publish()
    response = client.get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 gongkai"


@pytest.mark.django_db
def test_applicants_attachments_go_to_the_private_bucket_without_a_url(s3: Any) -> None:
    name = private_storage.save("info_requests/2026/ab/ab12", ContentFile(b"ID card scan"))
    assert type(storages["private"]).__name__ == "S3Storage"
    key = f"{PRIVATE_PREFIX}/{name}"
    assert _keys(s3, "gongkai-private") == [key]
    assert _keys(s3, "gongkai-media") == []  # never next to the public media
    assert _public_grants(s3, "gongkai-private", key) == []
    with pytest.raises(ValueError, match="no URL"):
        private_storage.url(name)
    with private_storage.open(name) as handle:
        assert handle.read() == b"ID card scan"
    direct = requests.get(f"{s3.meta.endpoint_url}/gongkai-private/{key}", timeout=10)
    assert direct.status_code == 403
