"""The public draw pages, their downloads, the verify page and `gongkai enforcement`."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import CommandError
from django.urls import reverse

from gongkai.enforcement import services
from gongkai.enforcement.tests.conftest import DRAWN_AT, SEED
from gongkai.testing import CommandRunner

pytestmark = pytest.mark.django_db


@pytest.fixture
def made(freeze, approver):
    return services.run_draw(freeze, seed_value=SEED, by=approver, now=DRAWN_AT)


def test_the_frozen_list_and_seed_source_are_public_before_the_draw(client, anshan, freeze):
    page = client.get(reverse("enforcement:index", args=[anshan.slug])).content.decode()
    assert freeze.candidates_sha256 in page and "双色球第2026053期" in page
    csv = client.get(reverse("enforcement:freeze_file", args=[anshan.slug, freeze.pk,
                                                              "candidates"]))
    assert csv.content.decode().startswith("uscc,name,region,industry\n")
    import hashlib

    assert hashlib.sha256(csv.content).hexdigest() == freeze.candidates_sha256


def test_the_draw_page_shows_every_input_and_the_result(client, anshan, made):
    page = client.get(reverse("enforcement:draw", args=[anshan.slug, 1])).content.decode()
    for text in (made.freeze.candidates_sha256, made.freeze.inspectors_sha256, SEED,
                 "gongkai-draw-v1", made.record_hash, made.prev_hash,
                 made.assignments[0]["name"]):
        assert text in page
    assert '<th scope="col">执法检查人员</th>' in page


def draw_file(client, agency, sequence=1) -> bytes:
    response = client.get(reverse("enforcement:draw_file", args=[agency.slug, sequence]))
    assert response["Content-Disposition"].startswith("attachment")
    return bytes(response.content)


def test_the_downloaded_draw_file_verifies_on_the_public_page(client, anshan, made):
    raw = draw_file(client, anshan)
    response = client.post(reverse("enforcement:verify"),
                           {"draw_file": SimpleUploadedFile("d.json", raw)})
    assert "验证通过" in response.content.decode()
    tampered = json.loads(raw)
    tampered["seed"]["value"] = "双色球第2026054期"
    response = client.post(reverse("enforcement:verify"),
                           {"text": json.dumps(tampered, ensure_ascii=False)})
    body = response.content.decode()
    assert "验证未通过" in body and "双色球第2026054期" in body  # the pasted text is kept


def test_the_verify_page_explains_an_empty_or_unreadable_submission(client):
    body = client.post(reverse("enforcement:verify"), {"text": ""}).content.decode()
    assert 'role="alert"' in body and "请选择摇号记录文件" in body
    body = client.post(reverse("enforcement:verify"), {"text": "{oops"}).content.decode()
    assert "无法读取" in body


def test_the_console_verify_exits_0_1_or_2(client, anshan, made, tmp_path):
    path = tmp_path / "draw.json"
    path.write_bytes(draw_file(client, anshan))
    out, _err = CommandRunner("enforcement").run("verify", str(path))
    assert "验证通过" in out
    record = json.loads(path.read_bytes())
    record["result"]["enterprises"][0]["name"] = "改过的名字"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError) as failed:
        CommandRunner("enforcement").run("verify", str(path))
    assert failed.value.returncode == 1
    path.write_text("[]", encoding="utf-8")
    assert "无法识别" in CommandRunner("enforcement").fails("verify", str(path))
    assert "无法读取文件" in CommandRunner("enforcement").fails("verify", str(tmp_path / "no"))


def test_the_chain_file_verifies_and_the_stored_chains_are_checked(client, anshan, made,
                                                                   tmp_path):
    path = tmp_path / "chain.json"
    path.write_bytes(client.get(reverse("enforcement:chain_file", args=[anshan.slug])).content)
    answer = CommandRunner("enforcement").run_json("verify", str(path))
    assert answer["ok"] is True
    out, _err = CommandRunner("enforcement").run("check", anshan.slug)
    assert "记录链完整" in out


def test_the_api_gives_the_draw_file_and_only_public_masked_decisions(client, anshan, made,
                                                                      approver):
    import datetime as dt

    from gongkai.enforcement.enums import PartyKind

    record = client.get(f"/api/v1/enforcement/{anshan.slug}/draws/1").json()
    assert record["record_hash"] == made.record_hash
    assert client.get(f"/api/v1/enforcement/{anshan.slug}/draws").json()[0]["sequence"] == 1
    hidden = services.record_penalty(agency=anshan, by=approver, data=services.PenaltyData(
        case_number="鞍统罚〔2026〕5号", party_kind=PartyKind.NATURAL_PERSON, party_name="赵红梅",
        facts="赵红梅拒绝提供统计资料。", legal_basis="统计法", penalty="警告",
        decided_on=dt.date(2026, 1, 5)))
    assert client.get(f"/api/v1/enforcement/{anshan.slug}/penalties").json()["count"] == 0
    services.publish_penalty(hidden, by=approver)
    item = client.get(f"/api/v1/enforcement/{anshan.slug}/penalties").json()["items"][0]
    assert item["party"] == "赵**" and "赵红梅" not in str(item)


def test_the_verify_page_limits_tries_per_address(client, settings):
    from gongkai.enforcement import views

    for _ in range(views.VERIFY_TRIES):
        client.post(reverse("enforcement:verify"), {"text": "{}"})
    body = client.post(reverse("enforcement:verify"), {"text": "{}"}).content.decode()
    assert "验证次数过多" in body and 'role="alert"' in body
