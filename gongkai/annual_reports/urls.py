"""Public routes of 政府信息公开工作年度报告 (included by gongkai/urls.py)."""

from django.urls import URLPattern, URLResolver

app_name = "annual_reports"

urlpatterns: list[URLPattern | URLResolver] = []
