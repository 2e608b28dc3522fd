from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "gongkai.engagement"
    label = "engagement"
    verbose_name = "专题与公众参与"

    def ready(self) -> None:
        # The page types' place in the columns is declared on catalog.ColumnPage.subpage_types.
        from gongkai.engagement import signal_handlers  # noqa: F401
