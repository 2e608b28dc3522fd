"""Template tags for the personal-data check in the review modal."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def personal_data_review(page: Any) -> dict[str, Any]:
    """The findings in the latest revision of ``page`` (masked), for the 保密审查 step."""
    from gongkai.catalog.admin_personal_data import review_context
    from gongkai.catalog.models import DisclosureItemPage

    specific = getattr(page, "specific", page)
    if not isinstance(specific, DisclosureItemPage):
        return {}
    return review_context(specific)
