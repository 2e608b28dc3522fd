from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gongkai.core"
    label = "core"
    verbose_name = "平台基础"

    def ready(self) -> None:
        from gongkai.core.search import pages
        from gongkai.core.security import checks as _checks  # noqa: F401 - registers them
        from gongkai.core.security import signals as security_signals

        pages.connect()
        security_signals.connect()
