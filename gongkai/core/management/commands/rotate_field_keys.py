"""`gongkai rotate_field_keys`: re-encrypt every encrypted field with the newest key.

Key rotation (docs/security.md): put a new key first in GONGKAI_FIELD_KEYS, keep the old ones
after it, run this command, then remove the old keys. The fields come from
gongkai.core.crypto.ENCRYPTED_FIELDS (TOTP secrets, reporters' identities, …).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from tqdm import tqdm

from gongkai.core import audit, crypto


class Command(BaseCommand):
    help = "用最新的密钥重新加密所有加密字段（密钥轮换）：双因素认证密钥、举报人身份信息等。"

    def handle(self, *args: Any, **options: Any) -> None:
        counts: dict[str, int] = {}
        with transaction.atomic():
            for model_label, field in crypto.ENCRYPTED_FIELDS:
                model = apps.get_model(model_label)
                rows = model.objects.exclude(**{field: ""}).only("pk", field)
                done = 0
                for row in tqdm(list(rows), desc=f"重新加密 {model._meta.verbose_name}",
                                unit="条", disable=not self.stdout.isatty()):
                    setattr(row, field, crypto.rotate(getattr(row, field)))
                    row.save(update_fields=[field])
                    done += 1
                counts[f"{model_label}.{field}"] = done
            audit.record(action="core.field_keys_rotated", data=counts)
        total = sum(counts.values())
        detail = "，".join(f"{k} {v}条" for k, v in counts.items())
        self.stdout.write(f"已重新加密 {total} 条加密字段（{detail}）。")
