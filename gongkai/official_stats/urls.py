"""Public routes of 统计数据发布 (included by gongkai/urls.py)."""

from django.urls import URLPattern, URLResolver

app_name = "official_stats"

urlpatterns: list[URLPattern | URLResolver] = []
