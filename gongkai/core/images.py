"""Images need alternative text: the editor cannot save an image without one."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail.images.forms import BaseImageForm


class AltTextImageForm(BaseImageForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("description")
        if field is not None:
            field.required = True
            field.label = _("替代文本（图片说明）")
            field.help_text = _(
                "供读屏软件朗读的图片内容描述，例如“2022年鞍山市常住人口分布图”。必填。"
            )
            field.error_messages["required"] = _("请填写替代文本，说明图片的内容。")
