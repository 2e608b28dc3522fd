from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "gongkai.enforcement"
    label = "enforcement"
    verbose_name = "统计执法公开"

    def ready(self) -> None:
        from gongkai.enforcement import search

        search.connect()
