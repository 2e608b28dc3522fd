from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gongkai.site.script_modes import ScriptMode

# The switch labels, each written in its own script (繁體 is traditional on every page).
SCRIPT_MODE_LABELS = [
    (ScriptMode.SIMPLIFIED, _("简体"), "zh-Hans"),
    (ScriptMode.TRADITIONAL, _("繁體"), "zh-Hant"),
    (ScriptMode.PINYIN, _("拼音"), "zh-Hans"),
]


def site_context(request: HttpRequest) -> dict[str, Any]:
    elder = getattr(request, "elder_mode", False)
    script = getattr(request, "script_mode", ScriptMode.SIMPLIFIED)
    html_class = " ".join(name for name, on in [("mode-elder", elder),
                                                 ("mode-pinyin", script is ScriptMode.PINYIN)]
                          if on)
    return {
        "platform_name": settings.WAGTAIL_SITE_NAME,
        "elder_mode": elder,
        "script_mode": script.value,
        "script_modes": [{"code": code.value, "label": label, "lang": lang,
                          "current": code is script} for code, label, lang in SCRIPT_MODE_LABELS],
        "html_lang": "zh-Hant" if script is ScriptMode.TRADITIONAL else "zh-Hans",
        "html_class": html_class,
    }
