"""Read-only admin panels for what a legacy import kept (docs/legacy-import.md).

Staff see the original damaged text and the restorer's report on the item's edit view;
both fields are ``editable=False`` and never rendered on public pages.
"""

from __future__ import annotations

from typing import Any

from django.template.defaultfilters import linebreaksbr
from wagtail.admin.panels import FieldPanel

from gongkai.core.text.restore import describe_report


class LegacyFieldPanel(FieldPanel):  # type: ignore[misc]
    """A read-only field shown only on pages that came from a legacy import."""

    def __init__(self, field_name: str, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(field_name, **kwargs)

    def format_value_for_display(self, value: Any) -> Any:
        if self.field_name == "restoration_report":
            return describe_report(value)
        return linebreaksbr(value or "", autoescape=True)

    class BoundPanel(FieldPanel.BoundPanel):  # type: ignore[misc]
        def is_shown(self) -> bool:
            return bool(getattr(self.instance, "legacy_key", "")) and super().is_shown()
