"""Form widgets shared by the apps."""

from __future__ import annotations

from typing import Any

from django import forms


class DateInput(forms.DateInput):
    """``<input type="date">`` with its value in ISO form (``2024-10-10``) whatever the locale.

    The HTML date input accepts only ``YYYY-MM-DD``; Django would render an initial value in
    the locale's first input format (``2024/10/10`` for zh-hans), which browsers reject and
    show as an empty field — a required date then blocks the form in the browser while the
    test client, which sends what it is told, never notices."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")
