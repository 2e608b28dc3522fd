from django.apps import AppConfig


class OfficialStatsConfig(AppConfig):
    name = "gongkai.official_stats"
    label = "official_stats"
    verbose_name = "统计数据发布"

    def ready(self) -> None:
        from gongkai.official_stats import search

        search.connect()
