from django.apps import AppConfig


class OfficialStatsConfig(AppConfig):
    name = "gongkai.official_stats"
    label = "official_stats"
    verbose_name = "统计数据发布"
