from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Collection

from gongkai.testing import make_user

pytestmark = pytest.mark.django_db


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return SimpleUploadedFile("chart.png", buffer.getvalue(), content_type="image/png")


def test_it_refuses_an_image_without_alternative_text(client, platform):
    client.force_login(make_user("img_admin", superuser=True))
    response = client.post(reverse("wagtailimages:add"),
                           {"title": "人口分布图", "file": png(), "description": "",
                            "collection": Collection.get_first_root_node().pk})
    assert response.status_code == 200
    assert "请填写替代文本" in response.content.decode()
    assert "人口分布图" in response.content.decode()  # what was typed is kept
    assert not get_image_model().objects.exists()


def test_it_accepts_an_image_with_alternative_text(client, platform):
    client.force_login(make_user("img_admin2", superuser=True))
    client.post(reverse("wagtailimages:add"),
                {"title": "人口分布图", "file": png(), "description": "各区县常住人口柱状图",
                 "collection": Collection.get_first_root_node().pk})
    image = get_image_model().objects.get()
    assert image.default_alt_text == "各区县常住人口柱状图"
