"""Public routes of 统计数据发布 (included by gongkai/urls.py)."""

from django.urls import URLPattern, URLResolver, path

from gongkai.official_stats import browser, views
from gongkai.official_stats.feeds import ReleaseFeed

app_name = "official_stats"

urlpatterns: list[URLPattern | URLResolver] = [
    path("rc/", views.calendar, name="calendar"),
    path("release/<int:pk>/", views.release_detail, name="release"),
    path("feed/rss.xml", ReleaseFeed(), name="release_feed"),
    # The public data browser (browser.py).
    path("data/", browser.index, name="data_index"),
    path("data/<str:table_id>/", browser.table_view, name="data_table"),
]
