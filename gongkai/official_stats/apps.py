from django.apps import AppConfig


class OfficialStatsConfig(AppConfig):
    name = "gongkai.official_stats"
    label = "official_stats"
    verbose_name = "统计数据发布"

    def ready(self) -> None:
        from gongkai.core import edge_cache, public_changes
        from gongkai.official_stats import search, selectors
        from gongkai.official_stats.models import Release

        search.connect()
        # A release's data become public at its second with nobody saving anything; a
        # release scheduled, edited, cancelled or postponed changes the calendar at once.
        # Not strict: the rule for a release allows the old page during its second
        # (never the data before it); see edge_cache.stale_allowed.
        edge_cache.register_schedule("statistics-release", selectors.next_release_at,
                                     strict=False)
        public_changes.watch((Release,), "stats")
