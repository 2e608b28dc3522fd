"""Public routes of 专题与公众参与 (included by gongkai/urls.py)."""

from django.urls import URLPattern, URLResolver

app_name = "engagement"

urlpatterns: list[URLPattern | URLResolver] = []
