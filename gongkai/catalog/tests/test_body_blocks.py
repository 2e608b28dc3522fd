from __future__ import annotations

import pytest

from gongkai.catalog.blocks import body_from_html, table_block
from gongkai.testing import column, make_item

HTML = ("<p>一、人口总量</p><table><caption>常住人口</caption><thead><tr><th>地区</th>"
        "<th>人口（人）</th></tr></thead><tbody><tr><td>鞍山市</td><td>3325372</td></tr>"
        "</tbody></table><p>数据来源：七普公报</p>")


def test_it_splits_html_into_text_and_table_blocks():
    blocks = body_from_html(HTML)
    assert [kind for kind, _ in blocks] == ["text", "table", "text"]
    table = blocks[1][1]
    assert table["table_caption"] == "常住人口"
    assert table["data"] == [["地区", "人口（人）"], ["鞍山市", "3325372"]]
    assert table["first_row_is_table_header"] is True


def test_it_keeps_plain_html_as_one_text_block():
    assert [kind for kind, _ in body_from_html("<p>甲</p><p>乙</p>")] == ["text"]
    assert body_from_html("") == []


@pytest.mark.django_db
def test_tables_render_as_accessible_tables(client, anshan):
    item = make_item(column(anshan), body=[
        ("text", body_from_html("<p>说明</p>")[0][1]),
        table_block("2020年分地区常住人口", ["地区", "常住人口（人）"],
                    [["海城市", "1067905"], ["台安县", "300764"]]),
    ])
    html = client.get(item.url).content.decode()
    assert "<caption>2020年分地区常住人口</caption>" in html
    assert '<th scope="col"' in html and "1067905" in html and "说明" in html
