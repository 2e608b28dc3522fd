"""Public routes of 统计执法公开 (included by gongkai/urls.py)."""

from django.urls import URLPattern, URLResolver

app_name = "enforcement"

urlpatterns: list[URLPattern | URLResolver] = []
