"""The admin form of disclosure items: checks that need the item's place in the tree."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminPageForm


class DisclosureItemForm(WagtailAdminPageForm):  # type: ignore[misc]
    def clean_doc_number(self) -> str:
        from gongkai.catalog.selectors import find_doc_number_duplicate
        from gongkai.core.agencies import agency_for_page

        value: str = (self.cleaned_data.get("doc_number") or "").strip()
        if not value:
            return value
        anchor = self.instance if self.instance.pk else self.parent_page
        agency = agency_for_page(anchor) if anchor is not None else None
        if agency is not None:
            duplicate = find_doc_number_duplicate(agency, value, exclude_pk=self.instance.pk)
            if duplicate is not None:
                self.add_error(
                    "doc_number",
                    _("本单位已有使用该文号的信息：“%(title)s”。请核对文号。")
                    % {"title": duplicate.title},
                )
        return value

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        return cleaned
