"""Two indexes on Wagtail's page table, created with SQL (not the app's own model).

* ``url_path``, for routing by address (site/routing.py). On PostgreSQL a hash index: a
  btree entry is limited to about 2.7 kB, which a deep path of Chinese slugs (3 bytes a
  character) can exceed; routing only ever asks for equality. SQLite has no hash indexes;
  its btree entries have no such limit.
* ``expire_at``, for "the next live page to expire" that every public response asks
  (core/edge_cache.py, for how long it may be cached): without it each request scanned the
  whole table (30–60 ms with 10,000 items on the loaded bench machine). Few pages have an
  expiry, so the index is small.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

URL_PATH_INDEX = "gk_page_url_path"
EXPIRE_AT_INDEX = "gk_page_expire_at"


def create_indexes(apps: Any, schema_editor: Any) -> None:
    using = "USING hash " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {URL_PATH_INDEX} ON wagtailcore_page {using}(url_path)"
    )
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {EXPIRE_AT_INDEX} ON wagtailcore_page (expire_at)"
    )


def drop_indexes(apps: Any, schema_editor: Any) -> None:
    for index in (URL_PATH_INDEX, EXPIRE_AT_INDEX):
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [
        ("site", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
